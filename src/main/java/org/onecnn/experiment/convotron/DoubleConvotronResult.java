package org.onecnn.experiment.convotron;

import java.util.List;

import org.onecnn.experiment.convotron.ConvotronCells;

/**
 * What a double-convotron run computed, before any table or figure: for every cell (stride × input distribution,
 * in the order of {@code convotron.strides} then {@code convotron.distributions}) its judged runs, one per
 * teacher. The report turns it into files; nothing here depends on how it is written.
 *
 * @param cells the cells with their runs, in cell order
 */
public record DoubleConvotronResult(List<CellRuns> cells) {
    public DoubleConvotronResult {
        cells = List.copyOf(cells);
    }

    /** One cell and its runs, in teacher order. */
    public record CellRuns(ConvotronCells.Cell cell, List<ConvotronCells.Run> runs) {
        public CellRuns {
            runs = List.copyOf(runs);
        }
    }

    /** Runs in all cells. */
    public long runs() {
        return cells.stream().mapToLong(c -> c.runs().size()).sum();
    }

    /** Runs whose iterates became non-finite, in all cells. */
    public long diverged() {
        return cells.stream().flatMap(c -> c.runs().stream()).filter(ConvotronCells.Run::diverged).count();
    }
}
