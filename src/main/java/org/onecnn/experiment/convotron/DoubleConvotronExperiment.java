package org.onecnn.experiment.convotron;

import org.onecnn.experiment.ExperimentSpec;
import org.onecnn.experiment.GridPoint;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.onecnn.experiment.convotron.ConvotronCells;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.setup.MemoryEstimate;
import org.onecnn.experiment.RunContext;
import org.onecnn.util.InvalidInputException;

/**
 * Du and Goel's Double Convotron on overlapping patches (docs/experiments.md, dg2019-double-convotron): for
 * every stride and input distribution, stage 1 (the angle between a_t and ±a*), stage 2 (Convotron with
 * a and with −a: test error on fresh samples) and stage 3 (the sign chosen on validation samples).
 *
 * <p>The type in three parts: {@link DoubleConvotronComputation} (spec and seeds to a {@link DoubleConvotronResult}),
 * {@link DoubleConvotronReport} (result to tables, figures and prose) and this class, which checks a config and
 * wires the two.
 */
public final class DoubleConvotronExperiment implements Experiment {
    @Override
    public String type() {
        return DoubleConvotronSpec.TYPE;
    }

    @Override
    public Class<DoubleConvotronSpec> specClass() {
        return DoubleConvotronSpec.class;
    }

    @Override
    public String gridHint() {
        return "; its strides are convotron.strides";
    }

    @Override
    public void validate(ExperimentSpec spec, List<GridPoint> points) {
        DoubleConvotronSpec cfg = (DoubleConvotronSpec) spec;
        List<Integer> strides = cfg.convotron().stridesFor(cfg.model().p());
        for (int s : strides) {
            ConvotronCells.architecture(cfg, s);
        }
        MemoryEstimate.convotron(cfg, strides.size() * cfg.convotron().distributions().size());
        ConvotronCells.cells(cfg, strides, cfg.convotron().distributions());
    }

    @Override
    public Map<String, Object> backend() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", "Convotron / Double Convotron, fresh samples each step (Java arithmetic batched over runs; "
                + "samples drawn on ND4J with seeded generators)");
        return m;
    }

    /** Computes every run (pure: spec and seeds to {@link DoubleConvotronResult}), then writes the report. */
    @Override
    public void execute(RunContext ctx) throws IOException, InterruptedException {
        DoubleConvotronResult result = DoubleConvotronComputation.compute((DoubleConvotronSpec) ctx.config(),
                ctx.threads(), ctx.quiet());
        new DoubleConvotronReport(ctx, result).write();
    }
}
