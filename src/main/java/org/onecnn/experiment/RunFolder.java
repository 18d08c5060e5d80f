package org.onecnn.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.onecnn.util.InvalidInputException;

/**
 * A run folder {@code runs/<experiment>-<timestamp>/}. Nothing in it is overwritten except by an
 * atomic replace of a whole file; an existing folder is never reused except by {@code --resume}.
 */
public final class RunFolder {
    /** The completed grid cells of a sweep live here until the run is assembled. */
    public static final String CELLS = "cells";

    private final Path dir;
    private final boolean resumed;

    private RunFolder(Path dir, boolean resumed) {
        this.dir = dir;
        this.resumed = resumed;
    }

    /** The folder a new run of {@code name} would get, without creating it. */
    public static Path plan(Path runsRoot, String name, Path explicitOut) {
        if (explicitOut != null) {
            if (Files.exists(explicitOut)) {
                throw new InvalidInputException("--out", "folder " + explicitOut + " already exists; choose a new "
                        + "folder, or use --resume " + explicitOut + " to finish an interrupted run");
            }
            return explicitOut;
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(ZonedDateTime.now(ZoneOffset.UTC));
        Path p = runsRoot.resolve(name + "-" + stamp);
        for (int i = 2; Files.exists(p); i++) {
            p = runsRoot.resolve(name + "-" + stamp + "-" + i);
        }
        return p;
    }

    /** Create the planned folder (fails if it appeared in the meantime). */
    public static RunFolder create(Path dir) {
        try {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(dir);
            return new RunFolder(dir, false);
        } catch (IOException e) {
            throw new InvalidInputException("--out", "cannot create run folder " + dir + ": " + e.getMessage());
        }
    }

    /** An interrupted run to finish. */
    public static RunFolder resume(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException("--resume", "no such run folder: " + dir);
        }
        if (!Files.isRegularFile(dir.resolve("config.yaml"))) {
            throw new InvalidInputException("--resume", dir + " has no config.yaml; it is not an onecnn run folder");
        }
        return new RunFolder(dir, true);
    }

    public Path dir() {
        return dir;
    }

    public boolean resumed() {
        return resumed;
    }

    public Path path(String name) {
        return dir.resolve(name);
    }

    /** The folder holding completed cells (created on first use). */
    public Path cellsDir() {
        Path p = dir.resolve(CELLS);
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + p, e);
        }
        return p;
    }

    /** Write a text file atomically (temporary file, then rename). */
    public static void writeAtomically(Path target, String content) {
        try {
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Delete a folder tree (used to remove the per-cell files once a run is assembled). */
    public static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete " + p + ": " + e.getMessage(), e);
        }
    }
}
