package org.onecnn.empirical.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The ensemble output layer ({@link EnsembleOutput}): per student a matrix–vector product,
 * {@code f_ρ = H_ρ a_ρ} with {@code H_ρ} the {@code [n, k]} block of student ρ in the {@code [R, n, k]}
 * row-major activations, as one batched matrix product. Backward:
 * {@code ∂L/∂a_ρ = H_ρᵀ ε_ρ} (batched, per block of samples, in sample order) and
 * {@code ∂L/∂H_ρ = ε_ρ a_ρᵀ} (a batched outer product into an {@code [R, n, k]} buffer).
 */
public class EnsembleOutputLayer extends StudentLayer<EnsembleOutput> {
    private static final long serialVersionUID = 1L;

    public EnsembleOutputLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** The input as a row-major {@code [R, n, k]} array. */
    private INDArray hidden(LayerWorkspaceMgr ws, ArrayType type) {
        EnsembleOutput c = layerConf();
        int students = c.getStudents();
        int k = c.getPatches();
        INDArray x = input.dataType() == dataType ? input : input.castTo(dataType);
        long n = x.size(0);
        INDArray h = x.rank() == 3 ? x.permute(1, 0, 2) : x.reshape('c', n, students, k).permute(1, 0, 2);
        if (!WeightNormConvLayer.isRowMajorContiguous(h)) {
            INDArray copy = ws.createUninitialized(type, dataType, new long[] {students, n, k}, 'c');
            copy.assign(h);
            h = copy;
        }
        return h;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr ws) {
        assertInputSet(false);
        EnsembleOutput c = layerConf();
        int students = c.getStudents();
        int k = c.getPatches();
        INDArray h = hidden(ws, ArrayType.FF_WORKING_MEM);
        long n = h.size(1);
        INDArray a = getParam(EnsembleOutputParams.A);
        INDArray f = ws.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {students, n}, 'c');
        Nd4j.matmul(h, a.reshape('c', students, k, 1), f.reshape('c', students, n, 1));
        return f.transpose();
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr ws) {
        assertInputSet(true);
        EnsembleOutput c = layerConf();
        int students = c.getStudents();
        int k = c.getPatches();
        INDArray h = hidden(ws, ArrayType.BP_WORKING_MEM);
        long n = h.size(1);
        INDArray a = getParam(EnsembleOutputParams.A);
        // ε as [R, n] row-major: one row of residuals per student (the loss returns it column-major [n, R],
        // the layout of this layer's output, whose transpose is already row-major)
        INDArray eps = epsilon.castTo(dataType).transpose();
        if (!WeightNormConvLayer.isRowMajorContiguous(eps)) {
            INDArray copy = ws.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[] {students, n}, 'c');
            copy.assign(eps);
            eps = copy;
        }

        INDArray ga = gradientViews.get(EnsembleOutputParams.A);
        INDArray ga3 = ga.reshape('c', students, 1, k);
        INDArray block = ws.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[] {students, 1, k}, 'c');
        long b = c.getReductionBlock();
        boolean first = !accumulate;
        for (long m0 = 0; m0 < n; m0 += b) {
            long m1 = Math.min(n, m0 + b);
            INDArray eb = eps.get(NDArrayIndex.all(), NDArrayIndex.interval(m0, m1)).reshape('c', students, 1, m1 - m0);
            INDArray hb = h.get(NDArrayIndex.all(), NDArrayIndex.interval(m0, m1), NDArrayIndex.all());
            Nd4j.matmul(eb, hb, block);
            if (first) {
                ga3.assign(block);
                first = false;
            } else {
                ga3.addi(block);
            }
        }
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(EnsembleOutputParams.A, ga);

        // ∂L/∂H = ε aᵀ per student, [R, n, k] row-major, handed down as [n, R, k]
        INDArray dh = ws.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[] {students, n, k}, 'c');
        Nd4j.matmul(eps.reshape('c', students, n, 1), a.reshape('c', students, 1, k), dh);
        return new Pair<>(g, dh.permute(1, 0, 2));
    }
}
