package org.onecnn.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import org.onecnn.util.AtomicFiles;
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
            requireOutsideRuns(explicitOut, "--out");
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

    /**
     * Refuses (before anything is created) a run folder {@code dir} inside another run's folder, in its {@code
     * cells/} or anywhere below it: that run's resume would find a foreign file in {@code cells/} and refuse, its
     * merge remove {@code cells/} with this run in it, and a copy of that folder would carry this run along. A run
     * folder is recognized by its {@code config.yaml} beside its lock file or {@code provenance.json} (a plain
     * project folder holding a config.yaml is not one). Symbolic links are followed: the folder's real place counts.
     */
    public static void requireOutsideRuns(Path dir, String field) {
        Path abs = dir.toAbsolutePath().normalize();
        List<Path> ancestors = new ArrayList<>();
        for (Path a = abs.getParent(); a != null; a = a.getParent()) {
            ancestors.add(a);
        }
        for (Path a : ancestors) {
            if (Files.isDirectory(a)) {
                try {
                    // the deepest existing ancestor, resolved: its real ancestors are where dir really is
                    for (Path r = a.toRealPath(); r != null; r = r.getParent()) {
                        if (!ancestors.contains(r)) {
                            ancestors.add(r);
                        }
                    }
                } catch (IOException e) {
                    // unresolvable: the normalized path is all there is to check
                }
                break;
            }
        }
        for (Path a : ancestors) {
            if (Files.isRegularFile(a.resolve("config.yaml")) && (Files.exists(a.resolve(LOCK))
                    || Files.isRegularFile(a.resolve("provenance.json")))) {
                throw new InvalidInputException(field, dir + " is inside the run folder " + a + " (of another run): "
                        + "a run folder there breaks that run's resume and merge; choose a folder outside it "
                        + "(nothing was written)");
            }
        }
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
    public static String reason(IOException e) {
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

    /**
     * The run folder that the shards of a job array share ({@link Shard}): created with its missing parents if it
     * is not there ({@code createDirectories} is safe when many processes race to create the same folder), taken
     * as it is if it is. The caller takes {@link #lock(String, boolean, boolean)} before reading or writing it.
     */
    public static RunFolder shared(Path dir) {
        requireOutsideRuns(dir, "--out");
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new InvalidInputException("--out", dir + " exists and is not a folder");
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InvalidInputException("--out", "cannot create run folder " + dir + ": " + reason(e));
        }
        return new RunFolder(dir, false);
    }

    /** A run folder whose cells were computed elsewhere (a job array), to assemble: see {@link #resume}. */
    public static RunFolder merge(Path dir, String field) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(field, "no such run folder: " + dir);
        }
        if (!Files.isRegularFile(dir.resolve("config.yaml"))) {
            throw new InvalidInputException(field, dir + " has no config.yaml; it is not an onecnn run folder");
        }
        return new RunFolder(dir, true);
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

    /** Write a text file atomically (see {@link AtomicFiles#write}). */
    public static void writeAtomically(Path target, String content) {
        AtomicFiles.writeStringOrFail(target, content);
    }

    /** The lock file: held (locked, not merely present) by the process running the folder. */
    public static final String LOCK = ".lock";

    /**
     * Takes the folder's exclusive lock for as long as this process runs it (new runs and resumes
     * alike), so that a second onecnn process cannot run the same folder at the same time. The lock is
     * the operating system's ({@link FileChannel#tryLock}) on {@code .lock}, released when the process
     * ends however it ends (also on kill -9); the file itself stays, holding the pid of its last owner.
     *
     * @throws InvalidInputException if another process (or this one) holds it; where the file system
     *                               cannot lock at all, a warning is printed and the run goes on unguarded
     */
    public Lock lock() {
        return lock(resumed ? "--resume" : "--out", false, false);
    }

    /**
     * The folder's lock as the processes of a job array share it (see {@link Shard}): a shard holds it
     * {@code shared} while it computes its cells, so shards run side by side, while a process that writes the run
     * folder's own files (the first shard creating {@code config.yaml}, the one that merges) holds it exclusively,
     * so no shard computes meanwhile. With {@code wait}, blocks until it is granted; without, refuses as {@link
     * #lock()} does. The lock file's pid line is written only by an exclusive holder.
     *
     * <p>A process holds at most one lock on the folder at a time: to change from shared to exclusive it closes
     * the one and then asks for the other (POSIX record locks belong to the process, so closing any channel to
     * {@code .lock} releases them all).
     *
     * @param field the option named when the lock is refused
     */
    public Lock lock(String field, boolean shared, boolean wait) {
        Path p = dir.resolve(LOCK);
        FileChannel ch;
        try {
            ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new InvalidInputException(field, "cannot open the lock file " + p + ": " + e.getMessage());
        }
        FileLock lock;
        try {
            lock = wait ? ch.lock(0, Long.MAX_VALUE, shared) : ch.tryLock(0, Long.MAX_VALUE, shared);
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (java.nio.channels.FileLockInterruptionException e) {
            // interrupted while waiting: not a file system without locks, so no unguarded run
            close(ch);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the lock of " + dir, e);
        } catch (IOException e) {
            // a file system without locks (some network mounts): run, but say what is not guarded
            close(ch);
            System.err.println("onecnn: warning: cannot lock " + p + " (" + e.getMessage() + "); nothing stops a "
                    + "second onecnn process from running this folder at the same time");
            return new Lock() {
                @Override
                public void close() {
                }

                @Override
                public boolean held() {
                    return false;
                }
            };
        }
        if (lock == null) {
            String owner = "";
            try {
                owner = Files.readString(p, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                // the pid is only for the message
            }
            close(ch);
            throw new InvalidInputException(field, dir + " is being run by another onecnn "
                    + "process (" + (owner.matches("pid [0-9]+") ? owner : "pid unknown") + "); wait for it to "
                    + "finish, or stop it and resume again");
        }
        if (!shared) {
            try {
                ch.truncate(0);
                ch.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n")
                        .getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                // the pid is only for the message of a refused second process
            }
        }
        FileLock held = lock;
        return () -> {
            try {
                held.release();
            } catch (IOException e) {
                // closing the channel releases it too
            }
            close(ch);
        };
    }

    /** A held folder lock; closing releases it. */
    public interface Lock extends AutoCloseable {
        @Override
        void close();

        /** False where the file system cannot lock and the folder runs unguarded (a warning was printed). */
        default boolean held() {
            return true;
        }
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing was locked
        }
    }

    /**
     * Removes what interrupted writes left behind (temporary {@code .partial}/{@code .tmp} files) in the
     * folder and in {@code cells/}. Only while holding {@link #lock()}.
     *
     * @return the paths removed, relative to the folder
     */
    public List<String> removeLeftovers() {
        List<String> removed = new ArrayList<>();
        try {
            removed.addAll(AtomicFiles.removeLeftovers(dir));
            for (String n : AtomicFiles.removeLeftovers(dir.resolve(CELLS))) {
                removed.add(CELLS + "/" + n);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot clean up " + dir + ": " + e.getMessage(), e);
        }
        return removed;
    }
}
