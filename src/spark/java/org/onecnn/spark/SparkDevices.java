package org.onecnn.spark;

import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.backend.ComputeProfile;
import org.onecnn.experiment.ComputeContext;
import org.onecnn.experiment.ExperimentSpec;
import org.onecnn.experiment.Sections;
import org.onecnn.util.InvalidInputException;

/**
 * Which device a Spark task computes on. What computes a cell is the run's config, as on one machine: the engine
 * ({@code empirical.engine}) and the compute profile ({@code empirical.profile}, backend {@code cpu} or {@code
 * cuda}); they are part of the config hash, so executors never swap them (the bytes would no longer be those of a
 * local run). The device follows the executor: with a CUDA profile, a task computes on the GPU that Spark's
 * resource scheduling assigned it ({@code spark.executor.resource.gpu.amount}, {@code
 * spark.task.resource.gpu.amount=1}, a discovery script; docs/cluster.md), by binding ND4J's device to that
 * address on the task's thread; with a CPU profile, or for an experiment that trains nothing on ND4J, assigned GPUs
 * are ignored. An executor whose devices cannot run the profile refuses the cell with the line {@code onecnn
 * doctor} would print ({@link ComputeContext#open}).
 */
final class SparkDevices {
    private SparkDevices() {
    }

    /**
     * The ND4J device of a task with GPUs {@code gpus} (Spark's addresses: device ordinals) under {@code backend}:
     * the first assigned GPU with a CUDA profile, none ({@code -1}) with a CPU profile or no GPU assigned.
     *
     * @throws InvalidInputException if an address is not a device ordinal
     */
    static int device(ComputeProfile.Backend backend, String[] gpus) {
        if (backend != ComputeProfile.Backend.CUDA || gpus.length == 0) {
            return -1;
        }
        try {
            int d = Integer.parseInt(gpus[0].strip());
            if (d >= 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidInputException("spark.task.resource.gpu", "Spark assigned GPU address '" + gpus[0] + "', "
                + "not a device ordinal (0, 1, ...): the discovery script must print the CUDA device numbers");
    }

    /** The backend of a config's profile: that of {@code empirical.profile} for finite-sample types, else none. */
    static ComputeProfile.Backend backend(ExperimentSpec cfg) {
        return cfg instanceof Sections.FiniteSampleSpec f ? ComputeContext.profile(f).backend() : null;
    }

    /**
     * Binds this thread's ND4J device to the task's GPU, if the config computes on CUDA and one is assigned.
     *
     * @return a line for the executor's log when Spark assigned GPUs (the one computing, or why none is), else null
     */
    static String use(ExperimentSpec cfg, String[] gpus) {
        ComputeProfile.Backend backend = backend(cfg);
        int d = device(backend, gpus);
        if (d >= 0) {
            Nd4j.getAffinityManager().unsafeSetDevice(d);
            return "computing on GPU " + d + " (assigned by Spark)";
        }
        return gpus.length == 0 ? null : "GPU(s) " + String.join(",", gpus) + " assigned by Spark, not used: "
                + (backend == null ? "this experiment trains nothing on ND4J" : "the profile computes on the CPU");
    }
}
