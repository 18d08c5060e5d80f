package org.onecnn.experiment.twophase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.onecnn.experiment.setup.PopulationSetup;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.Teacher;
import org.onecnn.population.GradientFlow;
import org.onecnn.population.NonOverlappingGaussian;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.PopulationJob;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.RunResult;
import org.onecnn.population.StopSpec;
import org.onecnn.util.Progress;

/**
 * The computation of two-phase: a function of the spec alone (initializations from seeds derived from the master
 * seed, see {@link PopulationSetup#inits}); it writes nothing. Three steps: search for a global and a spurious
 * run, record both over the whole budget, integrate the gradient flow through the same times.
 */
public final class TwoPhaseComputation {
    /** Initializations classified per batch while searching. */
    static final int BATCH = 64;

    private TwoPhaseComputation() {
    }

    /** What the search found: every draw, and the first initialization of each outcome wanted (or null). */
    private record Search(List<RunResult> draws, InitialPoint global, InitialPoint spurious) {
    }

    /**
     * Searches, records and measures.
     *
     * @param quiet no progress line on standard error
     */
    public static TwoPhaseResult compute(TwoPhaseSpec cfg, boolean quiet) {
        Teacher teacher = PopulationSetup.teacher(cfg);
        double eta = PopulationSetup.eta(cfg, teacher, PopulationSetup.init(cfg, teacher, 0, 0));
        NonOverlappingGaussian f = new NonOverlappingGaussian(teacher);
        Search search = search(cfg, teacher, eta, quiet);
        List<InitialPoint> pair = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        if (search.global() != null) {
            pair.add(search.global());
            labels.add(TwoPhaseResult.GLOBAL);
        }
        if (search.spurious() != null) {
            pair.add(search.spurious());
            labels.add(TwoPhaseResult.SPURIOUS);
        }
        List<TwoPhaseResult.RecordedRun> runs = pair.isEmpty() ? List.of() : record(cfg, teacher, eta, f, pair, labels);
        return new TwoPhaseResult(teacher, eta, f.spuriousLoss(), search.draws(), runs);
    }

    /** Classifies initializations in batches until both outcomes are found or {@code max_draws} are drawn. */
    private static Search search(TwoPhaseSpec cfg, Teacher teacher, double eta, boolean quiet) {
        int maxDraws = cfg.twoPhase().maxDraws();
        List<RunResult> drawn = new ArrayList<>();
        InitialPoint good = null;
        InitialPoint bad = null;
        try (Progress progress = Progress.start("search", maxDraws, "inits", quiet)) {
            for (int from = 0; from < maxDraws && (good == null || bad == null); from += BATCH) {
                int to = Math.min(maxDraws, from + BATCH);
                List<InitialPoint> inits = PopulationSetup.inits(cfg, teacher, 0, from, to);
                PopulationJob job = PopulationSetup.job(cfg, teacher, inits, eta, RecordPlan.NONE);
                List<RunResult> rs = cfg.train().newEngine().run(job, (a, b, c, d, e, g, h) -> {
                });
                for (int i = 0; i < rs.size(); i++) {
                    RunResult r = rs.get(i).withIndex(from + i, inits.get(i).seed());
                    drawn.add(r);
                    if (good == null && r.outcome() == Outcome.GLOBAL) {
                        good = inits.get(i);
                    }
                    if (bad == null && r.outcome() == Outcome.SPURIOUS) {
                        bad = inits.get(i);
                    }
                }
                progress.step(to - from);
            }
        }
        return new Search(drawn, good, bad);
    }

    /**
     * Runs the initializations found for the whole budget ({@code stop.max_steps}, no early stop), recording every
     * {@code two_phase.every} steps, with the gradient flow and the phases of each.
     */
    private static List<TwoPhaseResult.RecordedRun> record(TwoPhaseSpec cfg, Teacher teacher, double eta,
            NonOverlappingGaussian f, List<InitialPoint> pair, List<String> labels) {
        long steps = cfg.stop().maxSteps();
        int runs = pair.size();
        List<List<TwoPhaseResult.Point>> traj = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            traj.add(new ArrayList<>());
        }
        int[] tracked = runs == 2 ? new int[] {0, 1} : new int[] {0};
        PopulationJob job = new PopulationJob(teacher, pair, eta, StopSpec.fixed(steps), cfg.classify().toClassifier(),
                RecordPlan.of(tracked, cfg.twoPhase().every(), new long[] {steps}));
        List<RunResult> finals = cfg.train().newEngine().run(job,
                (run, step, phi, loss, distA, sumGap, grad) -> traj.get(run).add(new TwoPhaseResult.Point(step, phi,
                        distA, sumGap, loss, grad)));
        GradientFlow flow = new GradientFlow(teacher, 1e-11, 1e-11);
        List<TwoPhaseResult.RecordedRun> out = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            List<TwoPhaseResult.Point> pts = traj.get(run);
            double[] fl = new double[pts.size()];
            String flowError = flowLoss(flow, f, pair.get(run), pts, eta, fl);
            out.add(new TwoPhaseResult.RecordedRun(labels.get(run), pair.get(run), finals.get(run), pts, fl,
                    flowError, TwoPhaseResult.Phases.of(pts)));
        }
        return out;
    }

    /**
     * Fills {@code fl} with the gradient flow's loss at t = η·step of every point; returns null, or, when the
     * integrator gave up (a non-finite state, a step below its minimum), why, with {@code fl} all NaN: the
     * reference is then undefined (flow_loss blank) but the recorded run stands.
     */
    private static String flowLoss(GradientFlow flow, NonOverlappingGaussian f, InitialPoint init,
            List<TwoPhaseResult.Point> pts, double eta, double[] fl) {
        double[] times = new double[pts.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = pts.get(i).step() * eta;
        }
        try {
            GradientFlow.State[] st = flow.integrate(init, times);
            for (int i = 0; i < st.length; i++) {
                fl[i] = f.loss(st[i].v(), st[i].a());
            }
            return null;
        } catch (RuntimeException e) {
            if (!(e instanceof org.apache.commons.math3.exception.util.ExceptionContextProvider)) {
                throw e;
            }
            Arrays.fill(fl, Double.NaN);
            return String.valueOf(e.getMessage());
        }
    }
}
