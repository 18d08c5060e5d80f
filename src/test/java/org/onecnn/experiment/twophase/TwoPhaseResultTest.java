package org.onecnn.experiment.twophase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongToDoubleFunction;

import org.junit.jupiter.api.Test;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.StopReason;
import org.onecnn.model.Teacher;
import org.onecnn.population.RunResult;

/**
 * The pure parts of two-phase's result: the phases measured on a recorded log-loss (on trajectories whose decay
 * rates are known by construction), the outcome tally of the draws and which recorded run is which.
 */
class TwoPhaseResultTest {
    /** Points every {@code every} steps up to {@code last}, with log-loss {@code logLoss(step)}. */
    private static List<TwoPhaseResult.Point> trajectory(long every, long last, LongToDoubleFunction logLoss) {
        List<TwoPhaseResult.Point> pts = new ArrayList<>();
        for (long t = 0; t <= last; t += every) {
            pts.add(new TwoPhaseResult.Point(t, 0, 0, 0, Math.exp(logLoss.applyAsDouble(t)), 0));
        }
        return pts;
    }

    @Test
    void phasesMeasureTheEarlyAndLateDecayRatesUpToTheLossFloor() {
        // log L decays at 0.005 per step until step 2000, then at 0.02: log(1e-12) = −27.63 is first recorded at step
        // 2890, so the quarters are [0, 720] (last point ≤ 722.5) and [2160, 2890] (first ≥ last point ≤ 2167.5)
        List<TwoPhaseResult.Point> pts = trajectory(10, 4000, t -> t <= 2000 ? -0.005 * t
                : -0.005 * 2000 - 0.02 * (t - 2000));
        TwoPhaseResult.Phases p = TwoPhaseResult.Phases.of(pts);
        assertEquals(2890, p.steps());
        assertEquals(0.005, p.early(), 1e-12);
        assertEquals(0.02, p.late(), 1e-12);
        assertEquals(4.0, p.ratio(), 1e-9);
    }

    @Test
    void aRunThatNeverReachesTheFloorIsMeasuredOverItsWholeRecord() {
        TwoPhaseResult.Phases p = TwoPhaseResult.Phases.of(trajectory(10, 1000, t -> -0.001 * t));
        assertEquals(1000, p.steps());
        assertEquals(0.001, p.early(), 1e-12);
        assertEquals(0.001, p.late(), 1e-12);
    }

    @Test
    void aQuarterWithoutTwoPointsHasNoRate() {
        // one point only: both quarters are a single point, the rates are undefined
        TwoPhaseResult.Phases p = TwoPhaseResult.Phases.of(trajectory(10, 0, t -> 0));
        assertTrue(Double.isNaN(p.early()));
        assertTrue(Double.isNaN(p.late()));
        assertEquals(0, p.steps());
        assertTrue(Double.isNaN(TwoPhaseResult.Phases.UNDEFINED.ratio()));
    }

    private static RunResult draw(int i, Outcome o) {
        return new RunResult(i, 100 + i, o, StopReason.BUDGET, 10, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void drawOutcomesListEveryOutcomeInOrderWithZeros() {
        TwoPhaseResult r = new TwoPhaseResult(Teacher.of(new double[] {1, 0}, new double[] {1, 1}), 0.1, 0.5,
                List.of(draw(0, Outcome.SPURIOUS), draw(1, Outcome.DIVERGED), draw(2, Outcome.SPURIOUS)), List.of());
        Map<String, Integer> m = r.drawOutcomes();
        assertEquals(List.of("GLOBAL", "SPURIOUS", "NOT_CONVERGED", "DIVERGED", "OTHER"), List.copyOf(m.keySet()));
        assertEquals(List.of(0, 2, 0, 1, 0), List.copyOf(m.values()));
        assertNull(r.global());
        assertNull(r.spurious());
    }

    @Test
    void aLoneSpuriousRunIsNotTakenForTheGlobalOne() {
        List<TwoPhaseResult.Point> pts = trajectory(10, 100, t -> -0.01 * t);
        TwoPhaseResult.RecordedRun sp = new TwoPhaseResult.RecordedRun(TwoPhaseResult.SPURIOUS,
                InitialPoint.of(new double[] {1, 0}, new double[] {1, 1}, 7), draw(0, Outcome.SPURIOUS), pts,
                new double[pts.size()], null, TwoPhaseResult.Phases.of(pts));
        TwoPhaseResult r = new TwoPhaseResult(Teacher.of(new double[] {1, 0}, new double[] {1, 1}), 0.1, 0.5,
                List.of(draw(0, Outcome.SPURIOUS)), List.of(sp));
        assertNull(r.global());
        assertSame(sp, r.spurious());
    }
}
