package org.onecnn.empirical;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.StopReason;
import org.onecnn.model.Teacher;
import org.onecnn.population.NonOverlappingGaussian;
import org.onecnn.population.RecordPlan;

/**
 * Trains ensembles of students with the DL4J network of {@link EnsembleNetwork} on finite samples:
 * full-batch gradient descent on {@code L_n} (Algorithm 1 on the empirical loss), minibatch SGD over the
 * set, or online SGD with fresh samples every step; the update is {@code θ ← θ − η ∇L} with the mean
 * gradient over the batch.
 *
 * <h2>Chunking and determinism</h2>
 * Students are trained in chunks of at most {@code studentChunk} (one network each): every student's
 * computation is independent of the others in its chunk. The samples of a batch are fed in chunks of
 * {@code sampleChunk} (a multiple of {@code reductionBlock}); the layers add each block's gradient into
 * the gradient view in sample order, and losses are summed per student in Java, in sample order. Within a
 * block the sums are ND4J's and OpenBLAS's, whose order depends on the array shapes (how many students share
 * a network, how many samples a chunk holds) and on the CPU's kernels. What onecnn guarantees: on one machine
 * the same spec and data give identical bits on every run; across chunk sizes or CPUs the outcomes, stop
 * reasons and iterations are the same and the values agree within the rounding of those sums (the bound is
 * derived in the tests' {@code RoundingTolerance}).
 *
 * <h2>Stopping and outcomes (docs/outcomes.md)</h2>
 * Every {@code checkEvery} steps each student's full gradient norm is measured ({@code ‖∇L_n‖} on the
 * training set; for online SGD the exact population gradient); a student at or below {@code gradTol} is
 * stationary and stops (its parameters are frozen; the others go on). A stationary student is
 * {@code GLOBAL} when {@code cos φ > 0} and {@code L_n ≤ lossTol}, {@code SPURIOUS} when
 * {@code cos φ < 0} and {@code L_n > lossTol} (a non-global minimum on the far side), {@code OTHER}
 * otherwise; a student still moving at the budget is {@code NOT_CONVERGED}; a non-finite value is
 * {@code DIVERGED}. No angle threshold: the empirical spurious minimum sits far from φ = π.
 */
public final class EnsembleTrainer {
    /** Fresh samples for online SGD: batch {@code step} of {@code size} samples, {@code {X [b, d], y [b, 1]}}. */
    @FunctionalInterface
    public interface BatchSource {
        INDArray[] batch(long step, int size);
    }

    /** Trajectory points of tracked students. */
    @FunctionalInterface
    public interface Sink {
        void point(int run, long step, double phi, double lossN, double populationLoss, double gradNorm);

        Sink NONE = (run, step, phi, lossN, pop, grad) -> {
        };
    }

    private final EmpiricalSpec spec;
    private final Teacher teacher;
    private final NonOverlappingGaussian population;
    /** The largest finite value of the network's data type. */
    private final double maxValue;

    /**
     * @param spec    how to train
     * @param teacher the teacher (for angles, distances and, with non-overlapping patches and Gaussian input,
     *                the exact population loss at the students' points)
     * @param gaussianInput whether the data are Gaussian (the population closed form applies)
     */
    public EnsembleTrainer(EmpiricalSpec spec, Teacher teacher, boolean gaussianInput) {
        this.spec = spec;
        this.teacher = teacher;
        boolean closedForm = gaussianInput && spec.arch().s() == spec.arch().r();
        this.population = closedForm ? new NonOverlappingGaussian(teacher) : null;
        this.maxValue = spec.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT ? Float.MAX_VALUE
                : Double.MAX_VALUE;
    }

    /**
     * Train every initial point.
     *
     * @param inits  the students' initial points {@code (v, a)}
     * @param x      training inputs {@code [n, d]} (null for online SGD)
     * @param y      training labels {@code [n, 1]} (null for online SGD)
     * @param online fresh batches (online SGD only)
     * @param plan   trajectories to record
     * @param sink   where recorded points go
     */
    public List<EmpiricalResult> train(List<InitialPoint> inits, INDArray x, INDArray y, BatchSource online,
            RecordPlan plan, Sink sink) {
        return train(inits, x, y, online, plan, sink, null);
    }

