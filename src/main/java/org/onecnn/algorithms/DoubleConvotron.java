package org.onecnn.algorithms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.onecnn.model.Architecture;
import org.onecnn.model.InputSampler;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.SeedStream;
import org.onecnn.util.SeededRandom;

/**
 * Double Convotron (Du and Goel 2018, "Improved learning of one-hidden-layer convolutional neural networks with
 * overlaps"; docs/algorithms.md): learn both layers of a one-hidden-layer CNN with overlapping patches, {@code 2s > r}.
 *
 * <h2>Stage 1: the output layer, from the non-overlapping parts</h2>
 * Coordinates {@code r − s .. s − 1} of patch {@code j} (length {@code m = 2s − r}), {@code P_j^non x =
 * x[j s + r − s .. j s + s − 1]}, belong to patch {@code j} only. With
 * {@code f_non(w_non, a, x) = Σ_j a_j σ_α(w_nonᵀ P_j^non x)}, each step draws a fresh {@code (x, y)} and
 * <pre>
 *     g = 2/(1+α) (f_non − y) Σ_j a_j P_j^non x      + ¼ (‖w_non‖² − ‖a‖²) w_non
 *     h = 2/(1+α) (f_non − y) [w_nonᵀ P_j^non x]_j   + ¼ (‖a‖² − ‖w_non‖²) a
 *     w_non ← w_non − η₁ g + η₁ ξ_w,     a ← a − η₁ h + η₁ ξ_a,
 * </pre>
 * both from the same {@code (w_non, a)}, with {@code ξ_w ∈ S^{m−1}}, {@code ξ_a ∈ S^{k−1}} uniform and fresh each
 * step. Why: with {@code σ_α(t) = (1+α)/2 t + (1−α)/2 |t|} and a symmetric input of identity covariance the even
 * part drops out and the non-overlapping parts are disjoint from every other patch, so
 * {@code E[g, h] = ∇F} for {@code F(w, a) = ½‖w aᵀ − w*_non a*ᵀ‖²_F + (1/16)(‖w‖² − ‖a‖²)²}: a balanced
 * rank-one matrix factorisation whose minima are {@code a = λ a*}, {@code w_non = w*_non/λ},
 * {@code λ² = ‖w*_non‖/‖a*‖}, with either sign of λ; the noise lets the iteration leave the saddle at 0.
 * With {@code s = r} the non-overlapping part is the whole patch and stage 1 alone learns the filter.
 *
 * <h2>Stage 2 and 3: the filter, and the sign</h2>
 * Stage 2 runs {@link Convotron} from {@code w = 0} twice, with the stage-1 {@code a} and with {@code −a}
 * ({@code η₂}, {@code T₂} steps, each sign its own sample stream), recording the test error on a fixed set of
 * fresh test samples. Stage 3 keeps {@code (w₊, a)} or {@code (w₋, −a)}, whichever has the lower mean squared
 * error on a fixed set of fresh validation samples (ties and a non-finite {@code −a} loss keep {@code +a}; a
 * non-finite {@code +a} loss with a finite {@code −a} loss takes {@code −a}).
 *
 * <h2>Initialisation and randomness</h2>
 * Everything of a {@link Problem} with seed {@code S} is a pure function of {@code S} (and the teacher):
 * <ul>
 * <li>initial point: {@code w_non = ρ u}, {@code a = ρ v} with {@code u, v} uniform unit vectors (drawn in that
 * order by a {@link SeededRandom} seeded with {@code INIT.derive(S)}) and
 * {@code ρ = initScale} (default 0.1): small and random as in Du and Goel, and balanced ({@code ‖w_non‖ = ‖a‖}),
 * which is the balance the regulariser enforces;</li>
 * <li>stage-1 samples: {@code SampleStream(dist, d, STAGE1.derive(S))};</li>
 * <li>stage-1 noise: a {@link SeededRandom} seeded with {@code NOISE.derive(S)}, each
 * step {@code ξ_w} then {@code ξ_a} by {@link SeededRandom#unitVector} (normalised Gaussians, exactly uniform on
 * the sphere);</li>
 * <li>stage-2 samples: {@code STAGE2.derive(S, 0)} for {@code +a}, {@code STAGE2.derive(S, 1)} for
 * {@code −a};</li>
 * <li>test set: {@code TEST.derive(S)}; validation set: {@code VALIDATION.derive(S)};</li>
 * <li>{@link Problem#gaussian}: teacher {@code Teacher.gaussian(k, r, TEACHER.derive(S))}.</li>
 * </ul>
 * (the {@link SeedStream} constants of this class; their labels are {@code double-convotron/init} and so on).
 *
 * <h2>Batching</h2>
 * As {@link Convotron}: the {@code B} problems of one call step together on flat {@code [B, m]} and {@code [B, k]}
 * arrays (stage 2: {@code 2B} runs, both signs of every problem), in plain Java arithmetic for the reasons and
 * measurements given there; results are bitwise independent of the batch.
 */
