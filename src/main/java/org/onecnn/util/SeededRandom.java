package org.onecnn.util;

import java.util.SplittableRandom;

import org.apache.commons.math3.random.AbstractRandomGenerator;

/**
 * A Commons Math {@link org.apache.commons.math3.random.RandomGenerator} backed by a
 * {@link SplittableRandom}, so that Commons Math samplers (sphere, ball, distributions) draw from a
 * stream derived from the run's master seed.
 *
 * <p>Every stochastic piece of onecnn takes one of these (or a {@code SplittableRandom}) derived from
 * the master seed; nothing uses a global or time-seeded generator. {@code nextGaussian} is the
 * Marsaglia polar method of {@link AbstractRandomGenerator}, which depends only on {@code nextDouble},
 * so a stream is identical across JDK versions.
 */
public final class SeededRandom extends AbstractRandomGenerator {
    private SplittableRandom rng;

    public SeededRandom(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public void setSeed(long seed) {
        this.rng = new SplittableRandom(seed);
        clear();
    }

    @Override
    public double nextDouble() {
        return rng.nextDouble();
    }

    @Override
    public long nextLong() {
        return rng.nextLong();
    }

    @Override
    public int nextInt() {
        return rng.nextInt();
    }

    @Override
    public int nextInt(int n) {
        return rng.nextInt(n);
    }

    /** A unit vector uniform on the sphere S^{dim-1} (normalised standard Gaussian). */
    public double[] unitVector(int dim) {
        double[] u = new double[dim];
        double n2;
        do {
            n2 = 0;
            for (int i = 0; i < dim; i++) {
                u[i] = nextGaussian();
                n2 += u[i] * u[i];
            }
        } while (n2 == 0.0);
        double inv = 1.0 / Math.sqrt(n2);
        for (int i = 0; i < dim; i++) {
            u[i] *= inv;
        }
        return u;
    }

    /** A standard Gaussian vector. */
    public double[] gaussianVector(int dim) {
        double[] u = new double[dim];
        for (int i = 0; i < dim; i++) {
            u[i] = nextGaussian();
        }
        return u;
    }
}
