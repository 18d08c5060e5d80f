package org.onecnn.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.onecnn.backend.BackendCheck;
import org.onecnn.backend.BackendInfo;
import org.onecnn.backend.BackendInfo.Gpu;
import org.onecnn.backend.ComputeProfile;
import org.onecnn.backend.DeviceProbe;
import org.onecnn.backend.Nd4jSetup;
import org.onecnn.backend.SystemDeviceProbe;
import org.onecnn.empirical.cuda.CudaDriver;
import org.onecnn.empirical.cuda.CudaDrivers;
import org.onecnn.empirical.cuda.CudaReadiness;
import org.onecnn.empirical.cuda.Ptx;
import org.onecnn.experiment.setup.ComputeContext;
import org.onecnn.util.InvalidInputException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code onecnn doctor [--profile NAME|FILE]}: what this build and machine offer, and whether the
 * profile can run on them, per GPU for both GPU paths: onecnn's own kernels (the {@code cuda} engine: the driver's
 * CUDA version against the PTX's, the PTX JIT-compiled, a probe kernel launched, through {@link CudaReadiness} on
 * a {@link CudaDriver}) and ND4J's CUDA backend (compute capability 3.7–8.9, from {@link BackendCheck}). The
 * engine is the profile's {@code engine} (default {@code fused}, the CPU); the verdict is that engine's: for
 * {@code dl4j} {@link BackendCheck} on what the {@link DeviceProbe} found, before ND4J is loaded; for {@code cuda}
 * the readiness and the device memory against the profile's {@code memory_limit_gb}; for {@code fused} the
 * Vector API module and the host memory. Every refusal is one line (no driver, no GPU, driver too old for the
 * PTX, not enough device memory, ...). ND4J is initialised (through {@link Nd4jSetup}, its own report printed)
 * only for a CPU profile on a build that has ND4J's CPU backend, or when {@code --init} asks.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = {
    "Check that a compute profile can run here: Java, onecnn and DL4J versions, the ND4J backend of this build, "
        + "the CPU and GPUs, the profile's settings and the verdict.",
    "Exit code 0: ready; 2: the profile cannot run here (the reason is the error line)."})
final class DoctorCommand implements Callable<Integer> {
    private static volatile DeviceProbe probe = new SystemDeviceProbe();
    private static volatile Supplier<CudaDriver> cudaDrivers = CudaDrivers::system;

    @Mixin
    ProfileOption profile = new ProfileOption();

    @Option(names = "--init", description = "Also initialise ND4J for a CUDA profile once the check passed (for a "
            + "CPU profile it always is).")
    boolean init;

    /** Tests play other machines: replaces the probe, returns the previous one. */
    static DeviceProbe useProbe(DeviceProbe p) {
        DeviceProbe old = probe;
        probe = p;
        return old;
    }

