package org.onecnn.util;

import java.io.PrintStream;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work on standard error: a live bar on a terminal, a line at most every 10 s
 * otherwise (CI logs), nothing when quiet. Thread-safe.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Start a progress display for {@code total} units of work named {@code task}. */
    public static Progress start(String task, long total, String unit, boolean quiet) {
        if (quiet) {
            return new Progress(null);
        }
        PrintStream err = System.err;
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" " + unit, 1).showSpeed();
        if (System.console() != null) {
            b.setConsumer(new ConsoleProgressBarConsumer(err)).setUpdateIntervalMillis(250);
        } else {
            b.setConsumer(new DelegatingProgressBarConsumer(err::println, 100)).setUpdateIntervalMillis(10_000);
        }
        return new Progress(b.build());
    }

    public void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
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
    }
}
