package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.onecnn.experiment.setup.Divergence;
import org.onecnn.report.Table;

/**
 * Honest outputs when runs diverge: every experiment type, at a tiny size with a step so large that every run
 * overflows, counts the runs as DIVERGED, says so in its report, writes no NaN or Infinity token anywhere, keeps
 * its run folder, warns, and exits with {@link Divergence#ALL_DIVERGED_EXIT}. Also: partial divergence (exit 0,
 * a warning), a two-phase search that misses an outcome, and the seed streams listed in provenance.
 */
class DivergenceCliTest extends CliFixture {
    /** Tiny sizes per experiment (shared by the divergence and the seed-stream tests). */
    static final Map<String, List<String>> TINY = Map.of(
            "du2018-table1", List.of("init.count=4", "grid.k=[4]", "grid.ratio=[1]", "stop.max_steps=100"),
            "bg2017-fixed-output", List.of("init.count=4", "grid.k=[4]", "grid.p=[5]", "stop.max_steps=100"),
            "du2018-two-phase", List.of("two_phase.max_draws=10", "stop.max_steps=100", "model.k=4", "model.p=5"),
            "sample-size", List.of("init.count=3", "empirical.n=[20,50]", "empirical.datasets=1",
                    "empirical.max_steps=20", "stop.max_steps=50"),
            "paired-trajectories", List.of("init.count=2", "empirical.n=[20,50]", "empirical.datasets=1",
                    "empirical.max_steps=40", "empirical.every=5"),
            "dg2019-double-convotron", List.of("model.d=22", "model.p=4", "convotron.strides=[3,4]",
                    "convotron.distributions=[gaussian]", "convotron.teachers=2", "convotron.schedules.gaussian.steps1=100",
                    "convotron.schedules.gaussian.steps2=100", "convotron.test_samples=100"),
            "overlap-landscape", List.of("model.d=22", "model.p=4", "init.count=3", "convotron.teachers=2",
                    "stop.max_steps=100", "convotron.schedules.gaussian.steps1=100", "convotron.schedules.gaussian.steps2=100",
                    "convotron.test_samples=100"));

    /**
     * Steps so large that every iterate overflows: the largest step onecnn accepts (1000), with budgets long
     * enough for the growth to reach overflow in double precision.
     */
    static final Map<String, List<String>> HUGE = Map.of(
            "du2018-table1", List.of("train.eta=1000"),
            "bg2017-fixed-output", List.of("train.eta=1000"),
            "du2018-two-phase", List.of("train.eta=1000"),
            "sample-size", List.of("train.eta=1000", "empirical.eta=1000"),
            "paired-trajectories", List.of("train.eta=1000", "empirical.eta=1000", "empirical.max_steps=200"),
            "dg2019-double-convotron", List.of("convotron.schedules.gaussian.eta1=1000", "convotron.schedules.gaussian.eta2=1000"),
            "overlap-landscape", List.of("train.eta=1000", "convotron.schedules.gaussian.eta1=1000",
                    "convotron.schedules.gaussian.eta2=1000"));

    /** The column that counts diverged runs in summary.csv, and whether it is a fraction (else a count). */
    static final Map<String, String> DIVERGED_COLUMN = Map.of("du2018-table1", "p_diverged", "bg2017-fixed-output",
            "p_diverged", "sample-size", "p_diverged", "paired-trajectories", "n_diverged", "dg2019-double-convotron",
            "n_diverged", "overlap-landscape", "p_diverged");

    static Stream<String> experiments() {
        return Stream.of("du2018-table1", "bg2017-fixed-output", "du2018-two-phase", "sample-size",
                "paired-trajectories", "dg2019-double-convotron", "overlap-landscape");
    }

    private static String[] args(String name, Path dir, List<String> sets, String... more) {
        List<String> a = new ArrayList<>(List.of("run", name, "--out", dir.toString(), "--threads", "2"));
        for (String s : sets) {
            a.add("--set");
            a.add(s);
        }
        a.addAll(Arrays.asList(more));
        return a.toArray(new String[0]);
    }

