package org.onecnn.experiment.toy;

import java.util.List;
import org.onecnn.experiment.ExperimentSpec;
import org.onecnn.experiment.GridPoint;

import java.io.IOException;
import java.nio.file.Files;

import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.RunContext;
import org.onecnn.report.Table;
import org.onecnn.util.SeedStream;

/** The test-only experiment type {@code toy} (see {@link ToySpec}): its rows are a pure function of the spec. */
public final class ToyExperiment implements Experiment {
    /** One seed per draw. */
    static final SeedStream DRAW = SeedStream.of("toy-draw", "the value of one toy draw", "draw");

    @Override
    public String type() {
        return ToySpec.TYPE;
    }

    @Override
    public Class<ToySpec> specClass() {
        return ToySpec.class;
    }

    @Override
    public void validate(ExperimentSpec spec, List<GridPoint> points) {
        // everything is checked by the spec's records
    }

    @Override
    public void execute(RunContext ctx) throws IOException {
        ToySpec spec = (ToySpec) ctx.config();
        Table.Builder b = Table.builder("draw", "value");
        for (int i = 0; i < spec.toy().draws(); i++) {
            b.row(i, Math.floorMod(DRAW.derive(spec.seed(), i), spec.toy().modulus()));
        }
        b.build().writeCsv(ctx.folder().path("results.csv"));
        Files.writeString(ctx.folder().path("report.md"), "# " + spec.name() + "\n");
    }
}
