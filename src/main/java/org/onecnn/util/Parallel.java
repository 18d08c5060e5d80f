package org.onecnn.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs independent tasks on a fixed pool of local threads and returns their results in task order:
 * the one place that owns the pool, the futures and the unwrapping of their exceptions.
 *
 * <p>Why results in task order: run folders must be byte-identical whatever the thread count, so
 * callers write rows in the order of the tasks, never in the order they finish.
 *
 * <p>Failures: the first failed task in list order (not the first to fail in time) decides what is
 * thrown, as itself: a {@link RuntimeException} (an {@link InvalidInputException} stays one, so the
 * command line still prints its one-line message), an {@link Error}, an {@link IOException} or an
 * {@link InterruptedException}. Any other checked exception is wrapped in an
 * {@link IllegalStateException}. Tasks still running then are interrupted (the pool is shut down
 * with {@link ExecutorService#shutdownNow()}), and tasks not yet started never start.
 *
 * <p>Interrupts: if the calling thread is interrupted while it waits, the pool is shut down the same
 * way and {@link InterruptedException} is thrown. The worker threads are daemons, so a task that
 * ignores its interrupt cannot keep the JVM alive after the command has ended.
 */
public final class Parallel {
    private Parallel() {
    }

    /**
     * Runs {@code tasks} on {@code max(1, threads)} daemon threads named {@code threadName} and waits
     * for all of them.
     *
     * @param threads    the pool size; values below 1 mean 1
     * @param threadName the name of every worker thread (shown in thread dumps)
     * @param tasks      the tasks; each may throw
     * @param <T>        the result type
     * @return the results, in the order of {@code tasks}
     * @throws IOException          the first failed task's, as thrown
     * @throws InterruptedException if the caller was interrupted while waiting, or a task threw it
     */
    public static <T> List<T> run(int threads, String threadName, List<? extends Callable<T>> tasks)
            throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread th = new Thread(r, threadName);
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<T>> futures = new ArrayList<>(tasks.size());
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<T> out = new ArrayList<>(futures.size());
            for (Future<T> f : futures) {
                out.add(await(f));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * {@link #run} for callers that cannot throw {@link IOException}: one from a task is rethrown as
     * an {@link UncheckedIOException}.
     */
    public static <T> List<T> runUnchecked(int threads, String threadName, List<? extends Callable<T>> tasks)
            throws InterruptedException {
        try {
            return run(threads, threadName, tasks);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T await(Future<T> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * The failure of a task as it was thrown: throws {@code cause} itself when it is a runtime exception, an
     * error, an I/O or interrupted exception; returns an {@link IllegalStateException} wrapping any other
     * checked exception (for the caller to throw).
     */
    public static IllegalStateException rethrow(Throwable cause) throws IOException, InterruptedException {
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        if (cause instanceof IOException io) {
            throw io;
        }
        if (cause instanceof InterruptedException ie) {
            throw ie;
        }
        return new IllegalStateException(cause);
    }
}
