package org.onecnn.experiment.setup;

import org.onecnn.experiment.RunContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs whose iterates became non-finite (outcome {@code DIVERGED}): every experiment counts them in a
 * class of their own, says so in its report with {@link #line}, and tallies them with {@link #record} so
 * that the run's {@code provenance.json} holds {@code "divergence": {"runs": N, "diverged": k}}, which the
 * command line reads back ({@link #read}) to warn, and to exit with {@link #ALL_DIVERGED_EXIT} when
 * nothing was measured.
 */
public final class Divergence {
    private Divergence() {
    }

    /**
     * Exit code of a run that completed but in which every run diverged. Why not 0: a script or CI job that
     * chains runs must notice that nothing was measured (typically a step size too large for the scale); why not
     * 1 (failure) or 2 (bad input, nothing written): the run folder is kept, since "this step size diverges
     * from every initialization" is a real, reproducible result, and it is complete (a resume has nothing to do).
     */
    public static final int ALL_DIVERGED_EXIT = 3;

    /** The provenance key. */
    public static final String KEY = "divergence";

    /**
     * The report's sentence: "k of N runs diverged (non-finite iterates); they are {@code treatment}." or, with
     * none, {@code null} (nothing to say).
     *
     * @param what      what was run, plural ("runs", "empirical runs", "Double Convotron runs")
     * @param treatment how the summary treats them, e.g. "counted in p_diverged and excluded from the medians"
     */
    public static String line(long diverged, long total, String what, String treatment) {
        if (diverged == 0) {
            return null;
        }
        return diverged + " of " + total + " " + what + " diverged (non-finite iterates: the step is too large for the "
                + "scale of the problem); they are " + treatment + ".";
    }

    /**
     * Adds {@code diverged} of {@code total} runs of part {@code part} ("empirical", "population", "Double
     * Convotron": the kinds of runs an experiment makes, each its own measurement) to the run's tally: under {@code
     * divergence.parts.<part>} and in the totals. Why per part: a study whose empirical runs all diverged measured
     * nothing empirical, however many population runs converged; the command line exits with {@link
     * #ALL_DIVERGED_EXIT} when any part diverged entirely ({@link #allDivergedPart}).
     */
    public static synchronized void record(RunContext ctx, String part, long diverged, long total) {
        record(ctx, diverged, total);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) ctx.provenance().get(KEY);
        @SuppressWarnings("unchecked")
        Map<String, Object> parts = (Map<String, Object>) m.computeIfAbsent("parts", x -> new LinkedHashMap<>());
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) parts.computeIfAbsent(part, x -> {
            Map<String, Object> z = new LinkedHashMap<>();
            z.put("runs", 0L);
            z.put("diverged", 0L);
            return z;
        });
        p.put("runs", ((Number) p.get("runs")).longValue() + total);
        p.put("diverged", ((Number) p.get("diverged")).longValue() + diverged);
    }

    /** Adds {@code diverged} of {@code total} runs to the run's tally (in {@code ctx.provenance()}). */
    public static synchronized void record(RunContext ctx, long diverged, long total) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) ctx.provenance().computeIfAbsent(KEY, x -> {
            Map<String, Object> z = new LinkedHashMap<>();
            z.put("runs", 0L);
            z.put("diverged", 0L);
            return z;
        });
        m.put("runs", ((Number) m.get("runs")).longValue() + total);
        m.put("diverged", ((Number) m.get("diverged")).longValue() + diverged);
    }

    /**
     * A result the researcher must not miss although the run completed (say, an outcome that did not occur within
     * the draws allowed): kept under {@code "warnings"} in provenance, printed by the command line.
     */
    public static synchronized void warn(RunContext ctx, String line) {
        @SuppressWarnings("unchecked")
        java.util.List<String> w = (java.util.List<String>) ctx.provenance().computeIfAbsent("warnings",
                x -> new java.util.ArrayList<String>());
        w.add(line);
    }

    /** The warnings of a finished run folder (empty if none). */
    public static java.util.List<String> warnings(Path runFolder) {
        java.util.List<String> out = new java.util.ArrayList<>();
        try {
            JsonNode w = new ObjectMapper().readTree(runFolder.resolve("provenance.json").toFile()).get("warnings");
            if (w != null) {
                w.forEach(x -> out.add(x.asText()));
            }
        } catch (IOException e) {
            // no provenance: no warnings to show
        }
        return out;
    }

    /**
     * The part of a finished run folder none of whose runs converged ({@code divergence.parts}, in the order
     * recorded): {part, runs} for the first part with runs &gt; 0 and every one diverged, or {@code null} if there is
     * none (or the run records no parts).
     */
    public static String[] allDivergedPart(Path runFolder) {
        try {
            JsonNode parts = new ObjectMapper().readTree(runFolder.resolve("provenance.json").toFile()).path(KEY)
                    .path("parts");
            for (java.util.Iterator<Map.Entry<String, JsonNode>> it = parts.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                long runs = e.getValue().path("runs").asLong();
                if (runs > 0 && e.getValue().path("diverged").asLong() == runs) {
                    return new String[] {e.getKey(), Long.toString(runs)};
                }
            }
        } catch (IOException e) {
            // no provenance: no parts
        }
        return null;
    }

    /** The tally of a finished run folder: {runs, diverged}, or {@code null} if it has none. */
    public static long[] read(Path runFolder) {
        Path p = runFolder.resolve("provenance.json");
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            JsonNode d = new ObjectMapper().readTree(p.toFile()).get(KEY);
            if (d == null || !d.has("runs") || !d.has("diverged")) {
                return null;
            }
            return new long[] {d.get("runs").asLong(), d.get("diverged").asLong()};
        } catch (IOException e) {
            return null;
        }
    }
}
