package org.onecnn.experiment;

import java.util.List;

import org.onecnn.backend.ComputeProfile;
import org.onecnn.util.MemoryBudget;

/**
 * The memory an experiment will need, estimated from its sizes before anything runs or is written, and
 * compared with the Java heap and (finite-sample experiments) the compute profile's
 * {@code memory_limit_gb}: a size that cannot fit is refused naming the field and the largest value that
 * fits ({@link MemoryBudget}), instead of an {@link OutOfMemoryError} or a native {@code bad_alloc} later.
 *
 * <p>The estimates are deliberately generous upper bounds of what the code holds at once:
 * <ul>
 * <li>a run in flight on the population engines or Convotron: {@link #RUN_VECTORS} vectors of the model's
 * size {@code k + p + d} doubles (initial point, iterate, gradients, the engines' work arrays);</li>
 * <li>a finished run: {@link #RESULT_BYTES} (its result object and its row of {@code results.csv} as boxed
 * values and strings); a recorded trajectory point: {@link #POINT_BYTES};</li>
 * <li>ND4J (off-heap): {@link ComputeProfile#workingSetBytes} for one student on the largest data set, the
 * formula the trainer's chunking uses.</li>
 * </ul>
 */
final class MemoryEstimate {
    static final int RUN_VECTORS = 16;
    static final double RESULT_BYTES = 1024;
    static final double POINT_BYTES = 256;

    private MemoryEstimate() {
    }

    /** Bytes of one model-sized vector set: k + p + d doubles plus an object header. */
    private static double vec(double k, double p, double d) {
        return 8 * (k + p + d) + 64;
    }