    /** Tests play other drivers (a fake {@link CudaDriver}): replaces the supplier, returns the previous one. */
    static Supplier<CudaDriver> useCudaDrivers(Supplier<CudaDriver> d) {
        Supplier<CudaDriver> old = cudaDrivers;
        cudaDrivers = d;
        return old;
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        Properties b = org.onecnn.util.Installation.buildInfo();
        out.println("onecnn doctor");
        row(out, "java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vendor") + ")");
        row(out, "onecnn", b.getProperty("onecnn.version", "unknown"));
        row(out, "dl4j / nd4j", b.getProperty("dl4j.version", "unknown"));
        BackendInfo info = probe.probe();
        row(out, "nd4j backend", build(info));
        out.println();
        out.println("devices");
        BackendInfo.Cpu cpu = info.cpu();
        row(out, "cpu", cpu.model() + ", " + cpu.cores() + " cores, "
                + (cpu.memoryMib() > 0 ? gib(cpu.memoryMib()) + " memory, " : "") + "JVM heap up to "
                + gib(cpu.maxHeapMib()));
        for (Gpu g : info.gpus()) {
            row(out, "gpu " + g.index(), g.name() + ", compute capability " + g.computeCapability() + ", "
                    + (g.memoryMib() > 0 ? g.memoryMib() + " MiB" : "memory unknown") + ", driver " + g.driverVersion()
                    + ": " + BackendCheck.gpuVerdict(g));
        }
        if (info.gpus().isEmpty()) {
            row(out, "gpu", "none" + (info.gpuNote().isEmpty() ? "" : " (" + info.gpuNote() + ")"));
        } else if (!info.gpuNote().isEmpty()) {
            row(out, "note", info.gpuNote());
        }
        out.println();
        CudaReadiness cuda = CudaReadiness.check(cudaDrivers, Ptx.bundled());
        out.println("cuda engine (onecnn's kernels: PTX through the driver API, no ND4J)");
        row(out, "driver", cuda.driverVersion() > 0 ? "CUDA " + Ptx.versionString(cuda.driverVersion())
                + " (the PTX needs " + Ptx.versionString(Ptx.bundled().minimumDriver()) + " or newer)" : "none");
        for (CudaReadiness.DeviceStatus d : cuda.devices()) {
            CudaDriver.DeviceInfo g = d.info();
            row(out, "gpu " + g.ordinal(), g.name() + ", compute capability " + g.computeCapability() + ", "
                    + g.totalMemory() / (1L << 20) + " MiB: cuda engine " + d.line() + "; ND4J CUDA path: "
                    + (BackendCheck.nd4jRuns(org.onecnn.backend.ComputeCapability.of(g.major(), g.minor()))
                            ? "possible (needs a -Pcuda build)" : "impossible (ND4J's kernels cover 3.7–8.9)")
                    + "; engine here: " + pick(d.ready(), g));
        }
        row(out, "verdict", cuda.line());
        out.println();
        ComputeProfile p = profile.load();
        out.println("profile " + p.name() + " (" + p.source() + ")");
        p.settings().forEach((k, v) -> row(out, k, v));
        out.println();
        String engine = p.engine() != null ? p.engine() : org.onecnn.empirical.EmpiricalEngines.DEFAULT;
        out.println("engine: " + engine + (p.engine() != null ? " (the profile's)" : " (the default; the profile "
                + "names none)"));
        // the judgement run and bench make too (ComputeContext.problem): what doctor refuses, they refuse
        Optional<ComputeContext.Problem> problem = ComputeContext.problem(engine, p, info, () -> cuda);
        if (problem.isPresent()) {
            out.println("verdict: not ready");
            out.flush();
            throw new InvalidInputException("--profile", problem.get().line());
        }
        out.println("verdict: ready");
        boolean nd4jCpu = info.build() == BackendInfo.Build.CPU || info.build() == BackendInfo.Build.BOTH;
        if (p.backend() == ComputeProfile.Backend.CPU && !nd4jCpu && !init) {
            out.println("(ND4J not initialised: this installation has no ND4J backend; the " + engine
                    + " engine does not need one)");
        } else if (p.backend() == ComputeProfile.Backend.CPU || init) {
            Nd4jSetup.apply(p, 0L);
            out.println();
            out.println("nd4j (initialised with profile " + p.name() + ")");
            Nd4jSetup.describe().forEach((k, v) -> row(out, k, v));
        } else {
            out.println("(ND4J not initialised for a CUDA profile; --init does it)");
        }
        out.flush();
        return 0;
    }

    /** The engine for GPU {@code g}: onecnn's kernels where they run, else ND4J's CUDA path where it can, else the CPU. */
    static String pick(boolean cudaReady, CudaDriver.DeviceInfo g) {
        if (cudaReady) {
            return "cuda";
        }
        return BackendCheck.nd4jRuns(org.onecnn.backend.ComputeCapability.of(g.major(), g.minor()))
                ? "dl4j (ND4J CUDA, -Pcuda build)" : "fused (CPU)";
    }

    private static String build(BackendInfo info) {
        String s = switch (info.build()) {
            case CPU -> BackendInfo.CPU_ARTIFACT + " (CPU)";
            case CUDA -> BackendInfo.CUDA_ARTIFACT + " (CUDA 11.6" + (info.cudnn() ? ", cuDNN" : "") + ")";
            case BOTH -> "both " + BackendInfo.Build.BOTH.artifacts();
            case NONE -> "none found on the class path";
        };
        boolean agrees = switch (info.build()) {
            case CPU -> info.buildArtifact().equals(BackendInfo.CPU_ARTIFACT);
            case CUDA -> info.buildArtifact().equals(BackendInfo.CUDA_ARTIFACT);
            default -> true;
        };
        return agrees ? s : s + "; onecnn.properties says " + info.buildArtifact();
    }

    private static String gib(long mib) {
        return String.format(Locale.ROOT, "%.1f GiB", mib / 1024.0);
    }

    private static void row(PrintStream out, String key, String value) {
        out.printf("  %-26s %s%n", key, value);
    }
}
