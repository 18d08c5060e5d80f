package org.onecnn.model;

/**
 * The exact loss {@code L(v, a)} of a student with a weight-normalised filter ({@code w = v/‖v‖}) and its gradient,
 * with bounds on their rounding errors: what {@link SecondOrderClassifier} needs. {@code L} must not depend on
 * {@code ‖v‖} (so {@code vᵀ∂L/∂v = 0}), and must be a polynomial of degree at most 2 in {@code a} for fixed
 * {@code v} (the squared loss of a network linear in {@code a}: every loss of onecnn's model), which the classifier
 * uses to difference the gradient in {@code a} exactly.
 */
public interface LossOracle {
    /** Length of {@code v} (the filter size). */
    int filterSize();

    /** Length of {@code a} (the number of patches). */
    int outputs();

    /**
     * The loss and both gradients at {@code (v, a)}.
     *
     * @return a fresh evaluation; the arrays are the caller's
     */
    Evaluation evaluate(double[] v, double[] a);

    /**
     * The loss at {@code (v, a)} and its rounding bound, in an evaluation whose gradients may be null: what the
     * classifier's probes need. By default {@link #evaluate}; an oracle whose gradient costs more than its loss (a
     * backward pass) gives the loss alone.
     */
    default Evaluation evaluateLoss(double[] v, double[] a) {
        return evaluate(v, a);
    }

    /**
     * One evaluation.
     *
     * @param loss      {@code L(v, a)}
     * @param gv        {@code ∂L/∂v} (length {@code filterSize()})
     * @param ga        {@code ∂L/∂a} (length {@code outputs()})
     * @param lossError a bound on the absolute rounding error of {@code loss}
     * @param gradError a bound on the absolute rounding error of every component of {@code gv} and {@code ga}
     */
    record Evaluation(double loss, double[] gv, double[] ga, double lossError, double gradError) {
    }
}
