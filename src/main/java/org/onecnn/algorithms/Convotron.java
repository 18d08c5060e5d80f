package org.onecnn.algorithms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.onecnn.model.Architecture;
import org.onecnn.model.InputSampler;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;

/**
 * Convotron (Goel, Klivans, Meka 2018; docs/algorithms.md): learn the filter of a one-hidden-layer CNN whose output layer
 * {@code a} is known, or approximately known, from one fresh sample per step.
 *
 * <h2>Update</h2>
 * Start at {@code w = 0}. At step {@code t} draw a fresh input {@code x} and its label
 * {@code y = Σ_i a*_i σ_α(w*ᵀ P_i x)} ({@code σ_α(z) = max(z, αz)}, {@code P_i x = x[i s .. i s + r − 1]},
 * overlapping patches allowed), and set
 * <pre>
 *     w ← w + η (y − f(w, a, x)) Σ_i a_i P_i x,      f(w, a, x) = Σ_i a_i σ_α(wᵀ P_i x).
 * </pre>
 * Nothing else: no projection, no averaging, no clipping. Why it works: write
 * {@code σ_α(t) = (1+α)/2 · t + (1−α)/2 · |t|}. The factor {@code Σ_i a_i P_i x} is odd in {@code x} and the
 * {@code |·|} part of {@code y − f} is even, so for a symmetric input distribution with identity covariance
 * ({@link InputSampler#symmetric()} and {@link InputSampler#identityCovariance()}: Gaussian, uniform and Rademacher
 * inputs) the expected update
 * with {@code a = a*} is exactly linear: {@code E[Δw] = η (1+α)/2 · M (w* − w)}, {@code M = Σ_ij a_i a_j P_i P_jᵀ}
 * (positive semi-definite). The noise vanishes at {@code w = w*} (the labels are realisable), so {@code w → w*}
 * in mean square for small enough {@code η}. With {@code a = λ a*}, {@code λ > 0}, the target is {@code w* / λ}
 * (σ_α is positively homogeneous); with {@code λ < 0} no filter fits, which is what Double Convotron's stage 3
 * detects.
 *
 * <h2>Randomness</h2>
 * A {@link Run} with seed {@code S} draws its inputs from {@code new SampleStream(distribution, d, S)}: chunks of
 * {@link SampleStream#rowsPerChunk} samples, each drawn by {@link InputSampler#draw} with the seed
 * {@link SampleStream#CHUNK}{@code .derive(S, c)} (for the ND4J-backed distributions, on the ND4J backend with its
 * own {@code NdRandom} generator). Nothing else is random.
 *
 * <h2>Batching, and why the arithmetic is plain Java</h2>
 * {@link #run(Settings, List)} steps {@code B} independent runs together (same shapes and schedule; own teacher,
 * output layer, seed and test set): the filters live in one flat {@code [B, r]} array, the output layers in
 * {@code [B, k]}, and each step updates every run with its own fresh sample. Runs share nothing but the loop, so
 * a run's result is bitwise the same alone or in any batch (tested).
 *
 * <p>The per-step update is written as plain Java loops over double arrays, not as ND4J ops, because the ND4J
 * version is slower at every batch size that matters. Measured on this 2-core machine ({@code StepTiming} in the
 * tests; {@code d = 160, r = 16, s = 12, k = 13}, double precision, ranges over repeated runs):
 * <table>
 * <caption>time of one Convotron step of B runs</caption>
 * <tr><th>B</th><th>ND4J batched step</th><th>Java arithmetic</th><th>Java + chunked ND4J samples (Gaussian)</th></tr>
 * <tr><td>1</td><td>310–750 µs</td><td>0.65 µs</td><td>3.6–3.8 µs</td></tr>
 * <tr><td>16</td><td>730–950 µs (45–60 µs a run)</td><td>10 µs (0.64 a run)</td><td>50–54 µs (3.2–3.4 a run)</td></tr>
 * <tr><td>256</td><td>7.5–7.8 ms (29–31 µs a run)</td><td>0.15–0.16 ms (0.60–0.64 a run)</td>
 * <td>0.96–1.2 ms (3.7–4.8 a run)</td></tr>
 * <tr><td>2048</td><td>35–45 ms (17–22 µs a run)</td><td>1.3 ms (0.63 a run)</td><td>10.7–11.1 ms (5.2–5.4 a run)</td></tr>
 * </table>
 * The ND4J step is a straightforward batched formulation: {@code X [B, d]} drawn by
 * {@code InputDistribution.sample} with an {@code NdRandom} generator, the patches by one GEMM with a 0/1 selection
 * matrix {@code [d, k r]}, pre-activations of student and teacher and {@code Σ a_i P_i x} by batched matmuls,
 * ReLU, row sums and the in-place update: about 12 ops at 20–60 µs of fixed cost each, for about {@code 3kr ≈ 600}
 * multiply-adds of work per run. Even at B = 2048 the ND4J step costs 25–35 times the Java arithmetic. A
 * single-sample draw per step ({@code [1, 160]}) alone costs 10–17 µs, so the samples are drawn in chunks per run
 * ({@link SampleStream}); then a step is dominated by ND4J's Gaussian generator (about 20 ns a value, 3 µs a
 * sample of 160; uniform samples cost 0.75–1.9 µs), not by the update. Batching in Java changes the cost per run
 * little; it keeps runs in lockstep (common recording schedule) and in the {@code [B, r]} layout of the ensemble
 * layers.
 *
 * <p>Memory: each run holds one chunk of samples, {@code 2¹⁶} doubles (512 KiB), so a batch of B runs needs about
 * {@code B/2} MiB of heap.
 */
