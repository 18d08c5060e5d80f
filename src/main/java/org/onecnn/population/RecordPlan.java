package org.onecnn.population;

import java.util.Arrays;

/**
 * Which runs of a job have their trajectory recorded, and at which iterations: every
 * {@code every}-th step (0 for none) plus an explicit sorted list of steps. Iteration 0 is the
 * initial point.
 */
public final class RecordPlan {
    public static final RecordPlan NONE = new RecordPlan(new int[0], 0, new long[0]);

    private final int[] runs;
    private final boolean[] tracked;
    private final long every;
    private final long[] steps;

    private RecordPlan(int[] runs, long every, long[] steps) {
        this.runs = runs.clone();
        int max = 0;
        for (int r : runs) {
            max = Math.max(max, r + 1);
        }
        this.tracked = new boolean[max];
        for (int r : runs) {
            tracked[r] = true;
        }
        this.every = every;
        this.steps = steps.clone();
        Arrays.sort(this.steps);
    }

    /** Record the given runs every {@code every} steps and at the listed steps. */
    public static RecordPlan of(int[] runs, long every, long[] steps) {
        if (every < 0) {
            throw new IllegalArgumentException("every must be >= 0");
        }
        return new RecordPlan(runs, every, steps);
    }

    public boolean isEmpty() {
        return runs.length == 0 || (every == 0 && steps.length == 0);
    }

    public boolean tracks(int run) {
        return run < tracked.length && tracked[run];
    }

    public boolean at(long step) {
        if (isEmpty()) {
            return false;
        }
        if (every > 0 && step % every == 0) {
            return true;
        }
        return Arrays.binarySearch(steps, step) >= 0;
    }

    /** The first recording step strictly after {@code step}, or {@code Long.MAX_VALUE}. */
    public long next(long step) {
        if (isEmpty()) {
            return Long.MAX_VALUE;
        }
        long n = Long.MAX_VALUE;
        if (every > 0) {
            n = (step / every + 1) * every;
        }
        int i = Arrays.binarySearch(steps, step + 1);
        if (i < 0) {
            i = -i - 1;
        }
        if (i < steps.length) {
            n = Math.min(n, steps[i]);
        }
        return n;
    }
}
