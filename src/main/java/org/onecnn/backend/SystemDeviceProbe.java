package org.onecnn.backend;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.onecnn.backend.BackendInfo.Build;
import org.onecnn.backend.BackendInfo.Cpu;
import org.onecnn.backend.BackendInfo.Gpu;
import org.onecnn.util.Installation;

/**
 * The real {@link DeviceProbe}: the class path (read as resources, so no ND4J class is loaded, let alone
 * initialised), {@code onecnn.properties}, {@code nvidia-smi} (at most 10 s; absent or failing means no
 * GPU, with a note), {@code /proc/cpuinfo} and the JVM.
 */
public final class SystemDeviceProbe implements DeviceProbe {
    /** The class file of ND4J's CPU backend. */
    static final String CPU_BACKEND_CLASS = "org/nd4j/linalg/cpu/nativecpu/CpuBackend.class";
    /** The class file of ND4J's CUDA backend. */
    static final String CUDA_BACKEND_CLASS = "org/nd4j/linalg/jcublas/JCublasBackend.class";

    private final List<String> command;
    private final Duration timeout;
    private final Map<String, String> env;

    /** {@code nvidia-smi} from the {@code PATH}, 10 s, this process's environment. */
    public SystemDeviceProbe() {
        this(NvidiaSmi.QUERY, Duration.ofSeconds(10), System.getenv());
    }

    /** For tests: another command in place of {@code nvidia-smi}, another time limit and environment. */
    SystemDeviceProbe(List<String> command, Duration timeout, Map<String, String> env) {
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.env = Map.copyOf(env);
    }

    @Override
    public BackendInfo probe() {
        Properties b = Installation.buildInfo();
        Build build = build(SystemDeviceProbe.class.getClassLoader());
        List<Gpu> gpus = new ArrayList<>();
        String note = gpus(gpus);
        if (!gpus.isEmpty()) {
            NvidiaSmi.Visibility v = NvidiaSmi.visibility(gpus, env.get("CUDA_VISIBLE_DEVICES"),
                    env.get("CUDA_DEVICE_ORDER"));
            gpus = v.gpus();
            note = v.note();
        }
        return new BackendInfo(build, b.getProperty("nd4j.backend", "unknown"),
                Boolean.parseBoolean(b.getProperty("nd4j.cudnn", "false")), gpus, note, cpu());
    }

    /** Which backends the class path holds, by their class files (nothing is loaded). */
    static Build build(ClassLoader loader) {
        boolean cpu = loader.getResource(CPU_BACKEND_CLASS) != null;
        boolean cuda = loader.getResource(CUDA_BACKEND_CLASS) != null;
        return cpu && cuda ? Build.BOTH : cpu ? Build.CPU : cuda ? Build.CUDA : Build.NONE;
    }

    /** Runs the query into {@code out}; returns a note when there is no GPU (why), else "". */
    private String gpus(List<Gpu> out) {
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("onecnn-nvidia-smi", ".out");
            stderr = Files.createTempFile("onecnn-nvidia-smi", ".err");
            Process p;
            try {
                p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            } catch (IOException e) {
                return command.get(0) + " not found (no NVIDIA driver, or not on the PATH)";
            }
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return command.get(0) + " did not answer within " + timeout.toSeconds() + " s";
            }
            String text = Files.readString(stdout, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                String msg = firstLine(text);
                if (msg.isEmpty()) {
                    msg = firstLine(Files.readString(stderr, StandardCharsets.UTF_8));
                }
                if (msg.contains("compute_cap")) {
                    msg += " (drivers before 510 cannot report compute_cap; CUDA 11.6 wants 510 or later)";
                }
                return command.get(0) + " failed (exit " + p.exitValue() + ")" + (msg.isEmpty() ? "" : ": " + msg);
            }
            NvidiaSmi.Parsed parsed = NvidiaSmi.parse(text);
            out.addAll(parsed.gpus());
            if (parsed.gpus().isEmpty()) {
                return parsed.ignored().isEmpty() ? command.get(0) + " lists no GPU"
                        : command.get(0) + " output not understood: " + clip(parsed.ignored().get(0));
            }
            return "";
        } catch (IOException e) {
            return command.get(0) + " could not be run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return command.get(0) + " interrupted";
        } finally {
            delete(stdout);
            delete(stderr);
        }
    }

    private static String firstLine(String s) {
        for (String l : s.split("\\R")) {
            if (!l.isBlank()) {
                return clip(l.strip());
            }
        }
        return "";
    }

    private static String clip(String s) {
        return s.length() <= 160 ? s : s.substring(0, 157) + "...";
    }

    private static void delete(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a temp file left behind is harmless
            }
        }
    }

    /** The host: {@code /proc/cpuinfo}'s model name, the JVM's cores, physical memory and maximum heap. */
    static Cpu cpu() {
        String model = System.getProperty("os.arch");
        try {
            Path info = Path.of("/proc/cpuinfo");
            if (Files.isReadable(info)) {
                for (String l : Files.readAllLines(info, StandardCharsets.UTF_8)) {
                    if (l.startsWith("model name")) {
                        int c = l.indexOf(':');
                        if (c >= 0) {
                            model = l.substring(c + 1).strip();
                            break;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the architecture will do
        }
        long mem = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            mem = os.getTotalMemorySize() / (1024 * 1024);
        }
        return new Cpu(model, Runtime.getRuntime().availableProcessors(), mem,
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }
}