public final class Convotron {
    private Convotron() {
    }

    /**
     * What a batch of Convotron runs shares.
     *
     * @param architecture  {@code (d, r, s)}; {@code k = (d − r)/s + 1}
     * @param distribution  the input distribution
     * @param leakySlope    α in {@code [0, 1)} of both teacher and student (0: ReLU)
     * @param eta           step size {@code η > 0}
     * @param steps         number of updates {@code T >= 1}
     * @param recordEvery   the test error is recorded after {@code 0, recordEvery, 2·recordEvery, …} updates and
     *                      after the last
     */
    public record Settings(Architecture architecture, InputSampler distribution, double leakySlope, double eta,
            long steps, long recordEvery) {

        public Settings {
            Checks.architecture(architecture);
            Checks.distribution(distribution);
            Checks.leakySlope(leakySlope);
            Checks.eta("eta", eta);
            Checks.steps("steps", steps);
            Checks.steps("record_every", recordEvery);
            ErrorTrace.schedule(steps, recordEvery);
        }

        /** Validated factory. */
        public static Settings of(Architecture architecture, InputSampler distribution, double leakySlope,
                double eta, long steps, long recordEvery) {
            return new Settings(architecture, distribution, leakySlope, eta, steps, recordEvery);
        }
    }

    /**
     * One run: the teacher that labels the samples, the output layer {@code a} Convotron uses (the known or
     * approximately known {@code a*}, e.g. from Double Convotron's stage 1), the seed of the sample stream and an
     * optional test set (null: no trace). Immutable ({@code a} is copied in and out).
     */
    public record Run(Teacher teacher, double[] a, long seed, EvaluationSet test) {

        public Run {
            if (teacher == null) {
                throw new InvalidInputException("teacher", "is required");
            }
            if (a == null) {
                throw new InvalidInputException("a", "is required");
            }
            InvalidInputException.requireFinite("a", a);
            a = a.clone();
        }

        /** A run with the exact output layer {@code a = a*} and no test set. */
        public static Run knownOutput(Teacher teacher, long seed) {
            return new Run(teacher, teacher == null ? null : teacher.aStar(), seed, null);
        }

        @Override
        public double[] a() {
            return a.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Run x && teacher.equals(x.teacher) && Arrays.equals(a, x.a) && seed == x.seed
                    && java.util.Objects.equals(test, x.test);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(teacher, Arrays.hashCode(a), seed, test);
        }

        @Override
        public String toString() {
            return "Run[teacher=" + teacher.description() + ", a=" + Arrays.toString(a) + ", seed=" + seed
                    + ", test=" + (test == null ? "none" : test.size() + " samples") + "]";
        }
    }

    /**
     * The outcome of one run: the final filter {@code w}, the output layer {@code a} it was learned with, and the
     * test-error trace (empty without a test set). Immutable.
     */
    public record Result(double[] w, double[] a, ErrorTrace trace) {

        public Result {
            if (w == null || a == null || trace == null) {
                throw new InvalidInputException("result", "w, a and trace are required");
            }
            w = w.clone();
            a = a.clone();
        }

        @Override
        public double[] w() {
            return w.clone();
        }

        @Override
        public double[] a() {
            return a.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result x && Arrays.equals(w, x.w) && Arrays.equals(a, x.a) && trace.equals(x.trace);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(w) + Arrays.hashCode(a)) + trace.hashCode();
        }

        @Override
        public String toString() {
            return "Result[w=" + Arrays.toString(w) + ", a=" + Arrays.toString(a) + ", " + trace + "]";
        }

