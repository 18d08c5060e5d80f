package org.onecnn.experiment.overlap;

import org.onecnn.experiment.ExperimentSpec;
import org.onecnn.experiment.GridPoint;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.onecnn.population.EngineKind;
import org.onecnn.population.Algorithm;
import org.onecnn.experiment.convotron.ConvotronCells;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.setup.MemoryEstimate;
import org.onecnn.experiment.RunContext;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.MemoryBudget;

/**
 * Weight-normalised gradient descent on overlapping patches (docs/experiments.md, overlap-landscape): for a
 * fixed input size d and filter size p, strides from p (no overlap) down to ⌊p/2⌋+1, the probability that
 * Algorithm 1 on the exact overlapping population loss (docs/model.md §4) reaches the global minimum from Du et
 * al.'s random initialization, beside Double Convotron's success rate on the same teachers
 * (w*, a* ~ N(0, I); teacher t has the same seed at every stride).
 *
 * <p>With overlap the non-global minima leave φ = π, so the outcome rule counts a stationary point with
 * φ > π/2 as SPURIOUS at any angle ({@code classify.spurious_any_angle}).
 *
 * <p>The type in three parts: {@link OverlapLandscapeComputation} (spec and seeds to an
 * {@link OverlapLandscapeResult}), {@link OverlapLandscapeReport} (result to tables, figures and prose) and this
 * class, which checks a config and wires the two.
 */
public final class OverlapLandscapeExperiment implements Experiment {
    @Override
    public String type() {
        return OverlapLandscapeSpec.TYPE;
    }

    @Override
    public Class<OverlapLandscapeSpec> specClass() {
        return OverlapLandscapeSpec.class;
    }

    @Override
    public String gridHint() {
        return "; its strides are convotron.strides";
    }

    @Override
    public void validate(ExperimentSpec spec, List<GridPoint> points) {
        OverlapLandscapeSpec cfg = (OverlapLandscapeSpec) spec;
        if (cfg.train().algorithm() != Algorithm.WN_GD || cfg.train().engine() != EngineKind.FULL) {
            throw new InvalidInputException("train.engine", "overlap-landscape runs Algorithm 1 (wn-gd) on the full "
                    + "engine (the exact overlapping loss); set train.algorithm: wn-gd, train.engine: full");
        }
        if (cfg.init().scheme() != org.onecnn.experiment.Sections.Init.Scheme.DU) {
            throw new InvalidInputException("init.scheme", "overlap-landscape draws Du et al. initializations (du)");
        }
        for (int s : cfg.convotron().stridesFor(cfg.model().p())) {
            ConvotronCells.architecture(cfg, s);
        }
        estimateMemory(cfg, cfg.convotron().stridesFor(cfg.model().p()));
        MemoryEstimate.convotron(cfg, cfg.convotron().stridesFor(cfg.model().p()).size()
                * cfg.convotron().distributions().size());
        ConvotronCells.cells(cfg, cfg.convotron().stridesFor(cfg.model().p()), cfg.convotron().distributions());
    }

    @Override
    public Map<String, Object> backend() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", "exact overlapping population dynamics (docs/model.md §4), CPU, double precision; Double Convotron "
                + "with fresh samples");
        return m;
    }

    /** Runs both algorithms (pure: spec and seeds to {@link OverlapLandscapeResult}), then writes the report. */
    @Override
    public void execute(RunContext ctx) throws IOException, InterruptedException {
        OverlapLandscapeResult result = OverlapLandscapeComputation.compute((OverlapLandscapeSpec) ctx.config(),
                ctx.threads(), ctx.quiet());
        new OverlapLandscapeReport(ctx, result).write();
    }

    /** overlap-landscape: every (stride, teacher) task holds its initializations and results. */
    static void estimateMemory(OverlapLandscapeSpec cfg, List<Integer> strides) {
        MemoryBudget heap = MemoryBudget.heap();
        int d = cfg.model().d();
        int p = cfg.model().p();
        double tasks = strides.size();
        int t = cfg.convotron().teachers();
        int count = cfg.init().count();
        // k of the smallest stride is the largest
        double k = (d - p) / (double) strides.stream().mapToInt(Integer::intValue).min().orElse(p) + 1;
        double v = MemoryEstimate.vec(k, p, 0);
        // every task holds its initializations and results; tasks run at once, each with all its runs in flight
        heap.require("the initializations and results of " + (long) tasks + " stride(s) × " + t + " teacher(s)",
            new MemoryBudget.Candidate("init.count", count, 1, x -> tasks * t * x * (v + MemoryEstimate.RESULT_BYTES)
                + Math.min(MemoryEstimate.threads(), tasks * t) * x * MemoryEstimate.RUN_VECTORS * v),
            new MemoryBudget.Candidate("convotron.teachers", t, 1, x -> tasks * x * count * (v + MemoryEstimate.RESULT_BYTES)
                + Math.min(MemoryEstimate.threads(), tasks * x) * count * MemoryEstimate.RUN_VECTORS * v));
    }
}