public final class DoubleConvotron {
    /** The initial point {@code (u, v)} of a problem, one per problem. */
    public static final SeedStream INIT = SeedStream.of("double-convotron/init",
            "the stage-1 initial point (u, v) of one Double Convotron problem");
    /** The stage-1 sample stream of a problem (a {@link SampleStream} seed). */
    public static final SeedStream STAGE1 = SeedStream.of("double-convotron/stage1",
            "the stage-1 sample stream of one Double Convotron problem");
    /** The stage-1 sphere noise of a problem. */
    public static final SeedStream NOISE = SeedStream.of("double-convotron/noise",
            "the stage-1 sphere noise of one Double Convotron problem");
    /** The stage-2 sample streams of a problem, sign 0 for {@code +a}, 1 for {@code −a}. */
    public static final SeedStream STAGE2 = SeedStream.of("double-convotron/stage2",
            "the stage-2 Convotron sample stream of one Double Convotron problem and sign", "sign");
    /** The stage-2 test set of a problem. */
    public static final SeedStream TEST = SeedStream.of("double-convotron/test",
            "the stage-2 test set of one Double Convotron problem");
    /** The stage-3 validation set of a problem. */
    public static final SeedStream VALIDATION = SeedStream.of("double-convotron/validation",
            "the stage-3 validation set of one Double Convotron problem");
    /** The Gaussian teacher of {@link Problem#gaussian}. */
    public static final SeedStream TEACHER = SeedStream.of("double-convotron/teacher",
            "the Gaussian teacher (w*, a*) of one Double Convotron problem");

    private DoubleConvotron() {
    }

    /** The steps and step sizes of stages 1 and 2: {@code T₁, η₁, T₂, η₂}. */
    public record Schedule(long steps1, double eta1, long steps2, double eta2) {
    }

