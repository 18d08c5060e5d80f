package org.onecnn.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;

import org.onecnn.empirical.EmpiricalEngine;
import org.onecnn.empirical.EmpiricalEngines;
import org.onecnn.empirical.Regime;
import org.onecnn.empirical.data.DatasetFolders;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.algorithms.DoubleConvotron;
import org.onecnn.model.Architecture;
import org.onecnn.model.OutcomeClassifier;
import org.onecnn.population.Algorithm;
import org.onecnn.population.EngineKind;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.StopSpec;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.Keyed;

/**
 * The config sections several experiment types share, each a record whose compact constructor fills its
 * defaults and validates, naming the offending field by its full path; and the views a type's spec offers of
 * them ({@link DynamicsSpec}, {@link PopulationSpec}, {@link FiniteSampleSpec}, {@link ConvotronSpec}), through
 * which the shared setup code reads a spec without knowing its type. A section only one type reads lives in
 * that type's package, beside its spec.
 */
public final class Sections {
    private Sections() {
    }

    /** A spec with the network shape. */
    public interface HasModel extends ExperimentSpec {
        Model model();
    }

    /** A spec whose runs follow weight-normalized GD (or a relative) from initializations, and are classified. */
    public interface DynamicsSpec extends HasModel {
        Init init();

        Train train();

        Stop stop();

        Classify classify();
    }

    /** A spec of the population dynamics of one teacher (given by its teacher section). */
    public interface PopulationSpec extends DynamicsSpec {
        TeacherSpec teacher();
    }

    /** A spec that also trains on finite samples ({@code empirical} section). */
    public interface FiniteSampleSpec extends PopulationSpec {
        Empirical empirical();

        /**
         * Refuses {@code empirical.save_datasets} for a run whose cells are computed elsewhere: each cell would save
         * its data set on the machine that trains it. (Here, with the spec, so that the runner and the types reach
         * it without the runner depending on the shared setup.)
         *
         * @param how the option that distributes the run, e.g. {@code --spark}
         */
        default void requireNoSavedDatasets(String how) {
            if (empirical().saveDatasets()) {
                throw new org.onecnn.util.InvalidInputException("empirical.save_datasets", "cannot be combined with "
                        + how + ": each cell would save its data set on the machine that trains it; set it to false "
                        + "(the data sets are reproducible from the seed: a run on one machine with save_datasets "
                        + "writes them)");
            }
        }
    }

    /** A spec that runs Double Convotron ({@code convotron} section). */
    public interface ConvotronSpec extends HasModel {
        ConvotronCfg convotron();
    }

    /** The network shape. Give {@code k} and {@code p} (and optionally the stride {@code s}), or {@code d}. */
    @JsonPropertyOrder({"d", "k", "p", "s"})
    public record Model(Integer d, Integer k, Integer p, Integer s) {
        public Model {
            p = p == null ? 6 : p;
            if (p < 1) {
                throw new InvalidInputException("model.p", "filter (patch) size must be >= 1, got " + p);
            }
            s = s == null ? p : s;
            if (s < 1 || s > p) {
                throw new InvalidInputException("model.s", "stride must satisfy 1 <= s <= p = " + p + ", got " + s);
            }
            if (d != null) {
                if (d < p) {
                    throw new InvalidInputException("model.d", "must be >= p = " + p + ", got " + d);
                }
                if ((d - p) % s != 0) {
                    throw new InvalidInputException("model.d", "(d - p) % s must be 0 so the patches tile the input, "
                            + "got d=" + d + ", p=" + p + ", s=" + s + "; use d = p + m*s, e.g. d = "
                            + (p + (d - p) / s * s) + " or " + (p + ((d - p) / s + 1) * s));
                }
                int derived = (d - p) / s + 1;
                if (k != null && k != derived) {
                    throw new InvalidInputException("model.k", "k = " + k + " contradicts d = " + d + " (which gives k = "
                            + derived + "); give only one of them");
                }
                k = derived;
            }
            k = k == null ? 25 : k;
            if (k < 1) {
                throw new InvalidInputException("model.k", "number of patches must be >= 1, got " + k);
            }
            long dd = (long) (k - 1) * s + p; // long: (k − 1)s + p overflows int for k, p near 2^31
            if (dd > Bounds.MAX_DIMENSION) {
                throw new InvalidInputException(k > p ? "model.k" : "model.p", "the input dimension d = (k − 1)s + p = "
                        + dd + " (k = " + k + ", p = " + p + ", s = " + s + ") exceeds " + Bounds.MAX_DIMENSION
                        + ", the most onecnn holds in one array");
            }
            d = (int) dd;
        }

