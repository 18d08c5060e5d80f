package org.onecnn.empirical;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.EmpiricalLoss;
import org.onecnn.model.LossOracle;
import org.onecnn.model.Outcome;
import org.onecnn.model.SecondOrderClassifier;
import org.onecnn.model.SecondOrderKind;
import org.onecnn.model.SecondOrderResult;
import org.onecnn.model.StopReason;
import org.onecnn.model.Teacher;
import org.onecnn.population.NonOverlappingGaussian;
import org.onecnn.population.PopulationOracle;
import org.onecnn.population.RecordPlan;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.Parallel;

/**
 * Trains ensembles of students on finite samples with an {@link EmpiricalEngine}: full-batch gradient descent on
 * {@code L_n} (Algorithm 1 on the empirical loss), minibatch SGD over the set, or online SGD with fresh samples
 * every step (see {@link Regime}); the update is {@code θ ← θ − η ∇L} with the mean gradient over the batch.
 * The engine does the arithmetic of the students ({@link StudentEnsemble}); everything else is here, the same for
 * every engine: the chunks of students, the batch of each step ({@link MinibatchOrder}), when to measure, the
 * stopping rule and the outcome classes, the recorded trajectories and the progress.
 *
 * <h2>Chunking and determinism</h2>
 * Students are trained in chunks of at most {@code studentChunk} (one {@link StudentEnsemble} each): every
 * student's computation is independent of the others in its chunk. Whether the values depend on the chunking, the
 * sample chunking or the CPU is the engine's to say (the DL4J engine: only through the rounding of ND4J's and
 * OpenBLAS's sums, see {@link org.onecnn.empirical.dl4j.Dl4jEngine}); on one machine the same spec, data and engine
 * give identical bits on every run, and the outcomes, stop reasons and iterations do not depend on the chunking.
 *
 * <h2>Stopping and outcomes (docs/outcomes.md)</h2>
 * Every {@code checkEvery} steps each student's full gradient norm is measured ({@code ‖∇L_n‖} on the
 * training set; for online SGD the exact population gradient); a student at or below {@code gradTol} is
 * stationary and stops (its parameters are frozen; the others go on). A stationary student is
 * {@code GLOBAL} when {@code cos φ > 0} and {@code L_n ≤ lossTol}, {@code SPURIOUS} when
 * {@code cos φ < 0} and {@code L_n > lossTol} and the Hessian of the loss on the tangent space certifies a
 * minimum, strict or degenerate ({@link SecondOrderClassifier}; every stationary non-global student is examined and
 * its kind recorded), {@code OTHER} otherwise; a student still moving at the budget is {@code NOT_CONVERGED}; a non-finite value is
 * {@code DIVERGED}. No angle threshold: the empirical spurious minimum sits far from φ = π.
 */
public final class EnsembleTrainer {
    /** Trajectory points of tracked students. */
    @FunctionalInterface
    public interface Sink {
        void point(int run, long step, double phi, double lossN, double populationLoss, double gradNorm);

        Sink NONE = (run, step, phi, lossN, pop, grad) -> {
        };
    }

    private final EmpiricalSpec spec;
    private final Teacher teacher;
    private final EmpiricalEngine engine;
    private final NonOverlappingGaussian population;
    /** The largest finite value of the network's data type. */
    private final double maxValue;

    /**
     * A trainer on the {@link EmpiricalEngines#DEFAULT} engine.
     *
     * @see #EnsembleTrainer(EmpiricalSpec, Teacher, boolean, EmpiricalEngine)
     */
    public EnsembleTrainer(EmpiricalSpec spec, Teacher teacher, boolean gaussianInput) {
        this(spec, teacher, gaussianInput, EmpiricalEngines.defaultEngine());
    }

    /**
     * @param spec          how to train
     * @param teacher       the teacher (for angles, distances and, with non-overlapping patches and Gaussian
     *                      input, the exact population loss at the students' points)
     * @param gaussianInput whether the data are Gaussian (the population closed form applies)
     * @param engine        what trains the students
     * @throws InvalidInputException if the engine cannot train this spec (its capabilities are checked here for
     *         everything the spec says: regime, patches, data type, leaky slope; the caller checks the input
     *         distribution with {@link EmpiricalEngine#require} before it draws any data)
     */
    public EnsembleTrainer(EmpiricalSpec spec, Teacher teacher, boolean gaussianInput, EmpiricalEngine engine) {
        engine.capabilities().require(engine.name(), spec);
        this.spec = spec;
        this.teacher = teacher;
        this.engine = engine;
        boolean closedForm = gaussianInput && spec.arch().s() == spec.arch().r();
        this.population = closedForm ? new NonOverlappingGaussian(teacher) : null;
        this.maxValue = spec.precision() == org.onecnn.backend.Precision.FLOAT ? Float.MAX_VALUE : Double.MAX_VALUE;
    }

