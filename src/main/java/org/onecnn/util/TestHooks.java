package org.onecnn.util;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one test hook of onecnn, for the crash tests (ResumeFaultTest): with the system property
 * {@code onecnn.test.pauseAt=<phase>} or {@code <phase>:<n>}, the process prints
 * {@code onecnn-test: paused at <phase>} on standard error when it reaches that phase (for the n-th
 * time, default the first) and then sleeps until it is killed, so that a {@code kill -9} lands at a
 * known point. Without the property it does nothing (one property lookup).
 *
 * <p>Phases: {@code started} (run folder, config and provenance written, lock held, nothing computed),
 * {@code chunk} (a population sweep finished a chunk of initializations, its cell not yet written), and
 * {@code write:<file name>} (an atomic write has its temporary file complete, the rename not yet done;
 * see {@link AtomicFiles#write}).
 */
public final class TestHooks {
    private TestHooks() {
    }

    /** The system property naming the phase to pause at. */
    public static final String PAUSE_AT = "onecnn.test.pauseAt";

    /** What the paused process prints (then the phase), so a test knows it may kill it now. */
    public static final String MARKER = "onecnn-test: paused at ";

    private static final ConcurrentHashMap<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();

    /** Pause forever if {@link #PAUSE_AT} names this phase (and this is its n-th occurrence). */
    public static void pause(String phase) {
        String at = System.getProperty(PAUSE_AT);
        if (at == null) {
            return;
        }
        int colon = at.lastIndexOf(':');
        String name = at;
        int nth = 1;
        if (colon > 0 && at.substring(colon + 1).matches("[0-9]+")) {
            name = at.substring(0, colon);
            nth = Integer.parseInt(at.substring(colon + 1));
        }
        if (!name.equals(phase) || SEEN.computeIfAbsent(phase, p -> new AtomicInteger()).incrementAndGet() != nth) {
            return;
        }
        System.err.println(MARKER + at);
        System.err.flush();
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // keep waiting for the kill: returning would let the run go on past the phase under test
            }
        }
    }
}
