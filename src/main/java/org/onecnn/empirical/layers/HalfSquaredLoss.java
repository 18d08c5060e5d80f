package org.onecnn.empirical.layers;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossUtil;

/**
 * The loss {@code ℓ = ½ (f − y)²} of docs/model.md §1, summed over the students of an ensemble and averaged
 * over the batch when {@code average} is set (DL4J's convention: the per-example gradient is returned
 * unaveraged, and DL4J divides by the batch size).
 *
 * <p>Labels are {@code [n, R]} (one target per student) or {@code [n, 1]}, broadcast to every student:
 * an ensemble trained on one data set shares one label column. Full {@code [n, R]} labels are faster:
 * score and gradient are then one ND4J op each (ND4J's broadcast ops cost several times a plain one).
 */
public class HalfSquaredLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    /** For JSON. */
    public HalfSquaredLoss() {
    }

    private static boolean identity(IActivation a) {
        return a instanceof ActivationIdentity;
    }

    private static void checkShapes(INDArray y, INDArray out) {
        if (y.rank() != 2 || out.rank() != 2 || y.size(0) != out.size(0)
                || (y.size(1) != out.size(1) && y.size(1) != 1)) {
            throw new IllegalArgumentException("labels must be [n, R] or [n, 1] for output [n, R]; got labels "
                    + java.util.Arrays.toString(y.shape()) + ", output " + java.util.Arrays.toString(out.shape()));
        }
    }

    /** {@code activation(preOutput) − labels}, a new array of the output's shape (and memory order). */
    private static INDArray residual(INDArray labels, INDArray preOutput, IActivation activationFn) {
        INDArray out = identity(activationFn) ? preOutput : activationFn.getActivation(preOutput.dup(), true);
        INDArray y = labels.castTo(out.dataType());
        checkShapes(y, out);
        // one op each: full labels are subtracted directly; a shared column is broadcast
        return y.size(1) == out.size(1) ? out.sub(y) : out.dup().subiColumnVector(y);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
            boolean average) {
        double score;
        if (mask == null && identity(activationFn) && labels.equalShapes(preOutput)) {
            // ½‖f − y‖² as one reduction, without a temporary array
            score = 0.5 * preOutput.squaredDistance(labels.castTo(preOutput.dataType()));
        } else {
            INDArray r = residual(labels, preOutput, activationFn);
            INDArray s = r.muli(r).muli(0.5);
            if (mask != null) {
                LossUtil.applyMask(s, mask);
            }
            score = s.sumNumber().doubleValue();
        }
        return average ? score / preOutput.size(0) : score;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray r = residual(labels, preOutput, activationFn);
        INDArray s = r.muli(r).muli(0.5);
        if (mask != null) {
            LossUtil.applyMask(s, mask);
        }
        return s.sum(true, 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray dLda = residual(labels, preOutput, activationFn);
        if (mask != null && LossUtil.isPerOutputMasking(dLda, mask)) {
            LossUtil.applyMask(dLda, mask);
        }
        INDArray grad = identity(activationFn) ? dLda : activationFn.backprop(preOutput.dup(), dLda).getFirst();
        if (mask != null) {
            LossUtil.applyMask(grad, mask);
        }
        return grad;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
            IActivation activationFn, INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "HalfSquaredLoss";
    }

    @Override
    public String toString() {
        return "HalfSquaredLoss()";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HalfSquaredLoss;
    }

    @Override
    public int hashCode() {
        return HalfSquaredLoss.class.hashCode();
    }
}
