package org.onecnn.empirical.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.onecnn.backend.Precision;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.Regime;
import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;
import org.onecnn.util.InvalidInputException;

/**
 * The cuda engine's logic above the driver, without a GPU: launch geometry and buffer sizes ({@link CudaPlan}),
 * the up-front memory refusal, what a step launches, the driver detection and the readiness checks with the driver
 * stubbed at the {@link CudaDriver} boundary.
 */
class CudaEngineLaunchTest {

    @Test
    void geometryOfThePlan() {
        // 300 students, float, r = 6, k = 25 (d = 150), reduction block 16, n = 100
        CudaPlan p = new CudaPlan(6, 25, 150, 300, 4, 16, 100, 100, false);
        assertEquals(384, p.stride());
        assertEquals(7, p.sampleBlocks(100));
        assertArrayEquals(new int[] {3, 7, 1}, p.gradGrid(100));
        assertArrayEquals(new int[] {3, 1, 1}, p.studentGrid());
        assertArrayEquals(new int[] {1, 1, 1}, CudaPlan.sampleGrid(100));
        assertArrayEquals(new int[] {2, 1, 1}, CudaPlan.sampleGrid(129));
        // 48 KiB / (151 · 4) = 81 rows, at most 64
        assertEquals(64, p.tile());
        assertEquals(64 * 151 * 4, p.sharedBytes());
        assertEquals("onecnn_grad_6x25_f", p.gradKernel());
        assertEquals("onecnn_grad_6x25_f_mb3", p.gradKernel(3));
        assertEquals("onecnn_grad_6x25_f", p.gradKernel(5));
        assertEquals("onecnn_grad_6x25_d", new CudaPlan(6, 25, 150, 3, 8, 16, 40, 40, false).gradKernel(3));
        assertEquals("onecnn_grad_d", new CudaPlan(6, 5, 30, 3, 8, 16, 40, 40, false).gradKernel());
        // a row of 10000 doubles does not fit a tile; 3000 doubles: 48 KiB / 24008 = 2 rows
        assertEquals(0, new CudaPlan(6, 5, 10000, 3, 8, 16, 40, 40, false).tile());
        assertEquals(2, new CudaPlan(6, 5, 3000, 3, 8, 16, 40, 40, false).tile());
    }

    /** The bytes, added up by hand for a small generic plan. */
    @Test
    void deviceBytesAddUp() {
        // r = 3, k = 2, d = 6, 5 students (stride 128), double, block 4, n = 10 (3 sample blocks), full batch
        CudaPlan p = new CudaPlan(3, 2, 6, 5, 8, 4, 10, 10, false);
        long s = 128;
        long params = s * (2 * 3 + 2) * 8 + s * (2 * 3 + 2) * 8 + s * 2 * 8 + s * 4;
        long partials = 3 * s * (3 + 2) * 8 + 3 * s * 8 + 3 * 2 * s * 8;
        long data = 10L * 7 * 8 + 4 * 10;
        assertEquals(params + partials + data, p.deviceBytes());
        // online, float: the fresh batch, its double scratch and the teacher instead of a training set
        CudaPlan o = new CudaPlan(3, 2, 6, 5, 4, 4, 0, 8, true);
        long oparams = s * 8 * 4 + s * 8 * 8 + s * 16 + s * 4;
        long opartials = 2 * s * 5 * 4 + 2 * s * 8 + 2 * 2 * s * 4;
        long odata = 4 * 8 + (8L * 7 * 4 + 8L * 6 * 8 + 8 * 5);
        assertEquals(oparams + opartials + odata, o.deviceBytes());
    }