    /**
     * {@link #train(List, INDArray, INDArray, BatchSource, RecordPlan, Sink)}, reporting progress in student-steps
     * of the budget: at every check, {@code progress} receives the student-steps done since its last call, where a
     * student still training has done {@code t} of its {@code maxSteps} and a stopped one counts its whole budget
     * (so the calls add up to exactly {@code inits.size() × maxSteps}, and an ETA from them is an upper bound).
     *
     * @param progress receives increments; may be {@code null}
     */
    public List<EmpiricalResult> train(List<InitialPoint> inits, INDArray x, INDArray y, BatchSource online,
            RecordPlan plan, Sink sink, java.util.function.LongConsumer progress) {
        boolean isOnline = spec.regime().equals("online");
        if (isOnline ? online == null : (x == null || y == null)) {
            throw new IllegalArgumentException(isOnline ? "online SGD needs a batch source" : "training data needed");
        }
        List<EmpiricalResult> out = new ArrayList<>(inits.size());
        for (int lo = 0; lo < inits.size(); lo += spec.studentChunk()) {
            int hi = Math.min(inits.size(), lo + spec.studentChunk());
            Chunk chunk = new Chunk(inits.subList(lo, hi), lo, x, y, online, plan, sink);
            chunk.progress = progress;
            out.addAll(chunk.run());
        }
        return out;
    }

    /**
     * Full-batch gradient descent steps on one network holding all the given students, without checks or
     * recording: what {@code onecnn bench empirical} times.
     */
    public final class Stepper {
        private final Chunk chunk;

        private Stepper(Chunk chunk) {
            this.chunk = chunk;
        }

        /** One step {@code θ ← θ − (η/n) Σ_m ∇ℓ_m} for every student. */
        public void step() {
            chunk.gradient(chunk.xChunks, chunk.yChunks);
            chunk.params.subi(chunk.grad.muli(spec.eta() / chunk.x.size(0)));
        }

        /** The students' filter parameters {@code v} ({@code [R, r]}). */
        public double[][] filters() {
            return chunk.vs();
        }
    }

    /** A {@link Stepper} for full-batch gradient descent of {@code inits} on {@code (x, y)}. */
    public Stepper stepper(List<InitialPoint> inits, INDArray x, INDArray y) {
        return new Stepper(new Chunk(inits, 0, x, y, null, RecordPlan.NONE, Sink.NONE));
    }

    /** One network of students. */
    private final class Chunk {
        final List<InitialPoint> inits;
        final int offset;
        final int r;
        final int k;
        /** Students in the current network, and the index into {@code inits} of each of its slots. */
        int students;
        int[] slot;
        MultiLayerNetwork net;
        INDArray params;
        INDArray grad;
        INDArray mask;
        final INDArray x;
        final INDArray yRaw;
        final double[] yv;
        final List<INDArray> xChunks = new ArrayList<>();
        List<INDArray> yChunks = new ArrayList<>();
        final BatchSource online;
        final RecordPlan plan;
        final Sink sink;
        final EmpiricalResult[] results;
        boolean[] active;
        java.util.function.LongConsumer progress;
        long reported;

        Chunk(List<InitialPoint> inits, int offset, INDArray x, INDArray y, BatchSource online, RecordPlan plan,
                Sink sink) {
            this.inits = inits;
            this.offset = offset;
            this.students = inits.size();
            this.r = spec.arch().r();
            this.k = spec.arch().k();
            this.online = online;
            this.plan = plan;
            this.sink = sink;
            this.slot = new int[students];
            double[][] v = new double[students][];
            double[][] a = new double[students][];
            for (int i = 0; i < students; i++) {
                slot[i] = i;
                v[i] = inits.get(i).v();
                a[i] = inits.get(i).a();
            }
            build(Nd4j.createFromArray(v).castTo(spec.dataType()), Nd4j.createFromArray(a).castTo(spec.dataType()));
            this.x = x == null ? null : x.castTo(spec.dataType());
            this.yRaw = y;
            this.yv = y == null ? null : y.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
            if (x != null) {
                long n = x.size(0);
                for (long m0 = 0; m0 < n; m0 += spec.sampleChunk()) {
                    long m1 = Math.min(n, m0 + spec.sampleChunk());
                    xChunks.add(this.x.get(NDArrayIndex.interval(m0, m1), NDArrayIndex.all()).dup('c'));
                    yChunks.add(labels(y.get(NDArrayIndex.interval(m0, m1), NDArrayIndex.all())));
                }
            }
            this.results = new EmpiricalResult[students];
            this.active = new boolean[students];
            java.util.Arrays.fill(active, true);
        }

