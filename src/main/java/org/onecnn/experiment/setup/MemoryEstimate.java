package org.onecnn.experiment.setup;

import java.util.List;

import org.onecnn.backend.ComputeProfile;
import org.onecnn.util.MemoryBudget;
import org.onecnn.experiment.Bounds;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.ExperimentSpec;
import org.onecnn.experiment.Sections;

/**
 * The memory an experiment will need, estimated from its sizes before anything runs or is written, and
 * compared with the Java heap and (finite-sample experiments) the compute profile's
 * {@code memory_limit_gb}: a size that cannot fit is refused naming the field and the largest value that
 * fits ({@link MemoryBudget}), instead of an {@link OutOfMemoryError} or a native {@code bad_alloc} later.
 *
 * <p>The estimates are deliberately generous upper bounds of what the code holds at once:
 * <ul>
 * <li>a run in flight on the population engines: {@link #RUN_VECTORS} vectors of {@code k + p} doubles (its
 * initial point, the engine's copy of the iterate and slack; the engines' per-step work arrays are shared
 * per thread); a Convotron run: {@link #RUN_VECTORS} vectors of {@code k + p + d} doubles;</li>
 * <li>a finished run: {@link #RESULT_BYTES} (its result object and its row of {@code results.csv} as boxed
 * values and strings); a recorded trajectory point: {@link #POINT_BYTES};</li>
 * <li>ND4J (off-heap): {@link ComputeProfile#workingSetBytes} for one student on the largest data set, the
 * formula the trainer's chunking uses.</li>
 * </ul>
 */
public final class MemoryEstimate {
    public static final int RUN_VECTORS = 4;
    public static final double RESULT_BYTES = 1024;
    public static final double POINT_BYTES = 256;

    private MemoryEstimate() {
    }

    /** Bytes of one model-sized vector set: k + p + d doubles plus an object header. */
    public static double vec(double k, double p, double d) {
        return 8 * (k + p + d) + 64;
    }

    public static int threads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The field a user wrote for {@code path}: the grid axis that sets it, or the path itself. */
    public static String field(ExperimentSpec cfg, String path) {
        for (String a : cfg.axes()) {
            try {
                if (ConfigLoader.resolvePath(a, cfg.type()).equals(path)) {
                    return "grid." + a;
                }
            } catch (org.onecnn.util.InvalidInputException e) {
                // reported by the grid expansion
            }
        }
        return path;
    }

    /** Bytes per unit of a run count. */
    public interface PerRun {
        /** Bytes with {@code count} runs (of the cell or experiment) and a model of vector size {@code vecBytes}. */
        double bytes(double count, double vecBytes);
    }

    /**
     * The model's shape against the number of runs: {@code bytes(count, vec)} with {@code vec} the bytes of
     * one vector set of the model ({@link #vec}); the field named is k, p or the count, whichever frees the
     * most memory when reduced.
     */
    public static void shape(Sections.HasModel cfg, ExperimentSpec top, MemoryBudget heap, String countField,
            int count, PerRun bytes, String what) {
        Sections.Model m = cfg.model();
        int k = m.k();
        int p = m.p();
        double v = vec(k, p, 0);
        heap.require(what,
            new MemoryBudget.Candidate(field(top, "model.k"), k, 1, x -> bytes.bytes(count, vec(x, p, 0))),
            new MemoryBudget.Candidate(field(top, "model.p"), p, 1, x -> bytes.bytes(count, vec(k, x, 0))),
            new MemoryBudget.Candidate(field(top, countField), count, 1, x -> bytes.bytes(x, v)));
    }

    /** Trajectory points recorded per recorded run with budget {@code steps}, every {@code every}. */
    public static double points(long steps, long every, int extra) {
        return (every > 0 ? (double) steps / every + 1 : 0) + extra;
    }