        public Architecture architecture() {
            return Architecture.of(d, p, s);
        }
    }

    /**
     * The teacher: {@code family} is {@code ratio} (docs/model.md §6: ratio, a_norm, w_norm), {@code ones}
     * ({@code a* = 1}, {@code ‖w*‖ = w_norm}), {@code gaussian} ({@code w*, a* ~ N(0, I)}) or
     * {@code explicit} ({@code w_star}, {@code a_star}). {@code seed} null: derived from the master seed.
     */
    @JsonPropertyOrder({"family", "ratio", "a_norm", "w_norm", "seed", "w_star", "a_star"})
    public record TeacherSpec(Family family, Double ratio, Double aNorm, Double wNorm, Long seed, List<Double> wStar,
            List<Double> aStar) {
        /** The teacher families, each defined once (built in {@link PopulationSetup#teacher}). */
        public enum Family implements Keyed {
            RATIO("ratio"), ONES("ones"), GAUSSIAN("gaussian"), EXPLICIT("explicit");

            private final String key;

            Family(String key) {
                this.key = key;
            }

            @Override
            @JsonValue
            public String key() {
                return key;
            }

            @Override
            public String toString() {
                return key;
            }

            @JsonCreator
            public static Family parse(String name) {
                return Keyed.parse(Family.class, "family", "family", name);
            }
        }

        public TeacherSpec {
            family = family == null ? Family.RATIO : family;
            ratio = ratio == null ? 4.0 : ratio;
            aNorm = aNorm == null ? 1.0 : aNorm;
            wNorm = wNorm == null ? 1.0 : wNorm;
            InvalidInputException.requireFinite("teacher.ratio", ratio);
            Bounds.requireNorm("teacher.a_norm", aNorm);
            Bounds.requireNorm("teacher.w_norm", wNorm);
            if (family == Family.EXPLICIT && (wStar == null || aStar == null)) {
                throw new InvalidInputException("teacher.w_star", "family 'explicit' needs both w_star and a_star");
            }
            if (family != Family.EXPLICIT && (wStar != null || aStar != null)) {
                // family ratio/ones/gaussian builds its own w*, a*: a given one would be silently ignored
                throw new InvalidInputException(wStar != null ? "teacher.w_star" : "teacher.a_star", "is only used "
                        + "with teacher.family: explicit, but the family is " + family + "; set "
                        + "teacher.family=explicit or remove it (" + (wStar != null ? "teacher.w_star" : "teacher.a_star") + "=null)");
            }
            wStar = wStar == null ? null : Bounds.copyWithoutNulls("teacher.w_star", wStar);
            aStar = aStar == null ? null : Bounds.copyWithoutNulls("teacher.a_star", aStar);
        }
    }

    /**
     * Initial points: {@code du} (Du et al.: {@code v} uniform on the sphere, {@code a} uniform in the
     * ball of radius {@code |1ᵀa*| c/√k}), {@code sphere-ones} ({@code v} uniform on the sphere,
     * {@code a = 1}; the fixed-output setting) or {@code explicit} ({@code points}).
     */
    @JsonPropertyOrder({"scheme", "count", "sign_restarts", "points"})
    public record Init(Scheme scheme, Integer count, Boolean signRestarts, List<Point> points) {
        /** The initialization schemes, each defined once (drawn in {@link PopulationSetup#init}). */
        public enum Scheme implements Keyed {
            DU("du"), SPHERE_ONES("sphere-ones"), EXPLICIT("explicit");

            private final String key;

            Scheme(String key) {
                this.key = key;
            }

            @Override
            @JsonValue
            public String key() {
                return key;
            }

            @Override
            public String toString() {
                return key;
            }

            @JsonCreator
            public static Scheme parse(String name) {
                return Keyed.parse(Scheme.class, "scheme", "scheme", name);
            }
        }

