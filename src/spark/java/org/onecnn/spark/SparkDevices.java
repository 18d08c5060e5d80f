package org.onecnn.spark;

import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.backend.ComputeProfile;
import org.onecnn.experiment.setup.ComputeContext;
import org.onecnn.experiment.ExperimentSpec;
import org.onecnn.experiment.Sections;
import org.onecnn.util.InvalidInputException;

/**
 * Which device a Spark task computes on. What computes a cell is the run's config, as on one machine: the engine
 * ({@code empirical.engine}) and the compute profile ({@code empirical.profile}); they are part of the config hash,
 * so executors never swap them. The device follows the executor, through Spark's resource scheduling ({@code
 * spark.executor.resource.gpu.amount}, {@code spark.task.resource.gpu.amount}, a discovery script;
 * docs/cluster.md):
 * <ul>
 * <li>the {@code cuda} engine computes on the GPU Spark assigned: its device ({@code onecnn.cuda.device}, read
 * once per JVM when the engine loads) is set to the first task's address, before anything loads the engine; so
 * give each executor one GPU ({@code spark.executor.resource.gpu.amount=1}). An {@code onecnn.cuda.device} the
 * executor was started with ({@code spark.executor.extraJavaOptions}) is kept;</li>
 * <li>the {@code dl4j} engine with a CUDA profile binds ND4J's device on the task's thread to the assigned
 * address;</li>
 * <li>with a CPU engine, or for an experiment that trains nothing on a GPU, assigned GPUs are left unused.</li>
 * </ul>
 * An executor whose devices cannot run the config refuses the cell with onecnn's one-line check
 * ({@link ComputeContext#open}).
 */
final class SparkDevices {
    /** The system property the {@code cuda} engine reads its device from. */
    static final String CUDA_DEVICE = "onecnn.cuda.device";

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
        return ordinal(gpus[0]);
    }

    private static int ordinal(String address) {
        try {
            int d = Integer.parseInt(address.strip());
            if (d >= 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidInputException("spark.task.resource.gpu", "Spark assigned GPU address '" + address + "', "
                + "not a device ordinal (0, 1, ...): the discovery script must print the CUDA device numbers");
    }

    /** The backend of a config's profile: that of {@code empirical.profile} for finite-sample types, else none. */
    static ComputeProfile.Backend backend(ExperimentSpec cfg) {
        return cfg instanceof Sections.FiniteSampleSpec f ? ComputeContext.profile(f).backend() : null;
    }

    /** The empirical engine of a config ({@code empirical.engine}, resolved), or null for a type without one. */
    static String engine(ExperimentSpec cfg) {
        return cfg instanceof Sections.FiniteSampleSpec f ? f.empirical().engine() : null;
    }

    /**
     * Puts the task on the GPU Spark assigned it, as the class comment says; call it before anything of the run
     * loads an engine in this JVM.
     *
     * @return a line for the executor's log when Spark assigned GPUs (the one computing, or why none is), else null
     */
    static synchronized String use(ExperimentSpec cfg, String[] gpus) {
        if (gpus.length == 0) {
            return null;
        }
        if ("cuda".equals(engine(cfg))) {
            String set = System.getProperty(CUDA_DEVICE);
            if (set == null) {
                set = String.valueOf(ordinal(gpus[0]));
                System.setProperty(CUDA_DEVICE, set);
            }
            return "the cuda engine computes on GPU " + set + " (Spark assigned " + String.join(",", gpus) + ")";
        }
        int d = device(backend(cfg), gpus);
        if (d >= 0) {
            Nd4j.getAffinityManager().unsafeSetDevice(d);
            return "ND4J computes on GPU " + d + " (assigned by Spark)";
        }
        return "GPU(s) " + String.join(",", gpus) + " assigned by Spark, not used: " + (engine(cfg) == null
                ? "this experiment trains nothing on a GPU" : "the " + engine(cfg) + " engine computes on the CPU");
    }
}