    private static int threads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The field a user wrote for {@code path}: the grid axis that sets it, or the path itself. */
    private static String field(ExperimentConfig cfg, String path) {
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

    /**
     * The model's shape: the teacher, {@code inflight} runs' vectors (the engines) and, per cell,
     * {@code perCell} vectors that are kept (the initial points). k or p, whichever is larger, is named.
     */
    private static void shape(ExperimentConfig cfg, MemoryBudget heap, double inflight, double kept,
            double fixedBytes, String what) {
        ExperimentConfig.Model m = cfg.model();
        int k = m.k();
        int p = m.p();
        int s = m.s();
        boolean sameStride = s == p;
        double runs = 2 + inflight * RUN_VECTORS + kept;
        if (k >= p) {
            heap.require(field(cfg, "model.k"), k, 1, x -> fixedBytes + runs * vec(x, p, (x - 1.0) * s + p), what);
        } else {
            heap.require(field(cfg, "model.p"), p, 1, x -> fixedBytes + runs * vec(k, x, (k - 1.0) * (sameStride ? x
                    : s) + x), what);
        }
    }

    /** Trajectory points recorded per recorded run with budget {@code steps}, every {@code every}. */
    private static double points(long steps, long every, int extra) {
        return (every > 0 ? (double) steps / every + 1 : 0) + extra;
    }

    static void populationSweep(ConfigLoader.Loaded loaded) {
        MemoryBudget heap = MemoryBudget.heap();
        List<ConfigLoader.Cell> cells = loaded.cells();
        for (ConfigLoader.Cell c : cells) {
            ExperimentConfig cc = c.config();
            int per = cc.init().signRestarts() ? 4 : 1;
            double inflight = Math.min((double) cc.init().count(), (double) threads() * PopulationSweep.CHUNK) * per;
            shape(cc, heap, inflight, 0, 0, "the runs in flight of a cell (k + p + d doubles each)");
        }
        ExperimentConfig cfg = loaded.config();
        // results of every cell (held until the run is assembled) and the recorded trajectories
        heap.require(field(cfg, "init.count"), maxCount(cells), 1, x -> {
            double b = 0;
            for (ConfigLoader.Cell c : cells) {
                ExperimentConfig cc = c.config();
                double n = Math.min(x, cc.init().count() == maxCount(cells) ? x : cc.init().count());
                int per = cc.init().signRestarts() ? 4 : 1;
                ExperimentConfig.Record r = cc.record();
                b += n * RESULT_BYTES + Math.min(n, r.runs()) * per * points(cc.stop().maxSteps(), r.every(),
                        r.steps().size()) * POINT_BYTES * (r.any() ? 1 : 0);
            }
            return b;
        }, "the results of " + cells.size() + " cell(s) and their recorded trajectories");
    }

    private static int maxCount(List<ConfigLoader.Cell> cells) {
        return cells.stream().mapToInt(c -> c.config().init().count()).max().orElse(1);
    }

    static void twoPhase(ExperimentConfig cfg) {
        MemoryBudget heap = MemoryBudget.heap();
        shape(cfg, heap, Math.min(cfg.twoPhase().maxDraws(), TwoPhaseExperiment.BATCH), 2, 0,
                "the initializations tried at once (k + p + d doubles each)");
        heap.require("two_phase.max_draws", cfg.twoPhase().maxDraws(), 1, x -> x * RESULT_BYTES,
                "the results of the initializations tried");
        long every = cfg.twoPhase().every();
        heap.require("stop.max_steps", cfg.stop().maxSteps(), 1, x -> 3 * points(x, every, 0) * POINT_BYTES,
                "the two recorded trajectories and the gradient flow, every " + every + " steps");
    }

    /** sample-size and paired-trajectories: the population side on the heap, the data on ND4J's memory. */
    static void empirical(ExperimentConfig cfg, boolean trajectories) {
        MemoryBudget heap = MemoryBudget.heap();
        ExperimentConfig.Empirical e = cfg.empirical();
        int count = cfg.init().count();
        double sets = (double) e.n().size() * e.datasets();
        shape(cfg, heap, Math.min(count, (double) threads() * PopulationSweep.CHUNK), 2.0 * count, 0,
                "the " + count + " initializations and the population runs (k + p + d doubles each)");
        double pts = trajectories ? 2 * points(e.maxSteps(), e.every(), 0) * POINT_BYTES : 0;
        heap.require("init.count", count, 1, x -> x * (RESULT_BYTES + sets * (RESULT_BYTES + pts)),
                "the results" + (trajectories ? " and trajectories" : "") + " of " + (long) sets + " data set(s)");
        ComputeProfile prof = ComputeContext.profile(cfg);
        MemoryBudget nd4j = MemoryBudget.of(prof.memoryLimitBytes(), "profile " + prof.name() + "'s memory_limit_gb = "
                + prof.settings().get(ComputeProfile.MEMORY_LIMIT_GB) + " GiB (ND4J's memory)");
        long nMax = e.n().stream().mapToLong(Long::longValue).max().orElse(1);
        int k = cfg.model().k();
        int r = cfg.model().p();
        int b = prof.dataType().bytes();
        int ms = prof.maxSamplesPerChunk();
        nd4j.require("empirical.n", nMax, 1, x -> ComputeProfile.workingSetBytes(x, k, r, count, 1, ms, b),
                "a data set of n samples and one student training on it");
        nd4j.require("init.count", count, 1, x -> ComputeProfile.workingSetBytes(nMax, k, r, (int) Math.min(x,
                Integer.MAX_VALUE), 1, ms, b), "the students' parameters on ND4J");
    }

    /** Double Convotron: each cell in flight holds a test set of every teacher. */
    static void convotron(ExperimentConfig cfg, int cells) {
        MemoryBudget heap = MemoryBudget.heap();
        ExperimentConfig.ConvotronCfg c = cfg.convotron();
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
        heap.require("convotron.test_samples", c.testSamples(), 1, x -> conc * (t + 2) * (x * (d + 1.0) * 8)
                + conc * t * 2 * RUN_VECTORS * vec(d, p, d), "the test sets of " + t + " teachers in each of "
                + (long) conc + " cell(s) run at once");
        heap.require("convotron.teachers", t, 1, x -> conc * (x + 2) * (c.testSamples() * (d + 1.0) * 8)
                + conc * x * 2 * RUN_VECTORS * vec(d, p, d), "the test sets of the teachers in each of "
                + (long) conc + " cell(s) run at once");
    }

    /** overlap-landscape: every (stride, teacher) task holds its initializations and results. */
    static void overlap(ExperimentConfig cfg, List<Integer> strides) {
        MemoryBudget heap = MemoryBudget.heap();
        int d = cfg.model().d();
        int p = cfg.model().p();
        double tasks = strides.size();
        int t = cfg.convotron().teachers();
        int count = cfg.init().count();
        // k of the smallest stride is the largest
        double k = (d - p) / (double) strides.stream().mapToInt(Integer::intValue).min().orElse(p) + 1;
        double running = Math.min(threads(), tasks * t); // tasks run at once, each with all its runs in flight
        heap.require("init.count", count, 1, x -> tasks * t * x * (vec(k, p, d) + RESULT_BYTES)
                + running * x * RUN_VECTORS * vec(k, p, d), "the initializations and results of " + (long) tasks
                + " stride(s) × " + t + " teacher(s)");
        heap.require("convotron.teachers", t, 1, x -> tasks * x * count * (vec(k, p, d) + RESULT_BYTES),
                "the initializations and results of " + (long) tasks + " stride(s) × the teachers");
    }
}
