package org.onecnn.util;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The seed streams a run actually draws, for {@code provenance.json}: while a ledger is open,
 * {@link Seeds#derive} reports every call, and the ledger keeps one entry per stream label with its derivation,
 * such as {@code init: Seeds.derive(master, "init", cell, run)}. So provenance lists exactly the streams the run
 * used, whatever the experiment, instead of a fixed scheme that may not apply.
 *
 * <p>A derivation names its parent: {@code master} for the run's master seed, otherwise the label of the stream
 * that produced the parent seed. Parents are found by value: seeds of the low-volume streams are remembered
 * (teachers, data sets, stage seeds: a few per cell); the high-volume ones ({@link SeedStream#highVolume}: one per run, per
 * step or per chunk) are not, since there can be millions, and are found only among the last few seeds derived
 * on the same thread, which is where their children are derived (an online batch's seed and then its inputs and
 * noise). All of this is deterministic for a given config.
 *
 * <p>One ledger is open at a time (a run of the command line); {@link Seeds#derive} costs one volatile read when
 * none is.
 */
public final class SeedLedger implements AutoCloseable {
    private static volatile SeedLedger current;

    private final long master;
    private final Map<String, Set<String>> streams = new TreeMap<>();
    private final Map<String, String> notes = new TreeMap<>();
    private final Map<Long, String> parents = new HashMap<>();
    private final ThreadLocal<Deque<long[]>> recent = ThreadLocal.withInitial(ArrayDeque::new);
    private final ThreadLocal<Deque<String>> recentLabels = ThreadLocal.withInitial(ArrayDeque::new);

    private SeedLedger(long master) {
        this.master = master;
    }

    /**
     * Opens the ledger of a run with master seed {@code master}; close it when the run ends.
     *
     * @throws IllegalStateException if one is open already
     */
    public static synchronized SeedLedger open(long master) {
        if (current != null) {
            throw new IllegalStateException("a seed ledger is already open");
        }
        current = new SeedLedger(master);
        return current;
    }

    /** Whether a ledger is open in this JVM. */
    public static boolean isOpen() {
        return current != null;
    }

    /**
     * Adds derivations that another JVM of the same run recorded (a Spark executor computing cells: see {@link
     * #derivations}) to the open ledger; nothing if none is open.
     */
    public static void addAll(Map<String, ? extends java.util.Collection<String>> derivations) {
        SeedLedger l = current;
        if (l != null) {
            synchronized (l) {
                derivations.forEach((label, ds) -> l.streams.computeIfAbsent(label, x -> new TreeSet<>()).addAll(ds));
            }
        }
    }

    /** The derivations recorded so far: stream label to its derivations (those {@link #streams} joins by " or "). */
    public synchronized Map<String, Set<String>> derivations() {
        Map<String, Set<String>> m = new TreeMap<>();
        streams.forEach((label, ds) -> m.put(label, new TreeSet<>(ds)));
        return m;
    }

    /** Records a seed that is not derived, such as {@code teacher.seed} given in the config. */
    public static void note(String label, String description) {
        SeedLedger l = current;
        if (l != null) {
            synchronized (l) {
                l.notes.put(label, description);
            }
        }
    }

    /** Called by {@link Seeds#derive} for every seed derived. */
    static void derived(long parent, SeedStream stream, long value) {
        SeedLedger l = current;
        if (l != null) {
            l.add(parent, stream, value);
        }
    }

    private void add(long parent, SeedStream stream, long value) {
        String label = stream.label();
        Deque<long[]> rv = recent.get();
        Deque<String> rl = recentLabels.get();
        String parentLabel = null;
        if (parent == master) {
            parentLabel = "master";
        } else {
            var vi = rv.iterator();
            var li = rl.iterator();
            while (vi.hasNext()) {
                String l = li.next();
                if (vi.next()[0] == parent) {
                    parentLabel = l;
                    break;
                }
            }
        }
        synchronized (this) {
            if (parentLabel == null) {
                parentLabel = parents.getOrDefault(parent, "a seed from outside the run");
            }
            if (!stream.highVolume()) {
                parents.putIfAbsent(value, label);
            }
            StringBuilder d = new StringBuilder("Seeds.derive(").append(parentLabel).append(", \"").append(label)
                    .append('"');
            for (String name : stream.indices()) {
                d.append(", ").append(name);
            }
            d.append(')');
            if (!stream.purpose().isEmpty()) {
                d.append(": ").append(stream.purpose());
            }
            streams.computeIfAbsent(label, x -> new TreeSet<>()).add(d.toString());
        }
        rv.addFirst(new long[] {value});
        rl.addFirst(label);
        if (rv.size() > 8) {
            rv.removeLast();
            rl.removeLast();
        }
    }

    /**
     * The streams drawn so far, sorted by label: label to its derivation (derivations from several parents joined
     * by " or "), then the notes.
     */
    public synchronized Map<String, String> streams() {
        Map<String, String> m = new TreeMap<>();
        streams.forEach((label, ds) -> m.put(label, String.join(" or ", ds)));
        notes.forEach(m::putIfAbsent);
        return m;
    }

    @Override
    public void close() {
        synchronized (SeedLedger.class) {
            if (current == this) {
                current = null;
            }
        }
    }
}
