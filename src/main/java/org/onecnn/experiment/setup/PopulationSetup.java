package org.onecnn.experiment.setup;

import java.util.ArrayList;
import java.util.List;

import org.onecnn.model.Architecture;
import org.onecnn.model.DuInitialization;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;
import org.onecnn.population.NonOverlappingGaussian;
import org.onecnn.population.OverlappingGaussian;
import org.onecnn.population.PopulationJob;
import org.onecnn.population.PopulationLoss;
import org.onecnn.population.RecordPlan;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.SeededRandom;
import org.onecnn.util.SeedStream;
import org.onecnn.population.Algorithm;
import org.onecnn.experiment.Bounds;
import org.onecnn.experiment.Eta;
import org.onecnn.experiment.Sections;

/**
 * Turns a (cell) config into the objects of the population engine: the teacher, the initial points
 * drawn from seeds derived from the master seed, the step size, the job. The seed scheme:
 * teacher {@code derive(master, "teacher")} unless {@code teacher.seed} is given; initialization
 * {@code i} of cell {@code c}: {@code derive(master, "init", c, i)}.
 */
public final class PopulationSetup {
    /** The teacher's random directions (families ratio, ones, gaussian), unless teacher.seed is given. */
    public static final SeedStream TEACHER = SeedStream.of("teacher", "the teacher's random directions");
    /** One seed per initialization: a run's initial point depends on its cell and index alone. */
    public static final SeedStream INIT = SeedStream.perItem("init", "the initial point of one run", "cell", "run");

    /** Runs handed to a worker thread at once by the population runners (and held in flight per thread). */
    public static final int CHUNK = 256;

    private PopulationSetup() {
    }

    /** The seed of the teacher's random directions. */
    public static long teacherSeed(Sections.PopulationSpec cfg) {
        Long s = cfg.teacher().seed();
        if (s != null) {
            org.onecnn.util.SeedLedger.note("teacher", "teacher.seed of the config (" + s + "), not derived");
            return s;
        }
        return TEACHER.derive(cfg.seed());
    }

    /** The seed of initialization {@code run} of cell {@code cell}. */
    public static long initSeed(Sections.PopulationSpec cfg, int cell, int run) {
        return INIT.derive(cfg.seed(), cell, run);
    }

    /**
     * Reject what the chosen engine cannot do: the reduced engine (docs/model.md §7) needs non-overlapping patches;
     * overlapping ones run on the full engine with the loss of docs/model.md §4.
     */
    public static void requireEngineFits(Sections.PopulationSpec cfg) {
        Sections.Model m = cfg.model();
        if (!m.s().equals(m.p()) && cfg.train().algorithm() == Algorithm.WN_GD && !cfg.train().engine().overlap()) {
            throw new InvalidInputException("train.engine", "the reduced engine needs non-overlapping patches (s = p = "
                    + m.p() + "), got s = " + m.s() + "; use engine: full for overlapping patches (docs/model.md §4)");
        }
    }

    /** The teacher of a cell. */
    public static Teacher teacher(Sections.PopulationSpec cfg) {
        int k = cfg.model().k();
        int p = cfg.model().p();
        Sections.TeacherSpec t = cfg.teacher();
        long seed = teacherSeed(cfg);
        switch (t.family()) {
            case RATIO:
                try {
                    return Teacher.ratioFamily(k, p, t.ratio(), t.aNorm(), t.wNorm(), seed);
                } catch (InvalidInputException e) {
                    throw e.under("teacher"); // the family names its own parameters (ratio, a_norm, w_norm)
                }
            case ONES: {
                double[] w = new SeededRandom(seed).unitVector(p);
                for (int i = 0; i < p; i++) {
                    w[i] *= t.wNorm();
                }
                double[] a = new double[k];
                java.util.Arrays.fill(a, 1.0);
                return Teacher.of(w, a);
            }
            case GAUSSIAN:
                return Teacher.gaussian(k, p, seed);
            case EXPLICIT: {
                if (t.wStar().size() != p) {
                    throw new InvalidInputException("teacher.w_star", "has " + t.wStar().size()
                            + " entries but the filter size is p = " + p);
                }
                if (t.aStar().size() != k) {
                    throw new InvalidInputException("teacher.a_star", "has " + t.aStar().size()
                            + " entries but there are k = " + k + " patches");
                }
                double[] w = toArray(t.wStar());
                double[] a = toArray(t.aStar());
                requireTeacherNorm("teacher.w_star", w);
                requireTeacherNorm("teacher.a_star", a);
                try {
                    return Teacher.of(w, a);
                } catch (InvalidInputException e) {
                    throw e.under("teacher");
                }
            }
            default:
                throw new InvalidInputException("teacher.family", "unknown family " + t.family());
        }
    }

