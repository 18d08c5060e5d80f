package org.onecnn.empirical.cuda;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.onecnn.backend.BackendCheck;
import org.onecnn.backend.ComputeCapability;
import org.onecnn.backend.ComputeProfile;
import org.onecnn.backend.Precision;
import org.onecnn.backend.ProfileEngines;
import org.onecnn.empirical.DoctorSection;
import org.onecnn.empirical.EmpiricalEngine;
import org.onecnn.empirical.EngineHost;
import org.onecnn.empirical.EngineProblem;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EngineCapabilities;
import org.onecnn.empirical.Regime;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.model.InitialPoint;
import org.onecnn.util.InvalidInputException;

/**
 * The {@code cuda} engine (docs/engines.md, "The cuda engine"): the fused engine's arithmetic on an NVIDIA GPU, in
 * onecnn's own kernels (src/main/cuda/onecnn.cu, shipped as PTX and JIT-compiled by the driver for the GPU at hand,
 * Volta through Blackwell), launched through the CUDA driver API ({@link CudaDriver}, JCuda's driver binding: only
 * {@code libcuda.so.1} needed, no toolkit, no ND4J). Every regime, the Gaussian, uniform and Rademacher inputs
 * (online samples drawn on the GPU, the bits of {@link CounterSamples}), overlapping patches, float and double, any
 * leaky slope; the values are the fused engine's bits (see {@link CudaEnsemble}).
 *
 * <p>Device: GPU {@code -Donecnn.cuda.device} (default 0), one driver handle and one module per engine, shared by
 * every thread (a module belongs to the device's primary context, which every thread makes current before it uses
 * it), so threads that come and go (a pool, Spark's executor threads) load nothing more. Ensembles are freed by
 * whoever is done with them ({@link org.onecnn.empirical.EnsembleTrainer} closes each chunk's); besides, opening an
 * ensemble frees the calling thread's earlier ones and those of threads that have ended, so device memory does not
 * grow with the number of threads; {@link #release} frees everything. Before allocating, the engine checks the
 * ensemble's bytes ({@link CudaPlan#deviceBytes}) and the local memory its kernels make the driver reserve against
 * the device's free memory and refuses in one line.
 *
 * <p>Construction and {@link #capabilities} load nothing; {@link #require} checks only that {@code libcuda.so.1}
 * exists; {@link #open} loads JCuda and the driver.
 */
public final class CudaEngine implements EmpiricalEngine {
    /** The name configs select it by. */
    public static final String NAME = "cuda";
    /**
     * The profile whose sample chunk and reduction block {@code bench empirical --engine cuda} takes when no
     * {@code --profile} is given (every GPU profile with engine cuda has reduction block 2048).
     */
    public static final String BENCH_PROFILE = "cuda-hopper";
    /** Device memory left to others (context, module, the driver's own): not counted as free for an ensemble. */
    static final long RESERVE_BYTES = 256L << 20;

    private static final Set<String> DISTRIBUTIONS = Set.of("gaussian", "uniform", "rademacher");

    private final Supplier<CudaDriver> drivers;
    private final int ordinal;
    private final Supplier<Ptx> ptx;
    /** Whether the drivers are the system's (then {@link #require} looks for libcuda.so.1). */
    private final boolean system;
    /** The device, opened on first use (guarded by this). */
    private CudaDevice device;
    /** Ensembles not yet closed (guarded by itself). */
    private final List<CudaEnsemble> live = new ArrayList<>();

    /** The system's GPU {@code -Donecnn.cuda.device} (default 0), onecnn's PTX. */
    public CudaEngine() {
        this(CudaDrivers::system, Integer.getInteger("onecnn.cuda.device", 0), Ptx::bundled, true);
    }

    /** An engine on device {@code ordinal} of the drivers {@code drivers} gives (one per thread), loading {@code ptx}. */
    public CudaEngine(Supplier<CudaDriver> drivers, int ordinal, Supplier<Ptx> ptx) {
        this(drivers, ordinal, ptx, false);
    }

