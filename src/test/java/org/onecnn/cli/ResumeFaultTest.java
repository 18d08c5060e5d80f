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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.experiment.RunFolder;
import org.onecnn.util.TestHooks;

/**
 * kill -9 and resume give byte-identical files (issue 7). onecnn runs in child JVMs (this test's class
 * path, {@code org.onecnn.cli.Main}); each child pauses at a known point ({@link TestHooks}: after the
 * start, in the middle of a cell, while writing a cell, {@code summary.json}, a plot, {@code report.md}, the
 * final {@code provenance.json})
 * and is killed there with SIGKILL ({@link Process#destroyForcibly()} on Linux); the next child resumes
 * the folder and is killed at the next point; a last resume finishes it. Every file of the finished
 * folder must equal, byte for byte, the file of an uninterrupted run of the same config, except
 * {@code provenance.json} (it records times and the resumes) and the folder's own path in the
 * {@code report.md} line that shows how to rerun it; the folder must hold no leftovers of the killed
 * writes.
 *
 * <p>The children run with {@code OMP_NUM_THREADS=1}: on a 2-core machine busy with the rest of the
 * suite, ND4J's spinning OpenMP threads make the empirical engine several times slower. The
 * uninterrupted reference runs in a child with the same setting, so the comparison is like for like.
 */
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class ResumeFaultTest {
    @TempDir
    Path home;

    /** onecnn in a child JVM ({@link Child}) with one OpenMP thread, paused at {@code pauseAt} unless null. */
    private Child start(String pauseAt, List<String> args) throws IOException {
        return Child.in(home).singleOmpThread().pauseAt(pauseAt).start(args);
    }

    /** Runs onecnn to the end in a child; fails unless it exits 0. */
    private void complete(List<String> args) throws IOException, InterruptedException {
        Child.in(home).singleOmpThread().complete(args, 300);
    }

    /** Runs onecnn in a child until it pauses at {@code pauseAt}; returns it paused (not killed yet). */
    private Child pauseAt(String pauseAt, List<String> args) throws IOException, InterruptedException {
        return start(pauseAt, args).awaitPause(pauseAt);
    }

    private static void kill(Child c) throws InterruptedException {
        c.kill();
    }

    /** Runs onecnn until it pauses at {@code point}, then kills it with SIGKILL. */
    private void killAt(String point, List<String> args) throws IOException, InterruptedException {
        kill(pauseAt(point, args));
    }

    private static List<String> resumeArgs(Path dir) {
        return List.of("run", "--resume", dir.toString(), "--threads", "1", "-q");
    }

    private static List<String> leftovers(Path dir) throws IOException {
        List<String> l = new ArrayList<>();
        for (Path d : List.of(dir, dir.resolve("cells"))) {
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".partial")).forEach(l::add);
                }
            }
        }
        return l;
    }

    /** Every file of the uninterrupted run {@code ref}, byte for byte, in {@code dir} (see the class comment). */
    static void assertSameFiles(Path ref, Path dir) throws IOException {
        List<String> names;
        try (Stream<Path> s = Files.list(ref)) {
            names = s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(names, s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted()
                    .toList(), "the same files, no cells/ and no leftovers");
        }
        assertEquals(List.of(), leftovers(dir));
        for (String f : List.of("results.csv", "summary.csv", "summary.json")) {
            assertTrue(names.contains(f), f);
        }
        for (String f : names) {
            if (f.equals("provenance.json")) {
                continue;
            }
            byte[] expected = Files.readAllBytes(ref.resolve(f));
            if (f.equals("report.md")) {
                expected = Files.readString(ref.resolve(f)).replace(ref.toString(), dir.toString())
                        .getBytes(StandardCharsets.UTF_8);
            }
            assertArrayEquals(expected, Files.readAllBytes(dir.resolve(f)), f);
        }
        String prov = Files.readString(dir.resolve("provenance.json"));
        assertTrue(prov.contains("\"status\": \"complete\"") && prov.contains("\"resumed\""), prov);
    }

    @Test
    void populationSweepKilledAnywhereResumesToIdenticalBytes() throws Exception {
        List<String> sweep = List.of("run", "du2018-table1", "--set", "init.count=300", "--set", "grid.k=[25,36]",
                "--set", "grid.ratio=[0,4]", "--threads", "1", "-q", "--out");
        Path ref = home.resolve("uninterrupted");
        List<String> refArgs = new ArrayList<>(sweep);
        refArgs.add(ref.toString());
        complete(refArgs);

        Path dir = home.resolve("killed");
        List<String> args = new ArrayList<>(sweep);
        args.add(dir.toString());
        // early: folder, config and provenance written, nothing computed. A second process is refused meanwhile.
        Child first = pauseAt("started", args);
        assertSecondProcessRefused(dir, first.process.pid());
        kill(first);
        assertFalse(Files.exists(dir.resolve("cells")));
        // mid-cell: 300 initializations are two chunks (of 256 and 44); the third chunk is the first of cell 1
        killAt("chunk:3", resumeArgs(dir));
        assertTrue(Files.isRegularFile(dir.resolve("cells/cell-00000.csv")));
        assertFalse(Files.exists(dir.resolve("cells/cell-00001.csv")));
        // while writing a cell: its temporary file is complete, the rename not done
        killAt("write:cell-00002.csv", resumeArgs(dir));
        assertFalse(Files.exists(dir.resolve("cells/cell-00002.csv")));
        assertEquals(1, leftovers(dir).size(), leftovers(dir).toString());
        // while writing the summary, a plot, the report, and the final provenance.json (its second write)
        for (String point : List.of("write:summary.json", "write:p_global.png", "write:report.md",
                "write:provenance.json:2")) {
            killAt(point, resumeArgs(dir));
            assertEquals(1, leftovers(dir).size(), point + ": " + leftovers(dir));
        }
        // killed after report.md, before the run was recorded complete: the cells are still there to resume from
        assertTrue(Files.isRegularFile(dir.resolve("report.md")) && Files.isDirectory(dir.resolve("cells")));
        complete(resumeArgs(dir));
        assertSameFiles(ref, dir);
    }

    @Test
    void sampleSizeKilledAnywhereResumesToIdenticalBytes() throws Exception {
        List<String> run = List.of("run", "sample-size", "--set", "init.count=4", "--set", "empirical.n=[200,400]",
                "--set", "empirical.datasets=1", "--set", "empirical.max_steps=300", "--threads", "1", "-q", "--out");
        Path ref = home.resolve("uninterrupted");
        List<String> refArgs = new ArrayList<>(run);
        refArgs.add(ref.toString());
        complete(refArgs);

        Path dir = home.resolve("killed");
        List<String> args = new ArrayList<>(run);
        args.add(dir.toString());
        killAt("started", args);
        // while writing the second cell (n = 400): the first is done
        killAt("write:n-400-d-0.csv", resumeArgs(dir));
        assertTrue(Files.isRegularFile(dir.resolve("cells/n-200-d-0.csv")));
        assertFalse(Files.exists(dir.resolve("cells/n-400-d-0.csv")));
        for (String point : List.of("write:summary.json", "write:report.md")) {
            killAt(point, resumeArgs(dir));
            assertEquals(1, leftovers(dir).size(), point + ": " + leftovers(dir));
        }
        complete(resumeArgs(dir));
        assertSameFiles(ref, dir);
    }

    /**
     * A sample-size run on {@code empirical.datasets_from} killed with SIGKILL after its first cell: its first
     * {@code provenance.json} already holds every data set's content hash, so a resume after one bit of a data set
     * was flipped is refused in one line naming that folder, with nothing in the run folder changed; with the bit
     * restored the resume finishes with the bytes of an uninterrupted run.
     */
    @Test
    void sampleSizeOnChangedDatasetsIsRefusedOnResumeAndUnchangedResumesToIdenticalBytes() throws Exception {
        List<String> sets = List.of("--set", "init.count=4", "--set", "empirical.n=[200,400]", "--set",
                "empirical.datasets=1", "--set", "empirical.max_steps=300", "--threads", "1", "-q");
        // the data sets to read: saved by a run of the same sizes
        List<String> save = new ArrayList<>(List.of("run", "sample-size", "--set", "empirical.save_datasets=true"));
        save.addAll(sets);
        save.addAll(List.of("--out", home.resolve("saver").toString()));
        complete(save);
        Path data = home.resolve("datasets").resolve("saver");
        List<String> run = new ArrayList<>(List.of("run", "sample-size", "--set", "empirical.datasets_from=" + data));
        run.addAll(sets);
        run.add("--out");
        Path ref = home.resolve("uninterrupted");
        List<String> refArgs = new ArrayList<>(run);
        refArgs.add(ref.toString());
        complete(refArgs);

        Path dir = home.resolve("killed");
        List<String> args = new ArrayList<>(run);
        args.add(dir.toString());
        killAt("write:n-400-d-0.csv", args);
        assertTrue(Files.isRegularFile(dir.resolve("cells/n-200-d-0.csv")));
        String prov = Files.readString(dir.resolve("provenance.json"));
        for (String set : List.of("n-200-d-0", "n-400-d-0")) {
            Path f = data.resolve(set);
            assertTrue(prov.contains(org.onecnn.empirical.data.DatasetStore.contentHash(f)), set + ": " + prov);
        }

        // one bit of the data set the done cell trained on: the lowest mantissa bit of its last input (finite)
        Path x = data.resolve("n-200-d-0").resolve("X.npy");
        byte[] original = Files.readAllBytes(x);
        byte[] flipped = original.clone();
        flipped[flipped.length - 4] ^= 1;
        Files.write(x, flipped);
        Map<String, byte[]> before = contents(dir);
        Child c = start(null, resumeArgs(dir));
        assertEquals(2, c.end(300), c.output());
        // the JVM's own notice of the incubator module aside, one line
        String out = c.output().replace(Child.INCUBATOR_NOTICE, "");
        assertTrue(out.startsWith("onecnn: error: empirical.datasets_from: " + data.resolve("n-200-d-0")
                + " changed since the run started") && out.indexOf('\n') == out.length() - 1, out);
        Map<String, byte[]> after = contents(dir);
        assertEquals(before.keySet(), after.keySet(), "nothing written");
        before.forEach((f, b) -> assertArrayEquals(b, after.get(f), f));

        // restored: resumes to the bytes of the uninterrupted run
        Files.write(x, original);
        complete(resumeArgs(dir));
        assertSameFiles(ref, dir);
    }

    /**
     * Every file under {@code dir} (relative name) and its bytes, but the lock file, which every resume takes
     * (writing its pid) before it checks anything.
     */
    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals(
                    RunFolder.LOCK)).toList()) {
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    /** While a child holds the folder, a resume in this process is refused with one line naming the child. */
    private static void assertSecondProcessRefused(Path dir, long pid) throws IOException {
        String before = Files.readString(dir.resolve("provenance.json"));
        String e;
        try (Console console = Console.capture()) {
            assertEquals(2, Main.execute("run", "--resume", dir.toString(), "-q"));
            e = console.stderr().strip();
        }
        assertEquals("onecnn: error: --resume: " + dir + " is being run by another onecnn process (pid " + pid + "); "
                + "wait for it to finish, or stop it and resume again", e);
        assertEquals(before, Files.readString(dir.resolve("provenance.json")));
        assertTrue(Files.isRegularFile(dir.resolve(RunFolder.LOCK)));
    }
}
