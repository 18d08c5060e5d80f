package org.onecnn.experiment.twophase;

import java.util.List;
import org.onecnn.experiment.ExperimentSpec;
import org.onecnn.experiment.GridPoint;

import org.onecnn.population.Algorithm;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.setup.MemoryEstimate;
import org.onecnn.experiment.setup.PopulationSetup;
import org.onecnn.experiment.RunContext;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.MemoryBudget;

/**
 * Du et al.'s two phases (Figures 1b and 2): one teacher, one initialization that reaches the global
 * minimum and one that reaches the spurious one, found by drawing initializations from seeds derived
 * from the master seed. Their full trajectories (φ, ‖a − c a*‖, |1ᵀa − c 1ᵀa*|, loss) are recorded,
 * with the gradient flow at the same times as a reference.
 *
 * <p>The phases are measured on the successful run's log-loss: the early slope is the average decay
 * rate of {@code log L} over the first quarter of the time to reach {@code 1e−12 L_0}, the late slope
 * the average over the last quarter. Their ratio is reported; a two-phase run has a ratio well above 1.
 *
 * <p>The type in three parts: {@link TwoPhaseComputation} (spec and seeds to a {@link TwoPhaseResult}),
 * {@link TwoPhaseReport} (result to tables, figures and prose) and this class, which checks a config and wires the
 * two.
 */
public final class TwoPhaseExperiment implements Experiment {
    @Override
    public String type() {
        return TwoPhaseSpec.TYPE;
    }

    @Override
    public Class<TwoPhaseSpec> specClass() {
        return TwoPhaseSpec.class;
    }

    @Override
    public void validate(ExperimentSpec spec, List<GridPoint> points) {
        TwoPhaseSpec cfg = (TwoPhaseSpec) spec;
        if (cfg.train().algorithm() != Algorithm.WN_GD) {
            throw new InvalidInputException("train.algorithm", "the two-phase experiment runs wn-gd (Algorithm 1)");
        }
        if (cfg.init().scheme() != org.onecnn.experiment.Sections.Init.Scheme.DU) {
            throw new InvalidInputException("init.scheme", "the two-phase experiment draws Du et al. initializations "
                    + "(scheme du)");
        }
        if (!cfg.model().s().equals(cfg.model().p())) {
            throw new InvalidInputException("model.s", "the two-phase experiment follows Du et al.'s non-overlapping "
                    + "setting (s = p = " + cfg.model().p() + "), got s = " + cfg.model().s());
        }
        estimateMemory(cfg);
        PopulationSetup.validate(cfg, 0);
    }

    /** Searches and records (pure: spec and seeds to {@link TwoPhaseResult}), then writes the report. */
    @Override
    public void execute(RunContext ctx) throws java.io.IOException {
        TwoPhaseResult result = TwoPhaseComputation.compute((TwoPhaseSpec) ctx.config(), ctx.quiet());
        new TwoPhaseReport(ctx, result).write();
    }

    /** The memory of the search and of the recorded trajectories. */
    static void estimateMemory(TwoPhaseSpec cfg) {
        MemoryBudget heap = MemoryBudget.heap();
        MemoryEstimate.shape(cfg, cfg, heap, "two_phase.max_draws", cfg.twoPhase().maxDraws(), (n, v) -> (4 + Math.min(n,
                TwoPhaseComputation.BATCH) * MemoryEstimate.RUN_VECTORS) * v,
                "the initializations tried at once (k + p doubles each)");
        heap.require("two_phase.max_draws", cfg.twoPhase().maxDraws(), 1, x -> x * MemoryEstimate.RESULT_BYTES,
                "the results of the initializations tried");
        long every = cfg.twoPhase().every();
        heap.require("stop.max_steps", cfg.stop().maxSteps(), 1, x -> 3 * MemoryEstimate.points(x, every, 0) * MemoryEstimate.POINT_BYTES,
                "the two recorded trajectories and the gradient flow, every " + every + " steps");
    }
}
