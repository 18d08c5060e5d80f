package org.onecnn.testutil;

import java.util.SplittableRandom;

/**
 * Standard normal draws from a seeded {@link SplittableRandom} (Box–Muller, both outputs used), for the
 * Monte Carlo tests: deterministic, no global randomness, and faster than the polar method of
 * Commons Math for the ~10⁸ draws the suite makes.
 */
public final class Gaussians {
    private final SplittableRandom rng;
    private double spare;
    private boolean hasSpare;

    public Gaussians(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    public double next() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u1 = 1.0 - rng.nextDouble(); // in (0, 1]: log is finite
        double u2 = rng.nextDouble();
        double r = Math.sqrt(-2 * Math.log(u1));
        double t = 2 * Math.PI * u2;
        spare = r * Math.sin(t);
        hasSpare = true;
        return r * Math.cos(t);
    }

    /** Fill {@code x} with independent standard normals. */
    public void fill(double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = next();
        }
    }

    /** A fresh standard normal vector. */
    public double[] vector(int n) {
        double[] x = new double[n];
        fill(x);
        return x;
    }

    /** A uniform unit vector. */
    public double[] unit(int n) {
        double[] x = vector(n);
        double s = Vec.norm(x);
        for (int i = 0; i < n; i++) {
            x[i] /= s;
        }
        return x;
    }

    public double uniform() {
        return rng.nextDouble();
    }
}
