package org.onecnn.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Whole-file writes that a killed process cannot leave half done: the content goes to a temporary
 * sibling {@code .<name>.<pid>.<thread>.partial}, which is then renamed over the target. The one
 * implementation for run folders, report files and data sets.
 *
 * <p>Why: runs are resumed from their files; a process killed in the middle of a plain write would
 * leave a truncated file that parses as wrong numbers. The rename is atomic where the file system
 * supports it (POSIX), a plain replace otherwise. A kill between the write and the rename leaves the
 * temporary file behind, never a torn target; {@link #removeLeftovers} cleans those up (a resume calls
 * it while it holds the run folder's lock, so no live writer owns them).
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Suffix of the temporary files (and of the older {@code .tmp} ones, also treated as leftovers). */
    public static final String PARTIAL = ".partial";

    /** Something that writes a file's content to a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** {@code text} in UTF-8; see {@link #write}. */
    public static void writeString(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(file, out -> out.write(bytes));
    }

    /**
     * {@link #writeString} for callers that cannot throw {@link IOException} (run-folder files written
     * from inside tasks): a failure becomes an {@link IllegalStateException} whose message names the
     * file, {@code cannot write <file>: <reason>}.
     */
    public static void writeStringOrFail(Path file, String text) {
        try {
            writeString(file, text);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code file} through a temporary sibling that is then renamed over it (parent folders are
     * created as needed). On failure the temporary file is removed and the target is untouched.
     */
    public static void write(Path file, Content content) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = temporarySibling(target);
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
            // the fault tests kill the process here, with the temporary file complete and the target old
            TestHooks.pause("write:" + target.getFileName());
            moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A temporary name beside {@code target}: hidden, unique per process and thread (all a writer
     * needs), and recognised by {@link #isLeftover}. Not {@code Files.createTempFile}: its files are
     * private (mode 600) and would stay so after the rename.
     */
    public static Path temporarySibling(Path target) {
        return target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + PARTIAL);
    }

    /** Renames {@code from} over {@code to}: atomically where the file system allows it, else a plain replace. */
    public static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Whether {@code name} is a temporary file of an interrupted write (this class's, or an older {@code .tmp}). */
    public static boolean isLeftover(String name) {
        return name.startsWith(".") && (name.endsWith(PARTIAL) || name.endsWith(".tmp"));
    }

    /**
     * Deletes the leftovers of interrupted writes directly in {@code dir} (not below it; a leftover
     * folder, such as a data set's, is deleted with its content). Only safe while no other process
     * writes there: callers hold the folder's lock.
     *
     * @return the names removed, in sorted order
     */
    public static List<String> removeLeftovers(Path dir) throws IOException {
        List<String> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (isLeftover(p.getFileName().toString())) {
                    deleteTree(p);
                    removed.add(p.getFileName().toString());
                }
            }
        }
        removed.sort(null);
        return removed;
    }

    /** Something that writes the files of a new folder into a (temporary) folder. */
    @FunctionalInterface
    public interface FolderContent {
        void writeInto(Path dir) throws IOException;
    }

    /**
     * Creates the new folder {@code folder} holding {@code files}, which {@code content} writes: the name is
     * claimed first ({@code createDirectory} is atomic and fails if it exists), the files are written into a
     * hidden temporary sibling, which then replaces the empty claimed folder in one rename where the file system
     * allows it (POSIX); elsewhere the files are moved one by one in the order given (put the one that marks the
     * folder complete last). On failure nothing this call created is left, and an existing folder is never
     * touched.
     *
     * @param files the names {@code content} writes, in the order they are moved when a rename is not possible
     * @return the folder, absolute and normalised
     * @throws FileAlreadyExistsException if {@code folder} exists
     */
    public static Path writeNewFolder(Path folder, List<String> files, FolderContent content) throws IOException {
        Path target = folder.toAbsolutePath().normalize();
        Files.createDirectories(target.getParent());
        Path tmp = temporarySibling(target);
        deleteTree(tmp);
        Files.createDirectory(target);
        boolean done = false;
        List<Path> moved = new ArrayList<>();
        try {
            Files.createDirectory(tmp);
            content.writeInto(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                for (String f : files) {
                    Files.move(tmp.resolve(f), target.resolve(f));
                    moved.add(target.resolve(f));
                }
            }
            done = true;
            return target;
        } finally {
            quietly(() -> deleteTree(tmp));
            if (!done) {
                // give the claimed name back: only what this call put there, then the folder if it is empty
                for (Path f : moved) {
                    quietly(() -> Files.deleteIfExists(f));
                }
                quietly(() -> Files.deleteIfExists(target));
            }
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /** Cleanup that must not hide the exception being thrown. */
    private static void quietly(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            // best effort
        }
    }

    /** Deletes a file or a folder tree; nothing if it does not exist. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
