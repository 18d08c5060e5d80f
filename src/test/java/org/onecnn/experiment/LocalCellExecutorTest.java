package org.onecnn.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cell executor: done cells are skipped, every other cell is computed and written exactly once, a
 * failure comes back as the exception the cell threw, and the stored bytes do not depend on the thread count.
 */
class LocalCellExecutorTest {
    private static final List<String> COLUMNS = List.of("cell", "piece", "value");

    @TempDir
    Path tmp;

    /** Cells of {@code pieces} pieces each; each piece is one row drawn from a seed of (cell, piece) only. */
    private static final class TestSweep implements CellSweep {
        final int cells;
        final int pieces;
        final int parallelism;
        final AtomicIntegerArray pieceCalls;
        final AtomicIntegerArray finishCalls;
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> finishOrder = Collections.synchronizedList(new ArrayList<>());
        final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        /** The piece (cell * pieces + piece) that throws {@link #failure}, or -1. */
        int failAt = -1;
        RuntimeException failure;

        TestSweep(int cells, int pieces, int parallelism) {
            this.cells = cells;
            this.pieces = pieces;
            this.parallelism = parallelism;
            this.pieceCalls = new AtomicIntegerArray(cells * pieces);
            this.finishCalls = new AtomicIntegerArray(cells);
        }

        @Override
        public int size() {
            return cells;
        }

        @Override
        public CellKey key(int index) {
            return new CellKey("c-" + index + ".csv", "cell " + index, COLUMNS, pieces);
        }

        @Override
        public long work(int index) {
            return 10L * pieces;
        }

        @Override
        public int parallelism() {
            return parallelism;
        }

        @Override
        public Job<String> job(int index) {
            return new Job<>() {
                @Override
                public int pieces() {
                    return pieces;
                }

                @Override
                public String piece(int piece, LongConsumer progress) {
                    pieceCalls.incrementAndGet(index * pieces + piece);
                    threads.add(Thread.currentThread().getName());
                    running.incrementAndGet();
                    try {
                        if (index * pieces + piece == failAt) {
                            throw failure;
                        }
                        SplittableRandom r = new SplittableRandom(1000L * index + piece);
                        sleep(r.nextInt(3)); // scramble the completion order on a pool
                        progress.accept(10);
                        return index + "," + piece + "," + r.nextLong() + "\n";
                    } finally {
                        running.decrementAndGet();
                    }
                }

                @Override
                public Output finish(List<String> rows) {
                    finishCalls.incrementAndGet(index);
                    finishOrder.add(index);
                    return new Output(String.join(",", COLUMNS) + "\n" + String.join("", rows));
                }
            };
        }
    }

