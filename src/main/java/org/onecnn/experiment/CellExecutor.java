package org.onecnn.experiment;

import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * Runs the cells of a {@link CellSweep}: every cell not yet done in the store is computed and written through
 * {@link CellStore#write} as it completes, so an interrupted run resumes with what was written. Which
 * executor a run uses is chosen in one place ({@link Runner}, handed to experiments by {@link RunContext});
 * experiments never name one, so another executor (a distributed engine, a job array) is an addition.
 *
 * <p>Every executor writes the same bytes for the same cell, because a cell is a pure function of (spec,
 * cell index) (see {@link CellSweep}); it may compute cells in any order and anywhere, but writes each cell
 * once, through the one store of the run.
 */
public interface CellExecutor {
    /**
     * Computes and writes every cell of {@code sweep} that {@code store} does not hold yet; returns when all
     * are written.
     *
     * @param progress receives the work done, in the sweep's unit (see {@link CellSweep#work})
     * @throws IOException          if a cell cannot be written
     * @throws InterruptedException if interrupted while waiting for cells
     * @throws RuntimeException     the failure of a cell's computation, as it was thrown (not wrapped)
     */
    void run(CellSweep sweep, CellStore store, LongConsumer progress) throws IOException, InterruptedException;

    /**
     * Whether this executor computes cell {@code index} of a sweep when it is not done: true by default; false for
     * the cells of other shards of a job array ({@link ShardCellExecutor}). Progress counts only these.
     */
    default boolean computes(int index) {
        return true;
    }

    /** A short description for provenance and logs, e.g. {@code "local, 4 threads"}. */
    String describe();
}