    /**
     * The settings of a batch of Double Convotron runs.
     *
     * @param architecture      {@code (d, r, s)} with {@code 2s > r}
     * @param distribution      the input distribution
     * @param leakySlope        α in {@code [0, 1)} (0: ReLU)
     * @param steps1            stage-1 updates {@code T₁ >= 1}
     * @param eta1              stage-1 step {@code η₁ > 0}
     * @param steps2            stage-2 updates {@code T₂ >= 1} (per sign)
     * @param eta2              stage-2 step {@code η₂ > 0}
     * @param initScale         {@code ρ = ‖w_non‖ = ‖a‖} at the start of stage 1, {@code >= 0}
     * @param testSamples       size of the fixed test set of stage 2, {@code >= 1}
     * @param validationSamples size of the fixed validation set of stage 3, {@code >= 1}
     * @param recordEvery1      stage-1 angles are recorded every this many steps (and at the end)
     * @param recordEvery2      stage-2 test errors are recorded every this many steps (and at the end)
     */
    public record Settings(Architecture architecture, InputSampler distribution, double leakySlope, long steps1,
            double eta1, long steps2, double eta2, double initScale, int testSamples, int validationSamples,
            long recordEvery1, long recordEvery2) {

        /** Du and Goel's input size, filter size and the stride set of their Figure 1. */
        public static final int PUBLISHED_D = 160;
        public static final int PUBLISHED_R = 16;
        public static final List<Integer> PUBLISHED_STRIDES = List.of(9, 12, 16);
        /**
         * The default {@code ρ = ‖w_non‖ = ‖a‖} at the start: small (Du and Goel start near the saddle at 0 and rely
         * on the noise), one to two orders below the norm {@code (‖w*_non‖ ‖a*‖)^½} of the minima for Gaussian
         * teachers. It matters little in the published setting: on 24 Gaussian teachers per stride (Gaussian
         * input, {@code η₁T₁ = 1}) ρ ∈ {0.1, 0.3, 1} gave the same median final stage-1 angle (0.33, 0.13, 0.01–0.02
         * rad for s = 9, 12, 16) and stage-2 relative error within 0.03; larger ρ only trims the worst runs a
         * little (less distance to travel). With uniform input ({@code T₁ = 4·10⁴}) ρ ∈ {0.01, 0.1, 1} gave
         * the same results on 8 teachers per stride.
         */
        public static final double DEFAULT_INIT_SCALE = 0.1;
        /** The test-set size of Du and Goel, also used for validation by default. */
        public static final int DEFAULT_SAMPLES = 10_000;
        /**
         * Du and Goel's schedules by input distribution name, sorted by name: {@code gaussian} {@code T₁ = 10⁴, η₁ = 1e−4,
         * T₂ = 10⁴, η₂ = 1e−4}; {@code uniform} {@code T₁ = 4·10⁴, η₁ = 1e−4, T₂ = 10⁵, η₂ = 1e−5}.
         */
        public static final java.util.SortedMap<String, Schedule> PUBLISHED_SCHEDULES =
                java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(java.util.Map.of(
                        "gaussian", new Schedule(10_000, 1e-4, 10_000, 1e-4),
                        "uniform", new Schedule(40_000, 1e-4, 100_000, 1e-5))));

        public Settings {
            Checks.architecture(architecture);
            if (2 * architecture.s() <= architecture.r()) {
                throw new InvalidInputException("s", "Double Convotron needs 2s > r (a non-empty non-overlapping "
                        + "part of each patch), got s = " + architecture.s() + ", r = " + architecture.r());
            }
            Checks.distribution(distribution);
            Checks.leakySlope(leakySlope);
            Checks.steps("steps1", steps1);
            Checks.eta("eta1", eta1);
            Checks.steps("steps2", steps2);
            Checks.eta("eta2", eta2);
            if (!(initScale >= 0) || !Double.isFinite(initScale)) {
                throw new InvalidInputException("init_scale", "must be a finite number >= 0, got " + initScale);
            }
            InvalidInputException.requirePositive("test_samples", testSamples);
            InvalidInputException.requirePositive("validation_samples", validationSamples);
            Checks.steps("record_every1", recordEvery1);
            Checks.steps("record_every2", recordEvery2);
            ErrorTrace.schedule(steps1, recordEvery1);
            ErrorTrace.schedule(steps2, recordEvery2);
        }

        /** Validated factory; the traces are recorded at 100 evenly spaced steps of each stage. */
        public static Settings of(Architecture architecture, InputSampler distribution, double leakySlope,
                long steps1, double eta1, long steps2, double eta2) {
            return new Settings(architecture, distribution, leakySlope, steps1, eta1, steps2, eta2,
                    DEFAULT_INIT_SCALE, DEFAULT_SAMPLES, DEFAULT_SAMPLES, Math.max(1, steps1 / 100),
                    Math.max(1, steps2 / 100));
        }

