package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.experiment.RunFolder;
import org.onecnn.experiment.RunFolders;
import org.onecnn.report.Table;

/**
 * {@code --resume} of tampered or foreign run folders (issue 7): every cell is verified before anything
 * runs; a damaged cell (copied from another cell, duplicated row, non-numeric value, binary, truncated,
 * written without a header) is reported on one line and recomputed, so the result is byte-identical to
 * an uninterrupted run; cells of another config, an edited config.yaml, or files that are not cells of
 * the run refuse the resume with one line, exit 2, and nothing in the folder changes; a folder run by
 * another process is refused.
 */
class ResumeIntegrityTest extends CliFixture {
    @TempDir
    static Path shared;


    /** A complete, uninterrupted run: what every repaired resume must reproduce byte for byte. */
    private static Path full;

    private static final List<String> SMALL = List.of("init.count=64", "grid.k=[25,36]", "grid.ratio=[0,4]");

    @BeforeAll
    static void runOnce() {
        full = shared.resolve("full");
        try (Console c = Console.capture()) {
            int rc = Main.execute(args("run", "du2018-table1", "--out", full.toString(), "-q", "--threads", "2"));
            assertEquals(0, rc, c.output());
        }
    }

    private static String[] args(String... first) {
        List<String> l = new java.util.ArrayList<>(List.of(first));
        for (String s : SMALL) {
            l.add("--set");
            l.add(s);
        }
        return l.toArray(new String[0]);
    }

    private int resume(Path dir, String... more) {
        console.reset();
        List<String> a = new java.util.ArrayList<>(List.of("run", "--resume", dir.toString()));
        a.addAll(List.of(more));
        return Main.execute(a.toArray(new String[0]));
    }

    private List<String> stderrLines() {
        return console.stderr().lines().filter(l -> !l.isBlank()).toList();
    }

    /** A copy of the complete run, to be interrupted and tampered with. */
    private Path copyOfFull(String name) throws IOException {
        Path dir = Files.createDirectory(home.resolve(name));
        try (Stream<Path> s = Files.list(full)) {
            for (Path p : s.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        return dir;
    }

    private static void assertLikeFull(Path dir) throws IOException {
        for (String f : List.of("results.csv", "summary.csv", "summary.json", "p_global_table.csv")) {
            assertArrayEquals(Files.readAllBytes(full.resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
        }
        assertFalse(Files.exists(dir.resolve("cells")), "cells/ removed once assembled");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".partial")).toList());
        }
    }

