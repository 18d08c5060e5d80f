package org.onecnn.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What a run folder records about where its results came from: versions, JVM, OS, machine, git
 * commit of the onecnn checkout, the command line. Collected once per run.
 */
public final class Provenance {
    private Provenance() {
    }

    /** The versions baked into the jar at build time. */
    public static Properties buildInfo() {
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("/onecnn.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // provenance is best effort; a missing file shows as "unknown"
        }
        return p;
    }

    /** The onecnn home (the checkout the launcher runs from), or the working directory. */
    public static Path home() {
        String h = System.getProperty("onecnn.home");
        return Path.of(h == null ? "." : h).toAbsolutePath().normalize();
    }

    /** Versions of onecnn and its numerical dependencies. */
    public static Map<String, Object> versions() {
        Properties b = buildInfo();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("onecnn", b.getProperty("onecnn.version", "unknown"));
        m.put("commons_math", b.getProperty("commons-math.version", "unknown"));
        m.put("dl4j", b.getProperty("dl4j.version", "unknown"));
        m.put("nd4j_backend_artifact", b.getProperty("nd4j.backend", "unknown"));
        m.put("java", System.getProperty("java.version"));
        return m;
    }

    /** JVM, OS and machine. */
    public static Map<String, Object> environment(int threads) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version") + " ("
                + System.getProperty("java.vendor") + ")");
        m.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        m.put("threads", threads);
        return m;
    }

    /** Git commit and whether the tree had uncommitted changes, or "unknown". */
    public static Map<String, Object> git() {
        Map<String, Object> m = new LinkedHashMap<>();
        String commit = run(List.of("git", "-C", home().toString(), "rev-parse", "HEAD"));
        m.put("commit", commit == null ? "unknown" : commit.trim());
        String status = run(List.of("git", "-C", home().toString(), "status", "--porcelain", "--untracked-files=no"));
        m.put("dirty", status == null ? "unknown" : (Object) !status.isBlank());
        return m;
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
