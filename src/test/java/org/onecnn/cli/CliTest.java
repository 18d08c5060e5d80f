package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.onecnn.report.Table;

/**
 * The command line as a user meets it: exit codes, one-line errors without stack traces, nothing
 * written on bad input, complete run folders, byte-identical results whatever the thread count, and
 * resuming an interrupted sweep.
 */
class CliTest extends CliFixture {
    /** A small but real sweep: 2 × 2 cells of the Du et al. table. */
    private static final String[] SMALL = {"--set", "init.count=300", "--set", "grid.k=[25,64]", "--set",
        "grid.ratio=[0,9]", "--set", "stop.max_steps=20000", "-q"};

    private static String[] with(String[] base, String... more) {
        List<String> l = new ArrayList<>(List.of(more));
        l.addAll(List.of(base));
        return l.toArray(new String[0]);
    }

    private List<Path> runsFolders() throws IOException {
        Path runs = home.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(runs)) {
            return s.toList();
        }
    }

    @Test
    void badInputIsOneLineExitTwoAndWritesNothing() throws IOException {
        String[][] bad = {
            {"run", "du2018-table1", "--set", "train.etaa=0.1"},
            {"run", "du2018-table1", "--set", "train.eta=0"},
            {"run", "du2018-table1", "--set", "train.eta=.nan"},
            {"run", "du2018-table1", "--set", "grid.ratio=[40]"},
            {"run", "du2018-two-phase", "--set", "model.d=110"},
            {"run", home.resolve("missing.yaml").toString()},
            {"run", "no-such-experiment"},
            {"run", "du2018-table1", "--threads", "0"},
            {"run", "du2018-table1", "--bogus-option"},
            {"run"},
        };
        for (String[] args : bad) {
            assertEquals(2, run(args), String.join(" ", args) + ": " + stderr());
            String e = stderr();
            assertTrue(e.startsWith("onecnn: error: "), e);
            assertFalse(e.contains("\tat "), "no stack trace without --verbose: " + e);
            assertEquals(List.of(), runsFolders(), "no run folder for " + String.join(" ", args));
        }
        // the field is named
        run("run", "du2018-table1", "--set", "train.etaa=0.1");
        assertTrue(stderr().contains("train.etaa"), stderr());
        run("run", "du2018-table1", "--set", "train.eta=-1");
        assertTrue(stderr().contains("train.eta"), stderr());
        // one line (plus, for option errors only, a hint)
        run("run", "du2018-table1", "--set", "train.eta=-1");
        assertEquals(1, stderr().strip().split("\n").length, stderr());
        // --verbose adds the stack trace
        assertEquals(2, run("run", "du2018-table1", "--set", "train.eta=-1", "--verbose"));
        assertTrue(stderr().contains("\tat "), stderr());
    }

    @Test
    void existingOutFolderIsRefused() throws IOException {
        Path outDir = Files.createDirectory(home.resolve("taken"));
        Files.writeString(outDir.resolve("keep.txt"), "mine");
        assertEquals(2, run(with(SMALL, "run", "du2018-table1", "--out", outDir.toString())));
        assertTrue(stderr().contains("--out"), stderr());
        try (Stream<Path> s = Files.list(outDir)) {
            assertEquals(List.of(outDir.resolve("keep.txt")), s.toList(), "nothing added to the existing folder");
        }
    }

    @Test
    void runFolderIsCompleteAndDeterministicAcrossThreadCounts() throws IOException {
        Path one = home.resolve("one");
        Path two = home.resolve("two");
        assertEquals(0, run(with(SMALL, "run", "du2018-table1", "--out", one.toString(), "--threads", "1")), stderr());
        assertEquals(0, run(with(SMALL, "run", "du2018-table1", "--out", two.toString(), "--threads", "2")), stderr());
        for (String f : List.of("config.yaml", "provenance.json", "results.csv", "summary.csv", "summary.json",
                "report.md", "p_global_table.csv", "p_global.png", "p_global.svg", "p_global_heatmap.png",
                "p_global_heatmap.svg", "outcomes.png", "outcomes.svg", "iterations.png", "iterations.svg")) {
            assertTrue(Files.isRegularFile(one.resolve(f)), f);
            assertTrue(Files.size(one.resolve(f)) > 0, f);
        }
        assertFalse(Files.exists(one.resolve("cells")), "per-cell files are removed once assembled");
        assertArrayEquals(Files.readAllBytes(one.resolve("results.csv")), Files.readAllBytes(two.resolve("results.csv")));
        assertArrayEquals(Files.readAllBytes(one.resolve("summary.csv")), Files.readAllBytes(two.resolve("summary.csv")));
        for (String f : List.of("p_global.png", "p_global.svg", "p_global.pdf", "outcomes.pdf")) {
            // figures too: the PDF's document id is fixed, not taken from the clock
            assertArrayEquals(Files.readAllBytes(one.resolve(f)), Files.readAllBytes(two.resolve(f)), f);
        }
        Table results = Table.readCsv(one.resolve("results.csv"));
        assertEquals(1200, results.size());
        assertEquals(List.of("cell", "k", "ratio", "run", "seed", "outcome", "stop_reason", "iterations", "phi", "loss",
                "grad_norm", "dist_global", "dist_spurious", "norm_v", "a_dot_astar"), results.columns());
        Table summary = Table.readCsv(one.resolve("summary.csv"));
        assertEquals(4, summary.size());
        for (String c : List.of("k", "ratio", "n_runs", "p_global", "p_global_lo", "p_global_hi", "p_spurious",
                "p_not_converged", "p_diverged")) {
            assertTrue(summary.hasColumn(c), c);
        }
        // the resolved config reproduces the run
        Path three = home.resolve("three");
        assertEquals(0, run("run", one.resolve("config.yaml").toString(), "--out", three.toString(), "-q"), stderr());
        assertArrayEquals(Files.readAllBytes(one.resolve("results.csv")),
                Files.readAllBytes(three.resolve("results.csv")));
        String prov = Files.readString(one.resolve("provenance.json"));
        for (String key : List.of("\"master\"", "\"versions\"", "\"git\"", "\"command_line\"", "\"started\"",
                "\"finished\"", "\"status\": \"complete\"", "\"jvm\"", "\"os\"")) {
            assertTrue(prov.contains(key), key);
        }
        String report = Files.readString(one.resolve("report.md"));
        assertTrue(report.contains("![p_global_heatmap](p_global_heatmap.png)"), report);
        assertTrue(report.contains("| k \\ ratio |") || report.contains("k \\ ratio"), report);
    }

    @Test
    void resumeRunsOnlyTheMissingCells() throws IOException {
        Path full = home.resolve("full");
        assertEquals(0, run(with(SMALL, "run", "du2018-table1", "--out", full.toString())), stderr());
        // an interrupted copy: the config, and cell 0 done (its rows marked, to see they are reused, not recomputed)
        Path part = Files.createDirectory(home.resolve("part"));
        Files.copy(full.resolve("config.yaml"), part.resolve("config.yaml"));
        Files.copy(full.resolve("provenance.json"), part.resolve("provenance.json"));
        List<String> lines = Files.readAllLines(full.resolve("results.csv"));
        StringBuilder cell0 = new StringBuilder(lines.get(0)).append('\n');
        for (String l : lines.subList(1, lines.size())) {
            if (l.startsWith("0,")) {
                cell0.append(l).append('\n');
            }
        }
        org.onecnn.experiment.RunFolders.writeCell(part, 0, cell0.toString());
        assertEquals(0, run("run", "--resume", part.toString(), "-q"), stderr());
        assertArrayEquals(Files.readAllBytes(full.resolve("results.csv")), Files.readAllBytes(part.resolve("results.csv")));
        assertTrue(Files.readString(part.resolve("provenance.json")).contains("\"resumed\""));
        // resuming a complete run, or with overrides, is refused
        assertEquals(2, run("run", "--resume", part.toString()));
        assertEquals(2, run("run", "--resume", full.toString(), "--set", "train.eta=0.1"));
        // the reuse is real: a marked row of cell 0 (its iterations set to 123456789) comes through
        Path part2 = Files.createDirectory(home.resolve("part2"));
        Files.copy(full.resolve("config.yaml"), part2.resolve("config.yaml"));
        // provenance.json is the record of how the run started: a resume without it is refused (ResumeIntegrityTest)
        Files.copy(full.resolve("provenance.json"), part2.resolve("provenance.json"));
        Table c0 = Table.parseCsv(cell0.toString());
        Table.Builder marked = Table.builder(c0.columns());
        for (int r = 0; r < c0.size(); r++) {
            List<Object> row = new ArrayList<>();
            for (String col : c0.columns()) {
                row.add(r == 0 && col.equals("iterations") ? "123456789" : c0.getString(r, col));
            }
            marked.row(row);
        }
        org.onecnn.experiment.RunFolders.writeCell(part2, 0, marked.build().toCsv());
        assertEquals(0, run("run", "--resume", part2.toString(), "-q"), stderr());
        Table resumed = Table.readCsv(part2.resolve("results.csv"));
        assertEquals(123456789L, resumed.getLong(0, "iterations"));
        assertEquals(1200, resumed.size());
    }

    /** Du et al., Theorem 4.2: one of the four sign combinations (±v, ±a) lies in the global basin. */
    @Test
    void signRestartsAlwaysFindTheGlobalMinimum() throws IOException {
        Path dir = home.resolve("restarts");
        assertEquals(0, run("run", "du2018-table1", "--out", dir.toString(), "-q", "--set", "init.sign_restarts=true",
                "--set", "init.count=150", "--set", "grid.k=[25,64]", "--set", "grid.ratio=[0,4]"), stderr());
        Table s = Table.readCsv(dir.resolve("summary.csv"));
        for (int r = 0; r < s.size(); r++) {
            assertEquals(1.0, s.getDouble(r, "p_global"), "cell " + r);
        }
        Table res = Table.readCsv(dir.resolve("results.csv"));
        assertTrue(res.hasColumn("signs"));
        java.util.Set<String> used = new java.util.HashSet<>();
        for (int r = 0; r < res.size(); r++) {
            used.add(res.getString(r, "signs"));
        }
        assertEquals(java.util.Set.of("+v+a", "-v+a", "+v-a", "-v-a"), used, "every combination wins sometimes");
    }

    @Test
    void listShowAndHelp() {
        assertEquals(0, run("list"));
        String o = console.stdout();
        assertTrue(o.contains("du2018-table1") && o.contains("bg2017-fixed-output") && o.contains("du2018-two-phase"), o);
        assertEquals(0, run("show", "du2018-table1"));
        assertTrue(console.stdout().contains("ratio: [0, 1, 4, 9, 16, 25]"));
        assertEquals(0, run("show", "du2018-table1", "--resolved", "--set", "init.count=3"));
        assertTrue(console.stdout().contains("count: 3"));
        assertEquals(0, run("--help"));
        assertEquals(0, run("--version"));
    }

    /** {@code run --version} and the other commands' --version print what {@code onecnn --version} prints. */
    @Test
    void everyCommandPrintsTheVersion() {
        assertEquals(0, run("--version"));
        String v = console.stdout();
        assertTrue(v.startsWith("onecnn ") && v.contains("Java "), v);
        for (List<String> cmd : List.of(List.of("run"), List.of("merge"), List.of("list"), List.of("show"),
                List.of("bench"), List.of("bench", "population"), List.of("bench", "empirical"), List.of("doctor"))) {
            List<String> args = new java.util.ArrayList<>(cmd);
            args.add("--version");
            assertEquals(0, run(args.toArray(String[]::new)), args + ": " + stderr());
            assertEquals(v, console.stdout(), args.toString());
        }
    }

    @Test
    void twoPhaseAndFixedOutputRun() throws IOException {
        Path tp = home.resolve("tp");
        assertEquals(0, run("run", "du2018-two-phase", "--out", tp.toString(), "-q", "--set", "stop.max_steps=6000"),
                stderr());
        Table s = Table.readCsv(tp.resolve("summary.csv"));
        assertEquals("GLOBAL", s.getString(0, "outcome"));
        assertEquals("SPURIOUS", s.getString(1, "outcome"));
        assertTrue(s.getDouble(0, "slope_ratio") > 3, "the late phase is several times faster");
        assertTrue(Files.isRegularFile(tp.resolve("two_phase_loss.png")));
        Path bg = home.resolve("bg");
        assertEquals(0, run("run", "bg2017-fixed-output", "--out", bg.toString(), "-q", "--set", "init.count=50",
                "--set", "grid.k=[4,16]"), stderr());
        Table b = Table.readCsv(bg.resolve("summary.csv"));
        for (int r = 0; r < b.size(); r++) {
            assertEquals(1.0, b.getDouble(r, "p_global"), "every fixed-output run reaches the global minimum");
        }
    }
}