    /** Every file under {@code dir} but the lock file (which any process that takes the lock rewrites), by path. */
    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (!p.getFileName().toString().equals(RunFolder.LOCK)) {
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

    private void assertOneErrorLine(String... fragments) {
        List<String> lines = stderrLines();
        assertEquals(1, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("onecnn: error: --resume: "), lines.get(0));
        for (String f : fragments) {
            assertTrue(lines.get(0).contains(f), f + " in: " + lines.get(0));
        }
    }

    private List<String> warnings() {
        return stderrLines().stream().filter(l -> l.startsWith("onecnn: warning: ")).toList();
    }

    @Test
    void cellCopiedFromAnotherCellIsRecomputed() throws IOException {
        Path part = copyOfFull("copied");
        List<Path> cells = RunFolders.interrupt(part, 0, 1, 2, 3);
        // cell 3 (k=36, ratio=4: P(GLOBAL) about 1) replaced by cell 0 (k=25, ratio=0: about one half)
        Files.copy(cells.get(0), cells.get(3), StandardCopyOption.REPLACE_EXISTING);
        assertEquals(0, resume(part, "-q"), String.join("\n", stderrLines()));
        List<String> w = warnings();
        assertEquals(1, w.size(), String.join("\n", stderrLines()));
        assertTrue(w.get(0).contains("cell-00003.csv holds cell 0: k=25, ratio=0, not cell 3: k=36, ratio=4"), w.get(0));
        assertLikeFull(part);
    }

    @Test
    void duplicatedRowIsRecomputed() throws IOException {
        Path part = copyOfFull("duplicated");
        List<Path> cells = RunFolders.interrupt(part, 0, 1, 2, 3);
        List<String> lines = Files.readAllLines(cells.get(1));
        Files.writeString(cells.get(1), String.join("\n", lines) + "\n" + lines.get(lines.size() - 1) + "\n");
        assertEquals(0, resume(part, "-q"), String.join("\n", stderrLines()));
        List<String> w = warnings();
        assertEquals(1, w.size(), String.join("\n", stderrLines()));
        assertTrue(w.get(0).contains("cell-00001.csv fails its checksum") && w.get(0).contains("recomputing cell 1"),
                w.get(0));
        assertLikeFull(part);
        Table s = Table.readCsv(part.resolve("summary.csv"));
        for (int r = 0; r < s.size(); r++) {
            assertEquals(64, s.getLong(r, "n_runs"));
        }
    }

    @Test
    void nonNumericBinaryAndHeaderlessCellsAreRecomputed() throws IOException {
        Path part = copyOfFull("garbled");
        List<Path> cells = RunFolders.interrupt(part, 0, 1, 2, 3);
        // cell 0: as an older onecnn wrote it (no header line); cell 1: a number replaced by text; cell 2: binary
        List<String> c0 = Files.readAllLines(cells.get(0));
        Files.writeString(cells.get(0), String.join("\n", c0.subList(1, c0.size())) + "\n");
        String c1 = Files.readString(cells.get(1));
        int comma = c1.lastIndexOf(',');
        Files.writeString(cells.get(1), c1.substring(0, comma + 1) + "abc\n");
        byte[] noise = new byte[5000];
        new Random(7).nextBytes(noise);
        Files.write(cells.get(2), noise);
        assertEquals(0, resume(part, "-q"), String.join("\n", stderrLines()));
        List<String> w = warnings();
        assertEquals(3, w.size(), String.join("\n", stderrLines()));
        assertTrue(w.get(0).contains("cell-00000.csv has no onecnn-cell header line"), w.get(0));
        assertTrue(w.get(1).contains("cell-00001.csv fails its checksum"), w.get(1));
        assertTrue(w.get(2).contains("cell-00002.csv has no onecnn-cell header line"), w.get(2));
        assertLikeFull(part);
    }

    @Test
    void truncatedCellIsReportedBeforeAnythingIsComputed() throws IOException {
        Path part = copyOfFull("truncated");
        List<Path> cells = RunFolders.interrupt(part, 3);
        byte[] c3 = Files.readAllBytes(cells.get(3));
        Files.write(cells.get(3), java.util.Arrays.copyOf(c3, c3.length / 2));
        assertEquals(0, resume(part), String.join("\n", stderrLines()));
        List<String> lines = stderrLines();
        int warning = -1;
        int resuming = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("onecnn: warning: ") && lines.get(i).contains("cell-00003.csv")) {
                warning = i;
            }
            if (lines.get(i).startsWith("resuming ")) {
                resuming = i;
            }
        }
        assertTrue(warning >= 0 && resuming > warning, "the damaged cell is reported first:\n" + String.join("\n", lines));
        assertTrue(lines.get(resuming).contains("0 of 4 cells already done"), lines.get(resuming));
        assertLikeFull(part);
    }

    @Test
    void editedConfigIsRefusedAndNothingChanges() throws IOException {
        for (String[] edit : new String[][] {{"  count: 64", "  count: 65"}, {"seed: 20180710", "seed: 7"}}) {
            Path part = copyOfFull("edited-" + edit[1].strip().replace(": ", "-"));
            RunFolders.interrupt(part, 0, 1);
            String yaml = Files.readString(part.resolve("config.yaml"));
            assertTrue(yaml.contains(edit[0] + "\n"), edit[0]);
            Files.writeString(part.resolve("config.yaml"), yaml.replace(edit[0] + "\n", edit[1] + "\n"));
            Map<String, byte[]> before = snapshot(part);
            assertEquals(2, resume(part, "-q"));
            assertOneErrorLine("config.yaml was edited since the run started (config hash was ", "start a new run");
            assertUnchanged(before, part);
            // without the hash recorded in provenance.json, the cells' own hashes refuse it
            Files.delete(part.resolve("provenance.json"));
            before = snapshot(part);
            assertEquals(2, resume(part, "-q"));
            assertOneErrorLine("cells/cell-00000.csv was written by a run of another config", "nothing was changed");
            assertUnchanged(before, part);
        }
    }

    /**
     * config.yaml untouched (its body still hashes to the recorded hash) but resolved differently, as by
     * another version of onecnn with other defaults: simulated by a body that is not in canonical form.
     */
    @Test
    void configResolvedDifferentlyIsRefusedAndNothingChanges() throws Exception {
        Path part = copyOfFull("other-version");
        RunFolders.interrupt(part, 0);
        String yaml = Files.readString(part.resolve("config.yaml")) + "# a comment the canonical form drops\n";
        Files.writeString(part.resolve("config.yaml"), yaml);
        String body = yaml.substring(yaml.indexOf('\n') + 1);
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(body.getBytes(StandardCharsets.UTF_8)));
        String prov = Files.readString(part.resolve("provenance.json"));
        Files.writeString(part.resolve("provenance.json"), prov.replaceFirst("\"config_sha256\": \"[0-9a-f]+\"",
                "\"config_sha256\": \"" + hash + "\""));
        Map<String, byte[]> before = snapshot(part);
        assertEquals(2, resume(part, "-q"));
        assertOneErrorLine("this onecnn resolves ", " differently from the onecnn that started the run (config hash "
                + hash.substring(0, 12) + ", now ", "finish it with that version, or start a new run");
        assertUnchanged(before, part);
    }

    @Test
    void cellsOfAnotherExperimentAreRefusedAndKept() throws IOException {
        Path du = copyOfFull("du");
        RunFolders.interrupt(du, 0, 1, 2, 3);
        // the same cell names under another population sweep, and under sample-size (which used to delete them)
        for (String[] other : new String[][] {{"bg2017-fixed-output", "init.count=64", "grid.k=[25,36]"},
            {"sample-size", "init.count=4", "empirical.n=[200,400]"}}) {
            Path dir = home.resolve("over-" + other[0]);
            RunFolders.started(dir, other[0], List.of(other).subList(1, other.length));
            Files.createDirectory(dir.resolve("cells"));
            try (Stream<Path> s = Files.list(du.resolve("cells"))) {
                for (Path p : s.toList()) {
                    Files.copy(p, dir.resolve("cells").resolve(p.getFileName()));
                }
            }
            Map<String, byte[]> before = snapshot(dir);
            assertEquals(2, resume(dir, "-q"), other[0]);
            assertOneErrorLine("cells/cell-00000.csv was written by a run of another config (config hash ",
                    "nothing was changed; start a new run");
            assertUnchanged(before, dir);
        }
        // a file that is no cell at all is not this run's either: refused, kept
        Files.writeString(du.resolve("cells/notes.txt"), "mine\n");
        Map<String, byte[]> before = snapshot(du);
        assertEquals(2, resume(du, "-q"));
        assertOneErrorLine("cells/notes.txt is not a cell of this run; move it out of ");
        assertUnchanged(before, du);
        Files.delete(du.resolve("cells/notes.txt"));
        assertEquals(0, resume(du, "-q"), String.join("\n", stderrLines()));
        assertLikeFull(du);
    }

    /**
     * provenance.json is the only record of how the run started (experiment, overrides, versions, start time,
     * master seed): broken, deleted or stripped of what it records, the resume is refused on one line and nothing
     * changes (it is not rebuilt from the rest of the folder, which does not prove it); put back, the run resumes.
     */
    @Test
    void brokenOrMissingProvenanceIsRefusedAndNothingChanges() throws IOException {
        Path part = copyOfFull("provenance");
        RunFolders.interrupt(part, 0, 1);
        Path p = part.resolve("provenance.json");
        String good = Files.readString(p);
        String stripped = good.replaceFirst("\"started\" *: *\"[^\"]*\",", "");
        assertFalse(stripped.equals(good), "the test removes the start time");
        String[][] damages = {{"{garbage", "provenance.json is not valid JSON"}, {"[1, 2]",
            "provenance.json is not a JSON object"}, {stripped, "provenance.json lacks started"}, {null,
                "provenance.json is missing"}};
        for (String[] d : damages) {
            if (d[0] == null) {
                Files.delete(p);
            } else {
                Files.writeString(p, d[0]);
            }
            Map<String, byte[]> before = snapshot(part);
            assertEquals(2, resume(part, "-q"), d[1]);
            assertOneErrorLine(d[1], "it is not rebuilt; nothing was changed; put the original back and resume again, "
                    + "or start a new run: ./onecnn run " + part.resolve("config.yaml"));
            assertUnchanged(before, part);
        }
        Files.writeString(p, good);
        assertEquals(0, resume(part, "-q"), String.join("\n", stderrLines()));
        assertLikeFull(part);
        com.fasterxml.jackson.databind.JsonNode prov = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                p.toFile());
        assertEquals(new com.fasterxml.jackson.databind.ObjectMapper().readTree(good).path("started"),
                prov.path("started"), "the start time of the run, kept");
    }

    @Test
    void folderRunByAnotherProcessIsRefused() throws IOException {
        Path part = copyOfFull("locked");
        RunFolders.interrupt(part, 0);
        Map<String, byte[]> before = snapshot(part);
        RunFolder.Lock lock = RunFolder.resume(part).lock();
        try {
            assertEquals(2, resume(part, "-q"));
            assertOneErrorLine(part + " is being run by another onecnn process (pid " + ProcessHandle.current().pid()
                    + ")");
            assertUnchanged(before, part);
        } finally {
            lock.close();
        }
        assertEquals(0, resume(part, "-q"), String.join("\n", stderrLines()));
        assertLikeFull(part);
    }

    @Test
    void changedOrMissingTrajectoryPartIsRecomputed() throws IOException {
        Path rec = home.resolve("recorded");
        console.reset();
        assertEquals(0, Main.execute(args("run", "du2018-table1", "--out", rec.toString(), "-q", "--set", "record.runs=2",
                "--set", "record.every=200")), String.join("\n", stderrLines()));
        Path part = Files.createDirectory(home.resolve("recorded-part"));
        try (Stream<Path> s = Files.list(rec)) {
            for (Path p : s.toList()) {
                Files.copy(p, part.resolve(p.getFileName()));
            }
        }
        RunFolders.interrupt(part, 0, 1, 2, 3);
        Path t1 = part.resolve("cells/cell-00001-trajectories.csv");
        Path t2 = part.resolve("cells/cell-00002-trajectories.csv");
        String t = Files.readString(t1);
        int comma = t.lastIndexOf(',');
        Files.writeString(t1, t.substring(0, comma + 1) + "0.5\n");
        Files.delete(t2);
        assertEquals(0, resume(part, "-q"), String.join("\n", stderrLines()));
        List<String> w = warnings();
        assertEquals(2, w.size(), String.join("\n", stderrLines()));
        assertTrue(w.get(0).contains("cell-00001.csv has its part cell-00001-trajectories.csv missing or changed"),
                w.get(0));
        assertTrue(w.get(1).contains("cell-00002.csv has its part cell-00002-trajectories.csv missing or changed"),
                w.get(1));
        for (String f : List.of("results.csv", "trajectories.csv", "summary.csv", "summary.json")) {
            assertArrayEquals(Files.readAllBytes(rec.resolve(f)), Files.readAllBytes(part.resolve(f)), f);
        }
        assertTrue(Files.readString(rec.resolve("trajectories.csv")).lines().count() > 100);
    }

    @Test
    void leftoversOfInterruptedWritesAreRemoved() throws IOException {
        Path part = copyOfFull("leftovers");
        RunFolders.interrupt(part, 0, 2);
        Files.writeString(part.resolve(".summary.json.4242.1.partial"), "{\"half\": ");
        Files.write(part.resolve(".p_global.png.4242.1.partial"), new byte[] {(byte) 0x89, 'P', 'N'});
        Files.writeString(part.resolve("cells/.cell-00001.csv.4242.7.partial"), "# onecnn-cell {");
        assertEquals(0, resume(part), String.join("\n", stderrLines()));
        assertTrue(stderrLines().stream().anyMatch(l -> l.startsWith("removed 3 leftover(s) of interrupted writes")),
                String.join("\n", stderrLines()));
        assertLikeFull(part);
        try (Stream<Path> s = Files.list(part)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")
                    && !n.equals(RunFolder.LOCK)).toList());
        }
    }
}
