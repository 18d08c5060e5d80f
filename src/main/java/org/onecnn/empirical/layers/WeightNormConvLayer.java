package org.onecnn.empirical.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The ensemble weight-normalised convolution ({@link WeightNormConv}).
 *
 * <h2>Forward</h2>
 * {@code W = V / ‖V‖_row} ({@code [R, r]}), patches {@code Z} ({@code [n·k, r]}: a view of the input when
 * {@code s = r}, a gather otherwise), {@code Pᵀ = Z Wᵀ} by one GEMM written column-major into an
 * {@code [n·k, R]} buffer (ND4J-NOTES.md: the order the GEMM writes, 10–20 times faster than a row-major
 * result), the activation in place. The buffer is read as {@code [R, n, k]} row-major.
 *
 * <h2>Backward</h2>
 * {@code dP = dH ∘ σ'(P)} in place on the incoming gradient (one fused op), the filter gradient
 * {@code G = dP Z} ({@code [R, n·k] × [n·k, r]}, a GEMM per block of samples), and the chain rule of
 * {@code w = v/‖v‖}: {@code ∂L/∂v = (I − w wᵀ) G / ‖v‖}, per student. The input gradient
 * ({@code dZ = dPᵀ W}, scattered back onto the overlapping patches) is only formed when this is not the
 * first layer.
 */
public class WeightNormConvLayer extends StudentLayer<WeightNormConv> {
    private static final long serialVersionUID = 1L;

    /** Activated output {@code [R, n·k]} of the last training forward pass, and the input it came from. */
    private transient INDArray lastOut;
    private transient INDArray lastInput;

    public WeightNormConvLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** {@code [‖v_ρ‖]} as an {@code [R, 1]} column. */
    private INDArray norms(INDArray v) {
        return v.norm2(true, 1);
    }

    /** The patches of {@code x} ({@code [n, d]}) as {@code [n·k, r]}. */
    INDArray patches(INDArray x, LayerWorkspaceMgr ws, ArrayType type) {
        WeightNormConv c = layerConf();
        int r = c.getFilterSize();
        int s = c.getStride();
        int k = c.patches();
        long n = x.size(0);
        if (s == r && x.ordering() == 'c' && x.elementWiseStride() == 1 && x.size(1) == (long) k * r) {
            return x.reshape('c', n * k, r);
        }
        INDArray z = ws.createUninitialized(type, x.dataType(), new long[] {n, k, r}, 'c');
        for (int j = 0; j < k; j++) {
            z.get(NDArrayIndex.all(), NDArrayIndex.point(j), NDArrayIndex.all())
                    .assign(x.get(NDArrayIndex.all(), NDArrayIndex.interval((long) j * s, (long) j * s + r)));
        }
        return z.reshape('c', n * k, r);
    }

    private INDArray input2d() {
        INDArray x = input;
        if (x.dataType() != dataType) {
            x = x.castTo(dataType);
        }
        if (x.rank() != 2 || x.size(1) != layerConf().getNIn()) {
            throw new IllegalStateException("WeightNormConv expects input [n, " + layerConf().getNIn() + "], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        return x;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr ws) {
        assertInputSet(false);
        WeightNormConv c = layerConf();
        int students = c.getStudents();
        int k = c.patches();
        INDArray x = input2d();
        long n = x.size(0);
        INDArray z = patches(x, ws, ArrayType.FF_WORKING_MEM);
        INDArray v = getParam(WeightNormConvParams.V);
        INDArray w = v.divColumnVector(norms(v));
        INDArray out = ws.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {students, n * k}, 'c');
        // Pᵀ [n·k, R] = Z Wᵀ, written column-major: the same memory as P [R, n·k] row-major
        Nd4j.gemm(z, w, out.transpose(), false, true, 1.0, 0.0);
        activateInPlace(out, c.getLeakySlope());
        if (training) {
            lastOut = out;
            lastInput = input;
        }
        return out.reshape('c', students, n, k).permute(1, 0, 2);
    }

    static void activateInPlace(INDArray p, double alpha) {
        if (alpha == 0) {
            Nd4j.getExecutioner().exec(new RectifiedLinear(p, p));
        } else {
            Nd4j.getExecutioner().exec(new LeakyReLU(p, alpha));
        }
    }

    /** The incoming gradient as a row-major {@code [R, n·k]} array this layer may overwrite. */
    static INDArray studentsMajor(INDArray eps, int students, long n, int k, LayerWorkspaceMgr ws) {
        INDArray e;
        if (eps.rank() == 3) {
            e = eps.permute(1, 0, 2);
        } else {
            e = eps.reshape('c', n, students, k).permute(1, 0, 2);
        }
        if (e.ordering() != 'c' || !e.isView() && e.elementWiseStride() != 1 || !isRowMajorContiguous(e)) {
            INDArray copy = ws.createUninitialized(ArrayType.BP_WORKING_MEM, e.dataType(), e.shape(), 'c');
            copy.assign(e);
            e = copy;
        }
        return e.reshape('c', students, n * k);
    }

    static boolean isRowMajorContiguous(INDArray a) {
        long expected = 1;
        long[] shape = a.shape();
        long[] stride = a.stride();
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr ws) {
        assertInputSet(true);
        WeightNormConv c = layerConf();
        int students = c.getStudents();
        int k = c.patches();
        int r = c.getFilterSize();
        INDArray x = input2d();
        long n = x.size(0);
        INDArray z = patches(x, ws, ArrayType.BP_WORKING_MEM);
        INDArray v = getParam(WeightNormConvParams.V);
        INDArray norm = norms(v);
        INDArray w = v.divColumnVector(norm);
        INDArray out = lastOut;
        if (out == null || lastInput != input || out.size(1) != n * k) {
            out = ws.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[] {students, n * k}, 'c');
            Nd4j.gemm(z, w, out.transpose(), false, true, 1.0, 0.0);
            activateInPlace(out, c.getLeakySlope());
        }
        INDArray dp = studentsMajor(epsilon, students, n, k, ws);
        // dP = dH ∘ σ'(P). σ'(P) is formed in place in the activation buffer, which nothing reads after this
        // point (the output layer's gradient already used it): Step (1 where σ(P) > 0, i.e. P > 0), then
        // α + (1 − α)·step for the leaky slope, then one multiply; ND4J-NOTES.md: two scalar ops and a product
        // cost 18 ms on the bench workload where the fused derivative ops take 43–104 ms.
        Nd4j.getExecutioner().exec(new Step(out, out));
        double alpha = c.getLeakySlope();
        if (alpha != 0) {
            out.muli(1 - alpha).addi(alpha);
        }
        dp.muli(out);
        INDArray gv = gradientViews.get(WeightNormConvParams.V);
        INDArray block = ws.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[] {students, r}, 'f');
        long b = c.getReductionBlock();
        boolean first = !accumulate;
        for (long m0 = 0; m0 < n; m0 += b) {
            long m1 = Math.min(n, m0 + b);
            INDArray dpBlock = dp.get(NDArrayIndex.all(), NDArrayIndex.interval(m0 * k, m1 * k));
            INDArray zBlock = z.get(NDArrayIndex.interval(m0 * k, m1 * k), NDArrayIndex.all());
            Nd4j.gemm(dpBlock, zBlock, block, false, false, 1.0, 0.0);
            // ∂L/∂v_ρ = (G_ρ − w_ρ (w_ρᵀ G_ρ)) / ‖v_ρ‖ for this block's share G of the filter gradient
            INDArray along = block.mul(w).sum(true, 1);
            INDArray projected = block.sub(w.mulColumnVector(along)).diviColumnVector(norm);
            if (first) {
                gv.assign(projected);
                first = false;
            } else {
                gv.addi(projected);
            }
        }
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(WeightNormConvParams.V, gv);

        INDArray epsNext = null;
        if (getIndex() > 0) {
            // dZ [n·k, r] = dPᵀ W, then back onto the input positions of the (possibly overlapping) patches
            INDArray dz = ws.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[] {n * k, r}, 'f');
            Nd4j.gemm(dp, w, dz, true, false, 1.0, 0.0);
            epsNext = ws.create(ArrayType.ACTIVATION_GRAD, dataType, new long[] {n, c.getNIn()}, 'c');
            INDArray dz3 = dz.dup('c').reshape('c', n, k, r);
            for (int j = 0; j < k; j++) {
                long lo = (long) j * c.getStride();
                epsNext.get(NDArrayIndex.all(), NDArrayIndex.interval(lo, lo + r))
                        .addi(dz3.get(NDArrayIndex.all(), NDArrayIndex.point(j), NDArrayIndex.all()));
            }
        }
        lastOut = null;
        lastInput = null;
        return new Pair<>(g, epsNext);
    }

    @Override
    public void clear() {
        super.clear();
        lastOut = null;
        lastInput = null;
    }
}
