package org.onecnn.population;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.onecnn.model.ArcCosine;
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
     * Scalars of a slot: φ, ‖v‖, S, P, Q (effective output weights), ‖∇L‖, ‖a − c a*‖, ‖a − a_sp‖.
     * The norms (gradient, distances) are supplied by the engine from its vectors or coordinates, not
     * expanded from {@code Q, S, P}: near a minimum such an expansion cancels and leaves only the square
     * root of the rounding error ({@code ~1e−8}), which would hide stationarity ({@code grad_tol = 1e−10}).
     */
    static final int PHI = 0;
    static final int NV = 1;
    static final int S = 2;
    static final int P = 3;
    static final int Q = 4;
    static final int GRAD = 5;
    static final int DG = 6;
    static final int DS = 7;

    protected NonOverlappingGaussian f;
    protected double eta;

    /** Load the initial points into slots {@code 0..n−1}. */
    abstract void load(PopulationJob job);

    /** Number of active slots. */
    abstract int active();

    /** The job index of the run in a slot. */
    abstract int id(int slot);

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
        this.eta = job.eta();
        StopSpec stop = job.stop();
        RunJudge judge = new RunJudge(f, certificate(job), job.classifier(), stop);
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
                        double g = ArcCosine.g(sc[PHI]);
                        sink.point(id, step, sc[PHI], f.loss(sc[Q], sc[S], sc[P], g),
                                sc[DG], Math.abs(sc[S] - f.c() * f.sumAStar()), sc[GRAD]);
                    }
                }
            }
            if (step % every == 0 || last) {
                int act = active();
                boolean[] keep = new boolean[act];
                boolean any = false;
                for (int j = 0; j < act; j++) {
                    scalars(j, sc);
                    StopReason r = judge.check(sc[PHI], sc[NV], sc[S], sc[P], sc[Q], sc[DG], sc[DS], sc[GRAD]);
                    if (r == null && last) {
                        r = StopReason.BUDGET;
                    }
                    if (r != null) {
                        int id = id(j);
                        results[id] = judge.finish(id, job.inits().get(id).seed(), r, step, sc[PHI], sc[NV], sc[S],
                                sc[P], sc[Q], sc[DG], sc[DS], sc[GRAD]);
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
