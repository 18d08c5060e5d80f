package org.onecnn.experiment.twophase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.Teacher;
import org.onecnn.population.RunResult;

/**
 * What a two-phase run computed, before any table or figure: every initialization drawn in the search, and the
 * recorded runs found (the global one first, then the spurious one; either may be missing, since whether both
 * outcomes occur within {@code two_phase.max_draws} cannot be known before drawing).
 *
 * @param teacher      the teacher
 * @param eta          the step size of every run
 * @param spuriousLoss the loss of the spurious minimum (docs/model.md §3), the reference of the failing run
 * @param draws        every initialization drawn, in draw order (index and seed set)
 * @param runs         the recorded runs, global first; empty when the search found neither outcome
 */
public record TwoPhaseResult(Teacher teacher, double eta, double spuriousLoss, List<RunResult> draws,
        List<RecordedRun> runs) {
    /** The label of the run that reached the global minimum. */
    public static final String GLOBAL = "global";

    /** The label of the run that reached the spurious minimum. */
    public static final String SPURIOUS = "spurious";

    public TwoPhaseResult {
        draws = List.copyOf(draws);
        runs = List.copyOf(runs);
    }

    /**
     * One recorded point of a run, the state after {@code step} updates.
     *
     * @param distA  ‖a − c a*‖
     * @param sumGap |1ᵀa − c 1ᵀa*|
     */
    public record Point(long step, double phi, double distA, double sumGap, double loss, double gradNorm) {
    }

    /**
     * A recorded run: the whole budget, every {@code two_phase.every} steps, with the gradient flow's loss at the
     * same times t = η·step as a reference.
     *
     * @param label     {@link #GLOBAL} or {@link #SPURIOUS}
     * @param init      its initialization (with its seed)
     * @param last      its final state and outcome
     * @param points    the recorded points
     * @param flowLoss  the gradient flow's loss at each point's time; all NaN when the flow could not be integrated
     * @param flowError why the flow could not be integrated, or {@code null}
     * @param phases    the phases of its log-loss
     */
    public record RecordedRun(String label, InitialPoint init, RunResult last, List<Point> points, double[] flowLoss,
            String flowError, Phases phases) {
        public RecordedRun {
            points = List.copyOf(points);
        }
    }

    /**
     * The phases of a run's log-loss: {@code early} is the average decay rate of {@code log L} per step over the
     * first quarter of the time {@code steps} it takes to reach {@code 1e−12 L_0} (the whole record when it never
     * does), {@code late} the average over the last quarter. NaN when a quarter holds fewer than two points.
     */
    public record Phases(double early, double late, long steps) {
        /** Undefined phases, for a search that found no successful run. */
        static final Phases UNDEFINED = new Phases(Double.NaN, Double.NaN, -1);

        /** The phases of a recorded trajectory. */
        static Phases of(List<Point> pts) {
            double l0 = pts.get(0).loss();
            int end = pts.size() - 1;
            for (int i = 0; i < pts.size(); i++) {
                if (pts.get(i).loss() <= 1e-12 * l0) {
                    end = i;
                    break;
                }
            }
            double tEnd = pts.get(end).step();
            int q1 = index(pts, tEnd / 4);
            int q3 = index(pts, 3 * tEnd / 4);
            return new Phases(rate(pts, 0, q1), rate(pts, q3, end), (long) tEnd);
        }

        /** The last point recorded at or before time {@code t}. */
        private static int index(List<Point> pts, double t) {
            int best = 0;
            for (int i = 0; i < pts.size(); i++) {
                if (pts.get(i).step() <= t) {
                    best = i;
                }
            }
            return best;
        }

        private static double rate(List<Point> pts, int i, int j) {
            if (j <= i) {
                return Double.NaN;
            }
            // the floor keeps a loss that underflowed to 0 from giving an infinite rate
            double li = Math.log(Math.max(pts.get(i).loss(), Double.MIN_NORMAL));
            double lj = Math.log(Math.max(pts.get(j).loss(), Double.MIN_NORMAL));
            return (li - lj) / ((double) pts.get(j).step() - (double) pts.get(i).step());
        }

        /** late / early: well above 1 for a two-phase run. */
        public double ratio() {
            return late / early;
        }
    }

    /** The run that reached the global minimum, or {@code null} if none was found. */
    public RecordedRun global() {
        return runs.isEmpty() || !runs.get(0).label().equals(GLOBAL) ? null : runs.get(0);
    }

    /** The run that reached the spurious minimum, or {@code null} if none was found. */
    public RecordedRun spurious() {
        return runs.isEmpty() || !runs.get(runs.size() - 1).label().equals(SPURIOUS) ? null : runs.get(runs.size() - 1);
    }

    /** How many draws ended in each outcome, every outcome listed (in {@link Outcome} order), zeros included. */
    public Map<String, Integer> drawOutcomes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            m.put(o.name(), 0);
        }
        for (RunResult r : draws) {
            m.merge(r.outcome().name(), 1, Integer::sum);
        }
        return m;
    }
}
