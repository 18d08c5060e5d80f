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
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.onecnn.experiment.setup.Divergence;
import org.onecnn.experiment.RunFolder;

/**
 * The integrity of a job array's folder (issue: damaged shard records, a shard of another count, a rerun that
 * lost its record, a resume that left {@code shards/}, merge's messages and exit codes, a missing provenance):
 * the shards run one after another in this JVM (the order is the test's, no timing involved), on a 4-cell sweep
 * ({@code du2018-table1}, k ∈ {25, 36}, ratio ∈ {0, 4}, 64 initializations), so that shard I/4 computes cell
 * I − 1. Every refusal is one line, exit 2, and leaves the folder as it was; every run that completes has the
 * bytes of a local run.
 */
class JobArrayIntegrityTest extends CliFixture {
    private static final List<String> SMALL = List.of("init.count=64", "grid.k=[25,36]", "grid.ratio=[0,4]");

    private static List<String> base(List<String> sets) {
        List<String> a = new ArrayList<>(List.of("run", "du2018-table1", "-q", "--threads", "2"));
        for (String s : sets) {
            a.add("--set");
            a.add(s);
        }
        return a;
    }

    private int shard(int i, int n, Path dir, String... more) {
        List<String> a = base(SMALL);
        a.addAll(List.of("--shard", i + "/" + n, "--out", dir.toString()));
        a.addAll(List.of(more));
        return run(a.toArray(new String[0]));
    }

    /** A local run of the same config: what every assembled folder must equal. */
    private Path local() {
        Path ref = home.resolve("local");
        List<String> a = base(SMALL);
        a.addAll(List.of("--out", ref.toString()));
        assertEquals(0, run(a.toArray(new String[0])), stderr());
        return ref;
    }

