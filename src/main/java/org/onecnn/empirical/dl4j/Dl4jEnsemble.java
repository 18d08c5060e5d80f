package org.onecnn.empirical.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.layers.EnsembleNetwork;
import org.onecnn.model.InitialPoint;

/**
 * One DL4J network of students. The samples of a batch are fed in chunks of {@code sampleChunk} (a multiple of
 * {@code reductionBlock}); the layers add each block's gradient into the gradient view in sample order. Frozen
 * students are masked out of the update. The full-batch gradient of the current point is kept between
 * {@link #gradNorms} and {@link #stepFull} (computed once per step, as the step needs it anyway).
 */
final class Dl4jEnsemble implements StudentEnsemble {
    private final EmpiricalSpec spec;
    private final int r;
    private final int k;
    private final DataType type;
    /** Students in the current network. */
    private int students;
    private MultiLayerNetwork net;
    private INDArray params;
    private INDArray grad;
    private INDArray mask;
    /** Whether {@code grad} holds the full training set's summed gradient at the current parameters. */
    private boolean fullGradient;
    private final INDArray x;
    private final INDArray yRaw;
    private final double[] yv;
    /** The fresh samples of online SGD (null with a training set). */
    private final CounterSamples online;
    /** The training set in chunks of {@code sampleChunk} samples (empty online). */
    private List<INDArray> xChunks = List.of();
    private List<INDArray> yChunks = List.of();

    Dl4jEnsemble(EmpiricalSpec spec, List<InitialPoint> inits, INDArray x, INDArray y, CounterSamples online) {
        this.spec = spec;
        this.online = online;
        this.type = spec.dataType();
        this.students = inits.size();
        this.r = spec.arch().r();
        this.k = spec.arch().k();
        double[][] v = new double[students][];
        double[][] a = new double[students][];
        for (int i = 0; i < students; i++) {
            v[i] = inits.get(i).v();
            a[i] = inits.get(i).a();
        }
        build(Nd4j.createFromArray(v).castTo(type), Nd4j.createFromArray(a).castTo(type));
        this.x = x == null ? null : x.castTo(type);
        this.yRaw = y;
        this.yv = y == null ? null : y.castTo(DataType.DOUBLE).toDoubleVector();
        if (x != null) {
            xChunks = chunks(this.x, c -> c.dup('c'));
            yChunks = chunks(y, this::labels);
        }
    }

    /** A network for the current students, with parameters {@code v} ([R, r]) and {@code a} ([R, k]). */
    private void build(INDArray v, INDArray a) {
        net = EnsembleNetwork.create(spec.arch(), students, spec.leakySlope(), type, spec.seed(),
                spec.reductionBlock());
        net.initGradientsView();
        EnsembleNetwork.accumulate(net, true);
        // both flat views of the same length (DL4J keeps the parameters as a vector, the gradients as a row)
        params = net.params();
        grad = net.getGradientsViewArray().reshape(params.shape());
        EnsembleNetwork.filters(net).assign(v);
        EnsembleNetwork.outputWeights(net).assign(a);
        mask = Nd4j.ones(type, params.shape());
        fullGradient = false;
    }

    @Override
    public int size() {
        return students;
    }

    /**
     * Move the kept students into a smaller network once at most half of a network of at least 4 is still
     * training: otherwise the stopped ones would cost as much as the rest. Each student's arithmetic does not
     * depend on its network mates, so this changes no result beyond the rounding of a GEMM of another shape (the
     * chunking tests hold it to the derived rounding tolerance).
     */
    @Override
    public boolean repack(int[] keep) {
        int live = keep.length;
        if (live == 0 || live > students / 2 || students < 4) {
            return false;
        }
        INDArray v = EnsembleNetwork.filters(net).getRows(keep);
        INDArray a = EnsembleNetwork.outputWeights(net).getRows(keep);
        students = live;
        build(v, a);
        if (yRaw != null) {
            // the labels are replicated once per student: a smaller network needs narrower ones
            yChunks = chunks(yRaw, this::labels);
        }
        return true;
    }

    /** Labels replicated to every student, column-major (the layout that makes the loss one op). */
    private INDArray labels(INDArray y) {
        INDArray col = y.castTo(type).reshape(y.size(0), 1);
        INDArray out = Nd4j.createUninitialized(type, new long[] {y.size(0), students}, 'f');
        // column by column: INDArray.assign does not broadcast [m, 1] into [m, R]
        for (int s = 0; s < students; s++) {
            out.getColumn(s).assign(col);
        }
        return out;
    }

