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
 * anything had moved.
 */
public final class Progress implements AutoCloseable {
    /** Interval between plain-log lines. */
    public static final long PLAIN_INTERVAL_MS = 10_000;

    private final ProgressBar bar;
    private final Plain plain;

    private Progress(ProgressBar bar, Plain plain) {
        this.bar = bar;
        this.plain = plain;
    }

    /** Start a progress display for {@code total} units of work named {@code task}. */
    public static Progress start(String task, long total, String unit, boolean quiet) {
        if (quiet) {
            return new Progress(null, null);
        }
        PrintStream err = System.err;
        if (System.console() != null) {
            ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" " + unit, 1).showSpeed()
                    .setConsumer(new ConsoleProgressBarConsumer(err)).setUpdateIntervalMillis(250);
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
        if (bar != null) {
            bar.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    /** Plain lines: "task  42% 1234/5000 unit (elapsed 0:01:02, ETA 0:01:25)". */
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
            double elapsed = (System.nanoTime() - start) / 1e9;
            String eta = c >= total ? "0:00:00" : c <= 0 ? "?" : hms(elapsed * (total - c) / c);
            out.println(String.format(Locale.ROOT, "%s %3d%% %d/%d %s (elapsed %s, ETA %s)", task,
                    total <= 0 ? 100 : (int) Math.min(100, 100 * c / total), c, total, unit, hms(elapsed), eta));
            out.flush();
        }

        void close() {
            timer.shutdownNow();
            print();
            synchronized (this) {
                closed = true;
            }
        }

        static String hms(double seconds) {
            long s = Math.round(seconds);
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
    }
}
