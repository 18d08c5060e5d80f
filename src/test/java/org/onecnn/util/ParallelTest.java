package org.onecnn.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void resultsComeInTaskOrderWhateverTheFinishingOrder() throws Exception {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int k = i;
            // earlier tasks sleep longer, so they finish last
            tasks.add(() -> {
                Thread.sleep(2L * (12 - k));
                return k * k;
            });
        }
        List<Integer> out = Parallel.run(4, "t", tasks);
        for (int i = 0; i < 12; i++) {
            assertEquals(i * i, out.get(i));
        }
        assertEquals(List.of(), Parallel.run(3, "t", List.<Callable<Integer>>of()));
    }

    @Test
    void usesTheGivenNumberOfNamedDaemonThreads() throws Exception {
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch allIn = new CountDownLatch(3);
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(() -> {
                seen.add(Thread.currentThread());
                allIn.countDown();
                // three tasks can meet only if three threads run them at once
                return allIn.await(10, TimeUnit.SECONDS);
            });
        }
        assertEquals(List.of(true, true, true), Parallel.run(3, "onecnn-test", tasks));
        assertEquals(3, seen.size());
        for (Thread t : seen) {
            assertEquals("onecnn-test", t.getName());
            assertTrue(t.isDaemon());
        }
    }

    @Test
    void zeroThreadsMeansOne() throws Exception {
        assertEquals(List.of(1, 2), Parallel.run(0, "t", List.<Callable<Integer>>of(() -> 1, () -> 2)));
    }

    @Test
    void thePoolIsShutDownAfterwards() throws Exception {
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tasks.add(() -> {
                seen.add(Thread.currentThread());
                return 0;
            });
        }
        Parallel.run(2, "t", tasks);
        for (Thread t : seen) {
            t.join(10_000);
            assertFalse(t.isAlive(), "worker still alive after run returned");
        }
    }

    @Test
    void exceptionsAreRethrownAsThemselves() {
        InvalidInputException bad = new InvalidInputException("init.count", "must be positive");
        assertSame(bad, assertThrows(InvalidInputException.class, () -> Parallel.run(2, "t", failing(bad))));
        IllegalStateException ise = new IllegalStateException("x");
        assertSame(ise, assertThrows(IllegalStateException.class, () -> Parallel.run(2, "t", failing(ise))));
        OutOfMemoryError oom = new OutOfMemoryError("y");
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> Parallel.run(2, "t", failing(oom))));
        IOException io = new IOException("disk full");
        assertSame(io, assertThrows(IOException.class, () -> Parallel.run(2, "t", failing(io))));
        UncheckedIOException uio = assertThrows(UncheckedIOException.class,
                () -> Parallel.runUnchecked(2, "t", failing(io)));
        assertSame(io, uio.getCause());
        Exception other = new Exception("checked");
        IllegalStateException wrapped = assertThrows(IllegalStateException.class,
                () -> Parallel.run(2, "t", failing(other)));
        assertSame(other, wrapped.getCause());
    }

    @Test
    void theFirstFailureInTaskOrderWins() {
        RuntimeException first = new RuntimeException("first in order");
        RuntimeException second = new RuntimeException("first in time");
        List<Callable<Integer>> tasks = List.of(() -> {
            Thread.sleep(100);
            throw first;
        }, () -> {
            throw second;
        });
        assertSame(first, assertThrows(RuntimeException.class, () -> Parallel.run(2, "t", tasks)));
    }

    @Test
    void aFailureInterruptsTheTasksStillRunning() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        List<Callable<Integer>> tasks = List.of(() -> {
            started.await();
            throw new IllegalArgumentException("boom");
        }, () -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return 0;
        });
        assertThrows(IllegalArgumentException.class, () -> Parallel.run(2, "t", tasks));
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the sleeping task was not interrupted");
    }

    @Test
    void anInterruptedCallerStopsTheWorkersAndThrows() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch workerInterrupted = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean secondStarted = new AtomicBoolean();
        List<Callable<Integer>> tasks = List.of(() -> {
            running.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                workerInterrupted.countDown();
            }
            return 0;
        }, () -> {
            secondStarted.set(true);
            return 1;
        });
        Thread caller = new Thread(() -> {
            try {
                Parallel.run(1, "t", tasks);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.start();
        assertTrue(running.await(10, TimeUnit.SECONDS));
        caller.interrupt();
        caller.join(10_000);
        assertFalse(caller.isAlive());
        assertTrue(thrown.get() instanceof InterruptedException, "thrown: " + thrown.get());
        assertTrue(workerInterrupted.await(10, TimeUnit.SECONDS), "the running task was not interrupted");
        assertFalse(secondStarted.get(), "a queued task started after the interrupt");
    }

    private static List<Callable<Integer>> failing(Throwable t) {
        return List.of(() -> 1, () -> {
            if (t instanceof Exception e) {
                throw e;
            }
            throw (Error) t;
        }, () -> 3);
    }
}
