package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onecnn.backend.TestDevices.cpuBuild;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onecnn.backend.DeviceProbe;
import org.onecnn.empirical.cuda.CudaDriver;
import org.onecnn.empirical.cuda.CudaException;
import org.onecnn.empirical.cuda.CudaUnavailableException;
import org.onecnn.empirical.cuda.KernelArgs;

/**
 * {@code onecnn doctor} with the CUDA driver stubbed at the JCuda boundary ({@link CudaDriver}): a fake driver that
 * reports the GPUs a test plays, JIT-compiles (or refuses) the PTX and runs the probe kernel on the CPU
 * ({@code out[i] = 3i + 1}, or a wrong value when told to). The readiness checks, the engine picked per GPU, the
 * verdict and the one-line refusals come from the real code.
 */
class DoctorCudaTest extends CliFixture {
    private static final long GIB = 1L << 30;

    private DeviceProbe oldProbe;
    private Supplier<CudaDriver> oldDrivers;

    @BeforeEach
    void capture() {
        oldProbe = DoctorCommand.useProbe(() -> cpuBuild());
    }

    @AfterEach
    void restore() {
        DoctorCommand.useProbe(oldProbe);
        if (oldDrivers != null) {
            DoctorCommand.useCudaDrivers(oldDrivers);
        }
    }

    /** What the fake driver plays. */
    record Machine(int driverVersion, List<CudaDriver.DeviceInfo> gpus, boolean jitFails, boolean probeWrong) {
    }

    static CudaDriver.DeviceInfo gpu(int ordinal, String name, int major, int minor, long gib) {
        return new CudaDriver.DeviceInfo(ordinal, name, major, minor, gib * GIB, 132, 48 * 1024);
    }

    /** A {@link CudaDriver} (a proxy, so that methods added to the interface later need no change here). */
    static CudaDriver fake(Machine m, List<String> log) {
        int[][] probeOut = new int[1][];
        return (CudaDriver) Proxy.newProxyInstance(CudaDriver.class.getClassLoader(), new Class<?>[] {CudaDriver.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    log.add(name);
                    switch (name) {
                        case "driverVersion":
                            return m.driverVersion();
                        case "deviceCount":
                            return m.gpus().size();
                        case "device":
                            return m.gpus().get((Integer) args[0]);
                        case "loadModule":
                            if (m.jitFails()) {
                                throw new CudaException("CUDA_ERROR_INVALID_PTX", "cuModuleLoadData failed");
                            }
                            assertTrue(((String) args[0]).contains(".entry"), "PTX text handed to the JIT");
                            return new CudaDriver.Module() {
                            };
                        case "function":
                            String fn = (String) args[1];
                            return (CudaDriver.Function) () -> fn;
                        case "alloc":
                            long bytes = (Long) args[0];
                            return (CudaDriver.Buffer) () -> bytes;
                        case "launch": {
                            KernelArgs ka = (KernelArgs) args[4];
                            int n = (Integer) ka.list().get(1).value();
                            int[] out = new int[n];
                            for (int i = 0; i < n; i++) {
                                out[i] = m.probeWrong() && i == 5 ? 0 : 3 * i + 1;
                            }
                            probeOut[0] = out;
                            return null;
                        }
                        case "copyToHost":
                            if (args[0] instanceof int[] dst) {
                                System.arraycopy(probeOut[0], 0, dst, (Integer) args[1], (Integer) args[4]);
                            }
                            return null;
                        case "freeMemory":
                            return m.gpus().get(0).totalMemory();
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return "fake CudaDriver";
                        default:
                            return null;
                    }
                });
    }

    private int doctor(Supplier<CudaDriver> drivers, String... args) {
        Supplier<CudaDriver> old = DoctorCommand.useCudaDrivers(drivers);
        if (oldDrivers == null) {
            oldDrivers = old;
        }
        console.reset();
        String[] argv = new String[args.length + 1];
        argv[0] = "doctor";
        System.arraycopy(args, 0, argv, 1, args.length);
        return Main.execute(argv);
    }

    private int doctor(Machine m, List<String> log, String... args) {
        return doctor(() -> fake(m, log), args);
    }

