package org.onecnn.empirical;

import org.onecnn.model.Outcome;
import org.onecnn.model.SecondOrderKind;
import org.onecnn.model.StopReason;

/**
 * How one student ended (docs/outcomes.md for empirical runs).
 *
 * @param index          position of the initialization in the job
 * @param seed           its seed (-1 if explicit)
 * @param outcome        class at the stop
 * @param reason         why it stopped ({@code STATIONARY}, {@code BUDGET} or {@code NON_FINITE})
 * @param iterations     steps taken
 * @param phi            final angle ∠(v, w*)
 * @param lossN          final empirical loss L_n (on the training set; for online SGD NaN)
 * @param populationLoss the exact population loss at the final point (NaN where no closed form applies)
 * @param gradNorm       final ‖∇L_n‖ (online: the population gradient)
 * @param distTeacher    ‖a − c a*‖ at the end
 * @param normV          final ‖v‖
 * @param secondOrder    the second-order kind of the final point ({@link org.onecnn.model.SecondOrderClassifier}),
 *                       null where the point was not examined (only stationary, non-global students are)
 * @param minEigenvalue  the smallest eigenvalue of the tangent-space Hessian there (NaN where not examined)
 * @param windowGradNorm the norm of the mean gradient over the last check window, {@code ‖θ_prev − θ‖/(η Δt)}
 *                       (NaN at a stop before the second check); STATIONARY means this or {@code gradNorm} is at
 *                       most {@code grad_tol}
 */
public record EmpiricalResult(int index, long seed, Outcome outcome, StopReason reason, long iterations, double phi,
        double lossN, double populationLoss, double gradNorm, double distTeacher, double normV,
        SecondOrderKind secondOrder, double minEigenvalue, double windowGradNorm) {

    /** A result whose final point was not examined to second order. */
    public EmpiricalResult(int index, long seed, Outcome outcome, StopReason reason, long iterations, double phi,
            double lossN, double populationLoss, double gradNorm, double distTeacher, double normV) {
        this(index, seed, outcome, reason, iterations, phi, lossN, populationLoss, gradNorm, distTeacher, normV, null,
                Double.NaN, Double.NaN);
    }

    /** The CSV label of {@link #secondOrder}: blank where not examined. */
    public String secondOrderLabel() {
        return secondOrder == null ? "" : secondOrder.label();
    }
}
