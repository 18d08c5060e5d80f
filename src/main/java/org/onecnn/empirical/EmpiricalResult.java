package org.onecnn.empirical;

import org.onecnn.model.Outcome;
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
 */
public record EmpiricalResult(int index, long seed, Outcome outcome, StopReason reason, long iterations, double phi,
        double lossN, double populationLoss, double gradNorm, double distTeacher, double normV) {
}