    private static void assertNoNonFiniteTokens(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().matches(".*\\.(csv|json|md)$")).toList()) {
                String text = Files.readString(f);
                assertFalse(text.contains("NaN"), f.getFileName() + " contains NaN");
                assertFalse(text.contains("Infinity"), f.getFileName() + " contains Infinity");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("experiments")
    void everyRunDivergedIsCountedReportedAndExitsThree(String name) throws IOException {
        Path dir = home.resolve(name);
        // HUGE's settings replace TINY's of the same field (a field may be given only once)
        List<String> sets = new ArrayList<>(TINY.get(name));
        sets.removeIf(t -> HUGE.get(name).stream().anyMatch(h -> h.startsWith(t.substring(0, t.indexOf('=') + 1))));
        sets.addAll(HUGE.get(name));
        int code = run(args(name, dir, sets));
        assertEquals(Divergence.ALL_DIVERGED_EXIT, code, name + ": " + stderr());
        assertTrue(stderr().contains("onecnn: warning: every one of the"), stderr());
        assertFalse(stderr().contains("\tat "), stderr());
        // the run folder is a real, complete result
        for (String f : List.of("config.yaml", "provenance.json", name.equals("paired-trajectories") ? "deviation.csv"
                : "results.csv", "summary.csv", "summary.json", "report.md")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), name + ": " + f);
        }
        assertNoNonFiniteTokens(dir);
        String report = Files.readString(dir.resolve("report.md"));
        assertTrue(report.contains("diverged (non-finite iterates"), report);
        long[] tally = Divergence.read(dir);
        assertTrue(tally != null && tally[0] > 0 && tally[0] == tally[1], Arrays.toString(tally));
        JsonNode prov = new ObjectMapper().readTree(dir.resolve("provenance.json").toFile());
        assertEquals("complete", prov.get("status").asText());
        Table summary = Table.readCsv(dir.resolve("summary.csv"));
        if (name.equals("du2018-two-phase")) {
            int diverged = 0;
            for (int r = 0; r < summary.size(); r++) {
                if (summary.getString(r, "outcome").equals("DIVERGED")) {
                    diverged = (int) summary.getLong(r, "draws");
                }
            }
            assertEquals(10, diverged, "every draw DIVERGED");
            return;
        }
        String col = DIVERGED_COLUMN.get(name);
        for (int r = 0; r < summary.size(); r++) {
            if (name.equals("sample-size") && r == 0) {
                continue; // n = inf: the population row, checked below
            }
            double v = summary.getDouble(r, col);
            double all = col.startsWith("p_") ? 1.0
                    : summary.getDouble(r, name.equals("paired-trajectories") ? "runs" : "teachers");
            assertEquals(all, v, name + " row " + r + " " + col);
        }
        if (name.equals("sample-size")) {
            assertEquals(1.0, summary.getDouble(0, "p_diverged"), "population row");
            for (int r = 0; r < summary.size(); r++) {
                assertEquals(0.0, summary.getDouble(r, "p_other"), "diverged runs are not 'other'");
            }
        }
        if (name.equals("overlap-landscape")) {
            assertEquals(0.0, summary.getDouble(0, "p_other"), "diverged runs are not 'other'");
        }
        if (name.equals("dg2019-double-convotron")) {
            assertTrue(summary.getString(0, "stage3_correct").isEmpty(), "no 'stage 3 correct' for diverged runs");
            assertEquals(0.0, summary.getDouble(0, "success"));
        }
    }

    /**
     * Every empirical run diverges, no population run does: nothing empirical was measured, so exit 3 although 3 of
     * the 9 runs converged (the divergence is counted per part, and the line names the part); diverged runs are
     * apart from other.
     */
    @Test
    void everyEmpiricalRunDivergedExitsThreeNamingThePart() throws IOException {
        Path dir = home.resolve("partial");
        List<String> sets = new ArrayList<>(TINY.get("sample-size"));
        sets.add("empirical.eta=1000");
        assertEquals(Divergence.ALL_DIVERGED_EXIT, run(args("sample-size", dir, sets)), stderr());
        assertTrue(stderr().contains("onecnn: warning: every one of the 6 empirical runs diverged (non-finite "
                + "iterates): the empirical part measured nothing (6 of 9 runs in all diverged;"), stderr());
        assertTrue(stderr().contains("(exit code 3)"), stderr());
        JsonNode parts = new ObjectMapper().readTree(dir.resolve("provenance.json").toFile()).path("divergence")
                .path("parts");
        assertEquals(6, parts.path("empirical").path("diverged").asInt());
        assertEquals(0, parts.path("population").path("diverged").asInt());
        assertEquals(3, parts.path("population").path("runs").asInt());
        assertNoNonFiniteTokens(dir);
        Table summary = Table.readCsv(dir.resolve("summary.csv"));
        assertEquals(0.0, summary.getDouble(0, "p_diverged"), "the population row did not diverge");
        assertEquals(1.0, summary.getDouble(1, "p_diverged"));
        assertEquals(0.0, summary.getDouble(1, "p_other"));
        String report = Files.readString(dir.resolve("report.md"));
        assertTrue(report.contains("6 of 6 empirical runs diverged"), report);
        // n = 20 < r + k = 31 parameters: a caveat
        assertTrue(report.contains("n = [20] is below the number of parameters of a student (r + k = 31)"), report);
    }

    /**
     * The exit code from the tally per part in provenance.json: some runs of a part diverged, none entirely: exit 0
     * and a warning; one part entirely (the population runs here): exit 3 naming it; a folder only reported on
     * (merged already): exit 0 whatever diverged.
     */
    @Test
    void exitThreeWhenEveryRunOfOnePartDiverged() throws IOException {
        Path dir = Files.createDirectories(home.resolve("tally"));
        Path prov = dir.resolve("provenance.json");
        Files.writeString(prov, "{\"divergence\": {\"runs\": 9, \"diverged\": 4, \"parts\": {\"empirical\": "
                + "{\"runs\": 6, \"diverged\": 4}, \"population\": {\"runs\": 3, \"diverged\": 0}}}}");
        console.reset();
        assertEquals(0, RunCommand.divergence(dir));
        assertTrue(stderr().contains("onecnn: warning: 4 of 9 runs diverged (non-finite iterates); see "), stderr());
        Files.writeString(prov, "{\"divergence\": {\"runs\": 9, \"diverged\": 3, \"parts\": {\"empirical\": "
                + "{\"runs\": 6, \"diverged\": 0}, \"population\": {\"runs\": 3, \"diverged\": 3}}}}");
        console.reset();
        assertEquals(Divergence.ALL_DIVERGED_EXIT, RunCommand.divergence(dir));
        assertTrue(stderr().contains("every one of the 3 population runs diverged"), stderr());
        console.reset();
        assertEquals(0, RunCommand.divergence(dir, false));
        assertTrue(stderr().contains("every one of the 3 population runs diverged") && !stderr().contains("exit code"),
                stderr());
    }

    /**
     * Undefined medians of an ordinary run are blank/null, never NaN; progress moves in sample-gradients of the
     * budget: 3 initializations × 20 steps × (20 + 50) samples = 4200.
     */
    @Test
    void ordinarySampleSizeHasNoNaNAndProgressMoves() throws IOException {
        Path dir = home.resolve("plain");
        assertEquals(0, run(args("sample-size", dir, TINY.get("sample-size"))), stderr());
        assertNoNonFiniteTokens(dir);
        JsonNode s = new ObjectMapper().readTree(dir.resolve("summary.json").toFile()).get("summary");
        assertTrue(s.get(0).get("p_global_dataset_min").isNull(), "undefined for the population row: null");
        // not --quiet, and no terminal under the test: plain progress lines, the count moving, no repeated line
        List<String> lines = stderr().lines().filter(l -> l.startsWith("sample-size ")).toList();
        assertTrue(lines.size() >= 2, stderr());
        assertTrue(lines.get(lines.size() - 1).contains(" 4200/4200 sample-gradients"), stderr());
        assertEquals(1, lines.stream().filter(l -> l.contains(" 4200/4200 ")).count(), "final line once: " + stderr());
        assertEquals(lines.size(), new TreeSet<>(lines).size(), stderr());
    }

    @Test
    void twoPhaseSearchThatMissesAnOutcomeReportsWhatItFound() throws IOException {
        Path dir = home.resolve("two-phase");
        // k = 20, p = 25, ratio 1, the built-in teacher: 8 draws give GLOBAL runs and no SPURIOUS one
        assertEquals(0, run(args("du2018-two-phase", dir, List.of("two_phase.max_draws=8", "stop.max_steps=2000"))),
                stderr());
        assertNoNonFiniteTokens(dir);
        assertTrue(stderr().contains("onecnn: warning: No initialization reached the spurious minimum"), stderr());
        String report = Files.readString(dir.resolve("report.md"));
        assertTrue(report.contains("No initialization reached the spurious minimum within two_phase.max_draws = 8"),
                report);
        Table summary = Table.readCsv(dir.resolve("summary.csv"));
        assertEquals(1, summary.size());
        assertEquals("global", summary.getString(0, "run"));
        JsonNode js = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertTrue(js.get("spurious_seed").isNull());
        assertEquals(8, js.get("draws").asInt());
        assertTrue(Files.isRegularFile(dir.resolve("trajectories.csv")));
    }

    /** Stage 2 alone overflows: no crash in stage 3, the runs are DIVERGED. */
    @Test
    void doubleConvotronStageTwoDivergenceIsAResult() throws IOException {
        Path dir = home.resolve("dc2");
        List<String> sets = new ArrayList<>(TINY.get("dg2019-double-convotron"));
        // the largest step onecnn accepts, and steps enough for the growth to reach overflow
        sets.add("convotron.schedules.gaussian.eta2=1000");
        sets.remove("convotron.schedules.gaussian.steps2=100"); // replaced (a field may be given only once)
        sets.add("convotron.schedules.gaussian.steps2=2000");
        assertEquals(Divergence.ALL_DIVERGED_EXIT, run(args("dg2019-double-convotron", dir, sets)), stderr());
        assertNoNonFiniteTokens(dir);
        Table results = Table.readCsv(dir.resolve("results.csv"));
        for (int r = 0; r < results.size(); r++) {
            assertEquals("true", results.getString(r, "diverged"));
            assertEquals("", results.getString(r, "stage3_correct"));
        }
    }

    /** The streams each experiment type draws, from reading its code (labels of Seeds.derive). */
    static final Map<String, Set<String>> STREAMS = Map.of(
            "du2018-table1", Set.of("init", "teacher"),
            "bg2017-fixed-output", Set.of("init", "teacher"),
            "du2018-two-phase", Set.of("init", "teacher"),
            // the fused engine (the default) neither loads nor seeds ND4J; a data set is keyed by stream "dataset"
            "sample-size", Set.of("data", "dataset", "init", "teacher"),
            "paired-trajectories", Set.of("data", "dataset", "init", "teacher"),
            "dg2019-double-convotron", Set.of("teacher", "chunk", "double-convotron/init", "double-convotron/noise",
                    "double-convotron/stage1", "double-convotron/stage2", "double-convotron/teacher",
                    "double-convotron/test", "double-convotron/validation"),
            "overlap-landscape", Set.of("init", "teacher", "chunk", "double-convotron/init", "double-convotron/noise",
                    "double-convotron/stage1", "double-convotron/stage2", "double-convotron/teacher",
                    "double-convotron/test", "double-convotron/validation"));

    @ParameterizedTest
    @MethodSource("experiments")
    void provenanceListsExactlyTheSeedStreamsDrawn(String name) throws IOException {
        Path dir = home.resolve("seeds-" + name);
        int code = run(args(name, dir, TINY.get(name), "-q"));
        assertTrue(code == 0, name + ": " + stderr());
        JsonNode seeds = new ObjectMapper().readTree(dir.resolve("provenance.json").toFile()).get("seeds");
        Set<String> labels = new TreeSet<>();
        seeds.get("streams").fieldNames().forEachRemaining(labels::add);
        assertEquals(new TreeSet<>(STREAMS.get(name)), labels, name + ": " + seeds);
        assertFalse(seeds.has("scheme"), "no fixed scheme that may not apply");
        String init = seeds.get("streams").has("init") ? seeds.get("streams").get("init").asText() : null;
        switch (name) {
            // a declared stream's derivation ends with its purpose, in the words of the component that draws it
            case "overlap-landscape" -> assertEquals("Seeds.derive(master, \"init\", stride, teacher, run): Du et al. "
                    + "initialization of one run of Algorithm 1 on the overlapping loss", init);
            case "dg2019-double-convotron" -> {
                assertEquals("Seeds.derive(master, \"teacher\", teacher): teacher t (w*, a*), the same at every stride "
                        + "and input distribution", seeds.get("streams").get("teacher").asText());
                assertEquals("Seeds.derive(teacher, \"double-convotron/init\"): "
                        + org.onecnn.algorithms.DoubleConvotron.INIT.purpose(),
                        seeds.get("streams").get("double-convotron/init").asText());
            }
            case "sample-size", "paired-trajectories" ->
                assertEquals("Seeds.derive(data, \"dataset\"): "
                        + org.onecnn.empirical.data.CounterSamples.DATASET.purpose(),
                        seeds.get("streams").get("dataset").asText());
            default -> assertEquals("Seeds.derive(master, \"init\", cell, run): "
                    + org.onecnn.experiment.setup.PopulationSetup.INIT.purpose(), init);
        }
    }
}