    /** Sleeps even when interrupted (as a computation that does not check for interrupts). */
    private static void sleep(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    private CellStore store(String name, CellSweep sweep) {
        List<CellKey> keys = new ArrayList<>();
        for (int i = 0; i < sweep.size(); i++) {
            keys.add(sweep.key(i));
        }
        return CellStore.fresh(RunFolder.create(tmp.resolve(name)), "hash", keys);
    }

    private static List<String> readAll(CellStore store, CellSweep sweep) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < sweep.size(); i++) {
            out.add(store.read(sweep.key(i)));
        }
        return out;
    }

    @Test
    void storedBytesAreInIndexOrderAndIndependentOfTheThreadCount() throws Exception {
        List<String> reference = null;
        for (int threads : new int[] {1, 2, 3, 8}) {
            TestSweep sweep = new TestSweep(7, 3, Integer.MAX_VALUE);
            CellStore store = store("t" + threads, sweep);
            AtomicLong progress = new AtomicLong();
            new LocalCellExecutor(threads).run(sweep, store, progress::addAndGet);
            List<String> cells = readAll(store, sweep);
            for (int i = 0; i < cells.size(); i++) {
                String[] lines = cells.get(i).split("\n");
                assertEquals(4, lines.length, cells.get(i));
                for (int k = 0; k < 3; k++) {
                    assertTrue(lines[k + 1].startsWith(i + "," + k + ","), "cell " + i + " holds its own pieces, "
                            + "in piece order: " + cells.get(i));
                }
            }
            if (reference == null) {
                reference = cells;
            } else {
                assertEquals(reference, cells, threads + " threads");
            }
            assertEquals(7 * 3 * 10, progress.get(), "progress adds up to the work of every cell");
            for (int i = 0; i < 7 * 3; i++) {
                assertEquals(1, sweep.pieceCalls.get(i), "piece " + i + " computed once");
            }
            for (int i = 0; i < 7; i++) {
                assertEquals(1, sweep.finishCalls.get(i), "cell " + i + " joined and written once");
            }
        }
    }

    @Test
    void cellsDoneAreSkipped() throws Exception {
        TestSweep first = new TestSweep(5, 2, Integer.MAX_VALUE);
        CellStore store = store("resume", first);
        List<String> reference = new ArrayList<>();
        new LocalCellExecutor(2).run(first, store, n -> { });
        reference.addAll(readAll(store, first));
        // a store with cells 1 and 3 done, as a resume finds it
        TestSweep again = new TestSweep(5, 2, Integer.MAX_VALUE);
        List<CellKey> keys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            keys.add(again.key(i));
        }
        CellStore partial = CellStore.fresh(RunFolder.create(tmp.resolve("partial")), "hash", keys);
        partial.write(again.key(1), reference.get(1));
        partial.write(again.key(3), reference.get(3));
        AtomicLong progress = new AtomicLong();
        new LocalCellExecutor(3).run(again, partial, progress::addAndGet);
        for (int i = 0; i < 5; i++) {
            int calls = again.pieceCalls.get(2 * i) + again.pieceCalls.get(2 * i + 1);
            assertEquals(i == 1 || i == 3 ? 0 : 2, calls, "cell " + i);
            assertEquals(i == 1 || i == 3 ? 0 : 1, again.finishCalls.get(i), "cell " + i);
        }
        assertEquals(3 * 2 * 10, progress.get());
        assertEquals(reference, readAll(partial, again));
    }

    static final class CellFailure extends RuntimeException {
        CellFailure(String m) {
            super(m);
        }
    }

    @Test
    void aFailureIsRethrownAsItselfAndCellsBeforeItStayWritten() throws Exception {
        for (int threads : new int[] {1, 4}) {
            TestSweep sweep = new TestSweep(6, 2, Integer.MAX_VALUE);
            sweep.failAt = 2 * 3 + 1; // cell 3, piece 1
            sweep.failure = new CellFailure("cell 3 failed");
            CellStore store = store("fail" + threads, sweep);
            CellFailure thrown = assertThrows(CellFailure.class,
                    () -> new LocalCellExecutor(threads).run(sweep, store, n -> { }));
            assertSame(sweep.failure, thrown, threads + " threads: the exception the cell threw, not a wrapper");
            assertFalse(store.done(sweep.key(3)), "the failed cell is not written");
            assertEquals(0, sweep.running.get(), "nothing of the run is still computing when it throws");
            if (threads == 1) {
                for (int i = 0; i < 6; i++) {
                    assertEquals(i < 3, store.done(sweep.key(i)), "one thread: cells before the failure are "
                            + "written, none after it is started");
                }
            }
        }
    }

    @Test
    void aSweepOfParallelismOneRunsOnTheCallingThreadInIndexOrder() throws Exception {
        TestSweep sweep = new TestSweep(4, 2, 1);
        CellStore store = store("serial", sweep);
        new LocalCellExecutor(8).run(sweep, store, n -> { });
        assertEquals(List.of(0, 1, 2, 3), sweep.finishOrder);
        assertEquals(Collections.nCopies(8, Thread.currentThread().getName()), sweep.threads);
    }

    @Test
    void aPoolOfSeveralThreadsIsUsedWhenTheSweepAllowsIt() throws Exception {
        TestSweep sweep = new TestSweep(4, 2, Integer.MAX_VALUE);
        new LocalCellExecutor(2).run(sweep, store("pool", sweep), n -> { });
        assertFalse(sweep.threads.contains(Thread.currentThread().getName()));
        assertEquals("local, 2 threads", new LocalCellExecutor(2).describe());
        assertThrows(IllegalArgumentException.class, () -> new LocalCellExecutor(0));
    }

    @Test
    void outputKeepsThePartsInTheirOrder() {
        Map<String, String> parts = new java.util.LinkedHashMap<>();
        parts.put("z.csv", "a\n");
        parts.put("a.csv", "b\n");
        assertEquals(List.of("z.csv", "a.csv"), List.copyOf(new CellSweep.Output("x\n", parts).parts().keySet()));
    }
}
