package org.onecnn.population;

import org.onecnn.model.Outcome;
import org.onecnn.model.StopReason;

/**
 * How one population run ended.
 *
 * @param index      position of the initialization in its job
 * @param seed       the seed the initialization was drawn from (-1 if explicit)
 * @param outcome    the class at the stop
 * @param reason     why it stopped
 * @param iterations steps taken
 * @param phi        final angle ∠(v, w*)
 * @param loss       final population loss
 * @param gradNorm   final ‖∇L‖
 * @param distGlobal final ‖a − c a*‖
 * @param distSpurious final ‖a − a_sp‖
 * @param normV      final ‖v‖ (‖w‖ for plain filters)
 * @param aDotAStar  final aᵀa*
 */
public record RunResult(int index, long seed, Outcome outcome, StopReason reason, long iterations, double phi,
        double loss, double gradNorm, double distGlobal, double distSpurious, double normV, double aDotAStar) {

    public RunResult withIndex(int newIndex, long newSeed) {
        return new RunResult(newIndex, newSeed, outcome, reason, iterations, phi, loss, gradNorm, distGlobal,
                distSpurious, normV, aDotAStar);
    }
}
