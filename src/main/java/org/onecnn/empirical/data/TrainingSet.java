package org.onecnn.empirical.data;

import java.util.function.Supplier;

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
 *
 * <p>A generated set ({@link #generated}) knows its {@link #generator()} (the Philox batch of step 0 it is) and
 * draws its arrays only when first asked for them: an engine that regenerates the samples where it computes (the
 * cuda engine, on the GPU, by the same kernel as online batches) never makes the CPU draw them; anything that reads
 * the arrays (another engine, saving, the second-order classification) gets the CPU's draw, the same bits.
 */
public final class TrainingSet {
    private final int n;
    private final int d;
    private volatile double[] xd;
    private volatile double[] yd;
    private volatile float[] xf;
    private volatile float[] yf;
    private final Precision type;
    /** Non-null for a generated set: its samples are this generator's batch of step 0. */
    private final CounterSamples generator;
    /** Draws the arrays of a generated set, once (then null). */
    private Supplier<TrainingSet> draw;

    private TrainingSet(int n, int d, Precision type, CounterSamples generator, Supplier<TrainingSet> draw) {
        InvalidInputException.requirePositive("n", n);
        InvalidInputException.requirePositive("d", d);
        this.n = n;
        this.d = d;
        this.type = type;
        this.generator = generator;
        this.draw = draw;
    }

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
        this.type = xf != null ? Precision.FLOAT : Precision.DOUBLE;
        this.generator = null;
    }

    /**
     * The batch of step 0 of {@code generator} ({@code generator.batchSize()} samples) in {@code type}, drawn by
     * {@code draw} on the CPU when its arrays are first read (the set {@code draw} gives must be that batch).
     */
    public static TrainingSet generated(CounterSamples generator, Precision type, Supplier<TrainingSet> draw) {
        Checks.notNull("generator", generator);
        Checks.notNull("data_type", type);
        return new TrainingSet(generator.batchSize(), generator.d(), type, generator, draw);
    }

    /** The generator whose batch of step 0 this set is, or null (a set of given arrays, a loaded one). */
    public CounterSamples generator() {
        return generator;
    }

    /** Whether the arrays exist: always for a set of given arrays; for a generated set, once something read them. */
    public boolean drawn() {
        return generator == null || xd != null || xf != null;
    }

    /** The arrays, drawn now if this is a generated set not yet drawn. */
    private void ready() {
        if (generator == null || (xd != null || xf != null)) {
            return;
        }
        synchronized (this) {
            if (xd != null || xf != null) {
                return;
            }
            TrainingSet t = draw.get();
            if (t.n != n || t.d != d || t.precision() != type) {
                throw new IllegalStateException("the drawn set " + t + " is not " + this);
            }
            yd = t.yd;
            yf = t.yf;
            // the inputs last: ready() tests them (volatile), so a reader that sees them sees the labels too
            if (t.xd != null) {
                xd = t.xd;
            } else {
                xf = t.xf;
            }
            draw = null;
        }
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
        return type;
    }

    /** {@code X} in double: the held array (do not modify) or an exact widening of the floats. */
    public double[] xDoubles() {
        ready();
        return xd != null ? xd : widen(xf);
    }

    /** {@code y} in double: the held array (do not modify) or an exact widening of the floats. */
    public double[] yDoubles() {
        ready();
        return yd != null ? yd : widen(yf);
    }

    /** {@code X} in float: the held array (do not modify) or the doubles rounded to nearest. */
    public float[] xFloats() {
        ready();
        return xf != null ? xf : round(xd);
    }

    /** {@code y} in float: the held array (do not modify) or the doubles rounded to nearest. */
    public float[] yFloats() {
        ready();
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