    /** The GPU workload of the bench fits an H200 many times over; the refusal names what to lower. */
    @Test
    void memoryIsCheckedUpFront() {
        CudaPlan bench = new CudaPlan(6, 25, 150, 4096, 4, 256, 16384, 16384, false);
        assertTrue(bench.deviceBytes() < 1L << 30, "bench workload: " + bench.deviceBytes() + " bytes");
        CudaDriver.DeviceInfo info = new CudaDriver.DeviceInfo(0, "Fake", 9, 0, 1L << 30, 1, 48 << 10);
        CudaEngine.requireFits(bench, 8L << 30, info);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CudaEngine.requireFits(bench, 300L << 20, info));
        assertEquals("max_students_per_chunk", e.field());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().contains("out of GPU memory"), e.getMessage());
        InvalidInputException wide = assertThrows(InvalidInputException.class, () -> CudaEngine.requireFits(
                new CudaPlan(6, 5, 10000, 3, 8, 16, 40, 40, false), 8L << 30, info));
        assertEquals("d", wide.field());
        // 100000 samples in blocks of 1: more sample blocks than a grid has rows
        InvalidInputException rows = assertThrows(InvalidInputException.class, () -> CudaEngine.requireFits(
                new CudaPlan(3, 2, 6, 5, 4, 1, 100000, 100000, false), 8L << 30, info));
        assertEquals("reduction_block", rows.field());
    }

    private static EmpiricalSpec spec(Architecture arch, Precision type, int block) {
        return new EmpiricalSpec(arch, 0.0, type, 0.05, Regime.FULL_BATCH, 1, 100, 10, 1e-9, 1e-8, 64, block, block,
                42);
    }

    private static List<InitialPoint> inits(Architecture arch, int count) {
        List<InitialPoint> l = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] v = new double[arch.r()];
            double[] a = new double[arch.k()];
            v[i % v.length] = 1;
            a[0] = 0.1 * (i + 1);
            l.add(InitialPoint.of(v, a));
        }
        return l;
    }

    /**
     * On the host kernels: the memory refusal comes before any allocation; a step launches prepare, grad, reduce,
     * update with the plan's geometry (the host server checks each argument's count and type against the kernel's
     * C signature); opening a second ensemble frees the first's buffers.
     */
    @Test
    void launchesRefusalAndFreeing() {
        assertTrue(HostCudaDriver.available(), () -> HostCudaDriver.buildError());
        try (HostCudaDriver drv = new HostCudaDriver()) {
            CudaEngine engine = new CudaEngine(() -> drv, 0, Ptx::bundled);
            Architecture arch = Architecture.nonOverlapping(3, 2);
            int n = 10;
            double[] x = new double[n * arch.d()];
            double[] y = new double[n];
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.sin(i);
            }
            drv.freeBytes = CudaEngine.RESERVE_BYTES + 1000;
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> engine.open(spec(arch, Precision.DOUBLE, 4), inits(arch, 5), x, y, n, null));
            assertEquals("max_students_per_chunk", e.field());
            assertEquals(0, drv.liveBuffers());
            drv.freeBytes = 8L << 30;
            var first = engine.open(spec(arch, Precision.DOUBLE, 4), inits(arch, 5), x, y, n, null);
            int buffers = drv.liveBuffers();
            assertTrue(buffers > 10, "buffers: " + buffers);
            drv.launches.clear();
            first.stepFull();
            CudaPlan p = new CudaPlan(2, 3, 6, 5, 8, 4, n, n, false);
            assertEquals(List.of(
                    "onecnn_prepare_d grid=1x1x1 block=128 shared=0 args=7",
                    "onecnn_grad_d grid=1x3x1 block=128 shared=" + p.sharedBytes() + " args=20",
                    "onecnn_reduce_d grid=1x1x1 block=128 shared=0 args=14",
                    "onecnn_update_d grid=1x1x1 block=128 shared=0 args=10"), drv.launches);
            engine.open(spec(arch, Precision.DOUBLE, 4), inits(arch, 2), x, y, n, null);
            assertEquals(buffers, drv.liveBuffers(), "the first ensemble's buffers were not freed");
        }
    }

    // ---------------------------------------------------------------- driver detection and readiness

    @Test
    void libcudaIsFoundWhereTheLoaderLooks() throws Exception {
        Path dir = Files.createTempDirectory("onecnn-libcuda");
        Path cache = dir.resolve("ld.so.cache");
        try {
            assertFalse(CudaDrivers.libcudaPresent(null, cache, List.of(dir)));
            Files.writeString(cache, "glibc-ld.so.cache1.1\0libcuda.so.1\0/usr/lib/x86_64-linux-gnu/libcuda.so.1\0");
            assertTrue(CudaDrivers.libcudaPresent(null, cache, List.of()));
            Files.delete(cache);
            Path sub = Files.createDirectories(dir.resolve("nv"));
            Files.writeString(sub.resolve(CudaDrivers.LIBCUDA), "");
            assertTrue(CudaDrivers.libcudaPresent("/nowhere:" + sub, cache, List.of()));
            assertTrue(CudaDrivers.libcudaPresent(null, cache, List.of(sub)));
        } finally {
            try (var w = Files.walk(dir)) {
                for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Here (no NVIDIA driver): one line, and JCuda's classes are never loaded. */
    @Test
    void withoutADriverTheRefusalIsOneLine() {
        Assumptions.assumeFalse(CudaDrivers.libcudaPresent(), "this machine has an NVIDIA driver");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, CudaDrivers::system);
        assertEquals("NO_DRIVER", e.result());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().contains("libcuda.so.1"));
        CudaReadiness r = CudaReadiness.check(CudaDrivers::system, Ptx.bundled());
        assertFalse(r.ready());
        assertEquals(e.getMessage(), r.line());
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> new CudaEngine()
                .require(spec(Architecture.nonOverlapping(3, 2), Precision.FLOAT, 4), "gaussian"));
        assertEquals("engine", refused.field());
        assertEquals("engine", assertThrows(InvalidInputException.class, () -> new CudaEngine().requireRunnable())
                .field());
        assertFalse(loaded("jcuda.driver.JCudaDriver"), "JCuda was loaded");
    }

    private static boolean loaded(String name) {
        // findLoadedClass is protected: ask through a loader subclass over the application loader
        class Probe extends ClassLoader {
            Probe() {
                super(CudaEngineLaunchTest.class.getClassLoader());
            }

            boolean has(String n) {
                return findLoadedClass(n) != null;
            }
        }
        return new Probe().has(name) || isLoadedByApp(name);
    }

    private static boolean isLoadedByApp(String name) {
        try {
            var m = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
            m.setAccessible(true);
            return m.invoke(CudaEngineLaunchTest.class.getClassLoader(), name) != null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** A driver that answers the enumeration and fails whatever it is told to. */
    private static final class StubDriver implements CudaDriver {
        int version = 13000;
        List<DeviceInfo> devices = new ArrayList<>();
        boolean jitFails;

        @Override public void init() { }
        @Override public int driverVersion() { return version; }
        @Override public int deviceCount() { return devices.size(); }
        @Override public DeviceInfo device(int ordinal) { return devices.get(ordinal); }
        @Override public void open(int ordinal) { }
        @Override public long freeMemory() { return 1L << 30; }
        @Override public Module loadModule(String ptx) {
            if (jitFails) {
                throw new CudaException("CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "JIT failed",
                        "JIT error log: ptxas fatal : Unsupported .version 9.9; current version is '8.5'");
            }
            return new Module() { };
        }
        @Override public Function function(Module module, String name) { throw new UnsupportedOperationException(); }
        @Override public Buffer alloc(long bytes) { throw new UnsupportedOperationException(); }
        @Override public void free(Buffer buffer) { }
        @Override public void copyToDevice(Buffer d, long o, float[] s, int f, int c) { }
        @Override public void copyToDevice(Buffer d, long o, double[] s, int f, int c) { }
        @Override public void copyToDevice(Buffer d, long o, int[] s, int f, int c) { }
        @Override public void copyToHost(float[] d, int t, Buffer s, long o, int c) { }
        @Override public void copyToHost(double[] d, int t, Buffer s, long o, int c) { }
        @Override public void copyToHost(int[] d, int t, Buffer s, long o, int c) { }
        @Override public void copyDeviceToDevice(Buffer d, long a, Buffer s, long b, long n) { }
        @Override public void zero(Buffer buffer) { }
        @Override public void launch(Function f, int[] g, int[] b, int s, KernelArgs a) { }
        @Override public void synchronize() { }
        @Override public Event newEvent() { return null; }
        @Override public void record(Event event) { }
        @Override public float elapsedMillis(Event start, Event end) { return 0; }
        @Override public void destroy(Event event) { }
        @Override public void close() { }
    }

    private static CudaDriver.DeviceInfo gpu(int major, int minor) {
        return new CudaDriver.DeviceInfo(0, "Fake " + major + "." + minor, major, minor, 80L << 30, 132, 48 << 10);
    }

    @Test
    void readinessSaysWhyInOneLine() {
        Ptx ptx = Ptx.bundled();
        StubDriver old = new StubDriver();
        old.version = 8000;
        old.devices.add(gpu(9, 0));
        CudaReadiness r = CudaReadiness.check(() -> old, ptx);
        assertFalse(r.ready());
        assertTrue(r.line().contains("too old") && r.line().contains("CUDA 8.0") && r.line().contains("9.0"), r.line());

        StubDriver none = new StubDriver();
        r = CudaReadiness.check(() -> none, ptx);
        assertFalse(r.ready());
        assertTrue(r.line().startsWith("no GPU"), r.line());

        StubDriver pascal = new StubDriver();
        pascal.devices.add(gpu(6, 1));
        r = CudaReadiness.check(() -> pascal, ptx);
        assertFalse(r.ready());
        assertTrue(r.line().contains("compute capability 6.1 is below 7.0"), r.line());

        StubDriver jit = new StubDriver();
        jit.devices.add(gpu(9, 0));
        jit.jitFails = true;
        r = CudaReadiness.check(() -> jit, ptx);
        assertFalse(r.ready());
        assertTrue(r.line().contains("could not JIT-compile") && r.line().contains("UNSUPPORTED_PTX_VERSION"),
                r.line());
        // the JIT's own words come with the refusal (JcudaDriver loads with cuModuleLoadDataEx and its log buffers)
        assertTrue(r.line().contains("JIT error log: ptxas fatal : Unsupported .version 9.9"), r.line());

        for (CudaReadiness c : List.of(CudaReadiness.check(() -> old, ptx), CudaReadiness.check(() -> jit, ptx))) {
            assertFalse(c.line().contains("\n"));
        }
    }

    /** With the host kernels as the device, the probe kernel really runs and the engine is ready. */
    @Test
    void readinessRunsTheProbeKernel() {
        assertTrue(HostCudaDriver.available(), () -> HostCudaDriver.buildError());
        List<HostCudaDriver> made = new ArrayList<>();
        Supplier<CudaDriver> drivers = () -> {
            HostCudaDriver d = new HostCudaDriver();
            made.add(d);
            return d;
        };
        CudaReadiness r = CudaReadiness.check(drivers, Ptx.bundled());
        assertTrue(r.ready(), r.line());
        assertEquals(1, r.devices().size());
        assertTrue(r.devices().get(0).line().startsWith("ready: PTX JIT-compiled, probe kernel ran"),
                r.devices().get(0).line());
        assertEquals(2, made.size());
    }
}