        /** A network for the current students, with parameters {@code v} ([R, r]) and {@code a} ([R, k]). */
        private void build(INDArray v, INDArray a) {
            net = EnsembleNetwork.create(spec.arch(), students, spec.leakySlope(), spec.dataType(), spec.seed(),
                    spec.reductionBlock());
            net.initGradientsView();
            EnsembleNetwork.accumulate(net, true);
            // both flat views of the same length (DL4J keeps the parameters as a vector, the gradients as a row)
            params = net.params();
            grad = net.getGradientsViewArray().reshape(params.shape());
            EnsembleNetwork.filters(net).assign(v);
            EnsembleNetwork.outputWeights(net).assign(a);
            mask = Nd4j.ones(spec.dataType(), params.shape());
        }

        /**
         * Move the students still training into a smaller network: once half of a network has stopped, the
         * stopped ones would otherwise cost as much as the rest. Each student's arithmetic does not depend on
         * its network mates, so this changes no result beyond the rounding of a GEMM of another shape (the
         * chunking tests hold it to the derived rounding tolerance).
         */
        boolean repack() {
            int live = 0;
            for (boolean b : active) {
                live += b ? 1 : 0;
            }
            if (live == 0 || live > students / 2 || students < 4) {
                return false;
            }
            int[] keep = new int[live];
            int[] newSlot = new int[live];
            int j = 0;
            for (int s = 0; s < students; s++) {
                if (active[s]) {
                    keep[j] = s;
                    newSlot[j] = slot[s];
                    j++;
                }
            }
            INDArray v = EnsembleNetwork.filters(net).getRows(keep);
            INDArray a = EnsembleNetwork.outputWeights(net).getRows(keep);
            students = live;
            slot = newSlot;
            active = new boolean[live];
            java.util.Arrays.fill(active, true);
            build(v, a);
            if (yRaw != null) {
                List<INDArray> ys = new ArrayList<>();
                long n = yRaw.size(0);
                for (long m0 = 0; m0 < n; m0 += spec.sampleChunk()) {
                    long m1 = Math.min(n, m0 + spec.sampleChunk());
                    ys.add(labels(yRaw.get(NDArrayIndex.interval(m0, m1), NDArrayIndex.all())));
                }
                yChunks = ys;
            }
            return true;
        }

        /** Labels replicated to every student, column-major (the layout that makes the loss one op). */
        INDArray labels(INDArray y) {
            INDArray col = y.castTo(spec.dataType()).reshape(y.size(0), 1);
            INDArray out = Nd4j.createUninitialized(spec.dataType(), new long[] {y.size(0), students}, 'f');
            // column by column: INDArray.assign does not broadcast [m, 1] into [m, R]
            for (int s = 0; s < students; s++) {
                out.getColumn(s).assign(col);
            }
            return out;
        }

        /** The summed gradient over the given chunks into {@code grad}. */
        void gradient(List<INDArray> xs, List<INDArray> ys) {
            grad.assign(0);
            for (int c = 0; c < xs.size(); c++) {
                net.setInput(xs.get(c));
                net.setLabels(ys.get(c));
                net.computeGradientAndScore();
            }
        }

        /** Split a batch into sample chunks. */
        void split(INDArray bx, INDArray by, List<INDArray> xs, List<INDArray> ys) {
            long n = bx.size(0);
            for (long m0 = 0; m0 < n; m0 += spec.sampleChunk()) {
                long m1 = Math.min(n, m0 + spec.sampleChunk());
                xs.add(bx.get(NDArrayIndex.interval(m0, m1), NDArrayIndex.all()).castTo(spec.dataType()).dup('c'));
                ys.add(labels(by.get(NDArrayIndex.interval(m0, m1), NDArrayIndex.all())));
            }
        }

