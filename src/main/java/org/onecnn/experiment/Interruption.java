package org.onecnn.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.onecnn.report.Json;

/**
 * The run folders this process is running, for the JVM's shutdown hook: SIGTERM (kill, timeout, a job's time
 * limit), SIGINT (Ctrl-C) and SIGHUP end the JVM through its shutdown hooks while the run's threads are still
 * working. The hook ({@link #interruptAll}) records {@code "status": "interrupted"} in {@code provenance.json} and
 * returns the line that says how to go on; the JVM then halts, and the operating system releases the folder's lock.
 *
 * <p>Why stopping there leaves a resumable folder: every file of a run folder is written atomically (a temporary
 * file renamed into place, {@link org.onecnn.util.AtomicFiles}), so a write cut short leaves a leftover that a
 * resume removes, exactly as after kill -9 (ResumeFaultTest). The one file the hook itself writes, {@code
 * provenance.json}, is also written by the run; both go through the {@link Active}'s lock, so the hook never
 * writes it at the same time as the run, and once the hook has run the run writes it no more: a run interrupted
 * while completing is either recorded complete (its cells removed, the hook says nothing) or recorded interrupted
 * with its cells kept.
 */
public final class Interruption {
    private Interruption() {
    }

    private static final Set<Active> ACTIVE = ConcurrentHashMap.newKeySet();

    /**
     * Registers a run folder this process now runs (under its lock); close it when the run ends however it ends.
     *
     * @param resumeHint the command that continues the run, for the line the hook prints
     * @param tracksProvenance whether the hook records the interruption in {@code provenance.json} (a run and its
     *                         resume: yes; a shard of a job array, whose provenance is the first shard's: no)
     */
    public static Active begin(RunFolder folder, String resumeHint, boolean tracksProvenance) {
        Active a = new Active(folder, resumeHint, tracksProvenance);
        ACTIVE.add(a);
        return a;
    }

    /**
     * What the shutdown hook does: marks every run still going as interrupted and returns one line for each, saying
     * how to go on (none when nothing was running or it had completed).
     */
    public static List<String> interruptAll() {
        List<String> lines = new ArrayList<>();
        for (Active a : ACTIVE) {
            String line = a.interrupt();
            if (line != null) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** Work that may throw an I/O error. */
    @FunctionalInterface
    public interface IoAction {
        void run() throws IOException;
    }

    /** How long the hook waits for the run to finish a provenance write or its completion (see interrupt). */
    static final long HOOK_WAIT_S = 20;

    /** One run folder this process runs. All provenance writes of the run go through it. */
    public static final class Active implements AutoCloseable {
        private final RunFolder folder;
        private final String resumeHint;
        private final boolean tracksProvenance;
        /** Guards the fields below and every provenance write. */
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        /** The provenance last written by the run (a copy), or null. */
        private Map<String, Object> provenance;
        private boolean done;
        private boolean interrupted;

        private Active(RunFolder folder, String resumeHint, boolean tracksProvenance) {
            this.folder = folder;
            this.resumeHint = resumeHint;
            this.tracksProvenance = tracksProvenance;
        }

        /** Writes {@code provenance.json}, unless the run was interrupted (then the hook's record stands). */
        public void writeProvenance(Map<String, Object> prov) throws IOException {
            lock.lock();
            try {
                if (interrupted) {
                    return;
                }
                Json.write(folder.path("provenance.json"), prov);
                provenance = new LinkedHashMap<>(prov);
            } finally {
                lock.unlock();
            }
        }

        /**
         * The run's last step (recording it complete, removing its cells) as one unit against the hook: unless the
         * run was interrupted already, it runs and the run is done, so the hook leaves it alone.
         */
        public void complete(IoAction last) throws IOException {
            lock.lock();
            try {
                if (interrupted) {
                    return;
                }
                last.run();
                done = true;
            } finally {
                lock.unlock();
            }
        }

        /** Whether the hook marked this run interrupted (the run's own later writes are then skipped). */
        public boolean interrupted() {
            lock.lock();
            try {
                return interrupted;
            } finally {
                lock.unlock();
            }
        }

        /**
         * The hook's part. It waits for a write of the run in progress, but not forever: a run stuck in a write (a
         * hung network file system, a test paused inside it) must not keep the JVM from exiting; the line is then
         * printed without touching provenance.json (the folder resumes all the same).
         */
        String interrupt() {
            boolean locked;
            try {
                locked = lock.tryLock(HOOK_WAIT_S, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                locked = false;
            }
            if (!locked) {
                return "onecnn: interrupted; " + resumeHint;
            }
            try {
                return interruptLocked();
            } finally {
                lock.unlock();
            }
        }

        private String interruptLocked() {
            if (done || interrupted) {
                return null;
            }
            interrupted = true;
            if (tracksProvenance && provenance != null) {
                Map<String, Object> p = new LinkedHashMap<>(provenance);
                p.put("status", "interrupted");
                p.put("finished", Instant.now().toString());
                try {
                    Json.write(folder.path("provenance.json"), p);
                } catch (IOException | RuntimeException e) {
                    // the folder resumes without it: provenance.json still holds the run's last record
                }
            }
            if (!Files.isRegularFile(folder.path("config.yaml"))) {
                // stopped before the run's config was written: there is no run to resume in it
                return "onecnn: interrupted before the run started; nothing to resume in " + folder.dir()
                        + " (remove it)";
            }
            return "onecnn: interrupted; " + resumeHint;
        }

        @Override
        public void close() {
            ACTIVE.remove(this);
        }
    }
}
