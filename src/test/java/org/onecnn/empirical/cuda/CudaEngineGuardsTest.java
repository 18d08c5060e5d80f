package org.onecnn.empirical.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.onecnn.backend.Precision;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EnsembleTrainer;
import org.onecnn.empirical.Regime;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;
import org.onecnn.population.RecordPlan;
import org.onecnn.util.InvalidInputException;

/**
 * The cuda engine's guards, on the host kernels ({@link HostCudaDriver}): an ensemble used after close is refused
 * (a real driver would let a kernel write through freed pointers into the next ensemble's buffers); threads that
 * come and go load one module and leave no device memory behind; the local memory a spilling kernel makes the
 * driver reserve is in the up-front memory check; the JIT log reaches the refusal in one line.
 */
class CudaEngineGuardsTest {
    private static final Architecture ARCH = Architecture.nonOverlapping(3, 2);
    private static final int N = 10;

    private static EmpiricalSpec spec(Precision type) {
        return new EmpiricalSpec(ARCH, 0.0, type, 0.05, Regime.FULL_BATCH, 1, 30, 10, 1e-9, 1e-8, 64, 4, 4, 42);
    }

    private static List<InitialPoint> inits(int count) {
        List<InitialPoint> l = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] v = new double[ARCH.r()];
            double[] a = new double[ARCH.k()];
            v[i % v.length] = 1;
            a[0] = 0.1 * (i + 1);
            l.add(InitialPoint.of(v, a, i));
        }
        return l;
    }

    private static double[] xs() {
        double[] x = new double[N * ARCH.d()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sin(i);
        }
        return x;
    }

    private static double[] ys() {
        double[] y = new double[N];
        for (int i = 0; i < N; i++) {
            y[i] = Math.cos(i);
        }
        return y;
    }

    @Test
    void anEnsembleUsedAfterCloseIsRefused() {
        assertTrue(HostCudaDriver.available(), () -> HostCudaDriver.buildError());
        try (HostCudaDriver host = new HostCudaDriver()) {
            CudaEngine engine = new CudaEngine(() -> host, 0, Ptx::bundled);
            CudaEnsemble e = (CudaEnsemble) engine.open(spec(Precision.DOUBLE), inits(3), xs(), ys(), N, null);
            e.stepFull();
            e.close();
            assertEquals(0, host.liveBuffers());
            host.launches.clear();
            List<Runnable> uses = List.of(e::stepFull, () -> e.stepRows(new int[] {0, 1}), e::gradNorms, e::losses,
                    e::filters, e::outputWeights, () -> e.freeze(0), () -> e.repack(new int[] {0}));
            for (Runnable use : uses) {
                IllegalStateException x = assertThrows(IllegalStateException.class, use::run);
                assertTrue(x.getMessage().contains("was closed"), x.getMessage());
            }
            assertEquals(List.of(), host.launches, "nothing may reach the device after close");
            e.close(); // idempotent
            engine.release();
        }
    }

    /**
     * Forty threads, one after another, each open an ensemble and end without closing it (as a pool's or Spark's
     * executor threads may): the engine loads its module once and frees an ended thread's ensemble at the next
     * open, so device memory stays at one ensemble's; a thread that trains through the trainer leaves none.
     */
    @Test
    void shortLivedThreadsDoNotGrowDeviceMemory() throws Exception {
        assertTrue(HostCudaDriver.available(), () -> HostCudaDriver.buildError());
        try (HostCudaDriver host = new HostCudaDriver()) {
            CountingDriver drv = new CountingDriver(host);
            AtomicInteger made = new AtomicInteger();
            CudaEngine engine = new CudaEngine(() -> {
                made.incrementAndGet();
                return drv;
            }, 0, Ptx::bundled);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            long oneEnsemble = -1;
            for (int i = 0; i < 40; i++) {
                Thread t = new Thread(() -> {
                    try {
                        StudentEnsemble e = engine.open(spec(Precision.DOUBLE), inits(5), xs(), ys(), N, null);
                        e.stepFull();
                    } catch (Throwable x) {
                        failed.set(x);
                    }
                }, "short-lived-" + i);
                t.start();
                t.join();
                if (failed.get() != null) {
                    throw new AssertionError("thread " + i, failed.get());
                }
                if (oneEnsemble < 0) {
                    oneEnsemble = drv.liveBytes();
                    assertTrue(oneEnsemble > 0);
                }
                // at most the last thread's ensemble is live: the ended threads' before it were freed
                assertEquals(oneEnsemble, drv.liveBytes(), "after thread " + i);
            }
            assertEquals(1, drv.modulesLoaded.get(), "one module for every thread");
            assertEquals(1, made.get(), "one driver for every thread");

            // the trainer closes each chunk's ensemble when it is done, whichever thread trained it
            Teacher teacher = Teacher.of(new double[] {1, 0}, new double[] {1, 0.5, -0.5});
            Thread t = new Thread(() -> {
                try {
                    new EnsembleTrainer(spec(Precision.FLOAT), teacher, true, engine).train(inits(4),
                            TrainingSet.ofDoubles(N, ARCH.d(), xs(), ys()), null, RecordPlan.NONE,
                            EnsembleTrainer.Sink.NONE);
                } catch (Throwable x) {
                    failed.set(x);
                }
            });
            t.start();
            t.join();
            if (failed.get() != null) {
                throw new AssertionError("training thread", failed.get());
            }
            // the last short-lived thread's ensemble was freed by the trainer's open; the trainer's by itself
            assertEquals(0, drv.liveBytes());
            assertEquals(0, engine.liveEnsembles());
            engine.release();
            assertEquals(0, host.liveBuffers());
        }
    }

    /**
     * A kernel with local memory (the 6 × 25 double kernel spills on sm_90: 1,272 B per thread) makes the driver
     * reserve it for every thread the device holds; the check counts it, so a run that fits without it is refused
     * up front, in one line naming it, and not at its first launch. Once reserved it is not counted again.
     */
    @Test
    void localMemoryIsInTheEstimate() {
        assertTrue(HostCudaDriver.available(), () -> HostCudaDriver.buildError());
        try (HostCudaDriver host = new HostCudaDriver()) {
            CountingDriver drv = new CountingDriver(host);
            CudaEngine engine = new CudaEngine(() -> drv, 0, Ptx::bundled);
            CudaPlan plan = CudaEngine.plan(spec(Precision.DOUBLE), 5, N, null);
            long local = 1272L * 2048 * HostCudaDriver.DEVICE.multiprocessors();
            drv.localBytes.put(plan.gradKernel(), 1272L);
            // room for the buffers, not for the buffers and the local memory
            host.freeBytes = CudaEngine.RESERVE_BYTES + plan.deviceBytes() + local - 1;
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> engine.open(spec(Precision.DOUBLE), inits(5), xs(), ys(), N, null));
            assertEquals("max_students_per_chunk", e.field());
            assertTrue(e.getMessage().contains("MiB of it the kernels' local memory and scratch"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            assertEquals(0, drv.liveBuffers(), "refused before any allocation");
            host.freeBytes = CudaEngine.RESERVE_BYTES + plan.deviceBytes() + local;
            StudentEnsemble ok = engine.open(spec(Precision.DOUBLE), inits(5), xs(), ys(), N, null);
            ok.stepFull();
            // the reservation stays with the context (and shows in the free memory): a second ensemble needs only
            // its buffers
            host.freeBytes = CudaEngine.RESERVE_BYTES + plan.deviceBytes();
            engine.open(spec(Precision.DOUBLE), inits(5), xs(), ys(), N, null).stepFull();
            engine.release();
        }
    }

    @Test
    void theJitLogIsOneLine() {
        assertEquals("a | b c | d", CudaException.oneLine("a\n\n  b c \r\nd\n", 100));
        assertEquals("abcd…", CudaException.oneLine("abcdefgh", 5));
        assertEquals("ptxas fatal", CudaException.logText(new byte[] {'p', 't', 'x', 'a', 's', ' ', 'f', 'a', 't', 'a',
                'l', 0, 'x'}));
        CudaException e = new CudaException("CUDA_ERROR_INVALID_PTX", "loading failed", "JIT error log: line 3");
        assertEquals("loading failed; JIT error log: line 3", e.getMessage());
        assertEquals("JIT error log: line 3", e.log());
    }
}
