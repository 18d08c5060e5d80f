package org.onecnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.onecnn.model.Outcome;

/**
 * Golden-file tests: the exact bytes of CSV, Markdown and JSON output for fixed inputs, compared
 * with {@code src/test/resources/golden/}. Any change to an output format shows up here as a
 * diff that has to be reviewed and committed with the change.
 *
 * <p>To regenerate the golden files after an intended format change, run
 *
 * <pre>
 * mvn -B -q test -Dtest=GoldenTest -Donecnn.golden.update=true
 * </pre>
 *
 * which rewrites the files under {@code src/test/resources/golden/} (the test then passes
 * trivially); inspect them with {@code git diff} before committing.
 */
class GoldenTest {
    private static final boolean UPDATE = Boolean.getBoolean("onecnn.golden.update");
    private static final Path SOURCE_DIR = Paths.get("src", "test", "resources", "golden");

    /** A small table that exercises every cell type and every quoting and number rule. */
    static Table fixture() {
        return Table.builder("cell", "k", "n", "fraction", "lower", "outcome", "converged", "note")
                .row("k=2,n=100", 2, 100L, 0.25, 0.1796, Outcome.GLOBAL, true, "plain")
                .row("k=4,n=1000", 4, 1000L, 1.0 / 3, Double.NaN, Outcome.SPURIOUS, false, "say \"hi\"")
                .row("tiny", 8, 10_000_000L, 1e-5, -0.0, Outcome.NOT_CONVERGED, true, "two\nlines")
                .row("huge|pipe", -1, 0L, 1.5e7, Double.POSITIVE_INFINITY, Outcome.DIVERGED, false, null)
                .row("", 0, Long.MAX_VALUE, Double.NEGATIVE_INFINITY, 0.1f, Outcome.OTHER, true, "φ ≈ π")
                .build();
    }

    static final Map<String, String> FORMATS = Map.of("fraction", "%.3f", "lower", "%.2e");

    /** A record, for component order in JSON. */
    record Summary(String name, int cells, double rate, double[] curve, Outcome best, Table table) {
    }

    @Test
    void csv() throws IOException {
        check("table.csv", fixture().toCsv());
    }

    @Test
    void markdownPlain() throws IOException {
        check("table.md", fixture().toMarkdown());
    }

    @Test
    void markdownFormatted() throws IOException {
        check("table_formatted.md", fixture().toMarkdown(FORMATS));
    }

    @Test
    void tableJson() throws IOException {
        check("table.json", Json.tableToJson(fixture()));
    }

    @Test
    void nestedJson() throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("zeta", "insertion order, not sorted");
        root.put("alpha", List.of(1, 2.5, Double.NaN));
        root.put("empty", Map.of());
        root.put("none", List.of());
        root.put("summary", new Summary("sweep", 3, Double.POSITIVE_INFINITY, new double[] {0.5, Double.NaN, 1e-9},
                Outcome.GLOBAL, Table.builder("a", "b").row(1, Double.NaN).build()));
        check("nested.json", Json.toJson(root));
    }

    @Test
    void report() throws IOException {
        String md = MarkdownReport.titled("Sweep report")
                .paragraph("Fraction of runs per outcome.\n")
                .heading(2, "Summary")
                .table(fixture(), FORMATS)
                .image("Global fraction [95% CI]", "fig/global fraction.png")
                .heading(3, "Config")
                .code("yaml", "k: [2, 4]\nseed: 7\n")
                .code("", "a ``` fence inside")
                .bullets(List.of("first", "second\nwith a second line"))
                .render();
        check("report.md", md);
    }

    private static void check(String name, String actual) throws IOException {
        if (UPDATE) {
            Files.createDirectories(SOURCE_DIR);
            Files.writeString(SOURCE_DIR.resolve(name), actual, StandardCharsets.UTF_8);
            return;
        }
        String expected;
        try (InputStream in = GoldenTest.class.getResourceAsStream("/golden/" + name)) {
            assertNotNull(in, "missing golden file golden/" + name + "; see the class comment to generate it");
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(expected, actual, "output differs from golden/" + name
                + "; if the change is intended, regenerate (see the class comment)");
    }
}
