package org.onecnn.population;

/**
 * Receives trajectory points of the runs a {@link RecordPlan} tracks.
 */
@FunctionalInterface
public interface TrajectorySink {
    /**
     * One point, the state after {@code step} updates.
     *
     * @param run      index of the run in its job
     * @param step     iteration
     * @param phi      angle ∠(v, w*)
     * @param loss     population loss
     * @param distA    ‖a − c a*‖
     * @param sumGap   |1ᵀa − c 1ᵀa*|
     * @param gradNorm ‖∇L‖
     */
    void point(int run, long step, double phi, double loss, double distA, double sumGap, double gradNorm);

    TrajectorySink NONE = (run, step, phi, loss, distA, sumGap, gradNorm) -> {
    };
}
