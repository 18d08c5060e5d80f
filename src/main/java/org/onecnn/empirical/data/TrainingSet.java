package org.onecnn.empirical.data;

import org.onecnn.backend.Precision;
import org.onecnn.util.InvalidInputException;

/**
 * A fixed training set as plain Java arrays: inputs {@code X} ({@code [n, d]}, row-major: element {@code (m, i)} at
 * {@code m·d + i}) and labels {@code y} ({@code [n]}), in float or double. What the empirical-engine seam hands an
 * engine ({@link org.onecnn.empirical.EmpiricalEngine#open}), so that no engine and no trainer needs ND4J's types:
 * an engine that wants another layout (ND4J arrays, device memory) converts it itself.
 *
 * <p>Immutable by contract: the arrays are held and handed out without a copy (a large data set is read on every
 * step), so neither the maker nor a reader may modify them after construction.
 *
 * <p>Conversions: {@link #xFloats()} of a double set rounds each element to the nearest float (Java's
 * {@code (float)} cast, IEEE 754 round-to-nearest-even, the same as ND4J's cast); {@link #xDoubles()} of a float set
 * widens exactly.
 */
public final class TrainingSet {
    private final int n;
    private final int d;
    private final double[] xd;
    private final double[] yd;
    private final float[] xf;
    private final float[] yf;

    private TrainingSet(int n, int d, double[] xd, double[] yd, float[] xf, float[] yf) {
        InvalidInputException.requirePositive("n", n);
        InvalidInputException.requirePositive("d", d);
        int xl = xd != null ? xd.length : xf.length;
        int yl = yd != null ? yd.length : yf.length;
        if ((long) n * d != xl) {
            throw new InvalidInputException("X", "must hold n·d = " + n + "·" + d + " elements, got " + xl);
        }
        if (yl != n) {
            throw new InvalidInputException("y", "must hold n = " + n + " elements, got " + yl);
        }
        this.n = n;
        this.d = d;
        this.xd = xd;
        this.yd = yd;
        this.xf = xf;
        this.yf = yf;
    }

    /** A double set over {@code x} ({@code n·d}, row-major) and {@code y} ({@code n}), not copied. */
    public static TrainingSet ofDoubles(int n, int d, double[] x, double[] y) {
        Checks.notNull("X", x);
        Checks.notNull("y", y);
        return new TrainingSet(n, d, x, y, null, null);
    }

    /** A float set over {@code x} ({@code n·d}, row-major) and {@code y} ({@code n}), not copied. */
    public static TrainingSet ofFloats(int n, int d, float[] x, float[] y) {
        Checks.notNull("X", x);
        Checks.notNull("y", y);
        return new TrainingSet(n, d, null, null, x, y);
    }

    /** Number of samples. */
    public int n() {
        return n;
    }

    /** Input dimension. */
    public int d() {
        return d;
    }

    /** The type the elements are held in. */
    public Precision precision() {
        return xf != null ? Precision.FLOAT : Precision.DOUBLE;
    }

    /** {@code X} in double: the held array (do not modify) or an exact widening of the floats. */
    public double[] xDoubles() {
        return xd != null ? xd : widen(xf);
    }

    /** {@code y} in double: the held array (do not modify) or an exact widening of the floats. */
    public double[] yDoubles() {
        return yd != null ? yd : widen(yf);
    }

    /** {@code X} in float: the held array (do not modify) or the doubles rounded to nearest. */
    public float[] xFloats() {
        return xf != null ? xf : round(xd);
    }

    /** {@code y} in float: the held array (do not modify) or the doubles rounded to nearest. */
    public float[] yFloats() {
        return yf != null ? yf : round(yd);
    }

    private static double[] widen(float[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    private static float[] round(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }

    @Override
    public String toString() {
        return "TrainingSet[n=" + n + ", d=" + d + ", " + precision().key() + "]";
    }
}