        /** Whether the iterate overflowed: a non-finite entry of {@code w} or {@code a} (a step too large). */
        public boolean diverged() {
            return !Checks.allFinite(w) || !Checks.allFinite(a);
        }
    }

    /** One run alone; bitwise the same as the run inside any batch. */
    public static Result run(Settings settings, Run run) {
        return run(settings, List.of(run)).get(0);
    }

    /**
     * {@code B = runs.size()} independent runs stepped together; results in the order of {@code runs}.
     *
     * @throws InvalidInputException if a run does not fit the settings (teacher, {@code |a| = k}, test set of
     *                               another architecture or slope)
     */
    public static List<Result> run(Settings settings, List<Run> runs) {
        return run(settings, runs, null);
    }

    /**
     * {@link #run(Settings, List)}, reporting progress: at every recorded step {@code progress} receives the
     * run-steps done since its last call ({@code B} per step), {@code B · steps} in all.
     *
     * @param progress receives increments; may be {@code null}
     */
    public static List<Result> run(Settings settings, List<Run> runs, java.util.function.LongConsumer progress) {
        if (settings == null) {
            throw new InvalidInputException("settings", "is required");
        }
        if (runs == null || runs.isEmpty()) {
            throw new InvalidInputException("runs", "at least one run is required");
        }
        Architecture arch = settings.architecture();
        int r = arch.r();
        int k = arch.k();
        int bCount = runs.size();
        double alpha = settings.leakySlope();
        double eta = settings.eta();

        double[] w = new double[bCount * r];
        double[] a = new double[bCount * k];
        double[] wStar = new double[bCount * r];
        double[] aStar = new double[bCount * k];
        SampleStream[] streams = new SampleStream[bCount];
        EvaluationSet[] tests = new EvaluationSet[bCount];
        for (int b = 0; b < bCount; b++) {
            Run run = checkRun(settings, runs.get(b), b);
            System.arraycopy(run.a, 0, a, b * k, k);
            System.arraycopy(run.teacher().wStar(), 0, wStar, b * r, r);
            System.arraycopy(run.teacher().aStar(), 0, aStar, b * k, k);
            streams[b] = new SampleStream(settings.distribution(), arch.d(), run.seed());
            tests[b] = run.test();
        }

        long[] schedule = ErrorTrace.schedule(settings.steps(), settings.recordEvery());
        double[][] mse = new double[bCount][schedule.length];
        double[][] rel = new double[bCount][schedule.length];
        record(tests, w, a, r, k, 0, mse, rel);
        int next = 1;
        double[] u = new double[r];
        for (long t = 1; t <= settings.steps(); t++) {
            for (int b = 0; b < bCount; b++) {
                SampleStream stream = streams[b];
                int off = stream.next();
                step(stream.buffer(), off, arch, alpha, eta, wStar, aStar, w, a, b, u);
            }
            if (t == schedule[next]) {
                record(tests, w, a, r, k, next, mse, rel);
                if (progress != null) {
                    progress.accept(bCount * (schedule[next] - schedule[next - 1]));
                }
                next++;
            }
        }

        List<Result> out = new ArrayList<>(bCount);
        for (int b = 0; b < bCount; b++) {
            ErrorTrace trace = tests[b] == null ? ErrorTrace.empty() : new ErrorTrace(schedule, mse[b], rel[b]);
            out.add(new Result(Kernels.slice(w, b * r, r), Kernels.slice(a, b * k, k), trace));
        }
        return out;
    }

    /** Run {@code b} of a batch, after checking that it fits the settings (errors name {@code runs[b]}). */
    private static Run checkRun(Settings settings, Run run, int b) {
        if (run == null) {
            throw new InvalidInputException("runs[" + b + "]", "is required");
        }
        Architecture arch = settings.architecture();
        double alpha = settings.leakySlope();
        try {
            Checks.teacher(arch, run.teacher());
            Checks.vector("a", run.a, arch.k());
            if (run.test() != null && (!run.test().architecture().equals(arch)
                    || run.test().leakySlope() != alpha)) {
                throw new InvalidInputException("test", "was drawn for " + run.test().architecture()
                        + ", α = " + run.test().leakySlope() + ", not " + arch + ", α = " + alpha);
            }
        } catch (InvalidInputException e) {
            throw e.under("runs[" + b + "]");
        }
        return run;
    }

    /**
     * One Convotron update of run {@code b} on the sample {@code x[off .. off + d − 1]}:
     * {@code w_b ← w_b + η (y − f) Σ_i a_{b,i} P_i x}. {@code u} is scratch of length {@code r}.
     */
    static void step(double[] x, int off, Architecture arch, double alpha, double eta, double[] wStar,
            double[] aStar, double[] w, double[] a, int b, double[] u) {
        int r = arch.r();
        int k = arch.k();
        int s = arch.s();
        int wo = b * r;
        int ao = b * k;
        double y = Kernels.output(wStar, wo, r, aStar, ao, k, x, off, s, alpha, null);
        double f = Kernels.output(w, wo, r, a, ao, k, x, off, s, alpha, null);
        Kernels.combine(a, ao, k, x, off, s, r, u);
        double c = eta * (y - f);
        for (int j = 0; j < r; j++) {
            w[wo + j] += c * u[j];
        }
    }

    private static void record(EvaluationSet[] tests, double[] w, double[] a, int r, int k, int i, double[][] mse,
            double[][] rel) {
        for (int b = 0; b < tests.length; b++) {
            if (tests[b] != null) {
                double e = tests[b].meanSquaredError(w, b * r, a, b * k);
                mse[b][i] = e;
                rel[b][i] = e / tests[b].meanSquaredLabel();
            }
        }
    }
}
