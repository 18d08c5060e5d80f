package org.onecnn.experiment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongConsumer;

import org.onecnn.util.Parallel;

/**
 * Runs cells on this machine: the pieces of every cell not yet done, cell by cell and piece by piece in index
 * order, on a fixed pool of {@code min(threads, sweep.parallelism())} threads; the thread that finishes a
 * cell's last piece joins its pieces and writes the cell. With one thread (or a sweep of parallelism 1) the
 * cells run on the calling thread, one after another, with no pool: the order of their computations is then
 * exactly index order (what a cell that drives ND4J's native threads itself needs).
 *
 * <p>The first failure of a piece stops the run: no queued piece starts, the pieces running finish (a cell they
 * complete is written), and then the failure is rethrown as it was thrown ({@link RuntimeException}, {@link
 * Error}, {@link IOException}); cells written stay written, so a resume continues from there. When {@code run}
 * returns or throws, nothing of it is running any more.
 */
public final class LocalCellExecutor implements CellExecutor {
    private final int threads;

    /** @param threads the most pieces computed at once, at least 1 */
    public LocalCellExecutor(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        this.threads = threads;
    }

    @Override
    public String describe() {
        return "local, " + threads + (threads == 1 ? " thread" : " threads");
    }

    @Override
    public void run(CellSweep sweep, CellStore store, LongConsumer progress) throws IOException,
            InterruptedException {
        List<Pending<?>> todo = new ArrayList<>();
        for (int i = 0; i < sweep.size(); i++) {
            CellKey key = sweep.key(i);
            if (!store.done(key)) {
                todo.add(new Pending<>(key, sweep.job(i)));
            }
        }
        int workers = Math.min(threads, sweep.parallelism());
        if (workers <= 1) {
            for (Pending<?> p : todo) {
                p.write(store, p.job.compute(progress));
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread th = new Thread(r, "onecnn-cells");
            th.setDaemon(true);
            return th;
        });
        try {
            CompletionService<Void> done = new ExecutorCompletionService<>(pool);
            int submitted = 0;
            for (Pending<?> p : todo) {
                if (p.job.pieces() == 0) {
                    p.write(store, p.job.finish(List.of()));
                }
                for (int k = 0; k < p.job.pieces(); k++) {
                    int piece = k;
                    done.submit(() -> {
                        p.run(piece, store, progress);
                        return null;
                    });
                    submitted++;
                }
            }
            for (int i = 0; i < submitted; i++) {
                try {
                    done.take().get();
                } catch (ExecutionException e) {
                    // none queued starts; those running finish (a cell they complete is written), so that when
                    // run returns nothing of it still writes into the run folder
                    pool.shutdownNow();
                    pool.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
                    throw Parallel.rethrow(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A cell being computed: its pieces as they arrive, and how many are still to come. */
    private static final class Pending<P> {
        final CellKey key;
        final CellSweep.Job<P> job;
        final AtomicReferenceArray<P> pieces;
        final AtomicInteger left;

        Pending(CellKey key, CellSweep.Job<P> job) {
            this.key = key;
            this.job = job;
            this.pieces = new AtomicReferenceArray<>(job.pieces());
            this.left = new AtomicInteger(job.pieces());
        }

        /** Computes one piece; the last piece to finish writes the cell. */
        void run(int piece, CellStore store, LongConsumer progress) throws IOException {
            pieces.set(piece, job.piece(piece, progress));
            if (left.decrementAndGet() == 0) {
                List<P> all = new ArrayList<>(pieces.length());
                for (int i = 0; i < pieces.length(); i++) {
                    all.add(pieces.get(i));
                }
                write(store, job.finish(all));
            }
        }

        void write(CellStore store, CellSweep.Output out) throws IOException {
            store.write(key, out.csv(), out.parts());
        }
    }
}
