package org.onecnn.model;

import org.onecnn.util.InvalidInputException;

/**
 * A starting point {@code (v, a)} of a student, with the seed it was drawn from (or -1 when given
 * explicitly). Immutable; accessors return copies.
 */
public final class InitialPoint {
    private final double[] v;
    private final double[] a;
    private final long seed;

    private InitialPoint(double[] v, double[] a, long seed) {
        this.v = v;
        this.a = a;
        this.seed = seed;
    }

    /** An explicit point ({@code v} non-zero, all entries finite). */
    public static InitialPoint of(double[] v, double[] a) {
        return of(v, a, -1);
    }

    /** A point with the seed it came from. */
    public static InitialPoint of(double[] v, double[] a, long seed) {
        InvalidInputException.requireFinite("v", v);
        InvalidInputException.requireFinite("a", a);
        if (Teacher.norm(v) == 0) {
            throw new InvalidInputException("v", "must be non-zero (w = v/‖v‖ is undefined at 0)");
        }
        return new InitialPoint(v.clone(), a.clone(), seed);
    }

    public double[] v() {
        return v.clone();
    }

    public double[] a() {
        return a.clone();
    }

    /** The seed it was drawn from, -1 for an explicit point. */
    public long seed() {
        return seed;
    }

    /** The point with {@code v} and/or {@code a} negated (the four-sign restarts of Du et al.). */
    public InitialPoint withSigns(boolean negateV, boolean negateA) {
        double[] v2 = v.clone();
        double[] a2 = a.clone();
        if (negateV) {
            for (int i = 0; i < v2.length; i++) {
                v2[i] = -v2[i];
            }
        }
        if (negateA) {
            for (int i = 0; i < a2.length; i++) {
                a2[i] = -a2[i];
            }
        }
        return new InitialPoint(v2, a2, seed);
    }
}