        public Init {
            scheme = scheme == null ? Scheme.DU : scheme;
            if (scheme == Scheme.EXPLICIT) {
                if (points == null || points.isEmpty()) {
                    throw new InvalidInputException("init.points", "scheme 'explicit' needs a non-empty list of {v, a}");
                }
                count = points.size();
            } else if (points != null) {
                // du and sphere-ones draw their own points: given ones would be silently ignored
                throw new InvalidInputException("init.points", "are only used with init.scheme: explicit, but the "
                        + "scheme is " + scheme + "; set init.scheme=explicit or remove them (init.points=null)");
            }
            count = count == null ? 1000 : count;
            if (count < 1) {
                throw new InvalidInputException("init.count", "must be >= 1, got " + count);
            }
            signRestarts = signRestarts != null && signRestarts;
            points = points == null ? null : Bounds.copyWithoutNulls("init.points", points);
        }
    }

    /** An explicit initial point. */
    public record Point(List<Double> v, List<Double> a) {
    }

    /**
     * The algorithm: {@code wn-gd} (Algorithm 1 of Du et al.: gradient descent with weight normalisation
     * on {@code (v, a)}) on the {@code reduced} (O(1) per step) or {@code full} engine, or
     * {@code fixed-output} (Brutzkus–Globerson: {@code a} fixed, plain {@code w}).
     */
    @JsonPropertyOrder({"algorithm", "engine", "eta"})
    public record Train(Algorithm algorithm, EngineKind engine, Eta eta) {
        public Train {
            algorithm = algorithm == null ? Algorithm.WN_GD : algorithm;
            engine = engine == null ? EngineKind.REDUCED : engine;
            eta = eta == null ? Eta.of(0.05) : eta;
            if (eta.auto() && algorithm != Algorithm.FIXED_OUTPUT) {
                throw new InvalidInputException("train.eta", "'auto' is only defined for train.algorithm = "
                        + "fixed-output; give a number > 0");
            }
        }

        /** A new engine for these settings (one per thread). */
        public PopulationEngine newEngine() {
            return PopulationEngine.of(algorithm, engine);
        }

        /** The name of the engine the runs use: {@code fixed-output}'s own, or {@code engine}. */
        public String engineName() {
            return algorithm == Algorithm.FIXED_OUTPUT ? "fixed-output" : engine.key();
        }
    }

    /**
     * How the figures of a run are drawn (report.Plots; every experiment type draws figures). {@code titles}: a
     * title above each figure, on by default for the report; {@code false} for figures to put in a paper, whose
     * caption says what the title would.
     */
    @JsonPropertyOrder({"titles"})
    public record Figures(Boolean titles) {
        public Figures {
            titles = titles == null || titles;
        }
    }

    /** When runs stop (see {@link StopSpec}). */
    @JsonPropertyOrder({"max_steps", "settled", "stationary", "target_loss", "check_every"})
    public record Stop(Long maxSteps, Boolean settled, Boolean stationary, Double targetLoss, Integer checkEvery) {
        public Stop {
            maxSteps = maxSteps == null ? 40000L : maxSteps;
            Bounds.requireSteps("stop.max_steps", maxSteps);
            settled = settled == null || settled;
            stationary = stationary == null || stationary;
            checkEvery = checkEvery == null ? 50 : checkEvery;
            spec(maxSteps, settled, stationary, targetLoss, checkEvery);
        }

        private static StopSpec spec(long maxSteps, boolean settled, boolean stationary, Double targetLoss,
                int checkEvery) {
            return new StopSpec(maxSteps, settled, stationary, targetLoss == null ? Double.NaN : targetLoss,
                    checkEvery);
        }

        public StopSpec toSpec() {
            return spec(maxSteps, settled, stationary, targetLoss, checkEvery);
        }
    }

    /** Outcome thresholds (see {@link OutcomeClassifier}). */
    @JsonPropertyOrder({"phi_global", "phi_spurious", "a_tol", "grad_tol", "spurious_any_angle"})
    public record Classify(Double phiGlobal, Double phiSpurious, Double aTol, Double gradTol,
            Boolean spuriousAnyAngle) {
        public Classify {
            phiGlobal = phiGlobal == null ? 0.1 : phiGlobal;
            phiSpurious = phiSpurious == null ? 0.1 : phiSpurious;
            gradTol = gradTol == null ? 1e-10 : gradTol;
            spuriousAnyAngle = spuriousAnyAngle != null && spuriousAnyAngle;
            new OutcomeClassifier(phiGlobal, phiSpurious, aTol, gradTol, spuriousAnyAngle);
        }

        public OutcomeClassifier toClassifier() {
            return new OutcomeClassifier(phiGlobal, phiSpurious, aTol, gradTol, spuriousAnyAngle);
        }
    }

