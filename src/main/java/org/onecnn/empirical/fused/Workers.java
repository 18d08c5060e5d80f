package org.onecnn.empirical.fused;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fused engine's threads: one fixed pool of daemon threads for the whole process, sized by
 * {@link #defaultThreads()}, and a parallel loop over numbered tasks on it. A loop with {@code t} threads runs
 * on the caller and {@code t − 1} pool threads, each taking the next task number from a shared counter; every task
 * writes only its own outputs, so which thread runs which task (and how many there are) changes no value. The
 * caller always works too, so loops of several ensembles sharing the pool (or asking for more threads than it has)
 * make progress however busy it is: a helper that starts late finds no task left and returns.
 */
final class Workers {
    /** The system property that overrides the thread count ({@code -Donecnn.threads=N}). */
    static final String PROPERTY = "onecnn.threads";

    private Workers() {
    }

    /** Threads of a loop unless told otherwise: {@code -Donecnn.threads}, else the available processors. */
    static int defaultThreads() {
        String s = System.getProperty(PROPERTY);
        if (s != null && !s.isBlank()) {
            try {
                int t = Integer.parseInt(s.trim());
                if (t >= 1) {
                    return t;
                }
            } catch (NumberFormatException e) {
                // fall through to the processors: a bad property is not worth failing a run
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Loaded on first use, so that an engine that is only asked its capabilities starts no thread. */
    private static final class Pool {
        static final ExecutorService POOL = Executors.newFixedThreadPool(defaultThreads(), r -> {
            Thread t = new Thread(r, "onecnn-fused");
            t.setDaemon(true);
            return t;
        });
    }

    /** A task of a parallel loop: task number {@code i}, run by worker {@code w} ({@code 0 ≤ w < threads}). */
    @FunctionalInterface
    interface Task {
        void run(int i, int w);
    }

    /**
     * Run tasks {@code 0 … tasks−1} on {@code threads} threads (the caller included) and return when all are done.
     * Worker numbers are distinct among the threads running at once, so a task may use scratch space of its
     * worker.
     */
    static void parallelFor(int tasks, int threads, Task task) {
        int t = Math.max(1, Math.min(threads, tasks));
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Future<?>[] helpers = new Future<?>[t - 1];
        for (int w = 1; w < t; w++) {
            int worker = w;
            helpers[w - 1] = Pool.POOL.submit(() -> drain(next, tasks, worker, task, failure));
        }
        drain(next, tasks, 0, task, failure);
        for (Future<?> f : helpers) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the fused engine's threads worked", e);
            } catch (java.util.concurrent.ExecutionException e) {
                failure.compareAndSet(null, e.getCause());
            }
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        } else if (f instanceof Error err) {
            throw err;
        } else if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    private static void drain(AtomicInteger next, int tasks, int worker, Task task,
            AtomicReference<Throwable> failure) {
        for (int i; failure.get() == null && (i = next.getAndIncrement()) < tasks;) {
            try {
                task.run(i, worker);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }
    }
}
