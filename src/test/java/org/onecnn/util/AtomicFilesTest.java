package org.onecnn.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one atomic-write helper: a failed write leaves the old file and no temporary file; leftovers are recognised. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void failedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("summary.json");
        AtomicFiles.writeString(f, "old\n");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old\n", Files.readString(f));
        assertEquals(List.of("summary.json"), names());
        AtomicFiles.writeString(dir.resolve("sub/new.csv"), "a\n");
        assertEquals("a\n", Files.readString(dir.resolve("sub/new.csv")), "parents are created");
    }

    @Test
    void leftoversAreTheTemporaryNamesOnly() throws IOException {
        Path target = dir.resolve("p_global.png");
        Path tmp = AtomicFiles.temporarySibling(target);
        assertTrue(AtomicFiles.isLeftover(tmp.getFileName().toString()), tmp.toString());
        assertTrue(AtomicFiles.isLeftover(".results.csv.tmp"), "the older RunFolder temporary name");
        for (String keep : List.of("results.csv", ".lock", "notes.partial", "partial", ".hidden")) {
            assertFalse(AtomicFiles.isLeftover(keep), keep);
            Files.writeString(dir.resolve(keep), "x");
        }
        Files.writeString(tmp, "half");
        Files.writeString(dir.resolve(".results.csv.tmp"), "half");
        Files.createDirectories(dir.resolve(".ds.1.2.partial/inner"));
        assertEquals(List.of(".ds.1.2.partial", ".p_global.png." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".partial", ".results.csv.tmp"), AtomicFiles.removeLeftovers(dir));
        assertEquals(List.of(".hidden", ".lock", "notes.partial", "partial", "results.csv"), names());
    }

    @Test
    void writeStringOrFailWritesOrNamesTheFile() throws IOException {
        Path f = dir.resolve("provenance.json");
        AtomicFiles.writeStringOrFail(f, "{}\n");
        assertEquals("{}\n", Files.readString(f));
        // a regular file where a parent folder should be: creating the folder fails
        Path blocked = f.resolve("x.csv");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> AtomicFiles.writeStringOrFail(blocked, "a\n"));
        assertTrue(e.getMessage().startsWith("cannot write " + blocked + ": "), e.getMessage());
        assertTrue(e.getCause() instanceof IOException);
        assertEquals(List.of("provenance.json"), names());
    }
}