    /** Exit 2 with exactly one line on standard error starting with {@code onecnn: error: <expected>}. */
    private void refused(String expected) {
        String e = console.stderr();
        assertEquals(1, e.strip().split("\n").length, "one line: " + e);
        // doctor's refusals name the option that chose the profile
        assertTrue(e.startsWith("onecnn: error: --profile: " + expected), e);
        assertFalse(e.contains("\tat "), e);
        assertTrue(console.stdout().contains("verdict: not ready"), console.stdout());
    }

    @Test
    void anH200IsReadyForTheCudaEngineAndNotForNd4j() {
        List<String> log = new ArrayList<>();
        Machine h200 = new Machine(13000, List.of(gpu(0, "NVIDIA H200", 9, 0, 141)), false, false);
        assertEquals(0, doctor(h200, log, "--profile", "cuda-hopper"), console.stderr());
        String o = console.stdout();
        assertTrue(o.contains("driver                     CUDA 13.0"), o);
        assertTrue(o.contains("gpu 0                      NVIDIA H200, compute capability 9.0, 144384 MiB: cuda engine "
                + "ready: PTX JIT-compiled, probe kernel ran"), o);
        assertTrue(o.contains("ND4J CUDA path: impossible"), o);
        assertTrue(o.contains("engine here: cuda"), o);
        assertTrue(o.contains("engine: cuda (the profile's)"), o);
        assertTrue(o.contains("verdict: ready"), o);
        assertTrue(log.contains("loadModule") && log.contains("launch") && log.contains("synchronize"), log.toString());
    }

    @Test
    void anAmpereGpuCouldUseEitherPathAndPicksTheCudaEngine() {
        Machine a100 = new Machine(12040, List.of(gpu(0, "NVIDIA A100-SXM4-80GB", 8, 0, 80)), false, false);
        assertEquals(0, doctor(a100, new ArrayList<>()), console.stderr());
        String o = console.stdout();
        assertTrue(o.contains("ND4J CUDA path: possible") && o.contains("engine here: cuda"), o);
        // the cpu profile names no engine: the default, fused, is what this command checks
        assertTrue(o.contains("engine: fused (the default") && o.contains("verdict: ready"), o);
    }

    @Test
    void noDriverIsOneLine() {
        assertEquals(2, doctor(() -> {
            throw new CudaUnavailableException("NO_DRIVER", "no NVIDIA driver: libcuda.so.1 is not installed");
        }, "--profile", "cuda-hopper"));
        refused("profile cuda-hopper uses the cuda engine, which cannot run here: no NVIDIA driver");
        // the CPU profile is still ready on such a machine
        assertEquals(0, doctor(() -> {
            throw new CudaUnavailableException("NO_DRIVER", "no NVIDIA driver: libcuda.so.1 is not installed");
        }), console.stderr());
        assertTrue(console.stdout().contains("verdict                    no NVIDIA driver"), console.stdout());
    }

    @Test
    void noGpuIsOneLine() {
        assertEquals(2, doctor(new Machine(12060, List.of(), false, false), new ArrayList<>(), "--profile",
                "cuda-hopper"));
        refused("profile cuda-hopper uses the cuda engine, which cannot run here: no GPU");
    }

    @Test
    void aDriverTooOldForThePtxIsOneLine() {
        List<String> log = new ArrayList<>();
        assertEquals(2, doctor(new Machine(8000, List.of(gpu(0, "Tesla V100-SXM2-16GB", 7, 0, 16)), false, false), log,
                "--profile", "cuda-volta"));
        refused("profile cuda-volta uses the cuda engine, which cannot run here: NVIDIA driver too old for onecnn's PTX");
        assertFalse(log.contains("loadModule"), "no JIT attempted with a driver known too old: " + log);
    }