    private static void assertLikeLocal(Path ref, Path dir) throws IOException {
        for (String f : List.of("results.csv", "summary.csv", "summary.json", "p_global_table.csv")) {
            assertArrayEquals(Files.readAllBytes(ref.resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
        }
        assertFalse(Files.exists(dir.resolve("cells")), "cells/ removed");
        assertFalse(Files.exists(dir.resolve("shards")), "shards/ removed");
        assertEquals("complete", prov(dir).path("status").asText());
    }

    private static JsonNode prov(Path dir) throws IOException {
        return new ObjectMapper().readTree(dir.resolve("provenance.json").toFile());
    }

    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (!p.getFileName().toString().endsWith(".lock")) {
                    m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
        }
        return m;
    }

    private static void assertUnchanged(Map<String, byte[]> before, Path dir) throws IOException {
        Map<String, byte[]> after = snapshot(dir);
        assertEquals(before.keySet(), after.keySet());
        for (String k : before.keySet()) {
            assertArrayEquals(before.get(k), after.get(k), k);
        }
    }

    /** The one line on standard error: an error naming {@code field}, with each fragment. */
    private String oneError(String field, String... fragments) {
        List<String> lines = stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), stderr());
        String l = lines.get(0);
        assertTrue(l.startsWith("onecnn: error: " + field + ": "), l);
        for (String f : fragments) {
            assertTrue(l.contains(f), f + " in: " + l);
        }
        return l;
    }

    private void noMergeShards(Path dir, int... shards) {
        for (int i : shards) {
            assertEquals(0, shard(i, 4, dir, "--no-merge"), stderr());
        }
    }

    @Test
    void aDamagedShardRecordRefusesTheMergeAndItsShardRewritesIt() throws IOException {
        Path ref = local();
        Path dir = home.resolve("array");
        noMergeShards(dir, 1, 2, 3);
        Files.writeString(dir.resolve("shards/shard-0001-of-0004.json"), "{garbage");
        // the last shard computes its cell, then refuses to merge: no results, no report, the folder mergeable
        assertEquals(2, shard(4, 4, dir));
        oneError("--shard", "shards/shard-0001-of-0004.json is not valid JSON", "the run was not merged",
                "run shard 1/4 again");
        for (String f : List.of("results.csv", "summary.csv", "report.md")) {
            assertFalse(Files.exists(dir.resolve(f)), f);
        }
        assertEquals(4, Files.list(dir.resolve("cells")).count());
        assertEquals("running", prov(dir).path("status").asText());
        Map<String, byte[]> before = snapshot(dir);
        assertEquals(2, run("merge", dir.toString(), "-q"));
        oneError("RUN_FOLDER", "shards/shard-0001-of-0004.json is not valid JSON", "run shard 1/4 again");
        assertUnchanged(before, dir);

        // shard 1/4 run again: says it rewrites its record from what the folder proves, does so, and merges
        assertEquals(0, shard(1, 4, dir), stderr());
        assertTrue(stderr().contains("shard-0001-of-0004.json is not valid JSON (damaged or truncated); this shard "
                + "writes it anew"), stderr());
        assertTrue(console.stdout().contains("so this shard merged it"), console.stdout());
        assertLikeLocal(ref, dir);
        JsonNode records = prov(dir).path("job_array").path("shard_records");
        assertEquals(4, records.size());
        JsonNode one = records.get(0);
        assertEquals("1/4", one.path("shard").asText());
        assertEquals("[]", one.path("cells_computed").toString());
        assertEquals("[0]", one.path("sessions").get(0).path("cells_found_done").toString());
    }

    @Test
    void aShardOfAnotherCountIsRefusedBeforeItComputes() throws IOException {
        Path dir = home.resolve("array");
        noMergeShards(dir, 1);
        Map<String, byte[]> before = snapshot(dir);
        assertEquals(2, shard(2, 3, dir));
        oneError("--shard", "2/3: ", "is a job array of 4 shards", "--shard I/4");
        assertUnchanged(before, dir);
    }

    @Test
    void runningAShardAgainKeepsWhatItsRecordSaid() throws IOException {
        Path dir = home.resolve("array");
        noMergeShards(dir, 1, 1);
        JsonNode r = new ObjectMapper().readTree(dir.resolve("shards/shard-0001-of-0004.json").toFile());
        assertEquals("[0]", r.path("cells_computed").toString(), "the first run's cell is not forgotten");
        assertEquals(2, r.path("sessions").size());
        assertEquals("[0]", r.path("sessions").get(0).path("cells_computed").toString());
        assertEquals("[]", r.path("sessions").get(1).path("cells_computed").toString());
        assertEquals("[0]", r.path("sessions").get(1).path("cells_found_done").toString());
    }

    @Test
    void resumeOfAnUnfinishedJobArrayRecordsItsShardsAndRemovesShards() throws IOException {
        Path ref = local();
        Path dir = home.resolve("array");
        noMergeShards(dir, 1, 2);
        assertEquals(0, run("run", "--resume", dir.toString(), "-q"), stderr());
        assertLikeLocal(ref, dir);
        JsonNode array = prov(dir).path("job_array");
        assertEquals(2, array.path("shard_records").size());
        assertEquals("onecnn run --resume", array.path("merged").path("by").asText());
        assertEquals(4, array.path("shards").asInt());
    }

    @Test
    void mergeNamesItsOwnArgumentAndDoesWhatItSays() throws IOException {
        Path ref = local();
        Path dir = home.resolve("array");
        noMergeShards(dir, 1, 2, 3, 4);
        Files.writeString(dir.resolve("cells/notes.txt"), "mine\n");
        Map<String, byte[]> before = snapshot(dir);
        assertEquals(2, run("merge", dir.toString(), "-q"));
        String e = oneError("RUN_FOLDER", "cells/notes.txt is not a cell of this run", "and merge again");
        assertFalse(e.contains("resume"), e);
        assertUnchanged(before, dir);
        Files.delete(dir.resolve("cells/notes.txt"));

        // a tampered cell: merge does not say "recomputing", it refuses and names it and its shard
        Path c2 = dir.resolve("cells/cell-00002.csv");
        List<String> lines = Files.readAllLines(c2);
        Files.writeString(c2, String.join("\n", lines) + "\n" + lines.get(lines.size() - 1) + "\n");
        before = snapshot(dir);
        assertEquals(2, run("merge", dir.toString(), "-q"));
        e = oneError("RUN_FOLDER", "1 of 4 cells missing or damaged: cell 2: ", "(cells of shard 3/4)",
                "cell-00002.csv fails its checksum", "merge again");
        assertFalse(e.contains("recomputing") || e.contains("resume"), e);
        assertUnchanged(before, dir);
        // its shard, run again, says it recomputes the cell, does, and merges
        assertEquals(0, shard(3, 4, dir), stderr());
        assertTrue(stderr().contains("cell-00002.csv fails its checksum") && stderr().contains("recomputing cell 2"),
                stderr());
        assertLikeLocal(ref, dir);
    }

    @Test
    void aMissingOrBrokenProvenanceIsRefusedNotRebuilt() throws IOException {
        Path dir = home.resolve("array");
        noMergeShards(dir, 1, 2, 3);
        Path p = dir.resolve("provenance.json");
        String good = Files.readString(p);
        Files.delete(p);
        Map<String, byte[]> before = snapshot(dir);
        assertEquals(2, shard(4, 4, dir));
        oneError("--shard", "provenance.json is missing", "it is not rebuilt");
        assertUnchanged(before, dir);
        assertEquals(2, run("merge", dir.toString(), "-q"));
        oneError("RUN_FOLDER", "provenance.json is missing", "merge again");
        assertUnchanged(before, dir);
        assertEquals(2, run("run", "--resume", dir.toString(), "-q"));
        oneError("--resume", "provenance.json is missing");
        assertUnchanged(before, dir);

        Files.writeString(p, "{garbage");
        before = snapshot(dir);
        assertEquals(2, shard(4, 4, dir));
        oneError("--shard", "provenance.json is not valid JSON");
        assertEquals(2, run("merge", dir.toString(), "-q"));
        oneError("RUN_FOLDER", "provenance.json is not valid JSON");
        assertUnchanged(before, dir);

        // put back, the last shard merges
        Files.writeString(p, good);
        assertEquals(0, shard(4, 4, dir), stderr());
        assertTrue(console.stdout().contains("so this shard merged it"), console.stdout());
        assertEquals(4, prov(dir).path("job_array").path("shard_records").size());
    }

    @Test
    void outInsideAnotherRunFolderIsRefused() throws IOException {
        Path dir = home.resolve("array");
        noMergeShards(dir, 1);
        Map<String, byte[]> before = snapshot(dir);
        for (String inside : List.of("cells/mine", "shards/x/y", "sub")) {
            List<String> a = base(SMALL);
            a.addAll(List.of("--out", dir.resolve(inside).toString()));
            assertEquals(2, run(a.toArray(new String[0])), inside);
            oneError("--out", "is inside the run folder " + dir);
            assertEquals(2, shard(1, 2, dir.resolve(inside)), inside);
            oneError("--out", "is inside the run folder " + dir);
        }
        assertUnchanged(before, dir);
        assertFalse(Files.exists(dir.resolve("sub")));
        // the run it protects still resumes
        assertEquals(0, run("run", "--resume", dir.toString(), "-q"), stderr());
        assertTrue(Files.isRegularFile(dir.resolve("report.md")));
        assertFalse(Files.exists(dir.resolve("cells")));
        assertTrue(Files.exists(dir.resolve(RunFolder.LOCK)));
    }

    /** A folder that was not started as a job array (an interrupted local run) is neither merged nor sharded. */
    @Test
    void aLocalRunIsNeitherMergedNorSharded() throws IOException {
        Path ref = local();
        Path dir = Files.createDirectory(home.resolve("interrupted"));
        try (Stream<Path> s = Files.list(ref)) {
            for (Path p : s.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        org.onecnn.experiment.RunFolders.interrupt(dir, 0, 1);
        Map<String, byte[]> before = snapshot(dir);
        assertEquals(2, run("merge", dir.toString(), "-q"));
        oneError("RUN_FOLDER", "was not started as a job array", "./onecnn run --resume " + dir);
        assertEquals(2, shard(1, 4, dir));
        oneError("--shard", "was not started as a job array", "./onecnn run --resume " + dir);
        assertUnchanged(before, dir);
        assertEquals(0, run("run", "--resume", dir.toString(), "-q"), stderr());
        assertLikeLocal(ref, dir);
    }

    /** A merge of a folder merged already exits 0 even if every run diverged: an afterok chain goes on. */
    @Test
    void mergingAMergedAllDivergedFolderAgainExitsZero() throws IOException {
        Path dir = home.resolve("diverged");
        List<String> a = base(List.of("init.count=4", "grid.k=[4]", "grid.ratio=[1]", "stop.max_steps=100",
                "train.eta=1000"));
        a.addAll(List.of("--shard", "1/1", "--out", dir.toString()));
        assertEquals(Divergence.ALL_DIVERGED_EXIT, run(a.toArray(new String[0])), stderr());
        assertTrue(stderr().contains("every one of the 4 runs diverged"), stderr());
        assertEquals(0, run("merge", dir.toString(), "-q"), stderr());
        assertTrue(console.stdout().contains("merged already"), console.stdout());
        assertTrue(stderr().contains("every one of the 4 runs diverged") && !stderr().contains("exit code"), stderr());
        assertEquals(0, run(a.toArray(new String[0])), stderr());
        assertTrue(console.stdout().contains("complete already"), console.stdout());
    }
}