    /**
     * An explicit teacher vector's norm within the bounds of the ratio family's a_norm and w_norm
     * ({@link Bounds#requireNorm}): a zero a* leaves nothing to learn, a huge one overflows the loss.
     */
    private static void requireTeacherNorm(String field, double[] x) {
        InvalidInputException.requireFinite(field, x);
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        double sum = 0;
        for (double v : x) {
            sum += m == 0 ? 0 : (v / m) * (v / m);
        }
        double norm = m * Math.sqrt(sum); // scaled by the largest entry: no overflow for entries near 1e308
        if (!(norm >= Bounds.MIN_SCALE && norm <= Bounds.MAX_SCALE)) {
            throw new InvalidInputException(field, "has norm " + norm + "; give a vector of norm between "
                    + Bounds.MIN_SCALE + " and " + Bounds.MAX_SCALE + " (the loss scales like ‖a*‖²‖w*‖²)");
        }
    }

    public static double[] toArray(List<Double> xs) {
        double[] a = new double[xs.size()];
        for (int i = 0; i < a.length; i++) {
            Double v = xs.get(i);
            if (v == null) {
                throw new InvalidInputException("vector", "entry " + i + " is null");
            }
            a[i] = v;
        }
        return a;
    }

    /** Initialization {@code run} of cell {@code cell}. */
    public static InitialPoint init(Sections.PopulationSpec cfg, Teacher teacher, int cell, int run) {
        Sections.Init in = cfg.init();
        long seed = initSeed(cfg, cell, run);
        switch (in.scheme()) {
            case DU:
                return DuInitialization.draw(teacher, seed);
            case SPHERE_ONES: {
                double[] v = new SeededRandom(seed).unitVector(teacher.r());
                double[] a = new double[teacher.k()];
                java.util.Arrays.fill(a, 1.0);
                return InitialPoint.of(v, a, seed);
            }
            case EXPLICIT: {
                Sections.Point pt = in.points().get(run);
                String f = "init.points[" + run + "]";
                if (pt.v() == null || pt.a() == null) {
                    throw new InvalidInputException(f, "needs both v and a");
                }
                if (pt.v().size() != teacher.r() || pt.a().size() != teacher.k()) {
                    throw new InvalidInputException(f, "has shape (v: " + pt.v().size() + ", a: " + pt.a().size()
                            + ") but the model has p = " + teacher.r() + ", k = " + teacher.k());
                }
                try {
                    double[] a = toArray(pt.a());
                    InvalidInputException.requireFinite("a", a);
                    for (double x : a) {
                        if (Math.abs(x) > Bounds.MAX_SCALE) {
                            // the output layer enters the loss squared: beyond this it overflows at step 0
                            throw new InvalidInputException("a", "entry " + x + " is more than " + Bounds.MAX_SCALE
                                    + " in size; use entries of at most " + Bounds.MAX_SCALE);
                        }
                    }
                    return InitialPoint.of(toArray(pt.v()), a, -1);
                } catch (InvalidInputException e) {
                    throw new InvalidInputException(f, e.getMessage());
                }
            }
            default:
                throw new InvalidInputException("init.scheme", "unknown scheme " + in.scheme());
        }
    }

