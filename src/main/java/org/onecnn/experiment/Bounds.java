package org.onecnn.experiment;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import org.onecnn.util.InvalidInputException;

/**
 * The bounds onecnn puts on a config's numbers beyond their sign, each with its reason, so that an absurd
 * value is refused up front instead of producing a run whose every result is overflow.
 */
public final class Bounds {
    /**
     * The largest step size (η of any algorithm). The shipped experiments use 1e−5 to 0.1; gradient descent
     * diverges once η exceeds 2/curvature, and the curvature of these losses at the teacher is of order
     * ‖a*‖²‖w*‖² (at least (π−1)/(2π)·‖a‖² along w): a step beyond 1000 is a typo, not an experiment.
     */
    public static final double MAX_STEP = 1e3;

    /**
     * The smallest step size. The iterates are of order 1 and doubles carry 16 digits: a step below about
     * 1e−16 does not change them at all, and even the largest budget ({@link #MAX_STEPS}) of steps of 1e−12
     * moves them by at most 1e−3 times the gradient, so a smaller step only burns the budget.
     */
    public static final double MIN_STEP = 1e-12;

    /** The largest iteration budget: 10⁹ steps is already days of work per run at O(k) per step. */
    public static final long MAX_STEPS = 1_000_000_000L;

    /**
     * The largest norm or scale of a teacher or an initialization (‖a*‖, ‖w*‖, ρ). The loss grows like
     * ‖a*‖²‖w*‖²: beyond 1e6 the problem is only a rescaling of a smaller one, with overflow and rounding
     * added.
     */
    public static final double MAX_SCALE = 1e6;

    /**
     * The smallest norm of a teacher (‖a*‖, ‖w*‖): the mirror of {@link #MAX_SCALE}. The loss and its
     * gradient scale like ‖a*‖²‖w*‖²; below 1e−6 they fall under the absolute tolerances (grad_tol 1e−10)
     * or underflow, and every run would be stopped at its start or overflow when w* is normalized.
     */
    public static final double MIN_SCALE = 1e-6;

    /**
     * The largest label noise σ. Labels are the teacher's output, of size about ‖a*‖·‖w*‖; noise 1000
     * times larger leaves nothing to learn in any sample onecnn can hold.
     */
    public static final double MAX_NOISE = 1e3;

    /** The largest input dimension d: Java arrays (and ND4J's) hold at most about 2³¹ entries. */
    public static final long MAX_DIMENSION = Integer.MAX_VALUE - 8;

    /** The most worker threads: beyond this a thread pool only costs memory (each thread has its stack). */
    public static final int MAX_THREADS = 4096;

    private Bounds() {
    }

    /** A thread count: 1 to {@link #MAX_THREADS}. */
    public static int requireThreads(String field, int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new InvalidInputException(field, "must be 1 to " + MAX_THREADS + ", got " + threads);
        }
        return threads;
    }

    /** A step size: finite, {@code > 0} and at most {@link #MAX_STEP}. */
    public static double requireStep(String field, double eta) {
        InvalidInputException.requirePositive(field, eta);
        if (eta > MAX_STEP) {
            throw new InvalidInputException(field, "step size " + eta + " is more than " + MAX_STEP + ", which "
                    + "overflows the iterates within a few steps for every model onecnn runs; use a step <= "
                    + MAX_STEP);
        }
        if (eta < MIN_STEP) {
            throw new InvalidInputException(field, "step size " + eta + " is less than " + MIN_STEP + ": the "
                    + "iterates would not move within any budget onecnn runs (at most 10^9 steps); use a step >= "
                    + MIN_STEP);
        }
        return eta;
    }

    /** An iteration count (budget, recording interval): at most {@link #MAX_STEPS}. */
    public static long requireSteps(String field, long steps) {
        if (steps > MAX_STEPS) {
            throw new InvalidInputException(field, steps + " steps is more than " + MAX_STEPS
                    + " (10^9), beyond any run onecnn can finish; use at most " + MAX_STEPS);
        }
        return steps;
    }

    /** A teacher's norm: finite, at least {@link #MIN_SCALE} and at most {@link #MAX_SCALE}. */
    public static double requireNorm(String field, double x) {
        requireScale(field, x);
        if (x < MIN_SCALE) {
            throw new InvalidInputException(field, x + " is less than " + MIN_SCALE + ": the loss scales like "
                    + "‖a*‖²‖w*‖², so a smaller teacher falls below the tolerances or underflows; use at least "
                    + MIN_SCALE);
        }
        return x;
    }

    /** A norm or scale: finite, {@code > 0} and at most {@link #MAX_SCALE}. */
    public static double requireScale(String field, double x) {
        InvalidInputException.requirePositive(field, x);
        if (x > MAX_SCALE) {
            throw new InvalidInputException(field, x + " is more than " + MAX_SCALE + ": the loss grows like "
                    + "‖a*‖²‖w*‖², so a larger scale is a rescaled smaller problem with overflow added; use at most "
                    + MAX_SCALE);
        }
        return x;
    }

    /** An unmodifiable copy of a list from a config, refusing a null entry (YAML {@code null} or {@code ~}). */
    public static <T> List<T> copyWithoutNulls(String field, List<T> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                throw new InvalidInputException(field, "entry " + i + " is null; give a value");
            }
        }
        return List.copyOf(values);
    }

    /** Refuse a list with a repeated entry (it would make two cells, data sets or strides with one key). */
    public static <T> void requireDistinct(String field, List<T> values, Function<T, Object> key) {
        Map<Object, Integer> seen = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            T v = values.get(i);
            Integer j = seen.putIfAbsent(key.apply(v), i);
            if (j != null) {
                throw new InvalidInputException(field, "lists " + (v instanceof JsonNode n ? n.asText() : v)
                        + " twice (entries " + j + " and " + i + "); give each value once");
            }
        }
    }

    /** A grid value's identity: numbers by value (4 and 4.0 are one cell), anything else by its YAML text. */
    public static Object gridKey(JsonNode n) {
        if (n != null && n.isNumber()) {
            BigDecimal b = n.decimalValue().stripTrailingZeros();
            return b.signum() == 0 ? BigDecimal.ZERO : b;
        }
        return n == null ? "null" : n.toString();
    }
}
