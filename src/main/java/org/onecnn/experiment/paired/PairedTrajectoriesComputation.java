package org.onecnn.experiment.paired;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.onecnn.empirical.EmpiricalResult;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EnsembleTrainer;
import org.onecnn.empirical.data.Dataset;
import org.onecnn.experiment.setup.ComputeContext;
import org.onecnn.experiment.setup.EmpiricalSetup;
import org.onecnn.experiment.setup.PopulationSetup;
import org.onecnn.experiment.Sections;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.Teacher;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.PopulationJob;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.RunResult;
import org.onecnn.population.StopSpec;
import org.onecnn.util.Progress;

/**
 * The computation of paired-trajectories: a function of the spec alone (initializations and data sets from seeds
 * derived from the master seed, see {@link PopulationSetup} and {@link EmpiricalSetup}, or the data sets of
 * {@code empirical.datasets_from}); it writes nothing. Every
 * run goes the whole budget ({@code empirical.max_steps}, no early stop), recorded every {@code empirical.every}
 * steps, so the population and empirical trajectories are recorded at the same times.
 */
public final class PairedTrajectoriesComputation {
    private PairedTrajectoriesComputation() {
    }

    /**
     * Runs the population and, per sample size and data set, the empirical dynamics from the same initializations.
     *
     * @param cc    the ND4J compute context the experiment opened (data type, chunking)
     * @param quiet no progress line on standard error
     */
    public static PairedTrajectoriesResult compute(PairedTrajectoriesSpec cfg, ComputeContext cc, boolean quiet) {
        Sections.Empirical e = cfg.empirical();
        Teacher teacher = PopulationSetup.teacher(cfg);
        int count = cfg.init().count();
        List<InitialPoint> inits = PopulationSetup.inits(cfg, teacher, 0, 0, count);
        long steps = e.maxSteps();
        EmpiricalSpec base = cc.spec(count);
        // no early stop: a gradient tolerance of 0 is never reached, so every run goes the whole budget
        EmpiricalSpec spec = base.withBudget(steps, 0);
        RecordPlan plan = RecordPlan.of(all(count), e.every(), new long[] {steps});

        // population: φ_t at t = 0, every, 2·every, ... (the reduced engine, whole budget)
        Map<Integer, List<PairedTrajectoriesResult.PopulationPoint>> pop = new LinkedHashMap<>();
        PopulationJob job = new PopulationJob(teacher, inits, spec.eta(), StopSpec.fixed(steps),
                cfg.classify().toClassifier(), plan);
        List<RunResult> popRes = cfg.train().newEngine().run(job,
                (run, step, phi, loss, da, sg, g) -> pop.computeIfAbsent(run, r -> new ArrayList<>()).add(
                        new PairedTrajectoriesResult.PopulationPoint(step, phi, loss)));
        List<List<PairedTrajectoriesResult.PopulationPoint>> population = new ArrayList<>();
        for (int run = 0; run < count; run++) {
            population.add(pop.get(run));
        }

        List<PairedTrajectoriesResult.Pass> passes = new ArrayList<>();
        try (Progress progress = Progress.start(cfg.name(), (long) e.n().size() * e.datasets() * count * steps,
                "student-steps", quiet)) {
            for (long n : e.n()) {
                for (int d = 0; d < e.datasets(); d++) {
                    Dataset data = EmpiricalSetup.dataset(cfg, teacher, n, d, cc.dataType());
                    Map<Integer, List<PairedTrajectoriesResult.EmpiricalPoint>> emp = new LinkedHashMap<>();
                    // a trainer per data set, as before: nothing carries over from one data set to the next
                    List<EmpiricalResult> empRes = new EnsembleTrainer(spec, teacher, true, e.trainingEngine()).train(inits,
                            data.trainingSet(), null, plan,
                            (run, step, phi, ln, lp, g) -> emp.computeIfAbsent(run, r -> new ArrayList<>()).add(
                                    new PairedTrajectoriesResult.EmpiricalPoint(step, phi, ln, lp)), progress::step);
                    passes.add(pass(n, d, population, popRes, emp, empRes));
                }
            }
        }
        return new PairedTrajectoriesResult(teacher, spec.eta(), population, popRes, passes);
    }

    private static int[] all(int count) {
        int[] all = new int[count];
        for (int i = 0; i < count; i++) {
            all[i] = i;
        }
        return all;
    }

    /** One data set's trajectories and each initialization's deviation from its population trajectory. */
    static PairedTrajectoriesResult.Pass pass(long n, int dataset,
            List<List<PairedTrajectoriesResult.PopulationPoint>> population, List<RunResult> popRes,
            Map<Integer, List<PairedTrajectoriesResult.EmpiricalPoint>> emp, List<EmpiricalResult> empRes) {
        List<List<PairedTrajectoriesResult.EmpiricalPoint>> trajectories = new ArrayList<>();
        List<PairedTrajectoriesResult.Deviation> deviations = new ArrayList<>();
        for (int run = 0; run < population.size(); run++) {
            List<PairedTrajectoriesResult.EmpiricalPoint> pe = emp.get(run);
            List<PairedTrajectoriesResult.PopulationPoint> pp = population.get(run);
            double dev = 0;
            for (int i = 0; i < Math.min(pe.size(), pp.size()); i++) {
                dev = Math.max(dev, Math.abs(pe.get(i).phi() - pp.get(i).phi()));
            }
            boolean empDiverged = empRes.get(run).outcome() == Outcome.DIVERGED;
            boolean popDiverged = popRes.get(run).outcome() == Outcome.DIVERGED;
            trajectories.add(pe);
            deviations.add(new PairedTrajectoriesResult.Deviation(run, empDiverged, popDiverged,
                    empDiverged || popDiverged ? Double.NaN : dev));
        }
        return new PairedTrajectoriesResult.Pass(n, dataset, trajectories, deviations);
    }
}
