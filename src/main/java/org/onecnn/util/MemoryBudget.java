package org.onecnn.util;

import java.util.Locale;
import java.util.function.LongToDoubleFunction;

/**
 * Refuses, before any work starts, sizes whose memory would not fit: the caller gives an estimate of the
 * bytes as a function of one field's value (the other fields fixed), and gets one line naming the field,
 * the estimate, the limit and the largest value that fits, instead of an {@link OutOfMemoryError} minutes
 * later. Two limits exist: the Java heap ({@link #heapBytes()}, for the population engines, Convotron and
 * the result tables) and the ND4J (off-heap) memory of a compute profile ({@code memory_limit_gb}).
 */
public final class MemoryBudget {
    /**
     * The share of the maximum heap ({@code -Xmx}) an estimate may fill; the rest is left to what the
     * estimates do not count (the JVM's own structures, short-lived copies, ND4J's Java side).
     */
    public static final double HEAP_SHARE = 0.75;

    private static final double GIB = 1024.0 * 1024 * 1024;

    private final double bytes;
    private final String name;

    private MemoryBudget(double bytes, String name) {
        this.bytes = bytes;
        this.name = name;
    }

    /** The Java heap: {@link #HEAP_SHARE} of {@code Runtime.maxMemory()}. */
    public static MemoryBudget heap() {
        double max = Runtime.getRuntime().maxMemory();
        // rounded down, as an estimate is rounded up (gib): a size just over the limit never reads as less than it
        // ("0.19 GiB ..., more than the 0.2 GiB of Java heap" with -Xmx256m)
        return new MemoryBudget(max * HEAP_SHARE, String.format(Locale.ROOT, "the %s of Java heap this JVM may "
                + "use (%.0f%% of -Xmx %s; raise it with ONECNN_JAVA_OPTS=-Xmx...)", gibDown(max * HEAP_SHARE),
                HEAP_SHARE * 100, gibDown(max)));
    }

    /** An explicit limit (e.g. a compute profile's {@code memory_limit_gb}), described by {@code name}. */
    public static MemoryBudget of(double bytes, String name) {
        return new MemoryBudget(bytes, name);
    }

    public double bytes() {
        return bytes;
    }

    /**
     * Refuse {@code value} of {@code field} when {@code estimate.applyAsDouble(value)} exceeds the budget. The
     * estimate must be nondecreasing in the value; the message gives the largest value in {@code [min, value]}
     * that fits (found by bisection), or says that not even {@code min} fits with the other settings.
     */
    public void require(String field, long value, long min, LongToDoubleFunction estimate, String what) {
        require(what, new Candidate(field, value, min, estimate));
    }

    /**
     * One field of an estimate: its value, the least value it may take, and the estimate with this field
     * set to a value and every other field as given.
     */
    public record Candidate(String field, long value, long min, LongToDoubleFunction estimate) {
    }

    /**
     * Refuse when the estimate (every candidate at its value) exceeds the budget, naming the field that needs
     * the smallest relative change to fit (so with {@code count = 2e9} the count is named, not k, and with
     * {@code k = 1e8} k, not the count). All candidates must describe the same estimate.
     */
    public void require(String what, Candidate... candidates) {
        double need = candidates[0].estimate().applyAsDouble(candidates[0].value());
        if (need <= bytes) {
            return;
        }
        Candidate blame = candidates[0];
        long blameFits = -1;
        double best = -1;
        for (Candidate c : candidates) {
            long fits = largestFitting(c);
            // the share of the value that fits: 1 = no change needed, 0 = nothing fits
            double share = fits < 0 || c.value() <= c.min() ? -1 : (fits - c.min() + 1.0) / (c.value() - c.min() + 1.0);
            if (share > best) {
                best = share;
                blame = c;
                blameFits = fits;
            }
        }
        String field = blame.field();
        String fits = blameFits < 0
                ? "not even " + field + " = " + blame.min() + " fits with the other settings ("
                    + gib(blame.estimate().applyAsDouble(blame.min())) + "); make the other sizes smaller"
                : "the largest " + field + " that fits is " + blameFits;
        throw new InvalidInputException(field, blame.value() + " needs about " + gib(need) + " of memory for " + what
                + ", more than " + name + "; " + fits);
    }

    /** The largest value in {@code [min, value]} whose estimate fits (by bisection), or −1 if not even min fits. */
    private long largestFitting(Candidate c) {
        if (c.estimate().applyAsDouble(c.min()) > bytes) {
            return -1;
        }
        long lo = c.min();
        long hi = c.value();
        if (c.estimate().applyAsDouble(hi) <= bytes) {
            return hi;
        }
        while (hi - lo > 1) { // invariant: lo fits, hi does not
            long mid = lo + (hi - lo) / 2;
            if (c.estimate().applyAsDouble(mid) <= bytes) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * An estimate in GiB, rounded up (whole GiB from 10 GiB on, else hundredths), so that it never reads as less
     * than a limit it exceeds ({@link #gibDown} rounds limits down). The 1e-9 keeps a value that is a whole number
     * of hundredths up to floating-point error (0.07 × 100 = 7.000000000000001) from rounding up a step.
     */
    static String gib(double b) {
        return b >= GIB * 10 ? String.format(Locale.ROOT, "%.0f GiB", Math.ceil(b / GIB - 1e-9))
                : String.format(Locale.ROOT, "%.2f GiB", Math.ceil(b / GIB * 100 - 1e-9) / 100);
    }

    /** A limit in GiB, rounded down ({@link #gib}'s counterpart). */
    static String gibDown(double b) {
        return b >= GIB * 10 ? String.format(Locale.ROOT, "%.0f GiB", Math.floor(b / GIB + 1e-9))
                : String.format(Locale.ROOT, "%.2f GiB", Math.floor(b / GIB * 100 + 1e-9) / 100);
    }
}
