package org.onecnn.algorithms;

import java.util.Arrays;

import org.onecnn.util.InvalidInputException;

/**
 * Test error of an online run at recorded steps: {@code mse[i]} is {@code (1/n) Σ_m (f(x_m) − y_m)²} on a fixed
 * test set after {@code steps[i]} updates, {@code relative[i]} the same divided by the test set's
 * {@code (1/n) Σ_m y_m²}. Empty (length 0) when the run had no test set. Immutable: the arrays are copied in and
 * out.
 */
public record ErrorTrace(long[] steps, double[] mse, double[] relative) {

    public ErrorTrace {
        if (steps == null || mse == null || relative == null) {
            throw new InvalidInputException("trace", "steps, mse and relative are required");
        }
        if (mse.length != steps.length || relative.length != steps.length) {
            throw new InvalidInputException("trace", "steps, mse and relative must have the same length, got "
                    + steps.length + ", " + mse.length + ", " + relative.length);
        }
        steps = steps.clone();
        mse = mse.clone();
        relative = relative.clone();
    }

    /** The trace of a run without a test set. */
    public static ErrorTrace empty() {
        return new ErrorTrace(new long[0], new double[0], new double[0]);
    }

    @Override
    public long[] steps() {
        return steps.clone();
    }

    @Override
    public double[] mse() {
        return mse.clone();
    }

    @Override
    public double[] relative() {
        return relative.clone();
    }

    /** Number of recorded points. */
    public int size() {
        return steps.length;
    }

    /** The last recorded mean squared error ({@code NaN} when empty). */
    public double finalMse() {
        return mse.length == 0 ? Double.NaN : mse[mse.length - 1];
    }

    /** The last recorded relative error ({@code NaN} when empty). */
    public double finalRelative() {
        return relative.length == 0 ? Double.NaN : relative[relative.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ErrorTrace t && Arrays.equals(steps, t.steps) && Arrays.equals(mse, t.mse)
                && Arrays.equals(relative, t.relative);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(steps) + Arrays.hashCode(mse)) + Arrays.hashCode(relative);
    }

    @Override
    public String toString() {
        return "ErrorTrace[" + steps.length + " points, final mse=" + finalMse() + ", relative=" + finalRelative()
                + "]";
    }

    /**
     * The recording schedule of a run of {@code steps} updates: {@code 0, every, 2·every, …} and always
     * {@code steps} itself.
     */
    static long[] schedule(long steps, long every) {
        long n = steps / every + 1;
        boolean last = steps % every != 0;
        long total = n + (last ? 1 : 0);
        if (total > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("record_every", "too many recorded points: " + total);
        }
        long[] s = new long[(int) total];
        for (int i = 0; i < n; i++) {
            s[i] = i * every;
        }
        if (last) {
            s[s.length - 1] = steps;
        }
        return s;
    }
}