    /** The summed gradient over the given chunks into {@code grad}. */
    private void gradient(List<INDArray> xs, List<INDArray> ys) {
        grad.assign(0);
        for (int c = 0; c < xs.size(); c++) {
            net.setInput(xs.get(c));
            net.setLabels(ys.get(c));
            net.computeGradientAndScore();
        }
    }

    /** The full training set's summed gradient at the current point into {@code grad}, unless already there. */
    private void fullGradient() {
        if (!fullGradient) {
            gradient(xChunks, yChunks);
            fullGradient = true;
        }
    }

    /** The summed gradient of a batch, split into sample chunks, into {@code grad}. */
    private void batchGradient(INDArray bx, INDArray by) {
        List<INDArray> xs = chunks(bx, c -> c.castTo(type).dup('c'));
        List<INDArray> ys = chunks(by, this::labels);
        fullGradient = false;
        gradient(xs, ys);
    }

    /** {@code f} of each chunk of {@code sampleChunk} consecutive rows of {@code a}, in row order. */
    private List<INDArray> chunks(INDArray a, UnaryOperator<INDArray> f) {
        List<INDArray> out = new ArrayList<>();
        long n = a.size(0);
        for (long m0 = 0; m0 < n; m0 += spec.sampleChunk()) {
            long m1 = Math.min(n, m0 + spec.sampleChunk());
            out.add(f.apply(a.get(NDArrayIndex.interval(m0, m1), NDArrayIndex.all())));
        }
        return out;
    }

    /** {@code θ ← θ − (η/b) ΣG} for the students not frozen (frozen ones do not move). */
    private void update(long b) {
        grad.muli(mask);
        params.subi(grad.muli(spec.eta() / b));
        fullGradient = false;
    }

    @Override
    public void stepFull() {
        fullGradient();
        update(x.size(0));
    }

    @Override
    public void stepRows(int[] rows) {
        long b = rows.length;
        double[] ys = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            ys[i] = yv[rows[i]];
        }
        batchGradient(x.getRows(rows), Nd4j.createFromArray(ys).reshape(b, 1));
        update(b);
    }

    /** The batch of {@code step} from the counter-based samples, in the network's data type, then one step. */
    @Override
    public void stepOnline(long step) {
        int b = online.batchSize();
        int d = online.d();
        INDArray bx;
        INDArray by;
        if (type == DataType.FLOAT) {
            float[] xs = new float[b * d];
            float[] ys = new float[b];
            online.fill(step, 0, b, xs, ys);
            bx = Nd4j.create(xs, new long[] {b, d}, 'c');
            by = Nd4j.create(ys, new long[] {b, 1}, 'c');
        } else {
            double[] xs = new double[b * d];
            double[] ys = new double[b];
            online.fill(step, 0, b, xs, ys);
            bx = Nd4j.create(xs, new long[] {b, d}, 'c');
            by = Nd4j.create(ys, new long[] {b, 1}, 'c');
        }
        batchGradient(bx, by);
        update(b);
    }

    /** Per-student ‖∇L_n‖ from the summed gradient over the {@code n} training samples. */
    @Override
    public double[] gradNorms() {
        fullGradient();
        long count = x.size(0);
        double[] flat = grad.castTo(DataType.DOUBLE).toDoubleVector();
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

    /** Per-student L_n = (1/n) Σ_m ½ (f_m − y_m)², summed in Java in sample order. */
    @Override
    public double[] losses() {
        double[] sum = new double[students];
        long m = 0;
        for (INDArray xc : xChunks) {
            double[][] f = net.output(xc).castTo(DataType.DOUBLE).toDoubleMatrix();
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

    @Override
    public double[][] filters() {
        return EnsembleNetwork.filters(net).castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    @Override
    public double[][] outputWeights() {
        return EnsembleNetwork.outputWeights(net).castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    /** Zero the update of slot s from now on. */
    @Override
    public void freeze(int s) {
        int vLen = students * r;
        INDArray flat = mask.reshape(mask.length());
        flat.get(NDArrayIndex.interval((long) s * r, (long) (s + 1) * r)).assign(0);
        flat.get(NDArrayIndex.interval((long) vLen + (long) s * k, (long) vLen + (long) (s + 1) * k)).assign(0);
    }
}
