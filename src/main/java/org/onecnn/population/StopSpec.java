package org.onecnn.population;

import org.onecnn.util.InvalidInputException;

/**
 * When a population run stops.
 *
 * @param maxSteps   the step budget, >= 1
 * @param settled    stop a run once {@link BasinCertificate} proves its class cannot change
 * @param stationary stop a run once {@code ‖∇L‖ ≤ grad_tol} (classified where it stands)
 * @param targetLoss stop once the loss is at most this; {@code NaN} for no such stop
 * @param checkEvery the stop conditions are evaluated every this many steps (and at the budget);
 *                   a stop is thus reported up to {@code checkEvery − 1} steps after the condition
 *                   first held
 */
public record StopSpec(long maxSteps, boolean settled, boolean stationary, double targetLoss, int checkEvery) {

    public StopSpec {
        if (maxSteps < 1) {
            throw new InvalidInputException("max_steps", "must be >= 1, got " + maxSteps);
        }
        if (checkEvery < 1) {
            throw new InvalidInputException("check_every", "must be >= 1, got " + checkEvery);
        }
        if (!Double.isNaN(targetLoss) && !(targetLoss > 0 && Double.isFinite(targetLoss))) {
            throw new InvalidInputException("target_loss", "must be a finite number > 0 or null, got "
                    + targetLoss);
        }
    }

    /** Exactly {@code steps} steps, no early stop of any kind (benchmarks, trajectories). */
    public static StopSpec fixed(long steps) {
        return new StopSpec(steps, false, false, Double.NaN, (int) Math.min(Integer.MAX_VALUE, steps));
    }

    public boolean hasTargetLoss() {
        return !Double.isNaN(targetLoss);
    }
}
