package org.onecnn.experiment;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * A sweep as a list of cells: what a {@link CellExecutor} runs and a {@link CellStore} keeps. Cell {@code i}
 * (0 ≤ i &lt; {@link #size()}) is stored under {@link #key(int) key(i)}; its rows come from {@link #job(int)
 * job(i)}.
 *
 * <p><b>The contract that lets any machine compute any cell.</b> A cell's output is a pure function of the
 * run's resolved spec and the cell index: every seed it draws is derived from the master seed and the cell
 * index (and indices below it, such as a run or a chunk), never from a counter, the clock, the thread, the
 * order in which cells run or what other cells computed. Whatever a sweep object shares between its cells (a
 * teacher, initial points, a population reference) is itself computed from the spec alone, so a worker that
 * builds the sweep from the same spec gets the same values. Hence the bytes of every cell are the same on
 * whichever thread, process or machine computes it, and in whatever order: a local thread pool, job arrays
 * and a distributed engine are interchangeable executors, and a resume may recompute any subset of cells.
 *
 * <p>A cell may split into {@link Job#pieces() pieces} (a population sweep's chunks of initializations),
 * again pure functions of (spec, cell, piece), which an executor may compute in parallel; {@link
 * Job#finish} joins them, in piece order, into the cell's output. The experiment assembles its results by
 * reading every cell back from the store ({@link CellStore#read}), never from what an executor returned, so
 * the results of a fresh run and of a resume are the same bytes.
 */
public interface CellSweep {
    /** The number of cells. */
    int size();

    /** Where cell {@code index} is stored: file, label, columns, rows and parts (see {@link CellKey}). */
    CellKey key(int index);

    /** The work of cell {@code index} in the unit of its progress (runs, student-steps, …). */
    long work(int index);

    /**
     * How many work items of this sweep may run at once on one machine: unbounded by default; 1 when a
     * cell uses the whole machine itself (ND4J's native threads), so cells run one after another on the
     * calling thread, in index order.
     */
    default int parallelism() {
        return Integer.MAX_VALUE;
    }

    /**
     * Cell {@code index}, ready to compute. Preparing is cheap (no training): an executor prepares the cells
     * it will run before running any of them.
     */
    Job<?> job(int index);

    /**
     * The computation of one cell, in {@link #pieces()} pieces of type {@code P}.
     *
     * @param <P> what a piece computes
     */
    interface Job<P> {
        /** The number of pieces, each computable on its own; 1 unless the cell splits. */
        default int pieces() {
            return 1;
        }

        /**
         * Computes piece {@code piece} (a pure function of the spec, the cell index and {@code piece}).
         *
         * @param progress receives the work done, in the sweep's unit (see {@link CellSweep#work}), as it goes
         */
        P piece(int piece, LongConsumer progress);

        /** Joins the pieces (in piece order) into the cell's output. */
        Output finish(List<P> pieces);

        /** All pieces one after another on this thread, then {@link #finish}: the cell's output. */
        default Output compute(LongConsumer progress) {
            List<P> ps = new java.util.ArrayList<>(pieces());
            for (int i = 0; i < pieces(); i++) {
                ps.add(piece(i, progress));
            }
            return finish(ps);
        }

        /** A cell computed in one piece. */
        static Job<Output> whole(Function<LongConsumer, Output> compute) {
            return new Job<>() {
                @Override
                public Output piece(int piece, LongConsumer progress) {
                    return compute.apply(progress);
                }

                @Override
                public Output finish(List<Output> pieces) {
                    return pieces.get(0);
                }
            };
        }
    }

    /**
     * What a cell writes: its CSV (column line, then its rows, as {@code Table.toCsv()} gives) and its parts
     * (file name → CSV text, each one of its key's {@link CellKey#parts() parts}; none by default).
     */
    record Output(String csv, Map<String, String> parts) {
        public Output {
            parts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parts));
        }

        public Output(String csv) {
            this(csv, Map.of());
        }
    }
}
