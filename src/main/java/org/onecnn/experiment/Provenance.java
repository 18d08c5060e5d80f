package org.onecnn.experiment;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.onecnn.util.Installation;

/**
 * What a run folder records about where its results came from beyond the build ({@link Installation}: home,
 * versions): JVM, OS, machine, git commit of the onecnn checkout. Collected once per run.
 */
public final class Provenance {
    private Provenance() {
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
        String commit = run(List.of("git", "-C", Installation.home().toString(), "rev-parse", "HEAD"));
        m.put("commit", commit == null ? "unknown" : commit.trim());
        String status = run(List.of("git", "-C", Installation.home().toString(), "status", "--porcelain", "--untracked-files=no"));
        m.put("dirty", status == null ? "unknown" : (Object) !status.isBlank());
        return m;
    }

    /**
     * Adds seed streams to {@code seeds.streams} of the provenance {@code prov}, keeping those it holds (an earlier
     * session's, which drew the seeds of the cells done then) and, of the new ones, the first of each name in the
     * order given; the streams stay sorted by name. The one merge of seed streams: a run's own ledger, a resume's,
     * and a job array's shard records and merging process all go through it.
     */
    @SuppressWarnings("unchecked")
    public static void mergeStreams(Map<String, Object> prov, List<? extends Map<String, ?>> sources) {
        Map<String, Object> seeds = prov.get("seeds") instanceof Map<?, ?> m
                ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        Map<String, Object> streams = new java.util.TreeMap<>();
        if (seeds.get("streams") instanceof Map<?, ?> old) {
            streams.putAll((Map<String, Object>) old);
        }
        for (Map<String, ?> source : sources) {
            source.forEach(streams::putIfAbsent);
        }
        seeds.put("streams", streams);
        prov.put("seeds", seeds);
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