        /**
         * The published setting (docs/experiments.md, dg2019-double-convotron): {@code d = 160}, {@code r = 16},
         * stride {@code s}, α = 0; Gaussian input {@code T₁ = 10⁴, η₁ = 1e−4, T₂ = 10⁴, η₂ = 1e−4}; uniform input
         * {@code T₁ = 4·10⁴, η₁ = 1e−4, T₂ = 10⁵, η₂ = 1e−5}; 10,000 test and validation samples. The schedules are
         * keyed by the distribution's name ({@link #PUBLISHED_SCHEDULES}); any other distribution is refused, never
         * given another one's schedule (step sizes tuned for one input law can diverge on another).
         *
         * @throws InvalidInputException if the distribution is neither of the two, or {@code s} does not give an
         *                               architecture with {@code 2s > r}
         */
        public static Settings published(InputSampler distribution, int stride) {
            Schedule p = distribution == null ? null : PUBLISHED_SCHEDULES.get(distribution.name());
            if (p == null) {
                throw new InvalidInputException("distribution", "the published setting exists for "
                        + String.join(" and ", PUBLISHED_SCHEDULES.keySet()) + " only, got "
                        + (distribution == null ? "none" : distribution.name())
                        + "; give the steps and step sizes of both stages explicitly");
            }
            Architecture arch = Architecture.of(PUBLISHED_D, PUBLISHED_R, stride);
            return of(arch, distribution, 0.0, p.steps1(), p.eta1(), p.steps2(), p.eta2());
        }

        /** These settings with another initial scale {@code ρ}. */
        public Settings withInitScale(double rho) {
            return new Settings(architecture, distribution, leakySlope, steps1, eta1, steps2, eta2, rho, testSamples,
                    validationSamples, recordEvery1, recordEvery2);
        }

        /** These settings with other test and validation set sizes. */
        public Settings withSamples(int test, int validation) {
            return new Settings(architecture, distribution, leakySlope, steps1, eta1, steps2, eta2, initScale, test,
                    validation, recordEvery1, recordEvery2);
        }

        /** Length {@code m = 2s − r} of the non-overlapping part of a patch. */
        public int nonOverlapLength() {
            return 2 * architecture.s() - architecture.r();
        }

