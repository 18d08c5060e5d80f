package org.onecnn.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.onecnn.backend.BackendCheck;
import org.onecnn.backend.BackendInfo;
import org.onecnn.backend.BackendInfo.Gpu;
import org.onecnn.backend.ComputeProfile;
import org.onecnn.backend.DeviceProbe;
import org.onecnn.backend.Nd4jSetup;
import org.onecnn.backend.SystemDeviceProbe;
import org.onecnn.util.InvalidInputException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code onecnn doctor [--profile NAME|FILE]}: what this build and machine offer, and whether the
 * profile can run on them. The verdict comes from {@link BackendCheck} on what the {@link DeviceProbe}
 * found, before ND4J is loaded; only when the profile can run (and it is a CPU one, or {@code --init}
 * asks) is ND4J initialised, through {@link Nd4jSetup}, and its own report printed.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = {
    "Check that a compute profile can run here: Java, onecnn and DL4J versions, the ND4J backend of this build, "
        + "the CPU and GPUs, the profile's settings and the verdict.",
    "Exit code 0: ready; 2: the profile cannot run here (the reason is the error line)."})
final class DoctorCommand implements Callable<Integer> {
    private static volatile DeviceProbe probe = new SystemDeviceProbe();

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
        ComputeProfile p = profile.load();
        out.println("profile " + p.name() + " (" + p.source() + ")");
        p.settings().forEach((k, v) -> row(out, k, v));
        out.println();
        Optional<String> problem = BackendCheck.problem(p, info);
        if (problem.isPresent()) {
            out.println("verdict: not ready");
            out.flush();
            throw new InvalidInputException("", problem.get());
        }
        out.println("verdict: ready");
        if (p.backend() == ComputeProfile.Backend.CPU || init) {
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
