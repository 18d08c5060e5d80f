package org.onecnn.util;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work on standard error: a live bar on a terminal; otherwise (CI logs, a file) a plain line
 * every {@link #PLAIN_INTERVAL_MS} ms when the count has moved, and one final line; nothing when quiet.
 * Thread-safe.
 *
 * <p>Callers count in units of roughly equal cost (students × steps, runs, steps), so that the ETA, a linear
 * extrapolation of the elapsed time, is honest. The plain lines are written here rather than by the progress-bar
 * library, whose non-terminal consumer printed the final line twice and a line every interval whether or not
 * anything had moved. The live bar is drawn by {@link #render} with the same text as the plain lines.
 *
 * <p>Counts are written by {@link #count}: as they are up to {@value #PLAIN_LIMIT}, above in three significant
 * digits (6.08e10), since a count like 60757812500 cannot be read at a glance.
 */
public final class Progress implements AutoCloseable {
    /** Interval between plain-log lines. */
    public static final long PLAIN_INTERVAL_MS = 10_000;

    /** Totals below this are written as plain integers; larger ones as 6.08e10. */
    public static final long PLAIN_LIMIT = 1_000_000;

    private final ProgressBar bar;
    private final Plain plain;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** The displays not closed yet, for {@link #closeAll}. */
    private static final java.util.Set<Progress> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Progress(ProgressBar bar, Plain plain) {
        this.bar = bar;
        this.plain = plain;
        if (bar != null || plain != null) {
            OPEN.add(this);
        }
    }

    /**
     * Ends every display still open (the JVM's shutdown hook, before it prints why the run stopped: a live bar
     * would otherwise redraw over that line).
     */
    public static void closeAll() {
        for (Progress p : OPEN) {
            p.close();
        }
    }

    /**
     * A count of a display whose total is {@code total}: the plain integer when the total is below {@link
     * #PLAIN_LIMIT} (runs, steps), else three significant digits, {@code 6.08e10} (the total and the count in the
     * same form, so that they compare at a glance).
     */
    public static String count(long value, long total) {
        if (total < PLAIN_LIMIT || value < 1000) {
            return Long.toString(value);
        }
        int exp = (int) Math.floor(Math.log10(value));
        double mantissa = value / Math.pow(10, exp);
        String m = String.format(Locale.ROOT, "%.2f", mantissa);
        if (m.equals("10.00")) {
            // 9.996e10 rounds up to the next power of ten
            exp++;
            m = "1.00";
        }
        return m + "e" + exp;
    }

    /** The text of a display: "task  42% 4.28e10/4.76e10 unit (elapsed 0:01:02, ETA 0:01:25)". */
    static String line(String task, long c, long total, String unit, double elapsedSeconds) {
        String eta = c >= total ? "0:00:00" : c <= 0 ? "?" : hms(elapsedSeconds * (total - c) / c);
        return String.format(Locale.ROOT, "%s %3d%% %s/%s %s (elapsed %s, ETA %s)", task, percent(c, total),
                count(c, total), count(total, total), unit, hms(elapsedSeconds), eta);
    }

    private static int percent(long c, long total) {
        if (total <= 0) {
            return 100;
        }
        // integer arithmetic where it cannot overflow: 100 * c / total is exact, so 99.9% never shows as 100%
        return (int) Math.min(100, c <= Long.MAX_VALUE / 100 ? 100 * c / total : 100 * (double) c / total);
    }

    /**
     * The live bar: {@link #line} with a bar after the percentage, as wide as the terminal allows (none on a
     * narrow one), padded with spaces to {@code maxLength}: the bar is redrawn over itself after a carriage
     * return, so a shorter line (an ETA of "?" after one of "0:01:25") must blank what the longer one left.
     */
    static String render(String task, long c, long total, String unit, double elapsedSeconds, int maxLength) {
        String text = line(task, c, total, unit, elapsedSeconds);
        int pct = text.indexOf('%', task.length()) + 1;
        int width = Math.min(40, maxLength - text.length() - 4);
        if (width >= 10) {
            int filled = total <= 0 ? width : (int) Math.min(width, (double) width * c / total);
            text = text.substring(0, pct) + " [" + "=".repeat(filled) + " ".repeat(width - filled) + "]"
                    + text.substring(pct);
        }
        return text.length() < maxLength ? text + " ".repeat(maxLength - text.length()) : text;
    }

    /** Start a progress display for {@code total} units of work named {@code task}. */
    public static Progress start(String task, long total, String unit, boolean quiet) {
        if (quiet) {
            return new Progress(null, null);
        }
        PrintStream err = System.err;
        if (System.console() != null) {
            ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(err))
                    .setUpdateIntervalMillis(250).setRenderer((state, maxLength) -> render(task, state.getCurrent(),
                            total, unit, state.getTotalElapsed().toMillis() / 1e3, maxLength)
                            + (state.getExtraMessage() == null || state.getExtraMessage().isEmpty() ? ""
                                    : " " + state.getExtraMessage()));
            return new Progress(b.build(), null);
        }
        return plain(task, total, unit, err, PLAIN_INTERVAL_MS);
    }

    /** The plain-log display on {@code out}, a line every {@code intervalMillis} when the count moved. */
    public static Progress plain(String task, long total, String unit, PrintStream out, long intervalMillis) {
        return new Progress(null, new Plain(task, total, unit, out, intervalMillis));
    }

    public void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
        if (plain != null) {
            plain.current.addAndGet(n);
        }
    }

    /** What the timer does at each interval (tests call it to be independent of timing). */
    void tick() {
        if (plain != null) {
            plain.print();
        }
    }

    public void extraMessage(String msg) {
        if (bar != null) {
            bar.setExtraMessage(msg);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        OPEN.remove(this);
        if (bar != null) {
            bar.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    /** Plain lines ({@link #line}), one every interval when the count moved. */
    private static final class Plain {
        final String task;
        final long total;
        final String unit;
        final PrintStream out;
        final long start = System.nanoTime();
        final AtomicLong current = new AtomicLong();
        final ScheduledExecutorService timer;
        /** The count of the last line printed (-1: none yet); guarded by this. */
        long printed = -1;
        boolean closed;

        Plain(String task, long total, String unit, PrintStream out, long intervalMillis) {
            this.task = task;
            this.total = total;
            this.unit = unit;
            this.out = out;
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "onecnn-progress");
                t.setDaemon(true);
                return t;
            });
            print();
            timer.scheduleAtFixedRate(this::print, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        }

        synchronized void print() {
            long c = current.get();
            if (closed || c == printed) {
                return;
            }
            printed = c;
            out.println(line(task, c, total, unit, (System.nanoTime() - start) / 1e9));
            out.flush();
        }

        void close() {
            timer.shutdownNow();
            print();
            synchronized (this) {
                closed = true;
            }
        }

    }

    static String hms(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
