package org.onecnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.experiment.CellStore;
import org.onecnn.experiment.ConfigLoader;

/**
 * Spark in local mode ({@code local[2]}: a driver and two task threads in this JVM, the tasks serialized and
 * deserialized as on a cluster) against the local runner: the same run folders byte for byte (results.csv,
 * summary.csv and every other output but provenance); the cell URI; a cell computed twice.
 */
class SparkLocalModeTest {
    @TempDir
    Path dir;

    @BeforeEach
    void home() {
        System.setProperty("onecnn.home", dir.toString());
    }

    @AfterEach
    void clearHome() {
        System.clearProperty("onecnn.home");
    }

    @Test
    void populationSweepOnSparkIsTheLocalRunByteForByte() throws Exception {
        assertEquals(0, SparkRuns.run(SparkRuns.SWEEP, dir.resolve("spark"), "--spark", "local[2]"));
        SparkRuns.assertSameOutputs(SparkRuns.localReference(SparkRuns.SWEEP), dir.resolve("spark"));
        assertTrue(Files.readString(dir.resolve("spark/run/provenance.json")).contains("\"spark, master local[2]\""));
        assertTrue(Files.size(dir.resolve("spark/run/trajectories.csv")) > 0, "the cells' parts came back too");
    }

    @Test
    void sampleSizeOnSparkIsTheLocalRunByteForByte() throws Exception {
        assertEquals(0, SparkRuns.run(SparkRuns.SAMPLE_SIZE, dir.resolve("spark"), "--spark", "local[2]"));
        SparkRuns.assertSameOutputs(SparkRuns.localReference(SparkRuns.SAMPLE_SIZE), dir.resolve("spark"));
    }

    /**
     * With a cell URI, a second job of the same config (a resubmission into a new run folder) takes every cell
     * from there (the kept files are not rewritten), one damaged or missing cell is recomputed, and the results
     * are the same bytes.
     */
    @Test
    void cellUriKeepsCellsForAResubmittedJob() throws Exception {
        String uri = dir.resolve("kept").toUri().toString();
        assertEquals(0, SparkRuns.run(SparkRuns.SWEEP, dir.resolve("first"), "--spark", "local[2]", "--cell-uri", uri));
        Path kept;
        try (Stream<Path> s = Files.list(dir.resolve("kept"))) {
            kept = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Map<Path, FileTime> times = new HashMap<>();
        try (Stream<Path> s = Files.list(kept)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".csv.json")).toList()) {
                times.put(p, Files.getLastModifiedTime(p));
            }
        }
        assertEquals(6, times.size(), "one kept cell per grid cell");
        Path damaged = kept.resolve("cell-00001.csv.json");
        Path missing = kept.resolve("cell-00004.csv.json");
        Files.writeString(damaged, "{\"format\":1,\"csv\":\"trunc");
        Files.delete(missing);
        Files.deleteIfExists(kept.resolve(".cell-00001.csv.json.crc"));
        Files.deleteIfExists(kept.resolve(".cell-00004.csv.json.crc"));
        Thread.sleep(1100); // a file rewritten now has a later modification time
        assertEquals(0, SparkRuns.run(SparkRuns.SWEEP, dir.resolve("second"), "--spark", "local[2]", "--cell-uri", uri));
        SparkRuns.assertSameOutputs(SparkRuns.localReference(SparkRuns.SWEEP), dir.resolve("first"));
        SparkRuns.assertSameOutputs(dir.resolve("first"), dir.resolve("second"));
        for (Map.Entry<Path, FileTime> e : times.entrySet()) {
            if (!e.getKey().equals(damaged) && !e.getKey().equals(missing)) {
                assertEquals(e.getValue(), Files.getLastModifiedTime(e.getKey()), e.getKey() + " was reused, not rewritten");
            }
        }
        assertTrue(Files.getLastModifiedTime(damaged).compareTo(times.get(damaged)) > 0, "the damaged cell recomputed");
        assertTrue(Files.isRegularFile(missing), "the missing cell recomputed and kept");
    }

    /** A cell computed twice (a retried task) has the same bytes; they decode to what the store writes. */
    @Test
    void aCellComputedTwiceHasTheSameBytes() throws Exception {
        ConfigLoader.Loaded loaded = ConfigLoader.load("du2018-table1", List.of("init.count=300", "grid.k=[25]",
                "grid.ratio=[4]", "record.runs=1", "record.every=500"));
        String yaml = ConfigLoader.toYaml(loaded.config());
        String hash = CellStore.configHash(loaded.config());
        CellTask task = new CellTask(yaml, hash, null);
        byte[] once = task.compute(0, new String[0], 1, new Configuration());
        byte[] twice = new CellTask(yaml, hash, null).compute(0, new String[0], 2, new Configuration());
        assertArrayEquals(once, twice, "the same bytes on 1 and on 2 threads, computed twice");
        assertEquals(null, CellBytes.problem(once, hash, CellTask.sweep(yaml, hash).key(0)));
        assertTrue(CellBytes.problem(once, "0".repeat(64), CellTask.sweep(yaml, hash).key(0))
                .startsWith("a cell of another config"));
    }
}
