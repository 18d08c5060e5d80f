package org.onecnn.population;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.onecnn.model.StopReason;

/**
 * The loop every population engine shares: advance all active runs between events (stop checks
 * every {@code checkEvery} steps, trajectory points, the budget), judge the runs at checks, drop the
 * stopped ones from the active set (compacting the state so the hot loop stays dense), and return
 * the results in job order.
 *
 * <p>A subclass holds the state of its active runs in slots {@code 0..active()−1}.
 */
abstract class BatchEngine implements PopulationEngine {
    /**
     * Scalars of a slot: φ, ‖v‖, and of the (effective) output weights' deviation {@code e = a − c a*}:
     * {@code U = 1ᵀe}, {@code PE = a*ᵀe}, {@code D2 = ‖e‖²}; and ‖∇L‖. Deviations, not {@code 1ᵀa, aᵀa*, ‖a‖²},
     * so that distances and losses near the teacher keep their relative accuracy.
     */
    static final int PHI = 0;
    static final int NV = 1;
    static final int U = 2;
    static final int PE = 3;
    static final int D2 = 4;
    static final int GRAD = 5;
    /** {@code ‖a − a_sp‖}, supplied by each engine without cancellation near the spurious point. */
    static final int DS = 6;
    /** The population loss at the slot's point, supplied by the engine (each knows its own loss). */
    static final int LOSS = 7;

    /** The non-overlapping closed forms of the teacher: scalars, distances, certificates. */
    protected NonOverlappingGaussian f;
    /** The loss that drives the dynamics: {@code f} itself, or the overlapping loss of docs/model.md §4. */
    protected PopulationLoss loss;
    protected boolean overlapping;
    protected double eta;

    /** The job index of the run in each slot; set by {@link #load}, kept in step by {@link #compact}. */
    int[] ids;
    /** The number of active slots. */
    int n;

    /** Load the initial points into slots {@code 0..n−1} (and set {@link #ids} and {@link #n}). */
    abstract void load(PopulationJob job);

    /** Number of active slots. */
    final int active() {
        return n;
    }

    /** The job index of the run in a slot. */
    final int id(int slot) {
        return ids[slot];
    }

    /** Advance every active slot by {@code m} steps. */
    abstract void advance(long m);

    /** The scalars of a slot into {@code out[PHI..DS]}. */
    abstract void scalars(int slot, double[] out);

    /** Keep only the slots with {@code keep[slot]}, preserving order. */
    abstract void compact(boolean[] keep);

    /** The basin certificate of this engine's dynamics, or {@code null}. */
    abstract BasinCertificate certificate(PopulationJob job);

    /** Run the job; trajectory points of tracked runs go to {@code sink}. */
    @Override
    public final List<RunResult> run(PopulationJob job, TrajectorySink sink) {
        this.f = new NonOverlappingGaussian(job.teacher());
        this.overlapping = job.architecture().overlapping();
        this.loss = overlapping ? new OverlappingGaussian(job.architecture(), job.teacher()) : f;
        this.eta = job.eta();
        StopSpec stop = job.stop();
        // the basin certificate is derived for the non-overlapping dynamics only
        RunJudge judge = new RunJudge(f, overlapping ? null : certificate(job), job.classifier(), stop);
        RecordPlan plan = job.record();
        int n = job.inits().size();
        load(job);
        RunResult[] results = new RunResult[n];
        double[] sc = new double[8];
        long step = 0;
        long max = stop.maxSteps();
        int every = stop.checkEvery();
        while (true) {
            boolean last = step == max;
            if (plan.at(step)) {
                for (int j = 0; j < active(); j++) {
                    int id = id(j);
                    if (plan.tracks(id)) {
                        scalars(j, sc);
                        sink.point(id, step, sc[PHI], sc[LOSS], Math.sqrt(sc[D2]),
                                Math.abs(sc[U]), sc[GRAD]);
                    }
                }
            }
            if (step % every == 0 || last) {
                int act = active();
                boolean[] keep = new boolean[act];
                boolean any = false;
                for (int j = 0; j < act; j++) {
                    scalars(j, sc);
                    StopReason r = judge.check(sc[PHI], sc[NV], sc[U], sc[PE], sc[D2], sc[DS], sc[LOSS], sc[GRAD]);
                    if (r == null && last) {
                        r = StopReason.BUDGET;
                    }
                    if (r != null) {
                        int id = id(j);
                        results[id] = judge.finish(id, job.inits().get(id).seed(), r, step, sc[PHI], sc[NV], sc[U],
                                sc[PE], sc[D2], sc[DS], sc[LOSS], sc[GRAD]);
                        any = true;
                    } else {
                        keep[j] = true;
                    }
                }
                if (any) {
                    compact(keep);
                }
            }
            if (last || active() == 0) {
                break;
            }
            long next = Math.min(max, Math.min((step / every + 1) * every, plan.next(step)));
            advance(next - step);
            step = next;
        }
        return new ArrayList<>(Arrays.asList(results));
    }
}
