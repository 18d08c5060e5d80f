package org.onecnn.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.onecnn.experiment.Bounds;
import org.onecnn.model.DuInitialization;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.OutcomeClassifier;
import org.onecnn.model.Teacher;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.PopulationJob;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.StopSpec;
import org.onecnn.population.TrajectorySink;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.MemoryBudget;
import org.onecnn.util.SeedStream;

/**
 * Throughput of Algorithm 1 on the exact population loss, on the workload described in
 * docs/engines.md (Benchmarks): teacher of the ratio family (ratio 9, ‖a*‖ = 1, ‖w*‖ = 1),
 * Du et al. initializations, η = 0.05, exactly {@code steps} steps per run (no early stop), runs split
 * into chunks over all threads. Reports run-steps per second (runs × steps / wall time) of the median
 * of {@code repeats} timed passes, after one untimed warm-up pass for the JIT.
 */
public final class PopulationBench {
    /** The most timed passes: the median of more tells nothing new. */
    static final int MAX_REPEATS = 1000;

    /**
     * The initialization of run {@code i}: {@code INIT.derive(seed, 0, i)}, the label and indices of the population
     * experiments' {@code init} stream (cell 0), so the bench draws the initial points a one-cell run would.
     */
    static final SeedStream INIT = SeedStream.perItem("init", "the Du et al. initialization of one run",
            "cell", "run");

    private PopulationBench() {
    }

    /** Benchmark parameters. */
    public record Spec(int k, int p, int inits, long steps, String engine, int threads, int repeats, double ratio,
            double eta, long seed) {
        public Spec {
            InvalidInputException.requirePositive("--k", k);
            InvalidInputException.requirePositive("--p", p);
            InvalidInputException.requirePositive("--inits", inits);
            if (steps < 1) {
                throw new InvalidInputException("--steps", "must be >= 1, got " + steps);
            }
            Bounds.requireSteps("--steps", steps);
            Bounds.requireThreads("--threads", threads);
            InvalidInputException.requirePositive("--repeats", repeats);
            if (repeats > MAX_REPEATS) {
                throw new InvalidInputException("--repeats", "must be <= " + MAX_REPEATS + " (the median of more "
                        + "passes tells nothing new), got " + repeats);
            }
            Bounds.requireStep("--eta", eta);
            if (engine == null || (!engine.equals("reduced") && !engine.equals("full"))) {
                throw new InvalidInputException("--engine", "must be reduced or full, got " + engine);
            }
            if (!(ratio >= 0 && ratio <= k) || (k == 1 && ratio != 1)) {
                throw new InvalidInputException("--ratio", "the teacher's ratio (1ᵀa*)²/‖a*‖² must lie in [0, k] = "
                        + "[0, " + k + "]" + (k == 1 ? " and is 1 for k = 1" : "") + ", got " + ratio);
            }
            if ((long) k * p > Bounds.MAX_DIMENSION) {
                throw new InvalidInputException(k >= p ? "--k" : "--p", "the input dimension d = k·p = " + (long) k * p
                        + " exceeds " + Bounds.MAX_DIMENSION + ", the most onecnn holds in one array");
            }
            // every initialization is held (k + p doubles, twice with the iterate) and run in chunks on all threads
            MemoryBudget heap = MemoryBudget.heap();
            heap.require("the initializations (k + p doubles each, twice), their results and the teacher",
                new MemoryBudget.Candidate("--inits", inits, 1, x -> (x + 2.0) * (8 * 4 * (k + p + 0.0) + 512)),
                new MemoryBudget.Candidate("--k", k, 1, x -> (inits + 2.0) * (8 * 4 * (x + p + 0.0) + 512)),
                new MemoryBudget.Candidate("--p", p, 1, x -> (inits + 2.0) * (8 * 4 * (k + x + 0.0) + 512)));
        }
    }

    /** Run the benchmark, printing one line per pass and the result last; returns run-steps per second. */
    public static double run(Spec s, PrintStream out) throws InterruptedException {
        Teacher t = Teacher.ratioFamily(s.k(), s.p(), s.ratio(), 1.0, 1.0, s.seed());
        List<InitialPoint> inits = new ArrayList<>(s.inits());
        for (int i = 0; i < s.inits(); i++) {
            inits.add(DuInitialization.draw(t, INIT.derive(s.seed(), 0, i)));
        }
        int chunks = Math.max(s.threads(), (s.inits() + 255) / 256);
        List<List<InitialPoint>> parts = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
            int lo = (int) ((long) s.inits() * c / chunks);
            int hi = (int) ((long) s.inits() * (c + 1) / chunks);
            if (hi > lo) {
                parts.add(inits.subList(lo, hi));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(s.threads());
        try {
            out.printf(Locale.ROOT, "bench population: engine=%s k=%d p=%d inits=%d steps=%d threads=%d eta=%s "
                    + "ratio=%s%n", s.engine(), s.k(), s.p(), s.inits(), s.steps(), s.threads(), s.eta(), s.ratio());
            pass(pool, t, parts, s.steps(), s); // warm-up: the JIT compiles the hot loop
            double[] rates = new double[s.repeats()];
            for (int r = 0; r < s.repeats(); r++) {
                long t0 = System.nanoTime();
                pass(pool, t, parts, s.steps(), s);
                double sec = (System.nanoTime() - t0) / 1e9;
                rates[r] = s.inits() * (double) s.steps() / sec;
                out.printf(Locale.ROOT, "pass %d: %.3f s, %.4g run-steps/s%n", r + 1, sec, rates[r]);
            }
            Arrays.sort(rates);
            double median = rates[rates.length / 2];
            out.printf(Locale.ROOT, "run_steps_per_s=%.4g%n", median);
            return median;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void pass(ExecutorService pool, Teacher t, List<List<InitialPoint>> parts, long steps, Spec s)
            throws InterruptedException {
        List<Future<?>> fs = new ArrayList<>();
        for (List<InitialPoint> part : parts) {
            fs.add(pool.submit(() -> PopulationEngine.named(s.engine()).run(new PopulationJob(t, part, s.eta(),
                    StopSpec.fixed(steps), OutcomeClassifier.duDefault(), RecordPlan.NONE), TrajectorySink.NONE)));
        }
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }
}