    @Test
    void aPtxTheDriverCannotCompileOrAWrongProbeIsRefused() {
        Machine jit = new Machine(12060, List.of(gpu(0, "NVIDIA H100 80GB HBM3", 9, 0, 80)), true, false);
        assertEquals(2, doctor(jit, new ArrayList<>(), "--profile", "cuda-hopper"));
        refused("profile cuda-hopper uses the cuda engine, which cannot run here: GPU 0 (NVIDIA H100 80GB HBM3): "
                + "the driver could not JIT-compile");
        Machine wrong = new Machine(12060, List.of(gpu(0, "NVIDIA H100 80GB HBM3", 9, 0, 80)), false, true);
        assertEquals(2, doctor(wrong, new ArrayList<>(), "--profile", "cuda-hopper"));
        refused("profile cuda-hopper uses the cuda engine, which cannot run here: GPU 0 (NVIDIA H100 80GB HBM3): "
                + "the probe kernel returned 0 at 5");
    }

    @Test
    void notEnoughDeviceMemoryForTheProfileIsOneLine() {
        Machine rtx = new Machine(12080, List.of(gpu(0, "NVIDIA GeForce RTX 5080", 12, 0, 16)), false, false);
        assertEquals(2, doctor(rtx, new ArrayList<>(), "--profile", "cuda-blackwell"));
        refused("out of device memory: profile cuda-blackwell may use 28 GiB, but GPU 0 (NVIDIA GeForce RTX 5080) has "
                + "16.0 GiB: lower memory_limit_gb");
    }

    /**
     * The judgement doctor shares with run and bench (ComputeContext.problem), where they go beyond doctor: an engine
     * named by the config or --engine rather than by the profile. A cuda engine that cannot run is the engine's
     * problem (run names empirical.engine, bench --engine); a CPU profile names no GPU, so its compute capabilities
     * and memory limit are not held against the GPU.
     */
    @Test
    void theCudaEngineNamedWithAProfileOfAnotherEngine() {
        org.onecnn.backend.ComputeProfile cpu = org.onecnn.backend.ComputeProfile.load("cpu");
        org.onecnn.backend.ComputeProfile hopper = org.onecnn.backend.ComputeProfile.load("cuda-hopper");
        org.onecnn.backend.ComputeProfile ampere = org.onecnn.backend.ComputeProfile.load("cuda-ampere");
        Machine none = new Machine(12060, List.of(), false, false);
        Machine v100 = new Machine(12020, List.of(gpu(0, "Tesla V100-SXM2-32GB", 7, 0, 32)), false, false);
        Machine small = new Machine(12040, List.of(gpu(0, "NVIDIA A100-SXM4-40GB", 8, 0, 40)), false, false);
        java.util.function.BiFunction<Machine, org.onecnn.backend.ComputeProfile,
                java.util.Optional<org.onecnn.empirical.EngineProblem>> judge = (m, p) ->
                        org.onecnn.experiment.setup.ComputeContext.problem("cuda", p, cpuBuild(),
                                () -> org.onecnn.empirical.cuda.CudaReadiness.check(() -> fake(m, new ArrayList<>()),
                                        org.onecnn.empirical.cuda.Ptx.bundled()));
        org.onecnn.empirical.EngineProblem p = judge.apply(none, cpu).orElseThrow();
        assertTrue(p.engine() && p.line().startsWith("the cuda engine cannot run here: no GPU"), p.toString());
        p = judge.apply(none, hopper).orElseThrow();
        assertTrue(p.engine() && p.line().startsWith("profile cuda-hopper uses the cuda engine, which cannot run "
                + "here: no GPU"), p.toString());
        assertEquals(java.util.Optional.empty(), judge.apply(v100, cpu));
        p = judge.apply(v100, hopper).orElseThrow();
        assertTrue(!p.engine() && p.line().startsWith("profile cuda-hopper is made for compute capability 9.0"),
                p.toString());
        p = judge.apply(small, ampere).orElseThrow();
        assertTrue(!p.engine() && p.line().startsWith("out of device memory: profile cuda-ampere may use 70 GiB"),
                p.toString());
    }

    @Test
    void aGpuOutsideTheProfilesFamilyNamesTheFamilies() {
        Machine v100 = new Machine(12020, List.of(gpu(0, "Tesla V100-SXM2-32GB", 7, 0, 32)), false, false);
        assertEquals(2, doctor(v100, new ArrayList<>(), "--profile", "cuda-hopper"));
        refused("profile cuda-hopper is made for compute capability 9.0 to 9.0, but GPU 0 (Tesla V100-SXM2-32GB) has "
                + "7.0: use the profile of its family");
    }
}