    /**
     * The finite-sample side (types {@code sample-size} and {@code paired-trajectories}): for each sample
     * size in {@code n}, {@code datasets} independent data sets of Gaussian (or {@code distribution})
     * inputs labelled by the teacher plus noise σ; on each, the experiment's initializations trained by
     * {@code regime} with step {@code eta} (null: {@code train.eta}) for at most {@code max_steps}.
     * Stationary ({@code ‖∇L_n‖ ≤ grad_tol}) students stop and are classified by docs/outcomes.md
     * ({@code loss_tol}: the most L_n a GLOBAL student may have; null: 1e−6 + σ²). {@code profile} names the
     * compute profile (cuda-profiles/), which supplies the data type and chunk sizes unless
     * {@code data_type}, {@code student_chunk}, {@code sample_chunk} are given. {@code every}: trajectory
     * points are recorded every this many steps (paired-trajectories).
     *
     * <p>Data sets in and out (docs/datasets.md): {@code save_datasets} (sample-size; default false) saves every
     * data set the run generates to {@code datasets/<run folder name>/n-<n>-d-<d>/}; {@code datasets_from} (null:
     * generate) is a folder of such data set folders, on which the study trains instead of generating data. Its
     * folders define the sample sizes and the number of data sets per size: {@code n} and {@code datasets}, when
     * given, must agree with them, and when left out (null) are filled in from them, so the resolved config lists
     * what was trained on. The path is resolved against the working directory and recorded absolute. Online SGD
     * draws fresh samples every step, so it neither saves nor reads data sets: both fields are refused with it.
     */
    @JsonPropertyOrder({"n", "datasets", "regime", "batch_size", "eta", "max_steps", "check_every", "grad_tol",
        "loss_tol", "noise", "distribution", "profile", "data_type", "student_chunk", "sample_chunk", "every",
        "leaky_slope", "engine", "save_datasets", "datasets_from"})
    public record Empirical(List<Long> n, Integer datasets, Regime regime, Integer batchSize, Double eta,
            Long maxSteps, Integer checkEvery, Double gradTol, Double lossTol, Double noise, String distribution,
            String profile, String dataType, Integer studentChunk, Integer sampleChunk, Long every,
            Double leakySlope, String engine, Boolean saveDatasets, String datasetsFrom) {
        public Empirical {
            boolean nGiven = n != null;
            boolean datasetsGiven = datasets != null;
            n = n == null ? List.of(256L, 1024L, 4096L) : Bounds.copyWithoutNulls("empirical.n", n);
            if (n.isEmpty()) {
                throw new InvalidInputException("empirical.n", "must be a non-empty list of sample sizes");
            }
            for (Long m : n) {
                if (m == null || m < 1) {
                    throw new InvalidInputException("empirical.n", "sample sizes must be integers >= 1, got " + m);
                }
            }
            Bounds.requireDistinct("empirical.n", n, x -> x);
            datasets = datasets == null ? 1 : datasets;
            if (datasets < 1) {
                throw new InvalidInputException("empirical.datasets", "must be >= 1, got " + datasets);
            }
            regime = regime == null ? Regime.FULL_BATCH : regime;
            batchSize = batchSize == null ? 256 : batchSize;
            InvalidInputException.requirePositive("empirical.batch_size", batchSize);

            if (eta != null) {
                Bounds.requireStep("empirical.eta", eta);
            }
            maxSteps = maxSteps == null ? 5000L : maxSteps;
            if (maxSteps < 1) {
                throw new InvalidInputException("empirical.max_steps", "must be >= 1, got " + maxSteps);
            }
            Bounds.requireSteps("empirical.max_steps", maxSteps);
            checkEvery = checkEvery == null ? 100 : checkEvery;
            InvalidInputException.requirePositive("empirical.check_every", checkEvery);
            gradTol = gradTol == null ? 1e-5 : gradTol;
            if (!(gradTol >= 0 && Double.isFinite(gradTol))) {
                throw new InvalidInputException("empirical.grad_tol", "must be a finite number >= 0, got " + gradTol);
            }
            if (lossTol != null && !(lossTol >= 0 && Double.isFinite(lossTol))) {
                throw new InvalidInputException("empirical.loss_tol", "must be a finite number >= 0 or null, got "
                        + lossTol);
            }
            noise = noise == null ? 0.0 : noise;
            if (!(noise >= 0 && Double.isFinite(noise))) {
                throw new InvalidInputException("empirical.noise", "label noise σ must be a finite number >= 0, got "
                        + noise);
            }
            if (noise > Bounds.MAX_NOISE) {
                throw new InvalidInputException("empirical.noise", "label noise σ = " + noise + " is more than "
                        + Bounds.MAX_NOISE + ": the labels are the teacher's output, of size about ‖a*‖·‖w*‖ (1 for "
                        + "the shipped teachers), and noise that large leaves nothing to learn; use σ <= "
                        + Bounds.MAX_NOISE);
            }
            distribution = requireDistribution("empirical.distribution", distribution == null ? "gaussian"
                    : distribution);
            profile = profile == null ? "cpu" : profile;
            if (dataType != null && !Set.of("float", "double").contains(dataType)) {
                throw new InvalidInputException("empirical.data_type", "must be float or double (or null: the "
                        + "profile's), got '" + dataType + "'");
            }
            if (studentChunk != null) {
                InvalidInputException.requirePositive("empirical.student_chunk", studentChunk);
            }
            if (sampleChunk != null) {
                InvalidInputException.requirePositive("empirical.sample_chunk", sampleChunk);
            }
            every = every == null ? 10L : every;
            if (every < 1) {
                throw new InvalidInputException("empirical.every", "must be >= 1, got " + every);
            }
            Bounds.requireSteps("empirical.every", every);
            leakySlope = leakySlope == null ? 0.0 : leakySlope;
            if (!(leakySlope >= 0 && leakySlope < 1)) {
                throw new InvalidInputException("empirical.leaky_slope", "must lie in [0, 1), got " + leakySlope);
            }
            // a config that names no engine takes its compute profile's (cuda-hopper: cuda), else the default
            String fromProfile = engine == null ? org.onecnn.backend.ComputeProfile.engineOf(profile) : null;
            engine = engine != null ? engine : fromProfile != null ? fromProfile : EmpiricalEngines.DEFAULT;
            try {
                EmpiricalEngines.named(engine);
            } catch (InvalidInputException e) {
                throw e.under("empirical");
            }
            saveDatasets = saveDatasets != null && saveDatasets;
            if (saveDatasets && regime == Regime.ONLINE) {
                throw new InvalidInputException("empirical.save_datasets", "online SGD draws fresh samples at every "
                        + "step and has no data set to save; set save_datasets=false, or use regime full-batch or "
                        + "minibatch");
            }
            if (datasetsFrom != null) {
                if (regime == Regime.ONLINE) {
                    throw new InvalidInputException("empirical.datasets_from", "online SGD draws fresh samples at "
                            + "every step and trains on no fixed data set; remove datasets_from (null), or use "
                            + "regime full-batch or minibatch");
                }
                if (saveDatasets) {
                    throw new InvalidInputException("empirical.save_datasets", "the data sets come from "
                            + "empirical.datasets_from and are saved already; set save_datasets=false");
                }
                DatasetFolders found = scanDatasets(datasetsFrom);
                datasetsFrom = found.root().toString();
                if (!nGiven) {
                    n = found.n();
                } else if (n.size() != found.n().size() || !new java.util.HashSet<>(n).containsAll(found.n())) {
                    throw new InvalidInputException("empirical.n", n + " disagrees with the data sets in "
                            + datasetsFrom + ", which have n = " + found.n() + "; remove empirical.n (set it to "
                            + "null: the sizes are then those of the data sets) or give exactly those sizes");
                }
                if (!datasetsGiven) {
                    datasets = found.datasets();
                } else if (datasets != found.datasets()) {
                    throw new InvalidInputException("empirical.datasets", datasets + " disagrees with the data sets "
                            + "in " + datasetsFrom + ", which hold " + found.datasets() + " per sample size; remove "
                            + "empirical.datasets (null) or set it to " + found.datasets());
                }
            }
        }

        /** The data set folders under {@code path}; errors name {@code empirical.datasets_from}. */
        private static DatasetFolders scanDatasets(String path) {
            if (path.isBlank()) {
                throw new InvalidInputException("empirical.datasets_from", "must be a folder of data sets, or null "
                        + "(generate them), got an empty string");
            }
            Path root;
            try {
                root = Path.of(path);
            } catch (java.nio.file.InvalidPathException e) {
                throw new InvalidInputException("empirical.datasets_from", "'" + path + "' is not a path: "
                        + e.getReason());
            }
            try {
                return DatasetFolders.scan(root);
            } catch (InvalidInputException e) {
                throw e.under("empirical");
            }
        }

        /** The data sets the study trains on ({@code datasets_from}), or null when it generates them. */
        public DatasetFolders datasetFolders() {
            return datasetsFrom == null ? null : scanDatasets(datasetsFrom);
        }

        /** The input distribution of the data sets. */
        public InputDistribution inputDistribution() {
            return InputDistribution.named(distribution);
        }

        /** The engine that trains the students ({@code engine}, see {@link EmpiricalEngines}). */
        public EmpiricalEngine trainingEngine() {
            return EmpiricalEngines.named(engine);
        }

        /** The loss a GLOBAL student may have: {@code loss_tol}, or 1e−6 + σ² (the noise floor of L_n is σ²/2). */
        public double lossTolerance() {
            return lossTol != null ? lossTol : 1e-6 + noise * noise;
        }
    }