    /** Initializations {@code from..to−1} of a cell. */
    public static List<InitialPoint> inits(Sections.PopulationSpec cfg, Teacher teacher, int cell, int from, int to) {
        List<InitialPoint> list = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            list.add(init(cfg, teacher, cell, i));
        }
        return list;
    }

    /**
     * The step size: the configured number, or for {@code auto} (fixed output layer)
     * {@code 2π/((π−1)‖a‖² + (1ᵀa)²)} with the fixed {@code a} of the first initialization
     * (see {@link Eta}).
     */
    public static double eta(Sections.PopulationSpec cfg, Teacher teacher, InitialPoint first) {
        Eta e = cfg.train().eta();
        if (!e.auto()) {
            return e.value();
        }
        double[] a = first.a();
        double q = 0;
        double s = 0;
        for (double x : a) {
            q += x * x;
            s += x;
        }
        double curvature = ((Math.PI - 1) * q + s * s) / (2 * Math.PI);
        if (!(curvature > 0)) {
            throw new InvalidInputException("train.eta", "'auto' needs a non-zero fixed output layer a");
        }
        return 1 / curvature;
    }

    /** A job over the given initial points. */
    public static PopulationJob job(Sections.PopulationSpec cfg, Teacher teacher, List<InitialPoint> inits, double eta,
            RecordPlan plan) {
        return new PopulationJob(teacher, inits, eta, cfg.stop().toSpec(), cfg.classify().toClassifier(), plan,
                cfg.model().architecture());
    }

    /** Everything about the cell that can be checked before a run folder exists. */
    public static void validate(Sections.PopulationSpec cfg, int cell) {
        requireEngineFits(cfg);
        Teacher t = teacher(cfg);
        InitialPoint first = init(cfg, t, cell, 0);
        if (cfg.init().scheme() == Sections.Init.Scheme.EXPLICIT) {
            for (int i = 1; i < cfg.init().count(); i++) {
                init(cfg, t, cell, i);
            }
        }
        eta(cfg, t, first);
        cfg.model().architecture();
        requireMeasurable(cfg, t, cell);
    }

    /** How many initializations {@link #requireMeasurable} looks at. */
    private static final int PROBED_INITS = 64;

    /**
     * Refuse stopping tolerances at which the run would measure nothing: when the first initializations (up
     * to {@value #PROBED_INITS}) all have {@code ‖∇L‖ ≤ classify.grad_tol}, or all have a loss at most
     * {@code stop.target_loss}, every run stops at step 0 (the stopping rules test exactly these at step 0).
     * The gradient is the one the cell's engine tests: of {@code (v, a)} for weight-normalized GD, of the
     * plain filter alone for the fixed output layer.
     */
    public static void requireMeasurable(Sections.PopulationSpec cfg, Teacher t, int cell) {
        boolean stationary = cfg.stop().stationary();
        Double target = cfg.stop().targetLoss();
        if (!stationary && target == null) {
            return;
        }
        Probe probe = probeInitializations(cfg, t, cell, cfg.train().algorithm() == Algorithm.FIXED_OUTPUT);
        double gradTol = cfg.classify().gradTol();
        if (stationary && gradTol >= probe.maxGrad()) {
            throw new InvalidInputException("classify.grad_tol", String.format(java.util.Locale.ROOT, "%.3g is at "
                    + "least the gradient norm of %s (largest %.3g): every run would count as stationary at step 0 "
                    + "and nothing would be measured; use a tolerance well below that (default 1e-10)", gradTol,
                    probe.which(), probe.maxGrad()));
        }
        if (target != null && target >= probe.maxLoss()) {
            throw new InvalidInputException("stop.target_loss", String.format(java.util.Locale.ROOT, "%.3g is at "
                    + "least the loss of %s (largest %.3g): every run would stop at step 0 and nothing would be "
                    + "measured; use a target below that (e.g. 1e-8)", target, probe.which(), probe.maxLoss()));
        }
    }

    /** The largest exact gradient norm and loss over the probed initializations, and how to name them. */
    public record Probe(double maxGrad, double maxLoss, String which) {
    }

    /**
     * The exact population gradient norms and losses of the first initializations (up to
     * {@value #PROBED_INITS}) of a cell: of {@code (v, a)} for weight-normalized GD ({@code plain} false), of
     * the plain filter alone for the fixed output layer.
     */
    public static Probe probeInitializations(Sections.PopulationSpec cfg, Teacher t, int cell, boolean plain) {
        Architecture arch = cfg.model().architecture();
        PopulationLoss loss = arch.overlapping() ? new OverlappingGaussian(arch, t) : new NonOverlappingGaussian(t);
        int m = (int) Math.min(cfg.init().count(), PROBED_INITS);
        double maxGrad = 0;
        double maxLoss = 0;
        double[] gv = new double[arch.r()];
        double[] ga = new double[arch.k()];
        for (int i = 0; i < m; i++) {
            InitialPoint p = init(cfg, t, cell, i);
            double l = plain ? loss.gradientPlain(p.v(), p.a(), gv, ga) : loss.gradient(p.v(), p.a(), gv, ga);
            double g2 = squaredNorm(gv) + (plain ? 0 : squaredNorm(ga));
            maxGrad = Math.max(maxGrad, Math.sqrt(g2));
            maxLoss = Math.max(maxLoss, l);
        }
        return new Probe(maxGrad, maxLoss, m == 1 ? "the initialization" : "every one of the first " + m
                + " initializations");
    }

    private static double squaredNorm(double[] x) {
        double q = 0;
        for (double e : x) {
            q += e * e;
        }
        return q;
    }
}