    /** sample-size and paired-trajectories: the population side on the heap, the data on ND4J's memory. */
    public static void empirical(Sections.FiniteSampleSpec cfg, boolean trajectories) {
        MemoryBudget heap = MemoryBudget.heap();
        Sections.Empirical e = cfg.empirical();
        int count = cfg.init().count();
        double sets = (double) e.n().size() * e.datasets();
        double pts = trajectories ? 2 * points(e.maxSteps(), e.every(), 0) * POINT_BYTES : 0;
        shape(cfg, cfg, heap, "init.count", count, (n, v) -> (2 + 2 * n + Math.min(n, (double) threads()
                * PopulationSetup.CHUNK) * RUN_VECTORS) * v + n * RESULT_BYTES,
                "the initializations and the population runs (k + p doubles each)");
        // the results (and trajectories) of every data set are held when the summaries are made
        heap.require("the results" + (trajectories ? " and trajectories" : "") + " of every data set",
            new MemoryBudget.Candidate("init.count", count, 1, x -> sets * x * (RESULT_BYTES + pts)),
            new MemoryBudget.Candidate("empirical.datasets", e.datasets(), 1, x -> e.n().size() * x * count
                * (RESULT_BYTES + pts)),
            new MemoryBudget.Candidate("empirical.max_steps", e.maxSteps(), 1, x -> sets * count * (RESULT_BYTES
                + (trajectories ? 2 * points(x, e.every(), 0) * POINT_BYTES : 0))));
        ComputeProfile prof = ComputeContext.profile(cfg);
        MemoryBudget nd4j = MemoryBudget.of(prof.memoryLimitBytes(), "profile " + prof.name() + "'s memory_limit_gb = "
                + prof.settings().get(ComputeProfile.MEMORY_LIMIT_GB) + " GiB (ND4J's memory)");
        long nMax = e.n().stream().mapToLong(Long::longValue).max().orElse(1);
        int k = cfg.model().k();
        int r = cfg.model().p();
        int b = e.dataType() == null ? prof.dataType().bytes() : e.dataType().equals("float") ? 4 : 8;
        int ms = e.sampleChunk() != null ? e.sampleChunk() : prof.maxSamplesPerChunk();
        if (e.studentChunk() != null) {
            // an explicit chunk replaces the one the profile's memory limit would choose
            long chunk = Math.min(e.studentChunk(), count);
            nd4j.require("the students of a chunk training on the largest data set",
                new MemoryBudget.Candidate("empirical.student_chunk", chunk, 1, x -> ComputeProfile.workingSetBytes(
                    nMax, k, r, count, x, ms, b)),
                new MemoryBudget.Candidate("empirical.n", nMax, 1, x -> ComputeProfile.workingSetBytes(x, k, r, count,
                    chunk, ms, b)));
        }
        if (e.regime() == org.onecnn.empirical.Regime.ONLINE) {
            // online SGD draws a fresh batch of batch_size samples every step: that batch is the data set
            nd4j.require("a fresh batch of samples and one student training on it", new MemoryBudget.Candidate(
                "empirical.batch_size", e.batchSize(), 1, x -> ComputeProfile.workingSetBytes(x, k, r, count, 1, ms,
                    b)));
        }
        nd4j.require("the largest data set and one student training on it (the students' parameters included)",
            new MemoryBudget.Candidate("empirical.n", nMax, 1, x -> ComputeProfile.workingSetBytes(x, k, r, count, 1,
                ms, b)),
            new MemoryBudget.Candidate("init.count", count, 1, x -> ComputeProfile.workingSetBytes(nMax, k, r,
                (int) Math.min(x, Integer.MAX_VALUE), 1, ms, b)),
            new MemoryBudget.Candidate("model.k", k, 1, x -> ComputeProfile.workingSetBytes(nMax, (int) x, r, count,
                1, ms, b)));
        if (e.regime() != org.onecnn.empirical.Regime.ONLINE) {
            // the data sets live on the heap whatever the engine (an ND4J engine copies them off-heap as well,
            // counted above; checked after that, so that the field named when both fail stays the same);
            // sample-size trains as many cells at once as its engine allows, each holding its data set;
            // paired-trajectories one data set at a time
            org.onecnn.backend.Precision type = EmpiricalSetup.precision(cfg);
            int d = cfg.model().architecture().d();
            double conc = trajectories ? 1 : Math.min(sets, e.trainingEngine().concurrentTrainings());
            heap.require("the data set(s) being made or read, " + (long) conc + " at a time (the double fill of "
                    + "a generated set and its " + type.key() + " copy, or a set read or verified from disk)",
                new MemoryBudget.Candidate("empirical.n", nMax, 1, x -> conc * datasetBytes(x, d, type)));
        }
        if (e.studentChunk() == null) {
            // last, after the estimates that name the config's fields: the chunk execute sizes from the profile
            // (its own max_samples_per_chunk even where empirical.sample_chunk is smaller), so that a profile too
            // small for one student is refused before the run folder exists
            ComputeContext.studentChunk(cfg, prof, count);
        }
    }

    /**
     * The most heap bytes one data set of {@code n} samples of dimension {@code d} in {@code type} takes while
     * it is made, read or verified: its generation ({@link DatasetGenerator#peakBytes}: the double fill, and for
     * a float set its rounded copy), plus two copies in {@code type}: a saved data set that is verified holds
     * the generated set and the one read back (the file's bytes and the array made from them); a set read from
     * {@code datasets_from} holds the file's bytes and the array.
     */
    public static double datasetBytes(long n, int d, org.onecnn.backend.Precision type) {
        return org.onecnn.empirical.data.DatasetGenerator.peakBytes(n, d, type)
                + 2.0 * type.bytes() * ((double) n * d + n);
    }

    /** Double Convotron: each cell in flight holds a test set of every teacher. */
    public static void convotron(Sections.ConvotronSpec cfg, int cells) {
        MemoryBudget heap = MemoryBudget.heap();
        Sections.ConvotronCfg c = cfg.convotron();
        int d = cfg.model().d();
        int p = cfg.model().p();
        long maxSamples = Bounds.MAX_DIMENSION / d;
        if (c.testSamples() > maxSamples) {
            throw new org.onecnn.util.InvalidInputException("convotron.test_samples", c.testSamples() + " samples of "
                    + "d = " + d + " inputs do not fit one Java array (at most " + Bounds.MAX_DIMENSION
                    + " values); the largest convotron.test_samples for this d is " + maxSamples);
        }
        double conc = Math.min(threads(), cells);
        int t = c.teachers();
        int ts = c.testSamples();
        heap.require("the test sets of the teachers in each of " + (long) conc + " cell(s) run at once",
            new MemoryBudget.Candidate("convotron.test_samples", ts, 1, x -> conc * (t + 2) * (x * (d + 1.0) * 8)
                + conc * t * 2 * RUN_VECTORS * vec(d, p, d)),
            new MemoryBudget.Candidate("convotron.teachers", t, 1, x -> conc * (x + 2) * (ts * (d + 1.0) * 8)
                + conc * x * 2 * RUN_VECTORS * vec(d, p, d)));
    }

}
