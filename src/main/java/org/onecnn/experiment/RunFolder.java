package org.onecnn.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
        // missing parents are created; if the folder itself then cannot be, they are removed again
        List<Path> made = new ArrayList<>();
        try {
            for (Path p = dir.toAbsolutePath().getParent(); p != null && !Files.exists(p); p = p.getParent()) {
                made.add(0, p);
            }
            for (Path p : made) {
                Files.createDirectory(p);
            }
            Files.createDirectory(dir);
            return new RunFolder(dir, false);
        } catch (IOException e) {
            for (int i = made.size() - 1; i >= 0; i--) {
                try {
                    Files.deleteIfExists(made.get(i));
                } catch (IOException ignored) {
                    // best effort: the error below is what matters
                }
            }
            throw new InvalidInputException("--out", "cannot create run folder " + dir + ": " + reason(e));
        }
    }

    /** Why a file operation failed, in words (no exception class names). */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return "permission denied on " + a.getFile();
        }
        if (e instanceof java.nio.file.NotDirectoryException n) {
            return n.getFile() + " is not a folder";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException f) {
            return f.getFile() + " already exists";
        }
        if (e instanceof java.nio.file.NoSuchFileException n) {
            return "cannot create " + n.getFile() + " (its parent does not allow new folders)";
        }
        if (e instanceof java.nio.file.FileSystemException f) {
            return f.getFile() + (f.getReason() != null ? ": " + f.getReason() : ": cannot be created");
        }
        return String.valueOf(e.getMessage());
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