    /**
     * Double Convotron (docs/algorithms.md; types {@code double-convotron} and {@code overlap-landscape}):
     * {@code strides} (empty: from p down to ⌊p/2⌋+1), input {@code distributions}, {@code teachers} per
     * stride and distribution (w*, a* ~ N(0, I)), the stage lengths and steps of each distribution
     * ({@code schedules}, by distribution name: Du &amp; Goel's published ones for gaussian and uniform unless
     * given; a distribution without a published schedule needs one), the initial scale ρ of stage 1, the leaky
     * slope α, the test/validation set size, and the relative test error below which a run counts as a success.
     */
    @JsonPropertyOrder({"strides", "distributions", "teachers", "schedules", "init_scale", "leaky_slope",
        "test_samples", "success_error"})
    public record ConvotronCfg(List<Integer> strides, List<String> distributions, Integer teachers,
            java.util.Map<String, Schedule> schedules, Double initScale, Double leakySlope, Integer testSamples,
            Double successError) {
        public ConvotronCfg {
            strides = strides == null ? List.of() : Bounds.copyWithoutNulls("convotron.strides", strides);
            for (Integer st : strides) {
                if (st == null || st < 1) {
                    throw new InvalidInputException("convotron.strides", "must be integers >= 1, got " + st);
                }
            }
            Bounds.requireDistinct("convotron.strides", strides, x -> x);
            distributions = distributions == null ? List.of("gaussian", "uniform")
                    : Bounds.copyWithoutNulls("convotron.distributions", distributions);
            if (distributions.isEmpty()) {
                throw new InvalidInputException("convotron.distributions", "must list at least one of "
                        + String.join(", ", InputDistribution.known().keySet()));
            }
            for (String dn : distributions) {
                requireDistribution("convotron.distributions", dn);
                InputDistribution law = InputDistribution.named(dn);
                if (!law.symmetric() || !law.identityCovariance()) {
                    // the Convotron analyses (and Double Convotron's two stages) assume both
                    throw new InvalidInputException("convotron.distributions", dn + " inputs are not symmetric with "
                            + "identity covariance, which Convotron needs");
                }
            }
            Bounds.requireDistinct("convotron.distributions", distributions, x -> x);
            teachers = teachers == null ? 5 : teachers;
            InvalidInputException.requirePositive("convotron.teachers", teachers);
            schedules = schedules(schedules, distributions);
            initScale = initScale == null ? 0.1 : initScale;
            if (!(initScale >= 0 && Double.isFinite(initScale))) {
                throw new InvalidInputException("convotron.init_scale", "must be a finite number >= 0, got "
                        + initScale);
            }
            if (initScale > 0) {
                Bounds.requireScale("convotron.init_scale", initScale);
            }
            leakySlope = leakySlope == null ? 0.0 : leakySlope;
            if (!(leakySlope >= 0 && leakySlope < 1)) {
                throw new InvalidInputException("convotron.leaky_slope", "must lie in [0, 1), got " + leakySlope);
            }
            testSamples = testSamples == null ? 10_000 : testSamples;
            InvalidInputException.requirePositive("convotron.test_samples", testSamples);
            successError = successError == null ? 0.1 : successError;
            InvalidInputException.requirePositive("convotron.success_error", successError);
            if (successError >= 1) {
                throw new InvalidInputException("convotron.success_error", "must be < 1, got " + successError
                        + ": it is a test error relative to E[y²], which the zero predictor already reaches at 1");
            }
        }

        /**
         * The schedule of every listed distribution, in list order: the given fields, the rest from the published
         * schedule of that distribution. A schedule of an unlisted distribution is refused (it would change
         * nothing), as is a listed distribution with neither a given nor a published schedule.
         */
        private static java.util.Map<String, Schedule> schedules(java.util.Map<String, Schedule> given,
                List<String> distributions) {
            java.util.Map<String, Schedule> in = given == null ? java.util.Map.of() : given;
            for (String name : in.keySet()) {
                if (!distributions.contains(name)) {
                    throw new InvalidInputException("convotron.schedules." + name, "is not in convotron.distributions "
                            + distributions + ", so it would change nothing; remove it or list " + name);
                }
            }
            java.util.Map<String, Schedule> out = new java.util.LinkedHashMap<>();
            for (String name : distributions) {
                Schedule published = Schedule.published(name);
                Schedule s = in.get(name);
                if (published == null && (s == null || !s.complete())) {
                    throw new InvalidInputException("convotron.schedules." + name, "Du & Goel published no "
                            + "schedule for " + name + " inputs; give steps1, eta1, steps2 and eta2");
                }
                out.put(name, (s == null ? published : s.orElse(published)).validated("convotron.schedules." + name));
            }
            return java.util.Collections.unmodifiableMap(out);
        }

        /** The schedule of distribution {@code name} (one of {@link #distributions}). */
        public Schedule schedule(String name) {
            return schedules.get(name);
        }

        /** The strides to run for filter size p: the given ones, or p down to ⌊p/2⌋+1. */
        public List<Integer> stridesFor(int p) {
            if (!strides.isEmpty()) {
                return strides;
            }
            List<Integer> l = new ArrayList<>();
            for (int st = p; st >= p / 2 + 1; st--) {
                l.add(st);
            }
            return l;
        }
    }

