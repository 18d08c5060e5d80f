package org.onecnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.onecnn.cli.Main;

/** The runs the Spark tests compare, and the comparison: every output file of a run folder, byte for byte. */
final class SparkRuns {
    private SparkRuns() {
    }

    /**
     * A population sweep of du2018-table1, reduced: 6 grid cells of 200 initializations (pieces of 256, so one
     * piece each), two recorded trajectories per cell (the cells' parts).
     */
    static final List<String> SWEEP = sweep(200, "[25,36]", "[1,4,9]");

    /** du2018-table1 with {@code count} initializations per cell on the grid {@code k} × {@code ratio}. */
    static List<String> sweep(int count, String k, String ratio) {
        return List.of("du2018-table1", "--set", "init.count=" + count, "--set", "grid.k=" + k, "--set",
                "grid.ratio=" + ratio, "--set", "record.runs=2", "--set", "record.every=500");
    }

    /** sample-size-quick, reduced: 2 sample sizes × 2 data sets of 8 initializations (4 cells). */
    static final List<String> SAMPLE_SIZE = List.of("sample-size-quick", "--set", "init.count=8", "--set",
            "empirical.n=[200,1000]", "--set", "empirical.datasets=2", "--set", "empirical.max_steps=2000");

    /**
     * {@code onecnn run CONFIG... --out PARENT/run -q --threads 2 EXTRA...}; returns the exit code. Every run folder
     * is named {@code run} (in a parent of its own): report.md names its folder.
     */
    static int run(List<String> config, Path parent, String... extra) {
        List<String> a = new ArrayList<>(List.of("run"));
        a.addAll(config);
        a.addAll(List.of("--out", folder(parent).toString(), "-q", "--threads", "2"));
        a.addAll(Arrays.asList(extra));
        return Main.execute(a.toArray(new String[0]));
    }

    /** The local runs computed so far in this JVM (config → the parent of its run folder), deleted at exit. */
    private static final Map<List<String>, Path> REFERENCES = new HashMap<>();

    /**
     * The parent of the run folder of a local run (on this machine, 2 threads) of {@code config}: computed once
     * per test JVM and shared by the tests that compare with it.
     */
    static synchronized Path localReference(List<String> config) throws IOException {
        Path parent = REFERENCES.get(config);
        if (parent == null) {
            Path root = Files.createTempDirectory("onecnn-spark-reference");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
            parent = root.resolve("local");
            assertEquals(0, run(config, parent), "the local reference run of " + config);
            REFERENCES.put(List.copyOf(config), parent);
        }
        return parent;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary folder left behind
        }
    }

    /**
     * Asserts that two run folders hold the same files with the same bytes, but for {@code provenance.json} (it
     * records when and how the run was computed) and the figures' raster images (PNG embeds no timestamp, but
     * compare the data files): results.csv, summary.csv/json, trajectories, population.csv, report.md (but for the
     * run folder's path in it), SVGs; and of provenance.json, the seed streams the run drew.
     */
    static void assertSameOutputs(Path expectedParent, Path actualParent) throws IOException {
        Path expected = folder(expectedParent);
        Path actual = folder(actualParent);
        TreeSet<String> e = files(expected);
        TreeSet<String> a = files(actual);
        assertEquals(e, a, "the same files");
        for (String f : e) {
            byte[] want = Files.readAllBytes(expected.resolve(f));
            if (f.equals("report.md")) {
                // it tells how to rerun the run: ./onecnn run <its folder>/config.yaml
                want = new String(want, StandardCharsets.UTF_8).replace(expected.toString(), actual.toString())
                        .getBytes(StandardCharsets.UTF_8);
            }
            assertArrayEquals(want, Files.readAllBytes(actual.resolve(f)), f);
        }
        // provenance.json differs (times, executor), but lists the same seed streams, wherever cells were computed
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(expected.resolve("provenance.json").toFile()).path("seeds").path("streams"),
                json.readTree(actual.resolve("provenance.json").toFile()).path("seeds").path("streams"),
                "seeds.streams of provenance.json");
    }

    /** The run folder of a run started by {@link #run} with this parent. */
    static Path folder(Path parent) {
        return parent.resolve("run");
    }

    private static TreeSet<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            TreeSet<String> t = new TreeSet<>();
            s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(f -> !f.equals("provenance.json") && !f.endsWith(".png")).forEach(t::add);
            return t;
        }
    }
}