        List<EmpiricalResult> run() {
            String regime = spec.regime();
            long n = x == null ? 0 : x.size(0);
            long epochPos = 0;
            int[] order = null;
            long epoch = 0;
            for (long t = 0; ; t++) {
                boolean last = t == spec.maxSteps();
                boolean check = t % spec.checkEvery() == 0 || last;
                boolean record = anyTracked() && plan.at(t);
                boolean fullDone = false;
                if (regime.equals("full-batch")) {
                    gradient(xChunks, yChunks);
                    fullDone = true;
                }
                if (check || record) {
                    double[] gn;
                    if (regime.equals("online")) {
                        gn = populationGradNorms();
                    } else {
                        if (!fullDone) {
                            gradient(xChunks, yChunks);
                            fullDone = true;
                        }
                        gn = gradNorms(grad, n);
                    }
                    double[] ln = regime.equals("online") ? null : losses();
                    evaluate(t, gn, ln, check, last, record);
                    if (check) {
                        reportProgress(t);
                    }
                    if (check && !last && repack()) {
                        fullDone = false;
                    }
                }
                if (last || !anyActive()) {
                    break;
                }
                long b;
                if (regime.equals("full-batch")) {
                    if (!fullDone) {
                        gradient(xChunks, yChunks);
                    }
                    b = n;
                } else if (regime.equals("minibatch")) {
                    b = Math.min(spec.batchSize(), n);
                    if (order == null || epochPos + b > n) {
                        order = toInts(org.onecnn.empirical.data.Batches.permutation(n, spec.seed(), epoch++));
                        epochPos = 0;
                    }
                    int[] idx = java.util.Arrays.copyOfRange(order, (int) epochPos, (int) (epochPos + b));
                    epochPos += b;
                    List<INDArray> xs = new ArrayList<>();
                    List<INDArray> ys = new ArrayList<>();
                    split(x.getRows(idx), Nd4j.createFromArray(pick(idx)).reshape(b, 1), xs, ys);
                    gradient(xs, ys);
                } else {
                    b = spec.batchSize();
                    INDArray[] fresh = online.batch(t, spec.batchSize());
                    List<INDArray> xs = new ArrayList<>();
                    List<INDArray> ys = new ArrayList<>();
                    split(fresh[0], fresh[1], xs, ys);
                    gradient(xs, ys);
                }
                // frozen students do not move; the rest take θ ← θ − (η/b) ΣG
                grad.muli(mask);
                params.subi(grad.muli(spec.eta() / b));
            }
            reportProgress(spec.maxSteps());
            List<EmpiricalResult> list = new ArrayList<>();
            for (EmpiricalResult res : results) {
                list.add(res);
            }
            return list;
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

        private double[] pick(int[] idx) {
            double[] out = new double[idx.length];
            for (int i = 0; i < idx.length; i++) {
                out[i] = yv[idx[i]];
            }
            return out;
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
            for (int i = 0; i < students; i++) {
                if (plan.tracks(offset + slot[i])) {
                    return true;
                }
            }
            return false;
        }

        /** Per-student ‖∇L_n‖ from the summed gradient over {@code n} samples. */
        double[] gradNorms(INDArray g, long count) {
            double[] flat = g.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
            double[] out = new double[students];
            int vLen = students * r;
            for (int s = 0; s < students; s++) {
                double q = 0;
                for (int j = 0; j < r; j++) {
                    double e = flat[s * r + j] / count;
                    q += e * e;
                }
                for (int j = 0; j < k; j++) {
                    double e = flat[vLen + s * k + j] / count;
                    q += e * e;
                }
                out[s] = Math.sqrt(q);
            }
            return out;
        }

        double[] populationGradNorms() {
            double[] out = new double[students];
            if (population == null) {
                java.util.Arrays.fill(out, Double.NaN);
                return out;
            }
            double[][] v = vs();
            double[][] a = as();
            double[] gv = new double[r];
            double[] ga = new double[k];
            for (int s = 0; s < students; s++) {
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

        /** Per-student L_n = (1/n) Σ_m ½ (f_m − y_m)², summed in Java in sample order. */
        double[] losses() {
            double[] sum = new double[students];
            long m = 0;
            for (INDArray xc : xChunks) {
                double[][] f = net.output(xc).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
                for (double[] row : f) {
                    double yy = yv[(int) m++];
                    for (int s = 0; s < students; s++) {
                        double e = row[s] - yy;
                        sum[s] += 0.5 * e * e;
                    }
                }
            }
            for (int s = 0; s < students; s++) {
                sum[s] /= m;
            }
            return sum;
        }

        double[][] vs() {
            return EnsembleNetwork.filters(net).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
        }

        double[][] as() {
            return EnsembleNetwork.outputWeights(net).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                    .toDoubleMatrix();
        }

        void evaluate(long t, double[] gn, double[] ln, boolean check, boolean last, boolean record) {
            double[][] v = vs();
            double[][] a = as();
            double[] wHat = teacher.wStarUnit();
            double[] target = teacher.aStar();
            for (int i = 0; i < target.length; i++) {
                target[i] *= teacher.c();
            }
            for (int s = 0; s < students; s++) {
                int id = offset + slot[s];
                if (!active[s] && !(record && plan.tracks(id))) {
                    continue;
                }
                double nv = norm(v[s]);
                double along = dot(v[s], wHat);
                double cos = along / nv;
                double across = 0;
                for (int j = 0; j < r; j++) {
                    double e = v[s][j] - along * wHat[j];
                    across += e * e;
                }
                double phi = Math.atan2(Math.sqrt(across), along);
                double pop = population == null ? Double.NaN : population.loss(v[s], a[s]);
                double lossN = ln == null ? pop : ln[s];
                if (record && plan.tracks(id)) {
                    sink.point(id, t, phi, lossN, pop, gn[s]);
                }
                if (!check || !active[s]) {
                    continue;
                }
                // the layer forms ‖v‖² in the network's data type: once that overflows (v ~ 1.8e19 in float),
                // w = v/‖v‖ is 0, every unit is dead and the gradient vanishes, a fake stationary point; the
                // values read back in double are still finite, so the overflow is tested in the data type
                boolean finite = Double.isFinite(nv) && nv * nv <= maxValue && Double.isFinite(gn[s])
                        && Double.isFinite(lossN) && allFinite(a[s]);
                StopReason reason = null;
                if (!finite) {
                    reason = StopReason.NON_FINITE;
                } else if (gn[s] <= spec.gradTol()) {
                    reason = StopReason.STATIONARY;
                } else if (last) {
                    reason = StopReason.BUDGET;
                }
                if (reason == null) {
                    continue;
                }
                Outcome o;
                if (reason == StopReason.NON_FINITE) {
                    o = Outcome.DIVERGED;
                } else if (reason == StopReason.BUDGET) {
                    o = Outcome.NOT_CONVERGED;
                } else if (cos > 0 && lossN <= spec.lossTol()) {
                    o = Outcome.GLOBAL;
                } else if (cos < 0 && lossN > spec.lossTol()) {
                    o = Outcome.SPURIOUS;
                } else {
                    o = Outcome.OTHER;
                }
                double dist = 0;
                for (int j = 0; j < k; j++) {
                    double e = a[s][j] - target[j];
                    dist += e * e;
                }
                InitialPoint ip = inits.get(slot[s]);
                results[slot[s]] = new EmpiricalResult(id, ip.seed(), o, reason, t, phi, ln == null ? Double.NaN
                        : ln[s], pop, gn[s], Math.sqrt(dist), nv);
                active[s] = false;
                freeze(s);
            }
        }

        /** Zero the update of student s from now on. */
        void freeze(int s) {
            int vLen = students * r;
            INDArray flat = mask.reshape(mask.length());
            flat.get(NDArrayIndex.interval((long) s * r, (long) (s + 1) * r)).assign(0);
            flat.get(NDArrayIndex.interval((long) vLen + (long) s * k, (long) vLen + (long) (s + 1) * k)).assign(0);
        }
    }

    private static int[] toInts(long[] p) {
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = (int) p[i];
        }
        return out;
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