    private CudaEngine(Supplier<CudaDriver> drivers, int ordinal, Supplier<Ptx> ptx, boolean system) {
        this.system = system;
        this.drivers = drivers;
        this.ordinal = ordinal;
        this.ptx = ptx;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EngineCapabilities capabilities() {
        return new EngineCapabilities(EnumSet.allOf(Regime.class), DISTRIBUTIONS, true, EnumSet.allOf(Precision.class),
                true);
    }

    /**
     * A GPU profile, compute capability {@value #LOWEST_CAPABILITY} and above: onecnn's kernels are PTX for sm_70,
     * which the driver compiles for any GPU from Volta on (not ND4J's 3.7 to 8.9).
     */
    @Override
    public ProfileEngines.Needs profileNeeds() {
        return new ProfileEngines.Needs(true, ComputeCapability.parse("min_compute_capability", LOWEST_CAPABILITY),
                "onecnn's CUDA kernels need Volta or newer");
    }

    /** The lowest compute capability onecnn's own CUDA kernels run on (Volta; their PTX targets sm_70). */
    public static final String LOWEST_CAPABILITY = "7.0";

    /** The system's readiness ({@link CudaReadiness#check}): where there is no NVIDIA driver nothing of JCuda loads. */
    private static CudaReadiness readiness(EngineHost host) {
        return host.probe(CudaReadiness.class, () -> CudaReadiness.check(CudaDrivers::system, Ptx.bundled()));
    }

    /**
     * The driver, the PTX and the GPUs ({@link CudaReadiness}, asked only for this engine), then, for a GPU profile,
     * its compute capabilities and its {@code memory_limit_gb} against the first ready GPU's (a CPU profile names no
     * GPU: its memory limit is the host's, and the engine checks the device's free memory itself before it
     * allocates).
     */
    @Override
    public Optional<EngineProblem> problem(ComputeProfile p, EngineHost host) {
        CudaReadiness cuda = readiness(host);
        if (!cuda.ready()) {
            return Optional.of(new EngineProblem(true, (NAME.equals(p.engine()) ? "profile " + p.name() + " uses "
                    + "the cuda engine, which" : "the cuda engine") + " cannot run here: " + cuda.line()));
        }
        for (CudaReadiness.DeviceStatus d : cuda.devices()) {
            if (!d.ready()) {
                continue;
            }
            if (p.backend() != ComputeProfile.Backend.CUDA) {
                return Optional.empty();
            }
            CudaDriver.DeviceInfo g = d.info();
            ComputeCapability cc = ComputeCapability.of(g.major(), g.minor());
            if (!cc.within(p.minComputeCapability(), p.maxComputeCapability())) {
                return Optional.of(new EngineProblem(false, "profile " + p.name() + " is made for compute "
                        + "capability " + p.minComputeCapability() + " to " + p.maxComputeCapability()
                        + ", but GPU " + g.ordinal() + " (" + g.name() + ") has " + cc + ": use the profile "
                        + "of its family (cuda-volta, cuda-turing, cuda-hopper, cuda-blackwell, ...)"));
            }
            if (p.memoryLimitBytes() > g.totalMemory()) {
                return Optional.of(new EngineProblem(false, "out of device memory: profile " + p.name()
                        + " may use " + ComputeProfile.formatGb(p.memoryLimitGb()) + " GiB, but GPU "
                        + g.ordinal() + " (" + g.name() + ") has " + String.format(Locale.ROOT, "%.1f",
                                g.totalMemory() / (double) (1L << 30)) + " GiB: lower memory_limit_gb ("
                        + p.source() + ")"));
            }
            return Optional.empty();
        }
        return Optional.of(new EngineProblem(true, cuda.line()));
    }

    /**
     * Always (doctor is about the machine): the driver's CUDA version against the PTX's, and per GPU whether
     * onecnn's kernels run (the PTX JIT-compiled, a probe kernel launched), whether ND4J's CUDA path could, and
     * which engine fits it.
     */
    @Override
    public Optional<DoctorSection> doctor(EngineHost host, boolean chosen) {
        CudaReadiness cuda = readiness(host);
        List<Map.Entry<String, String>> rows = new ArrayList<>();
        rows.add(Map.entry("driver", cuda.driverVersion() > 0 ? "CUDA " + Ptx.versionString(cuda.driverVersion())
                + " (the PTX needs " + Ptx.versionString(Ptx.bundled().minimumDriver()) + " or newer)" : "none"));
        for (CudaReadiness.DeviceStatus d : cuda.devices()) {
            CudaDriver.DeviceInfo g = d.info();
            rows.add(Map.entry("gpu " + g.ordinal(), g.name() + ", compute capability " + g.computeCapability() + ", "
                    + g.totalMemory() / (1L << 20) + " MiB: cuda engine " + d.line() + "; ND4J CUDA path: "
                    + (BackendCheck.nd4jRuns(ComputeCapability.of(g.major(), g.minor()))
                            ? "possible (needs a -Pcuda build)" : "impossible (ND4J's kernels cover 3.7–8.9)")
                    + "; engine here: " + pick(d.ready(), g)));
        }
        rows.add(Map.entry("verdict", cuda.line()));
        return Optional.of(new DoctorSection("cuda engine (onecnn's kernels: PTX through the driver API, no ND4J)",
                rows));
    }

    /** The engine for GPU {@code g}: onecnn's kernels where they run, else ND4J's CUDA path where it can, else the CPU. */
    static String pick(boolean cudaReady, CudaDriver.DeviceInfo g) {
        if (cudaReady) {
            return NAME;
        }
        return BackendCheck.nd4jRuns(ComputeCapability.of(g.major(), g.minor()))
                ? "dl4j (ND4J CUDA, -Pcuda build)" : "fused (CPU)";
    }

    /**
     * The GPU profiles' chunk sizes without {@code --profile} ({@link #BENCH_PROFILE}), its arrays on the GPU (only
     * the data set counts against ND4J's memory; the engine checks the GPU's memory itself, at open), the driver
     * checked before anything is generated, and the device and its arithmetic rate reported.
     */
    @Override
    public Bench bench() {
        return BENCH;
    }

    private static final Bench BENCH = new Bench() {
        @Override
        public String defaultProfile() {
            return BENCH_PROFILE;
        }

        @Override
        public boolean activationsInNd4j(EmpiricalEngine engine) {
            return false;
        }

        @Override
        public void requireReady(String field) {
            requireDriver(field);
        }

        @Override
        public void report(EmpiricalEngine trained, int p, int k, double rate, PrintStream out) {
            // what the GPU did: its name, and the arithmetic rate against which to read its fp32 peak
            out.printf(Locale.ROOT, "device=%s%n", ((CudaEngine) trained).describeDevice());
            int flops = flopsPerSampleGradient(p, k);
            out.printf(Locale.ROOT, "flops_per_sample_gradient=%d gflops_per_s=%.1f%n", flops, rate * flops / 1e9);
        }
    };

    /** The input distribution's code in the kernels (onecnn.cu: ONECNN_GAUSSIAN, …). */
    static int distributionCode(String name) {
        return switch (name) {
            case "gaussian" -> 0;
            case "uniform" -> 1;
            case "rademacher" -> 2;
            default -> throw new IllegalArgumentException("no kernel draws " + name + " inputs");
        };
    }

    /**
     * Also refuses, in one line naming {@code engine}, a machine without the NVIDIA driver (without loading
     * anything).
     */
    @Override
    public void require(EmpiricalSpec spec, String distribution) {
        EmpiricalEngine.super.require(spec, distribution);
        if (system) {
            requireDriver("engine");
        }
    }

    /**
     * Refuses, in one line naming {@code engine}, a machine without the NVIDIA driver ({@code libcuda.so.1}),
     * without loading anything (a run checks this before it makes its folder).
     */
    @Override
    public void requireRunnable() {
        if (system) {
            requireDriver("engine");
        }
    }

    /**
     * Refuse, in one line naming {@code field}, a machine without the NVIDIA driver ({@code libcuda.so.1}), before
     * anything is loaded or generated.
     */
    public static void requireDriver(String field) {
        if (!CudaDrivers.libcudaPresent()) {
            throw new InvalidInputException(field, "the cuda engine needs an NVIDIA GPU and its driver: "
                    + CudaDrivers.LIBCUDA + " is not installed here (choose engine fused)");
        }
    }

    /** The device, opened on first use, with its context made current on the calling thread. */
    CudaDevice device() {
        CudaDevice dev;
        synchronized (this) {
            if (device == null) {
                try {
                    device = new CudaDevice(drivers.get(), ordinal, ptx.get());
                } catch (CudaException e) {
                    throw new InvalidInputException("engine", e.getMessage());
                }
            }
            dev = device;
        }
        dev.makeCurrent();
        return dev;
    }

    /** Ensembles open now (not yet closed). */
    int liveEnsembles() {
        synchronized (live) {
            live.removeIf(CudaEnsemble::isClosed);
            return live.size();
        }
    }

    /**
     * Close every ensemble and give the device back (its module, its memory, the context); the next
     * {@link #open} opens it again. Idempotent.
     */
    public void release() {
        List<CudaEnsemble> all;
        synchronized (live) {
            all = new ArrayList<>(live);
            live.clear();
        }
        for (CudaEnsemble e : all) {
            e.close();
        }
        synchronized (this) {
            if (device != null) {
                device.close();
                device = null;
            }
        }
    }

    /**
     * The GPU of the calling thread in words: name, compute capability, multiprocessors, memory, the driver's CUDA
     * version (opens the device if this thread has not yet).
     */
    public String describeDevice() {
        CudaDevice dev = device();
        CudaDriver.DeviceInfo i = dev.info();
        return i.name() + " (GPU " + i.ordinal() + ", compute capability " + i.computeCapability() + ", "
                + i.multiprocessors() + " SMs, " + (i.totalMemory() >> 20) + " MiB, driver CUDA "
                + Ptx.versionString(dev.driver().driverVersion()) + ")";
    }

    /**
     * Floating-point operations of one sample's gradient for one student (an fma counted as two), as the kernels do
     * them: forward {@code r·k} fma for the pre-activations and {@code k} for the output; backward {@code k} fma for
     * {@code ∂/∂a}, {@code k} products {@code e·a_j} and {@code r·k} fma for {@code ∂/∂w}: {@code 4rk + 5k}
     * (725 for r = 6, k = 25). The activations' compares and selects are not counted.
     */
    public static int flopsPerSampleGradient(int r, int k) {
        return 4 * r * k + 5 * k;
    }

    /** The plan of an ensemble of {@code students} for {@code spec}. */
    static CudaPlan plan(EmpiricalSpec spec, int students, int trainingRows, CounterSamples online) {
        int maxBatch = online != null ? online.batchSize()
                : Math.max(trainingRows, spec.regime() == Regime.MINIBATCH ? spec.batchSize() : 0);
        return new CudaPlan(spec.arch().r(), spec.arch().k(), spec.arch().d(), students,
                spec.precision() == Precision.FLOAT ? 4 : 8, spec.reductionBlock(), trainingRows, maxBatch,
                online != null);
    }

    /**
     * Refuse, in one line naming the parameter to lower, an ensemble whose buffers exceed the device's free
     * memory less {@link #RESERVE_BYTES}, or whose sample rows do not fit a shared-memory tile.
     */
    static void requireFits(CudaPlan plan, long freeBytes, CudaDriver.DeviceInfo info) {
        requireFits(plan, freeBytes, info, 0);
    }

    /**
     * {@link #requireFits(CudaPlan, long, CudaDriver.DeviceInfo)} counting also {@code localBytes}: the local memory
     * (register spills, stack) the driver reserves when the ensemble's kernels are launched
     * ({@link CudaDevice#localBytesToReserve}), which otherwise would make a run sized just under the limit fail
     * at its first launch instead of being refused up front, and the scratch of drawing the set on the GPU.
     */
    static void requireFits(CudaPlan plan, long freeBytes, CudaDriver.DeviceInfo info, long localBytes) {
        if (plan.tile() < 1) {
            throw new InvalidInputException("d", "the cuda engine stages samples in 48 KiB of shared memory; a row of d"
                    + " = " + plan.d() + " inputs in " + (plan.bytes() == 4 ? "float" : "double") + " does not fit");
        }
        if (plan.sampleBlocks(Math.max(1, plan.maxBatch())) > CudaPlan.MAX_GRID_Y) {
            throw new InvalidInputException("reduction_block", "the cuda engine runs one grid row per sample block, "
                    + "at most " + CudaPlan.MAX_GRID_Y + "; " + plan.maxBatch() + " samples in blocks of "
                    + plan.block() + " make " + plan.sampleBlocks(plan.maxBatch()) + "; raise reduction_block");
        }
        long need = plan.deviceBytes() + localBytes;
        if (need > freeBytes - RESERVE_BYTES) {
            throw new InvalidInputException("max_students_per_chunk", "out of GPU memory: " + plan.students()
                    + " students on " + Math.max(plan.trainingRows(), plan.maxBatch()) + " samples need "
                    + mib(need) + " MiB" + (localBytes > 0 ? " (" + mib(localBytes) + " MiB of it the kernels' local"
                    + " memory and scratch)" : "") + " on GPU " + info.ordinal() + " (" + info.name() + "), which has "
                    + mib(Math.max(0, freeBytes - RESERVE_BYTES)) + " MiB free for them; lower max_students_per_chunk"
                    + " (or the samples)");
        }
    }

    private static long mib(long bytes) {
        return (bytes + (1L << 20) - 1) >> 20;
    }

    /**
     * The training set is copied to the GPU in the spec's data type ({@link TrainingSet#xFloats()} rounds a double
     * set to float as the fused engine does).
     */
    @Override
    public StudentEnsemble open(EmpiricalSpec spec, List<InitialPoint> inits, TrainingSet data,
            CounterSamples online) {
        if (data == null) {
            return open(spec, inits, null, null, 0, online);
        }
        if (data.generator() != null && data.generator().batchSize() == data.n() && GENERATE_ON_GPU) {
            // a generated data set: drawn on the GPU from its key, the CPU's arrays never made
            return open(spec, inits, null, null, data.n(), data.generator(), online);
        }
        boolean isFloat = spec.precision() == Precision.FLOAT;
        return open(spec, inits, isFloat ? data.xFloats() : data.xDoubles(),
                isFloat ? data.yFloats() : data.yDoubles(), data.n(), online);
    }

    /**
     * Whether a generated data set is drawn on the GPU ({@code -Donecnn.cuda.generate_on_gpu}, default true;
     * false copies the CPU's draw, the same bits: to tell a generation fault from a training one).
     */
    static final boolean GENERATE_ON_GPU = Boolean.parseBoolean(System.getProperty("onecnn.cuda.generate_on_gpu",
            "true"));

    /**
     * {@link #open(EmpiricalSpec, List, TrainingSet, CounterSamples)} on Java arrays: {@code xs}, {@code ys}
     * a {@code float[]} or {@code double[]} as the data type, {@code rows} samples (null, 0 online).
     */
    public StudentEnsemble open(EmpiricalSpec spec, List<InitialPoint> inits, Object xs, Object ys, int rows,
            CounterSamples online) {
        return open(spec, inits, xs, ys, rows, null, online);
    }

    /**
     * {@link #open(EmpiricalSpec, List, Object, Object, int, CounterSamples)} with the training set drawn on the GPU
     * when {@code fixed} is given: its batch of step 0 ({@code rows} samples; xs, ys null).
     */
    StudentEnsemble open(EmpiricalSpec spec, List<InitialPoint> inits, Object xs, Object ys, int rows,
            CounterSamples fixed, CounterSamples online) {
        Thread me = Thread.currentThread();
        List<CudaEnsemble> done = new ArrayList<>();
        synchronized (live) {
            for (CudaEnsemble e : live) {
                // this thread's earlier ensembles (the trainer uses one at a time) and those of ended threads
                if (e.owner() == me || !e.owner().isAlive()) {
                    done.add(e);
                }
            }
            live.removeAll(done);
        }
        for (CudaEnsemble e : done) {
            e.close();
        }
        CudaDevice dev = device();
        CudaPlan plan = plan(spec, inits.size(), rows, online);
        String t = plan.bytes() == 4 ? "f" : "d";
        String[] kernels = online != null || fixed != null
                ? new String[] {"onecnn_prepare_" + t, plan.gradKernel(), "onecnn_reduce_" + t, "onecnn_update_" + t,
                        "onecnn_gen_" + t}
                : new String[] {"onecnn_prepare_" + t, plan.gradKernel(), "onecnn_reduce_" + t, "onecnn_update_" + t};
        long gen = fixed != null ? CudaEnsemble.generationBytes(plan) : 0;
        requireFits(plan, dev.driver().freeMemory(), dev.info(), dev.localBytesToReserve(kernels) + gen);
        CudaEnsemble e = new CudaEnsemble(dev, plan, spec, inits, xs, ys, fixed, online);
        dev.reserveLocal(kernels);
        synchronized (live) {
            live.add(e);
        }
        return e;
    }
}
