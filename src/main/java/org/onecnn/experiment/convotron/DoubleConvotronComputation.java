package org.onecnn.experiment.convotron;

import java.util.ArrayList;
import java.util.List;

import org.onecnn.experiment.convotron.ConvotronCells;
import org.onecnn.util.Progress;

/**
 * The computation of double-convotron: a function of the spec alone (teachers and samples from seeds derived
 * from the master seed, see {@link ConvotronCells}); the thread count changes only how fast, and writes nothing.
 */
public final class DoubleConvotronComputation {
    private DoubleConvotronComputation() {
    }

    /**
     * Runs Double Convotron on every cell and judges every run.
     *
     * @param threads worker threads (cells run in parallel)
     * @param quiet   no progress line on standard error
     */
    public static DoubleConvotronResult compute(DoubleConvotronSpec cfg, int threads, boolean quiet)
            throws InterruptedException {
        List<ConvotronCells.Cell> cells = ConvotronCells.cells(cfg, cfg.convotron().stridesFor(cfg.model().p()),
                cfg.convotron().distributions());
        List<List<ConvotronCells.Run>> runs;
        try (Progress progress = Progress.start(cfg.name(), ConvotronCells.runSteps(cells), "run-steps", quiet)) {
            runs = ConvotronCells.runJudged(cells, threads, progress, cfg.convotron().successError());
        }
        List<DoubleConvotronResult.CellRuns> out = new ArrayList<>();
        for (int ci = 0; ci < cells.size(); ci++) {
            out.add(new DoubleConvotronResult.CellRuns(cells.get(ci), runs.get(ci)));
        }
        return new DoubleConvotronResult(out);
    }
}
