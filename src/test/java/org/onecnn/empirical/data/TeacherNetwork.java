package org.onecnn.empirical.data;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.onecnn.empirical.layers.EnsembleNetwork;
import org.onecnn.empirical.layers.WeightNormConv;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;

/**
 * The teacher {@code y = Σ_i a*_i σ(w*ᵀ Z_i)} as the students' own network: {@link EnsembleNetwork} with
 * {@code R = 1}, filter {@code v = w*} and output weights {@code a = c·a*}, {@code c = ‖w*‖}. The network
 * normalises its filter, and σ is positively homogeneous, so it computes {@code Σ_i c a*_i σ(w*ᵀ Z_i / c)}
 * {@code = Σ_i a*_i σ(w*ᵀ Z_i)}: labels come from the same layers as the students' outputs.
 *
 * <p>The parameters are handed to {@code init}, so building a teacher draws nothing at random. Not
 * thread-safe (a DL4J network is not).
 *
 * <p>Test code: a second computation of the teacher's labels, through the students' DL4J layers, which the tests
 * compare with the formula and with the labels of the generator and the Convotron; no run uses it.
 */
public final class TeacherNetwork {
    /** Rows per forward pass, which bounds the activation memory ({@code rows · k} values). */
    static final long CHUNK = 1 << 16;

    private final Architecture arch;
    private final Teacher teacher;
    private final double leakySlope;
    private final DataType type;
    private final MultiLayerNetwork net;

    private TeacherNetwork(Architecture arch, Teacher teacher, double leakySlope, DataType type) {
        this.arch = arch;
        this.teacher = teacher;
        this.leakySlope = leakySlope;
        this.type = type;
        int r = arch.r();
        int k = arch.k();
        double[] w = teacher.wStar();
        double[] a = teacher.aStar();
        double c = teacher.c();
        double[] params = new double[r + k];
        System.arraycopy(w, 0, params, 0, r);
        for (int i = 0; i < k; i++) {
            params[r + i] = c * a[i];
        }
        // the configuration's seed is irrelevant: with the parameters given, init draws nothing
        this.net = new MultiLayerNetwork(EnsembleNetwork.configuration(arch, 1, leakySlope, type, 0L,
                WeightNormConv.DEFAULT_REDUCTION_BLOCK));
        net.init(Nd4j.create(params, new long[] {1, r + k}, type), false);
    }

    /**
     * The teacher network of {@code teacher} for {@code arch}.
     *
     * @param leakySlope α of the activation {@code max(z, αz)}, in {@code [0, 1)} (0: ReLU)
     * @param type       FLOAT or DOUBLE: the type of the parameters, the computation and the labels
     * @throws InvalidInputException if the teacher does not fit the architecture ({@code |w*| = r},
     *                               {@code |a*| = k})
     */
    public static TeacherNetwork of(Architecture arch, Teacher teacher, double leakySlope, DataType type) {
        Checks.notNull("architecture", arch);
        Checks.notNull("teacher", teacher);
        teacher.requireFits(arch, "teacher");
        Checks.leakySlope("leaky_slope", leakySlope);
        Checks.floating("data_type", type);
        return new TeacherNetwork(arch, teacher, leakySlope, type);
    }

    /**
     * The teacher's outputs on {@code x} ({@code [n, d]}, cast to this network's type if needed) as a new
     * row-major {@code [n, 1]} array, computed in blocks of {@value #CHUNK} rows.
     */
    public INDArray labels(INDArray x) {
        return labels(x, CHUNK);
    }

    /** {@link #labels(INDArray)} with {@code chunk} rows per forward pass (tests use small chunks). */
    INDArray labels(INDArray x, long chunk) {
        Checks.notNull("X", x);
        if (x.rank() != 2 || x.size(1) != arch.d()) {
            throw new InvalidInputException("X", "must be [n, d] with d = " + arch.d() + ", got "
                    + java.util.Arrays.toString(x.shape()));
        }
        INDArray in = x.dataType() == type ? x : x.castTo(type);
        long n = in.size(0);
        INDArray y = Nd4j.createUninitialized(type, new long[] {n, 1}, 'c');
        for (long m0 = 0; m0 < n; m0 += chunk) {
            long m1 = Math.min(n, m0 + chunk);
            INDArray block = n <= chunk ? in : in.get(NDArrayIndex.interval(m0, m1), NDArrayIndex.all());
            // the layers directly and without workspaces: the network's own output() would use the same
            // per-thread workspaces as the students' networks, and alternating them (online SGD draws a batch
            // every step) costs milliseconds a call in workspace resizing
            LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
            INDArray out = net.getLayer(1).activate(net.getLayer(0).activate(block, false, ws), false, ws);
            y.get(NDArrayIndex.interval(m0, m1), NDArrayIndex.all()).assign(out.reshape(m1 - m0, 1));
        }
        net.clear();
        return y;
    }

    /** The underlying network (for inspection: {@code EnsembleNetwork.filters(net())} is {@code w*}). */
    MultiLayerNetwork net() {
        return net;
    }

    public Architecture architecture() {
        return arch;
    }

    public Teacher teacher() {
        return teacher;
    }

    public double leakySlope() {
        return leakySlope;
    }

    public DataType dataType() {
        return type;
    }
}
