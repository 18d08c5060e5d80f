package org.onecnn.experiment.paired;

import java.util.List;
import org.onecnn.experiment.ExperimentSpec;
import org.onecnn.experiment.GridPoint;

import java.io.IOException;

import org.onecnn.experiment.setup.ComputeContext;
import org.onecnn.experiment.setup.EmpiricalSetup;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.setup.MemoryEstimate;
import org.onecnn.experiment.setup.PopulationSetup;
import org.onecnn.experiment.RunContext;
import org.onecnn.util.InvalidInputException;

/**
 * How far finite samples move the dynamics (docs/experiments.md, paired-trajectories): the same
 * initializations under exact population gradient descent and under empirical gradient descent on L_n
 * for several n, all for the whole budget ({@code empirical.max_steps}, no early stop), recorded every
 * {@code empirical.every} steps. The deviation {@code max_t |φ_t(n) − φ_t(∞)|} is averaged over
 * initializations and data sets per n and fitted on log-log axes; sampling noise of order n^−1/2 in the
 * gradient predicts a slope near −1/2. A pair whose population or empirical iterates became non-finite has no
 * deviation: it is counted in {@code n_diverged} and left out of the statistics and the fit.
 *
 * <p>The type in three parts: {@link PairedTrajectoriesComputation} (spec and seeds to a
 * {@link PairedTrajectoriesResult}), {@link PairedTrajectoriesReport} (result to tables, figures and prose) and this
 * class, which checks a config and wires the two.
 */
public final class PairedTrajectoriesExperiment implements Experiment {
    @Override
    public String type() {
        return PairedTrajectoriesSpec.TYPE;
    }

    @Override
    public Class<PairedTrajectoriesSpec> specClass() {
        return PairedTrajectoriesSpec.class;
    }

    @Override
    public String gridHint() {
        return "; its sample sizes are empirical.n";
    }

    @Override
    public void validate(ExperimentSpec spec, List<GridPoint> points) {
        PairedTrajectoriesSpec cfg = (PairedTrajectoriesSpec) spec;
        if (cfg.empirical().regime() != org.onecnn.empirical.Regime.FULL_BATCH) {
            throw new InvalidInputException("empirical.regime", "paired-trajectories compares full-batch gradient "
                    + "descent with the population; use full-batch");
        }
        if (!cfg.empirical().inputDistribution().populationClosedForm()) {
            throw new InvalidInputException("empirical.distribution", "the population reference is exact for Gaussian "
                    + "inputs only; use gaussian");
        }
        if (cfg.empirical().saveDatasets()) {
            throw new InvalidInputException("empirical.save_datasets", "is not supported by paired-trajectories; "
                    + "save the data sets with a sample-size run of the same seed, teacher and sizes (docs/datasets.md) "
                    + "and set save_datasets=false here");
        }
        // the engine (runnable here, able to train this) and the profile on this machine, as for sample-size
        ComputeContext.check(cfg);
        EmpiricalSetup.requireDatasets(cfg);
        MemoryEstimate.empirical(cfg, true);
        PopulationSetup.validate(cfg, 0);
    }


    /**
     * Opens the ND4J compute context (recorded in provenance), runs both dynamics (pure: spec and seeds to
     * {@link PairedTrajectoriesResult}), then writes the report.
     */
    @Override
    public void execute(RunContext ctx) throws IOException {
        PairedTrajectoriesSpec cfg = (PairedTrajectoriesSpec) ctx.config();
        ComputeContext cc = ComputeContext.open(cfg);
        ctx.provenance().put("backend", cc.describe());
        EmpiricalSetup.recordDatasetsFrom(ctx, cfg);
        PairedTrajectoriesResult result = PairedTrajectoriesComputation.compute(cfg, cc, ctx.quiet());
        new PairedTrajectoriesReport(ctx, result).write();
    }
}