        /** The stage-2 Convotron settings. */
        public Convotron.Settings stage2() {
            return Convotron.Settings.of(architecture, distribution, leakySlope, eta2, steps2, recordEvery2);
        }
    }

    /** One problem: the teacher and the seed every random draw of the run derives from. */
    public record Problem(Teacher teacher, long seed) {

        public Problem {
            if (teacher == null) {
                throw new InvalidInputException("teacher", "is required");
            }
        }

        /**
         * Du and Goel's teacher {@code w* ~ N(0, I_r)}, {@code a* ~ N(0, I_k)}, drawn with
         * {@link #TEACHER}{@code .derive(seed)}.
         */
        public static Problem gaussian(Architecture arch, long seed) {
            Checks.architecture(arch);
            return new Problem(Teacher.gaussian(arch.k(), arch.r(), TEACHER.derive(seed)),
                    seed);
        }
    }

    /** Stage 1's outcome: the final {@code w_non} and {@code a}, and the angle trace. Immutable. */
    public record Stage1(double[] wNon, double[] a, AngleTrace trace) {

        public Stage1 {
            if (wNon == null || a == null || trace == null) {
                throw new InvalidInputException("stage1", "w_non, a and trace are required");
            }
            wNon = wNon.clone();
            a = a.clone();
        }

        @Override
        public double[] wNon() {
            return wNon.clone();
        }

        @Override
        public double[] a() {
            return a.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Stage1 x && Arrays.equals(wNon, x.wNon) && Arrays.equals(a, x.a)
                    && trace.equals(x.trace);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(wNon), Arrays.hashCode(a), trace);
        }

        @Override
        public String toString() {
            return "Stage1[w_non=" + Arrays.toString(wNon) + ", a=" + Arrays.toString(a) + ", " + trace + "]";
        }

        /** Whether stage 1 overflowed: a non-finite entry of {@code w_non} or {@code a}. */
        public boolean diverged() {
            return !Checks.allFinite(wNon) || !Checks.allFinite(a);
        }
    }

    /**
     * Stage 3's decision: {@code sign = +1} keeps {@code (w₊, a)}, {@code −1} keeps {@code (w₋, −a)}; the mean
     * squared validation errors of both.
     */
    public record Choice(int sign, double validationLossPlus, double validationLossMinus) {

        public Choice {
            if (sign != 1 && sign != -1) {
                throw new InvalidInputException("sign", "must be +1 or -1, got " + sign);
            }
        }

        /** The decision rule of stage 3 (see the class Javadoc for ties and non-finite losses). */
        public static Choice of(double lossPlus, double lossMinus) {
            boolean plusOk = Double.isFinite(lossPlus);
            boolean minusOk = Double.isFinite(lossMinus);
            int sign = plusOk ? (minusOk && lossMinus < lossPlus ? -1 : 1) : (minusOk ? -1 : 1);
            return new Choice(sign, lossPlus, lossMinus);
        }
    }

    /**
     * The outcome of stages 2 and 3 for one problem: both Convotron runs (with {@code a} and with {@code −a}),
     * the choice, and the final pair {@code (w, a)}.
     */
    public record Stages23(Convotron.Result plus, Convotron.Result minus, Choice choice) {

        public Stages23 {
            if (plus == null || minus == null || choice == null) {
                throw new InvalidInputException("stages23", "plus, minus and choice are required");
            }
        }

        /** The chosen Convotron run. */
        public Convotron.Result chosen() {
            return choice.sign() > 0 ? plus : minus;
        }

        /** The final filter. */
        public double[] w() {
            return chosen().w();
        }

        /** The final output layer ({@code a} or {@code −a}). */
        public double[] a() {
            return chosen().a();
        }
    }

    /** Everything of one Double Convotron run. */
    public record Result(Stage1 stage1, Stages23 stages23) {

        public Result {
            if (stage1 == null || stages23 == null) {
                throw new InvalidInputException("result", "stage1 and stages23 are required");
            }
        }

        /** Stage 1's angle trace. */
        public AngleTrace stage1Trace() {
            return stage1.trace();
        }

        /** Stage 2's test-error trace with {@code +a}. */
        public ErrorTrace plusTrace() {
            return stages23.plus().trace();
        }

        /** Stage 2's test-error trace with {@code −a}. */
        public ErrorTrace minusTrace() {
            return stages23.minus().trace();
        }

        /** Stage 2's test-error trace of the chosen sign. */
        public ErrorTrace chosenTrace() {
            return stages23.chosen().trace();
        }

        public Choice choice() {
            return stages23.choice();
        }

        /** The final filter {@code w}. */
        public double[] w() {
            return stages23.w();
        }

        /** The final output layer {@code a}. */
        public double[] a() {
            return stages23.a();
        }

        /**
         * Whether the run diverged: stage 1 overflowed (stage 2 then ran from {@code a = 0} and measures nothing),
         * or the chosen stage-2 run did. A non-finite run of the other sign alone is not a divergence of the
         * algorithm: stage 3 rejects it.
         */
        public boolean diverged() {
            return stage1.diverged() || stages23.chosen().diverged();
        }
    }

    /** All three stages for one problem; bitwise the same as inside a batch. */
    public static Result run(Settings settings, Problem problem) {
        return run(settings, List.of(problem)).get(0);
    }

    /**
     * All three stages for each problem, batched. A stage 1 that diverged (a non-finite {@code a}, from a step
     * too large for the teacher's scale) hands {@code a = 0} to stage 2: Convotron then keeps {@code w = 0}, and
     * the run reports the test error of the zero predictor (relative error 1) instead of stopping the batch;
     * its stage-1 trace keeps the non-finite angle.
     */
    public static List<Result> run(Settings settings, List<Problem> problems) {
        return run(settings, problems, null);
    }

    /**
     * {@link #run(Settings, List)}, reporting progress in run-steps: {@code B · T₁} for stage 1 and
     * {@code 2B · T₂} for stage 2, in increments at every recorded step.
     *
     * @param progress receives increments; may be {@code null}
     */
    public static List<Result> run(Settings settings, List<Problem> problems,
            java.util.function.LongConsumer progress) {
        List<Stage1> s1 = stage1(settings, problems, progress);
        List<double[]> as = new ArrayList<>(s1.size());
        for (Stage1 x : s1) {
            boolean finite = Arrays.stream(x.a).allMatch(Double::isFinite);
            as.add(finite ? x.a : new double[x.a.length]);
        }
        List<Stages23> s23 = stages23(settings, problems, as, progress);
        List<Result> out = new ArrayList<>(s1.size());
        for (int b = 0; b < s1.size(); b++) {
            out.add(new Result(s1.get(b), s23.get(b)));
        }
        return out;
    }

    /** Stage 1 for each problem, batched. */
    public static List<Stage1> stage1(Settings settings, List<Problem> problems) {
        return stage1(settings, problems, null);
    }

    private static List<Stage1> stage1(Settings settings, List<Problem> problems,
            java.util.function.LongConsumer progress) {
        checkBatch(settings, problems);
        Stage1Batch batch = new Stage1Batch(settings, problems);
        long[] schedule = ErrorTrace.schedule(settings.steps1(), settings.recordEvery1());
        double[][] angA = new double[problems.size()][schedule.length];
        double[][] angW = new double[problems.size()][schedule.length];
        batch.recordAngles(0, angA, angW);
        int next = 1;
        for (long t = 1; t <= settings.steps1(); t++) {
            batch.step();
            if (t == schedule[next]) {
                batch.recordAngles(next, angA, angW);
                if (progress != null) {
                    progress.accept(problems.size() * (schedule[next] - schedule[next - 1]));
                }
                next++;
            }
        }
        return batch.results(schedule, angA, angW);
    }

    /**
     * The state of stage 1 for a batch of {@code B} problems: {@code w_non} in {@code [B, m]}, {@code a} and
     * {@code a*} in {@code [B, k]}, {@code w*} in {@code [B, r]}, and each problem's sample stream and noise.
     */
    private static final class Stage1Batch {
        private final Settings settings;
        private final Architecture arch;
        private final int r;
        private final int k;
        private final int m;
        private final int bCount;
        private final double[] w;
        private final double[] a;
        private final double[] wStar;
        private final double[] aStar;
        private final SampleStream[] streams;
        private final SeededRandom[] noise;
        private final double[] g;
        private final double[] h;
        private final double[] pre;
        private final double[] comb;

        /** The initial point of every problem (see the class Javadoc), its teacher, stream and noise. */
        Stage1Batch(Settings settings, List<Problem> problems) {
            this.settings = settings;
            this.arch = settings.architecture();
            this.r = arch.r();
            this.k = arch.k();
            this.m = settings.nonOverlapLength();
            this.bCount = problems.size();
            this.w = new double[bCount * m];
            this.a = new double[bCount * k];
            this.wStar = new double[bCount * r];
            this.aStar = new double[bCount * k];
            this.streams = new SampleStream[bCount];
            this.noise = new SeededRandom[bCount];
            for (int b = 0; b < bCount; b++) {
                Problem p = problems.get(b);
                long seed = p.seed();
                SeededRandom init = new SeededRandom(INIT.derive(seed));
                double[] u = init.unitVector(m);
                double[] v = init.unitVector(k);
                for (int j = 0; j < m; j++) {
                    w[b * m + j] = settings.initScale() * u[j];
                }
                for (int j = 0; j < k; j++) {
                    a[b * k + j] = settings.initScale() * v[j];
                }
                System.arraycopy(p.teacher().wStar(), 0, wStar, b * r, r);
                System.arraycopy(p.teacher().aStar(), 0, aStar, b * k, k);
                streams[b] = new SampleStream(settings.distribution(), arch.d(), STAGE1.derive(seed));
                noise[b] = new SeededRandom(NOISE.derive(seed));
            }
            this.g = new double[m];
            this.h = new double[k];
            this.pre = new double[k];
            this.comb = new double[m];
        }

        /** One stage-1 update of every problem on its next sample, with its next noise. */
        void step() {
            double eta = settings.eta1();
            double alpha = settings.leakySlope();
            for (int b = 0; b < bCount; b++) {
                int off = streams[b].next();
                double[] x = streams[b].buffer();
                double y = Kernels.output(wStar, b * r, r, aStar, b * k, k, x, off, arch.s(), alpha, null);
                stage1Gradient(arch, alpha, w, b * m, a, b * k, x, off, y, g, h, pre, comb);
                double[] xiW = sphereNoise(noise[b], m);
                double[] xiA = sphereNoise(noise[b], k);
                for (int j = 0; j < m; j++) {
                    w[b * m + j] += eta * (xiW[j] - g[j]);
                }
                for (int j = 0; j < k; j++) {
                    a[b * k + j] += eta * (xiA[j] - h[j]);
                }
            }
        }

        /** Column {@code i} of the angle traces: {@code ∠(a, a*)} and {@code ∠(w_non, w*_non)} of every problem. */
        void recordAngles(int i, double[][] angA, double[][] angW) {
            int shift = r - arch.s();
            for (int b = 0; b < bCount; b++) {
                angA[b][i] = Kernels.lineAngle(Kernels.slice(a, b * k, k), Kernels.slice(aStar, b * k, k));
                angW[b][i] = Kernels.lineAngle(Kernels.slice(w, b * m, m), Kernels.slice(wStar, b * r + shift, m));
            }
        }

        List<Stage1> results(long[] schedule, double[][] angA, double[][] angW) {
            List<Stage1> out = new ArrayList<>(bCount);
            for (int b = 0; b < bCount; b++) {
                out.add(new Stage1(Kernels.slice(w, b * m, m), Kernels.slice(a, b * k, k),
                        new AngleTrace(schedule, angA[b], angW[b])));
            }
            return out;
        }
    }

    /**
     * The noise-free stage-1 directions at {@code (w_non, a)} (at offsets {@code wo}, {@code ao}) for the sample
     * {@code x[off ..]} with label {@code y}: {@code g} (length {@code m}) and {@code h} (length {@code k}) as in
     * the class Javadoc. {@code pre} (length k) and {@code comb} (length m) are scratch.
     */
    static void stage1Gradient(Architecture arch, double alpha, double[] w, int wo, double[] a, int ao, double[] x,
            int off, double y, double[] g, double[] h, double[] pre, double[] comb) {
        int r = arch.r();
        int s = arch.s();
        int k = arch.k();
        int m = 2 * s - r;
        int start = off + r - s;
        double fNon = Kernels.output(w, wo, m, a, ao, k, x, start, s, alpha, pre);
        Kernels.combine(a, ao, k, x, start, s, m, comb);
        double nw = Kernels.norm2(w, wo, m);
        double na = Kernels.norm2(a, ao, k);
        double c = 2 / (1 + alpha) * (fNon - y);
        double reg = 0.25 * (nw - na);
        for (int j = 0; j < m; j++) {
            g[j] = c * comb[j] + reg * w[wo + j];
        }
        for (int j = 0; j < k; j++) {
            h[j] = c * pre[j] - reg * a[ao + j];
        }
    }

    /** One draw of the stage-1 noise: uniform on the unit sphere {@code S^{dim−1}} (normalised Gaussians). */
    static double[] sphereNoise(SeededRandom rng, int dim) {
        return rng.unitVector(dim);
    }

    /**
     * Stages 2 and 3 for each problem, given the output layer {@code as.get(b)} stage 1 found for problem
     * {@code b} (or any other; tests pass {@code ±λ a*}). Stage 2 runs {@code 2B} Convotron runs in one batch.
     */
    public static List<Stages23> stages23(Settings settings, List<Problem> problems, List<double[]> as) {
        return stages23(settings, problems, as, null);
    }

    private static List<Stages23> stages23(Settings settings, List<Problem> problems, List<double[]> as,
            java.util.function.LongConsumer progress) {
        checkBatch(settings, problems);
        if (as == null || as.size() != problems.size()) {
            throw new InvalidInputException("a", "one output layer per problem is required, got "
                    + (as == null ? "none" : as.size() + " for " + problems.size() + " problems"));
        }
        Architecture arch = settings.architecture();
        int k = arch.k();
        List<Convotron.Run> runs = new ArrayList<>(2 * problems.size());
        for (int b = 0; b < problems.size(); b++) {
            Problem p = problems.get(b);
            double[] a = Checks.vector("a[" + b + "]", as.get(b), k);
            double[] minus = new double[k];
            for (int j = 0; j < k; j++) {
                minus[j] = -a[j];
            }
            EvaluationSet test = EvaluationSet.draw(arch, p.teacher(), settings.leakySlope(),
                    settings.distribution(), settings.testSamples(), TEST.derive(p.seed()));
            runs.add(new Convotron.Run(p.teacher(), a, STAGE2.derive(p.seed(), 0), test));
            runs.add(new Convotron.Run(p.teacher(), minus, STAGE2.derive(p.seed(), 1), test));
        }
        List<Convotron.Result> res = Convotron.run(settings.stage2(), runs, progress);
        List<Stages23> out = new ArrayList<>(problems.size());
        for (int b = 0; b < problems.size(); b++) {
            Problem p = problems.get(b);
            Convotron.Result plus = res.get(2 * b);
            Convotron.Result minus = res.get(2 * b + 1);
            out.add(new Stages23(plus, minus, stage3(settings, p, plus, minus)));
        }
        return out;
    }

    /**
     * Stage 3: the mean squared error of {@code (plus.w, plus.a)} and {@code (minus.w, minus.a)} on
     * {@code settings.validationSamples()} fresh samples (seed {@code VALIDATION.derive(S)}),
     * and the choice of {@link Choice#of}.
     */
    public static Choice stage3(Settings settings, Problem problem, Convotron.Result plus, Convotron.Result minus) {
        if (settings == null) {
            throw new InvalidInputException("settings", "is required");
        }
        if (problem == null) {
            throw new InvalidInputException("problem", "is required");
        }
        if (plus == null || minus == null) {
            throw new InvalidInputException("stage2", "both Convotron results are required");
        }
        Architecture arch = settings.architecture();
        Checks.teacher(arch, problem.teacher());
        EvaluationSet validation = EvaluationSet.draw(arch, problem.teacher(), settings.leakySlope(),
                settings.distribution(), settings.validationSamples(),
                VALIDATION.derive(problem.seed()));
        // a diverged stage-2 run has no loss (NaN), which Choice.of never picks
        return Choice.of(plus.diverged() ? Double.NaN : validation.meanSquaredError(plus.w(), plus.a()),
                minus.diverged() ? Double.NaN : validation.meanSquaredError(minus.w(), minus.a()));
    }

    private static void checkBatch(Settings settings, List<Problem> problems) {
        if (settings == null) {
            throw new InvalidInputException("settings", "is required");
        }
        if (problems == null || problems.isEmpty()) {
            throw new InvalidInputException("problems", "at least one problem is required");
        }
        for (int b = 0; b < problems.size(); b++) {
            Problem p = problems.get(b);
            if (p == null) {
                throw new InvalidInputException("problems[" + b + "]", "is required");
            }
            try {
                Checks.teacher(settings.architecture(), p.teacher());
            } catch (InvalidInputException e) {
                throw e.under("problems[" + b + "]");
            }
        }
    }
}