    /**
     * Refuse what the trainer cannot measure, whatever the engine: online SGD has no training set, so it stops and
     * classifies a student by the exact population gradient and loss, which exist in closed form only for Gaussian
     * inputs on non-overlapping patches; with anything else every student would be NON_FINITE at step 0.
     * (Full-batch and minibatch runs stop on the gradient of {@code L_n}, which is always measurable.)
     *
     * @throws InvalidInputException naming {@code regime}
     */
    public static void requireMeasurable(Regime regime, InputDistribution distribution, Architecture arch) {
        if (regime != Regime.ONLINE) {
            return;
        }
        if (!distribution.populationClosedForm()) {
            throw new InvalidInputException("regime", "online SGD judges stationarity and the loss by the exact "
                    + "population gradient, which onecnn has for Gaussian inputs only, and the distribution is "
                    + distribution.name() + "; use regime full-batch or minibatch, or distribution gaussian");
        }
        if (arch.overlapping()) {
            throw new InvalidInputException("regime", "online SGD judges stationarity and the loss by the exact "
                    + "population gradient, which the trainer has for non-overlapping patches only (s = p), and s = "
                    + arch.s() + " < p = " + arch.r() + "; use regime full-batch or minibatch");
        }
    }

    /**
     * Refuse a minibatch larger than the smallest training set: it would silently be the full batch.
     *
     * @throws InvalidInputException naming {@code batch_size}
     */
    public static void requireBatchFits(Regime regime, int batchSize, long smallestN) {
        if (regime == Regime.MINIBATCH && batchSize > smallestN) {
            throw new InvalidInputException("batch_size", "is " + batchSize + ", more than the smallest sample size "
                    + "n = " + smallestN + "; use batch_size <= " + smallestN + ", or regime full-batch");
        }
    }

    /** The engine that trains the students. */
    public EmpiricalEngine engine() {
        return engine;
    }

    /**
     * Train every initial point.
     *
     * @param inits  the students' initial points {@code (v, a)}
     * @param data   the training set (null for online SGD)
     * @param online the fresh samples of every step (online SGD only; its batch size is the spec's)
     * @param plan   trajectories to record
     * @param sink   where recorded points go
     */
    public List<EmpiricalResult> train(List<InitialPoint> inits, TrainingSet data, CounterSamples online,
            RecordPlan plan, Sink sink) {
        return train(inits, data, online, plan, sink, null);
    }