    /**
     * The two stages of Double Convotron for one input distribution: {@code steps1} steps of size {@code eta1},
     * then {@code steps2} of size {@code eta2} for each sign. A field left out is taken from the published
     * schedule ({@link #orElse}).
     */
    @JsonPropertyOrder({"steps1", "eta1", "steps2", "eta2"})
    public record Schedule(Long steps1, Double eta1, Long steps2, Double eta2) {
        /** Du &amp; Goel's schedule for {@code name} inputs ({@link DoubleConvotron.Settings#PUBLISHED_SCHEDULES}), or null. */
        static Schedule published(String name) {
            DoubleConvotron.Schedule p = DoubleConvotron.Settings.PUBLISHED_SCHEDULES.get(name);
            return p == null ? null : new Schedule(p.steps1(), p.eta1(), p.steps2(), p.eta2());
        }

        boolean complete() {
            return steps1 != null && eta1 != null && steps2 != null && eta2 != null;
        }

        /** This schedule with its missing fields taken from {@code other}. */
        Schedule orElse(Schedule other) {
            if (other == null) {
                return this;
            }
            return new Schedule(steps1 != null ? steps1 : other.steps1, eta1 != null ? eta1 : other.eta1,
                    steps2 != null ? steps2 : other.steps2, eta2 != null ? eta2 : other.eta2);
        }

        /** Checks a complete schedule, naming fields under {@code path}. */
        Schedule validated(String path) {
            if (steps1 < 1) {
                throw new InvalidInputException(path + ".steps1", "must be >= 1, got " + steps1);
            }
            if (steps2 < 1) {
                throw new InvalidInputException(path + ".steps2", "must be >= 1, got " + steps2);
            }
            Bounds.requireSteps(path + ".steps1", steps1);
            Bounds.requireSteps(path + ".steps2", steps2);
            Bounds.requireStep(path + ".eta1", eta1);
            Bounds.requireStep(path + ".eta2", eta2);
            return this;
        }
    }

    /** Refuses a distribution name onecnn does not know, naming the field and the known ones. */
    public static String requireDistribution(String field, String name) {
        if (name == null || !InputDistribution.known().containsKey(name)) {
            throw new InvalidInputException(field, "unknown input distribution '" + name + "'; known: "
                    + String.join(", ", InputDistribution.known().keySet()));
        }
        return name;
    }
}
