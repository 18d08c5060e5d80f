package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.util.TestHooks;

/**
 * Job arrays (issue 11): shards of {@code du2018-table1} (36 cells, 64 initializations each instead of 5000, so
 * that a run takes seconds; the reference is a local run of the same reduced config) run as separate processes
 * (child JVMs on this test's class path, {@code org.onecnn.cli.Main}) into one run folder, at once, and the
 * assembled folder equals the local run byte for byte: every file but {@code provenance.json} (times, hosts, shard
 * records), with the run folder's own path in {@code report.md}'s rerun line replaced. A shard killed with SIGKILL
 * (at a {@link TestHooks} pause: while writing one of its cells; while merging) and run again, and {@code onecnn
 * merge}, change nothing in these bytes.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JobArrayTest {
    @TempDir
    Path home;

    /** Holds the local reference run, computed once for the tests of this class. */
    @TempDir
    static Path shared;

    private static final List<String> RUN = List.of("run", "du2018-table1", "--set", "init.count=64", "--threads",
            "1", "-q");

    /** onecnn in a child JVM ({@link Child}), paused at {@code pauseAt} unless it is null. */
    private Child start(String pauseAt, List<String> args) throws IOException {
        return Child.in(home).pauseAt(pauseAt).start(args);
    }

    /** Runs onecnn to the end in a child; fails unless it exits 0; returns what it printed. */
    private String complete(List<String> args) throws IOException, InterruptedException {
        return Child.in(home).complete(args, 240);
    }

    /** Runs onecnn in a child until it pauses at {@code pauseAt}; returns it paused. */
    private Child pauseAt(String pauseAt, List<String> args) throws IOException, InterruptedException {
        return start(pauseAt, args).awaitPause(pauseAt);
    }

    /** Runs onecnn in a child until it pauses at {@code pauseAt}, then kills it with SIGKILL. */
    private void killAt(String pauseAt, List<String> args) throws IOException, InterruptedException {
        kill(pauseAt(pauseAt, args));
    }

    private static void kill(Child c) throws InterruptedException {
        c.kill();
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> l = new ArrayList<>(base);
        l.addAll(List.of(more));
        return l;
    }

    private static List<String> shard(int i, int n, Path dir) {
        return with(RUN, "--shard", i + "/" + n, "--out", dir.toString());
    }

    /** The local run every job array of {@code du2018-table1} here must reproduce (run once, by the first test). */
    private Path reference() throws IOException, InterruptedException {
        Path ref = shared.resolve("local");
        if (!Files.isRegularFile(ref.resolve("report.md"))) {
            complete(with(RUN, "--out", ref.toString()));
        }
        return ref;
    }

    /** Every file of the folder, path to bytes, hidden files ({@code .lock}) left out. */
    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString();
                if (!p.getFileName().toString().equals(".lock")) {
                    m.put(rel, Files.readAllBytes(p));
                }
            }
        }
        return m;
    }

    private static void assertUnchanged(Map<String, byte[]> before, Path dir) throws IOException {
        Map<String, byte[]> after = snapshot(dir);
        assertEquals(before.keySet(), after.keySet());
        for (String f : before.keySet()) {
            assertArrayEquals(before.get(f), after.get(f), f);
        }
    }

    /**
     * The files of the local run {@code ref}, byte for byte, in {@code dir}, and nothing else: no {@code cells/},
     * no {@code shards/}, no leftovers.
     */
    private static void assertSameAsLocal(Path ref, Path dir) throws IOException {
        Map<String, byte[]> want = snapshot(ref);
        Map<String, byte[]> got = snapshot(dir);
        assertEquals(want.keySet(), got.keySet(), "the same files, no cells/, shards/ or leftovers");
        for (String f : want.keySet()) {
            if (f.equals("provenance.json")) {
                continue;
            }
            byte[] expected = want.get(f);
            if (f.equals("report.md")) {
                expected = new String(expected, StandardCharsets.UTF_8).replace(ref.toString(), dir.toString())
                        .getBytes(StandardCharsets.UTF_8);
            }
            assertArrayEquals(expected, got.get(f), f);
        }
        JsonNode prov = new ObjectMapper().readTree(dir.resolve("provenance.json").toFile());
        assertEquals("complete", prov.path("status").asText());
        assertEquals(new ObjectMapper().readTree(ref.resolve("provenance.json").toFile()).path("config_sha256"),
                prov.path("config_sha256"));
    }

    @Test
    void fourShardsAtOnceMergeToTheBytesOfALocalRun() throws Exception {
        Path ref = reference();
        Path dir = home.resolve("array");
        List<Child> shards = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            shards.add(start(null, shard(i, 4, dir)));
        }
        int merged = 0;
        for (Child c : shards) {
            assertEquals(0, c.end(240), c.output());
            assertTrue(c.output().contains("computed 9 cell(s)"), c.output());
            merged += c.output().contains("so this shard merged it") ? 1 : 0;
        }
        assertEquals(1, merged, "exactly one shard, the last, merges");
        assertSameAsLocal(ref, dir);
        JsonNode prov = new ObjectMapper().readTree(dir.resolve("provenance.json").toFile());
        assertEquals(4, prov.path("job_array").path("shard_records").size());
        assertEquals(prov.path("seeds").path("streams"), new ObjectMapper().readTree(ref.resolve("provenance.json")
                .toFile()).path("seeds").path("streams"), "the seed streams of the shards are the local run's");

        // merging again, or running a shard again, changes nothing
        Map<String, byte[]> done = snapshot(dir);
        assertTrue(complete(List.of("merge", dir.toString(), "-q")).contains("merged already"));
        assertTrue(complete(shard(3, 4, dir)).contains("complete already"));
        assertUnchanged(done, dir);
    }

    @Test
    void aShardKilledMidwayAndRunAgainChangesNothing() throws Exception {
        Path ref = reference();
        Path dir = home.resolve("array");
        // shard 2/4 (cells 1, 5, 9, ...) paused while writing cell 5: cell 1 is written, cell 5 half
        Child two = pauseAt("write:cell-00005.csv", shard(2, 4, dir));
        // meanwhile the other shards start, compute and end: none waits for shard 2/4, none merges
        for (int i : new int[] {1, 3, 4}) {
            String out = complete(shard(i, 4, dir));
            assertTrue(out.contains("computed 9 cell(s)") && !out.contains("merged"), out);
        }
        // shard 2/4 is killed there
        kill(two);
        assertTrue(Files.isRegularFile(dir.resolve("cells/cell-00001.csv")));
        assertFalse(Files.exists(dir.resolve("cells/cell-00005.csv")));

        // a merge now is refused on one line naming the missing cells and their shard, and changes nothing
        Map<String, byte[]> before = snapshot(dir);
        Child m = start(null, List.of("merge", dir.toString()));
        assertEquals(2, m.end(240), m.output());
        String err = m.output().strip();
        assertEquals(1, err.lines().filter(l -> !l.startsWith("WARNING: Using incubator")).count(), err);
        assertTrue(err.contains("8 of 36 cells missing: cell 5: k=25, ratio=25; cell 9: k=36, ratio=9;")
                && err.contains("(cells of shard 2/4)"), err);
        assertUnchanged(before, dir);

        // run again, it computes only its 8 missing cells, and is the last shard: it merges; killed while merging
        killAt("write:summary.json", shard(2, 4, dir));
        assertTrue(Files.isDirectory(dir.resolve("cells")), "killed before the merge ended: the cells are kept");
        // run again once more: its cells are all there; it merges
        String out = complete(shard(2, 4, dir));
        assertTrue(out.contains("computed 0 cell(s)") && out.contains("so this shard merged it"), out);
        assertSameAsLocal(ref, dir);
    }

    @Test
    void onecnnMergeAssemblesWhatNoShardMerged() throws Exception {
        Path ref = reference();
        Path dir = home.resolve("array");
        // --no-merge: not even the last shard merges
        for (int i = 1; i <= 3; i++) {
            String out = complete(with(shard(i, 3, dir), "--no-merge"));
            assertTrue(out.contains("computed 12 cell(s)") && out.contains("merged by ./onecnn merge"), out);
        }
        assertTrue(Files.isDirectory(dir.resolve("cells")) && !Files.exists(dir.resolve("report.md")));
        // onecnn merge killed while it writes report.md; run again, it finishes
        killAt("write:report.md", List.of("merge", dir.toString(), "-q"));
        assertTrue(complete(List.of("merge", dir.toString(), "-q")).contains("merged in"));
        assertSameAsLocal(ref, dir);
        JsonNode prov = new ObjectMapper().readTree(dir.resolve("provenance.json").toFile());
        assertEquals("onecnn merge", prov.path("job_array").path("merged").path("by").asText());
        assertEquals(3, prov.path("job_array").path("shard_records").size());
    }

    /**
     * Two tasks with the same index at once (a requeue while the first still runs, a repeated index): the second is
     * refused on one line and computes nothing, so no cell is computed twice. The interleaving is forced, not timed:
     * the first task is paused (a {@link TestHooks} pause point) while it writes its second cell, holding its
     * shard's lock, when the second starts. Killed there and run again, the first finishes its share.
     */
    @Test
    void twoTasksWithTheSameIndexNeverComputeTheSameCells() throws Exception {
        List<String> small = List.of("run", "du2018-table1", "--set", "init.count=64", "--set", "grid.k=[25,36]",
                "--set", "grid.ratio=[0,4]", "--threads", "1", "-q");
        Path dir = home.resolve("same-index");
        List<String> one = with(small, "--shard", "1/2", "--out", dir.toString());
        // shard 1/2 computes cells 0 and 2: paused while writing cell 2, cell 0 written
        Child first = pauseAt("write:cell-00002.csv", one);
        Child second = start(null, one);
        assertEquals(2, second.end(240), second.output());
        String err = second.output().strip();
        List<String> lines = err.lines().filter(l -> !l.startsWith("WARNING: Using incubator")).toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).startsWith("onecnn: error: --shard: 1/2 of " + dir + " is running already in another "
                + "onecnn process (pid " + first.process.pid() + "; "), err);
        assertTrue(first.process.isAlive(), "the first task goes on");
        kill(first);
        String out = complete(one);
        assertTrue(out.contains("computed 1 cell(s)"), out);
        out = complete(with(small, "--shard", "2/2", "--out", dir.toString()));
        assertTrue(out.contains("computed 2 cell(s)") && out.contains("so this shard merged it"), out);
        JsonNode records = new ObjectMapper().readTree(dir.resolve("provenance.json").toFile()).path("job_array")
                .path("shard_records");
        // the killed task wrote no record and the refused one none: one session, which computed cell 2 and found
        // cell 0 done (by the killed task)
        assertEquals(1, records.get(0).path("sessions").size(), records.toString());
        assertEquals("[2]", records.get(0).path("cells_computed").toString());
        assertEquals("[0]", records.get(0).path("sessions").get(0).path("cells_found_done").toString());
    }

    /**
     * A sample-size study (2 sample sizes × 2 data sets = 4 cells, each a full-batch training on ND4J; reduced so
     * that it takes seconds) in two tasks at once: every task computes the population reference itself and writes
     * the same {@code population.csv}; the merged folder is the local run's, byte for byte.
     */
    @Test
    void aSampleSizeStudyInTwoTasksIsTheLocalRun() throws Exception {
        List<String> run = List.of("run", "sample-size-quick", "--set", "init.count=16", "--set",
                "empirical.n=[200,1000]", "--set", "empirical.datasets=2", "--set", "empirical.max_steps=2000",
                "--set", "stop.max_steps=4000", "--threads", "1", "-q");
        Path ref = home.resolve("local");
        complete(with(run, "--out", ref.toString()));
        Path dir = home.resolve("array");
        List<Child> tasks = List.of(start(null, with(run, "--shard", "1/2", "--out", dir.toString())),
                start(null, with(run, "--shard", "2/2", "--out", dir.toString())));
        for (Child c : tasks) {
            assertEquals(0, c.end(240), c.output());
        }
        assertSameAsLocal(ref, dir);
    }
}