    /**
     * {@link #train(List, TrainingSet, CounterSamples, RecordPlan, Sink)}, reporting progress in student-steps
     * of the budget: at every check, {@code progress} receives the student-steps done since its last call, where a
     * student still training has done {@code t} of its {@code maxSteps} and a stopped one counts its whole budget
     * (so the calls add up to exactly {@code inits.size() × maxSteps}, and an ETA from them is an upper bound).
     *
     * @param progress receives increments; may be {@code null}
     */
    public List<EmpiricalResult> train(List<InitialPoint> inits, TrainingSet data, CounterSamples online,
            RecordPlan plan, Sink sink, LongConsumer progress) {
        boolean isOnline = !spec.regime().usesTrainingSet();
        if (isOnline ? online == null || data != null : data == null || online != null) {
            throw new IllegalArgumentException(isOnline ? "online SGD needs fresh samples and no training set"
                    : "training data needed, and no fresh samples");
        }
        if (isOnline && online.batchSize() != spec.batchSize()) {
            throw new IllegalArgumentException("the fresh samples come in batches of " + online.batchSize()
                    + ", the spec asks for " + spec.batchSize());
        }
        List<EmpiricalResult> out = new ArrayList<>(inits.size());
        Curvature curvature = new Curvature(data);
        for (int lo = 0; lo < inits.size(); lo += spec.studentChunk()) {
            int hi = Math.min(inits.size(), lo + spec.studentChunk());
            List<InitialPoint> part = inits.subList(lo, hi);
            StudentEnsemble ensemble = engine.open(spec, part, data, online);
            RuntimeException failed = null;
            try {
                Chunk chunk = new Chunk(part, lo, ensemble, data == null ? 0 : data.n(), plan, sink, progress);
                chunk.curvature = curvature;
                out.addAll(chunk.run());
            } catch (RuntimeException e) {
                failed = e;
                throw e;
            } finally {
                // an ensemble that holds what the JVM does not collect (the cuda engine's device memory) is given
                // back when its chunk is done, on whichever thread trained it; a failure to close does not hide
                // the training's own
                if (ensemble instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        if (failed != null) {
                            failed.addSuppressed(e);
                        } else {
                            throw new IllegalStateException("closing the " + engine.name() + " ensemble: " + e, e);
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * Full-batch gradient descent steps of the engine's students, without checks or recording: what
     * {@code onecnn bench empirical} times.
     */
    public static final class Stepper {
        private final StudentEnsemble students;

        private Stepper(StudentEnsemble students) {
            this.students = students;
        }

        /** One step {@code θ ← θ − (η/n) Σ_m ∇ℓ_m} for every student. */
        public void step() {
            students.stepFull();
        }

        /** The students' filter parameters {@code v} ({@code [R, r]}). */
        public double[][] filters() {
            return students.filters();
        }
    }

    /** A {@link Stepper} for full-batch gradient descent of {@code inits} on {@code (x, y)}, all in one ensemble. */
    public Stepper stepper(List<InitialPoint> inits, TrainingSet data) {
        return new Stepper(engine.open(spec, inits, data, null));
    }

    /** A student that stops at this check: its slot, why, where it stands and its window gradient. */
    private record Stop(int s, StopReason reason, Standing st, double windowGrad) {
    }

    /** Threads for the second-order classifications of one check: {@code -Donecnn.threads}, else the cores. */
    private static final int CLASSIFY_THREADS = Integer.getInteger("onecnn.threads",
            Runtime.getRuntime().availableProcessors());

    /** What is measured of the students at a check or recording point, by slot. */
    private record Measures(double[][] v, double[][] a, double[] gradNorms, double[] losses) {
    }

    /** Where a student stands: {@code ‖v‖}, {@code cos φ}, {@code φ}, the population loss and the loss judged. */
    private record Standing(double normV, double cos, double phi, double populationLoss, double lossN) {
    }

    /** The bookkeeping of one ensemble of students: when to measure, who stops and how, what is recorded. */
    private final class Chunk {
        final List<InitialPoint> inits;
        final int offset;
        final StudentEnsemble ensemble;
        final MinibatchOrder order;
        final RecordPlan plan;
        final Sink sink;
        final LongConsumer progress;
        final EmpiricalResult[] results;
        final double[] wHat = teacher.wStarUnit();
        final double[] target = teacher.aStar();
        /** The loss a stationary non-global student is classified on, to second order. */
        Curvature curvature;
        /** The index into {@code inits} of each slot of the ensemble, and whether that student still trains. */
        int[] slot;
        boolean[] active;
        long reported;
        /**
         * The parameters {@code (v, a)} of each student (by its index in {@code inits}) at the previous check, at
         * step {@code previousCheck} (−1 before the first): the mean gradient over the window since then is their
         * displacement divided by {@code η × steps}.
         */
        final double[][] previousV;
        final double[][] previousA;
        long previousCheck = -1;

        Chunk(List<InitialPoint> inits, int offset, StudentEnsemble ensemble, long n, RecordPlan plan, Sink sink,
                LongConsumer progress) {
            this.inits = inits;
            this.offset = offset;
            this.ensemble = ensemble;
            this.order = spec.regime() == Regime.MINIBATCH ? new MinibatchOrder(n, spec.batchSize(), spec.seed())
                    : null;
            this.plan = plan;
            this.sink = sink;
            this.progress = progress;
            this.results = new EmpiricalResult[inits.size()];
            this.previousV = new double[inits.size()][];
            this.previousA = new double[inits.size()][];
            this.slot = new int[inits.size()];
            this.active = new boolean[inits.size()];
            for (int i = 0; i < slot.length; i++) {
                slot[i] = i;
            }
            Arrays.fill(active, true);
            for (int i = 0; i < target.length; i++) {
                target[i] *= teacher.c();
            }
        }

        List<EmpiricalResult> run() {
            for (long t = 0; ; t++) {
                boolean last = t == spec.maxSteps();
                boolean check = t % spec.checkEvery() == 0 || last;
                boolean record = anyTracked() && plan.at(t);
                if (check || record) {
                    Measures m = measure();
                    evaluate(t, m, check, last, record);
                    if (check) {
                        remember(t, m);
                    }
                    if (check) {
                        reportProgress(t);
                    }
                    if (check && !last) {
                        repack();
                    }
                }
                if (last || !anyActive()) {
                    break;
                }
                step(t);
            }
            reportProgress(spec.maxSteps());
            return new ArrayList<>(Arrays.asList(results));
        }

        /** The gradient norms and losses that stop a student: of L_n, or for online SGD of the population. */
        Measures measure() {
            if (spec.regime() == Regime.ONLINE) {
                double[][] v = ensemble.filters();
                double[][] a = ensemble.outputWeights();
                return new Measures(v, a, populationGradNorms(v, a), null);
            }
            double[] gn = ensemble.gradNorms();
            double[] ln = ensemble.losses();
            return new Measures(ensemble.filters(), ensemble.outputWeights(), gn, ln);
        }

        /** One update of every student still training, on the regime's batch of step {@code t}. */
        void step(long t) {
            switch (spec.regime()) {
                case FULL_BATCH -> ensemble.stepFull();
                case MINIBATCH -> ensemble.stepRows(order.next());
                case ONLINE -> ensemble.stepOnline(t);
            }
        }

        /** Offer the engine to drop the stopped students; if it does, the live ones take slots 0, 1, … */
        void repack() {
            int live = 0;
            for (boolean b : active) {
                live += b ? 1 : 0;
            }
            int[] keep = new int[live];
            int[] newSlot = new int[live];
            int j = 0;
            for (int s = 0; s < active.length; s++) {
                if (active[s]) {
                    keep[j] = s;
                    newSlot[j] = slot[s];
                    j++;
                }
            }
            if (ensemble.repack(keep)) {
                slot = newSlot;
                active = new boolean[live];
                Arrays.fill(active, true);
            }
        }

        /** Student-steps of the budget done at step t (a stopped student counts its whole budget). */
        void reportProgress(long t) {
            if (progress == null) {
                return;
            }
            long done = 0;
            for (EmpiricalResult res : results) {
                done += res != null ? spec.maxSteps() : t;
            }
            if (done > reported) {
                progress.accept(done - reported);
                reported = done;
            }
        }

        boolean anyActive() {
            for (boolean b : active) {
                if (b) {
                    return true;
                }
            }
            return false;
        }

        boolean anyTracked() {
            if (plan.isEmpty()) {
                return false;
            }
            for (int s = 0; s < slot.length; s++) {
                if (plan.tracks(offset + slot[s])) {
                    return true;
                }
            }
            return false;
        }

        /** The exact population gradient norm of each slot (NaN for every slot where no closed form applies). */
        double[] populationGradNorms(double[][] v, double[][] a) {
            double[] out = new double[v.length];
            if (population == null) {
                Arrays.fill(out, Double.NaN);
                return out;
            }
            double[] gv = new double[v[0].length];
            double[] ga = new double[a[0].length];
            for (int s = 0; s < v.length; s++) {
                population.gradient(v[s], a[s], gv, ga);
                double q = 0;
                for (double e : gv) {
                    q += e * e;
                }
                for (double e : ga) {
                    q += e * e;
                }
                out[s] = Math.sqrt(q);
            }
            return out;
        }

        /** Record the tracked students at step t and, at a check, stop and classify those that are done. */
        void evaluate(long t, Measures m, boolean check, boolean last, boolean record) {
            List<Stop> stops = new ArrayList<>();
            for (int s = 0; s < slot.length; s++) {
                int id = offset + slot[s];
                boolean tracked = record && plan.tracks(id);
                if (!active[s] && !tracked) {
                    continue;
                }
                Standing st = standing(m.v()[s], m.a()[s], m.losses() == null ? null : m.losses()[s]);
                if (tracked) {
                    sink.point(id, t, st.phi(), st.lossN(), st.populationLoss(), m.gradNorms()[s]);
                }
                if (!check || !active[s]) {
                    continue;
                }
                double windowGrad = windowGradNorm(slot[s], t, m.v()[s], m.a()[s]);
                StopReason reason = stopReason(st, m.gradNorms()[s], windowGrad, m.a()[s], last);
                if (reason != null) {
                    stops.add(new Stop(s, reason, st, windowGrad));
                }
            }
            // the second-order classifications of the students stopping now are independent of each other (and
            // cost tens of gradients of L_n each): run them side by side; each result is the same whichever
            // thread computes it
            List<Judged> judged = judgeAll(stops, m);
            for (int i = 0; i < stops.size(); i++) {
                Stop x = stops.get(i);
                Judged j = judged.get(i);
                int s = x.s();
                results[slot[s]] = new EmpiricalResult(offset + slot[s], inits.get(slot[s]).seed(), j.outcome(),
                        x.reason(), t, x.st().phi(), m.losses() == null ? Double.NaN : m.losses()[s],
                        x.st().populationLoss(), m.gradNorms()[s], distance(m.a()[s], target), x.st().normV(),
                        j.kind(), j.minEigenvalue(), Double.isInfinite(x.windowGrad()) ? Double.NaN : x.windowGrad());
                active[s] = false;
                ensemble.freeze(s);
            }
        }

        /** The angle to the teacher and the losses of one student ({@code lossN} null: judged by the population). */
        Standing standing(double[] v, double[] a, Double lossN) {
            double nv = norm(v);
            double along = dot(v, wHat);
            double across = 0;
            for (int j = 0; j < v.length; j++) {
                double e = v[j] - along * wHat[j];
                across += e * e;
            }
            double phi = Math.atan2(Math.sqrt(across), along);
            double pop = population == null ? Double.NaN : population.loss(v, a);
            return new Standing(nv, along / nv, phi, pop, lossN == null ? pop : lossN);
        }

        /** {@link #judge} of every stop, in order; side by side on up to {@link #CLASSIFY_THREADS} threads. */
        List<Judged> judgeAll(List<Stop> stops, Measures m) {
            if (stops.size() <= 1) {
                return stops.stream().map(x -> judge(x.reason(), x.st(), m.v()[x.s()], m.a()[x.s()])).toList();
            }
            try {
                return Parallel.runUnchecked(Math.min(CLASSIFY_THREADS, stops.size()), "onecnn-second-order",
                        stops.stream().map(x -> (java.util.concurrent.Callable<Judged>)
                                () -> judge(x.reason(), x.st(), m.v()[x.s()], m.a()[x.s()])).toList());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while classifying stationary points", e);
            }
        }

        /** The parameters of the students still training, for the window of the next check. */
        void remember(long t, Measures m) {
            for (int s = 0; s < slot.length; s++) {
                if (active[s]) {
                    previousV[slot[s]] = m.v()[s].clone();
                    previousA[slot[s]] = m.a()[s].clone();
                }
            }
            previousCheck = t;
        }

        /**
         * The norm of the mean gradient over the steps since the previous check, {@code ‖θ_prev − θ_t‖ / (η Δt)}
         * (the update is {@code θ ← θ − η g}, so the displacement is {@code η} times the sum of the gradients
         * applied); {@code +∞} at the first check. Along a smooth path it is the gradient norm give or take the
         * window; on a kink of {@code L_n} (a sample's pre-activation crossing 0 at the minimum), where gradient
         * descent zigzags across the kink with a gradient of the size of the jump, it is the net drift, near 0.
         */
        double windowGradNorm(int index, long t, double[] v, double[] a) {
            if (previousCheck < 0 || t <= previousCheck || previousV[index] == null) {
                return Double.POSITIVE_INFINITY;
            }
            double q = 0;
            for (int j = 0; j < v.length; j++) {
                double e = previousV[index][j] - v[j];
                q += e * e;
            }
            for (int j = 0; j < a.length; j++) {
                double e = previousA[index][j] - a[j];
                q += e * e;
            }
            return Math.sqrt(q) / (spec.eta() * (t - previousCheck));
        }

        /**
         * Why a student stops now, or null if it goes on: STATIONARY when the gradient norm or the norm of the
         * mean gradient over the last check window is at most {@code gradTol} (stationary in Clarke's sense: a
         * convex combination of the gradients met nearby is small; the second catches minima on a kink of the
         * piecewise smooth {@code L_n}, where the gradient itself never gets small, see {@link #windowGradNorm}).
         */
        StopReason stopReason(Standing st, double gradNorm, double windowGrad, double[] a, boolean last) {
            // the layer forms ‖v‖² in the network's data type: once that overflows (v ~ 1.8e19 in float),
            // w = v/‖v‖ is 0, every unit is dead and the gradient vanishes, a fake stationary point; the
            // values read back in double are still finite, so the overflow is tested in the data type
            double nv = st.normV();
            boolean finite = Double.isFinite(nv) && nv * nv <= maxValue && Double.isFinite(gradNorm)
                    && Double.isFinite(st.lossN()) && allFinite(a);
            if (!finite) {
                return StopReason.NON_FINITE;
            } else if (gradNorm <= spec.gradTol() || windowGrad <= spec.gradTol()) {
                return StopReason.STATIONARY;
            } else if (last) {
                return StopReason.BUDGET;
            }
            return null;
        }

        /**
         * The outcome of a student stopping for {@code reason} at {@code (v, a)}, with its second-order kind: a
         * stationary student that is not GLOBAL is classified on the tangent space of the loss it was judged by
         * ({@link #curvature}), and is SPURIOUS only if that certifies a minimum (strict or degenerate); a far-side
         * saddle (or a point the probe cannot settle) is OTHER, its kind recorded (docs/outcomes.md).
         */
        Judged judge(StopReason reason, Standing st, double[] v, double[] a) {
            Outcome first = outcome(reason, st);
            if (reason != StopReason.STATIONARY || first == Outcome.GLOBAL) {
                return new Judged(first, null, Double.NaN);
            }
            SecondOrderResult so = curvature.classify(v, a);
            if (so == null) {
                return new Judged(first, null, Double.NaN);
            }
            Outcome out = first == Outcome.SPURIOUS && !so.kind().isMinimum() ? Outcome.OTHER : first;
            return new Judged(out, so.kind(), so.minEigenvalue());
        }

        /** The outcome class of a student stopping for {@code reason} by the first-order rule (docs/outcomes.md). */
        Outcome outcome(StopReason reason, Standing st) {
            if (reason == StopReason.NON_FINITE) {
                return Outcome.DIVERGED;
            } else if (reason == StopReason.BUDGET) {
                return Outcome.NOT_CONVERGED;
            } else if (st.cos() > 0 && st.lossN() <= spec.lossTol()) {
                return Outcome.GLOBAL;
            } else if (st.cos() < 0 && st.lossN() > spec.lossTol()) {
                return Outcome.SPURIOUS;
            }
            return Outcome.OTHER;
        }
    }

    /** An outcome with the second-order kind that decided it (null, NaN: not examined). */
    private record Judged(Outcome outcome, SecondOrderKind kind, double minEigenvalue) {
    }

    /**
     * The loss a stopped student is judged by, as a {@link LossOracle} for the {@link SecondOrderClassifier}: the
     * empirical loss {@code L_n} of the training set in double ({@link EmpiricalLoss}; the set is converted once, at
     * the first classification, so a run with no stationary non-global student pays nothing), or for online SGD
     * the exact population loss (the closed form; none: not examined). One per {@link #train} call; the students
     * stopping at one check are classified side by side, so the oracle is made under a lock and then only read.
     */
    private final class Curvature {
        private final TrainingSet data;
        private LossOracle oracle;

        Curvature(TrainingSet data) {
            this.data = data;
        }

        /** The classification of {@code (v, a)}, or null where no loss is available. */
        SecondOrderResult classify(double[] v, double[] a) {
            LossOracle o = oracle();
            return o == null ? null : SECOND_ORDER.classify(o, v, a);
        }

        /** The oracle, made at the first call; null where no loss is available. */
        private synchronized LossOracle oracle() {
            if (oracle == null) {
                if (data != null) {
                    oracle = new EmpiricalLoss(spec.arch(), spec.leakySlope(), data.xDoubles(), data.yDoubles());
                } else if (population != null) {
                    oracle = new PopulationOracle(population);
                }
            }
            return oracle;
        }
    }

    /** The second-order classifier of stationary non-global students (its defaults; docs/outcomes.md). */
    private static final SecondOrderClassifier SECOND_ORDER = new SecondOrderClassifier();

    /** {@code ‖a − target‖}. */
    private static double distance(double[] a, double[] target) {
        double dist = 0;
        for (int j = 0; j < target.length; j++) {
            double e = a[j] - target[j];
            dist += e * e;
        }
        return Math.sqrt(dist);
    }

    private static boolean allFinite(double[] x) {
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static double norm(double[] x) {
        return Math.sqrt(dot(x, x));
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
