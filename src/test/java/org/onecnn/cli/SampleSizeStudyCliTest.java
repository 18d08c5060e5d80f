package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onecnn.report.Table;

/**
 * A small sample-size run from the command line, for what the study reports beside the probabilities: every
 * outcome class with an interval that brackets it (NOT_CONVERGED apart from "other"), the spread between data
 * sets, the cost, and the warning when too many runs have not converged — here 100 steps leave most runs moving.
 */
class SampleSizeStudyCliTest extends CliFixture {
    private static final List<String> CLASSES = List.of("global", "spurious", "not_converged", "diverged", "other");

    @Test
    void unconvergedShareIsReportedAndWarnedAbout() throws Exception {
        Path out = home.resolve("study");
        assertEquals(0, run("run", "sample-size", "--out", out.toString(), "--set", "init.count=4", "--set",
                "empirical.n=[64,128]", "--set", "empirical.datasets=2", "--set", "empirical.max_steps=100",
                "--set", "empirical.check_every=50", "--set", "stop.max_steps=2000", "--threads", "1"), stderr());
        Table s = Table.readCsv(out.resolve("summary.csv"));
        assertEquals(List.of("inf", "64", "128"), List.of(s.getString(0, "n"), s.getString(1, "n"), s.getString(2, "n")));
        double worstUnconverged = 0;
        for (int r = 0; r < s.size(); r++) {
            double sum = 0;
            for (String c : CLASSES) {
                double p = s.getDouble(r, "p_" + c);
                double lo = s.getDouble(r, "p_" + c + "_lo");
                double hi = s.getDouble(r, "p_" + c + "_hi");
                assertTrue(0 <= lo && lo <= p && p <= hi && hi <= 1, "row " + r + " " + c + ": " + lo + " " + p + " " + hi);
                sum += p;
            }
            assertEquals(1.0, sum, 1e-12, "row " + r);
            if (r > 0) {
                worstUnconverged = Math.max(worstUnconverged, s.getDouble(r, "p_not_converged"));
                assertEquals(2, s.getLong(r, "n_datasets"));
                assertEquals(8, s.getLong(r, "n_runs"));
                assertTrue(s.getDouble(r, "p_spurious_dataset_min") <= s.getDouble(r, "p_spurious")
                        && s.getDouble(r, "p_spurious") <= s.getDouble(r, "p_spurious_dataset_max"));
                assertTrue(s.getDouble(r, "sample_gradients") > 0 && s.getDouble(r, "mean_steps") <= 100);
            }
        }
        assertTrue(worstUnconverged > 0.02, "the setting must leave runs unconverged: " + worstUnconverged);
        JsonNode js = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertTrue(js.get("warnings").size() == 1 && js.get("warnings").get(0).asText().contains("NOT_CONVERGED"),
                js.get("warnings").toString());
        assertTrue(js.get("cost").get("sample_gradients").asDouble() > 0);
        assertTrue(js.get("summary").get(1).has("p_not_converged_hi"));
        assertTrue(stderr().contains("onecnn: warning: Runs NOT_CONVERGED after empirical.max_steps = 100 steps"),
                stderr());
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("**Warning.** Runs NOT_CONVERGED") && report.contains("empirical.max_steps=400"),
                report);
        assertTrue(report.contains("unconverged") && report.contains("At the largest n (128)"), report);
        for (String f : List.of("probability_vs_n.png", "probability_vs_n.svg", "transitions.png", "transitions.svg",
                "per_dataset.csv")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        Table perSet = Table.readCsv(out.resolve("per_dataset.csv"));
        assertEquals(4, perSet.size());
        assertTrue(perSet.columns().contains("p_not_converged"));
    }

    /**
     * empirical.n in any order, and a single n, run to the end: the figures (whose x ranges span the sizes) and the
     * report are written, the tables keep the config's order, and "the largest n" is the largest, not the last.
     * Tiny on purpose (2 initializations, 40 steps): only the reporting is under test.
     */
    @ParameterizedTest
    @ValueSource(strings = {"[128,32]", "[32]"})
    void anyOrderOfSampleSizesIsReportedAndPlotted(String ns) throws Exception {
        Path out = home.resolve("study");
        assertEquals(0, run("run", "sample-size", "--out", out.toString(), "--set", "init.count=2", "--set",
                "empirical.n=" + ns, "--set", "empirical.datasets=2", "--set", "empirical.max_steps=40",
                "--set", "empirical.check_every=20", "--set", "stop.max_steps=200", "--threads", "1"), stderr());
        Table s = Table.readCsv(out.resolve("summary.csv"));
        List<String> order = new java.util.ArrayList<>(List.of("inf"));
        order.addAll(List.of(ns.substring(1, ns.length() - 1).split(",")));
        List<String> got = new java.util.ArrayList<>();
        for (int r = 0; r < s.size(); r++) {
            got.add(s.getString(r, "n"));
        }
        assertEquals(order, got);
        for (String f : List.of("probability_vs_n.png", "probability_vs_n.svg", "transitions.png", "report.md",
                "summary.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        String largest = ns.startsWith("[128") ? "128" : "32";
        assertTrue(Files.readString(out.resolve("report.md")).contains("At the largest n (" + largest + ")"));
    }

    /**
     * Figures for a paper from a real run: with {@code figures.titles=false} every figure is written as PNG, SVG and
     * PDF, {@code probability_vs_n.svg} has a {@code <text>} tick label at every plotted n and no title, and report.md
     * links every file of the folder (second_order.csv included). Tiny on purpose: only the reporting is under test.
     */
    @Test
    void figuresForAPaperAndAReportThatLinksEveryFile() throws Exception {
        Path out = home.resolve("paper");
        assertEquals(0, run("run", "sample-size", "--out", out.toString(), "--set", "init.count=2", "--set",
                "empirical.n=[200,1000,5000]", "--set", "empirical.datasets=2", "--set", "empirical.max_steps=40",
                "--set", "empirical.check_every=20", "--set", "stop.max_steps=200", "--set", "figures.titles=false",
                "--threads", "1"), stderr());
        for (String f : List.of("probability_vs_n", "transitions")) {
            for (String ext : List.of(".png", ".svg", ".pdf")) {
                assertTrue(Files.isRegularFile(out.resolve(f + ext)), f + ext);
            }
            byte[] pdf = Files.readAllBytes(out.resolve(f + ".pdf"));
            assertEquals("%PDF-", new String(pdf, 0, 5, java.nio.charset.StandardCharsets.US_ASCII));
        }
        List<String> texts = org.onecnn.report.SvgText.texts(out.resolve("probability_vs_n.svg"));
        for (String n : List.of("200", "1000", "5000")) {
            assertTrue(texts.contains(n), "no <text> tick label " + n + ": " + texts);
        }
        assertTrue(texts.contains("n (samples)") && texts.contains("P(GLOBAL)"), texts.toString());
        assertTrue(texts.stream().noneMatch(t -> t.startsWith("Outcome probabilities")), "titles off: " + texts);
        String report = Files.readString(out.resolve("report.md"));
        try (var files = Files.list(out)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (Files.isRegularFile(f) && !name.startsWith(".") && !name.equals("report.md")) {
                    assertTrue(report.contains("](" + name + ")"), "report.md does not link " + name);
                }
            }
        }
        assertTrue(report.contains("[`second_order.csv`](second_order.csv)"), report);
    }
}
