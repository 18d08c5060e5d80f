package org.onecnn.empirical.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

/**
 * Inputs uniform on the cube {@code [−√3, √3]^d}: independent coordinates, symmetric, with mean 0 and
 * variance {@code (2√3)²/12 = 1}, hence identity covariance like {@link Gaussian}, but bounded and not
 * rotation invariant. The Convotron analyses (Goel, Klivans, Meka 2018) only need a symmetric distribution,
 * so this is the non-Gaussian test case. Drawn by ND4J's {@code UniformDistribution} op (values in
 * {@code [−√3, √3)}) with the caller's generator.
 */
public final class Uniform implements InputDistribution {
    /** The only instance. */
    public static final Uniform INSTANCE = new Uniform();

    /** Half the side of the cube, {@code √3}. */
    public static final double HALF_WIDTH = Math.sqrt(3.0);

    private Uniform() {
    }

    @Override
    public INDArray sample(long n, int d, DataType type, Random rng) {
        INDArray x = InputDistribution.allocate(n, d, type);
        return NdRandom.uniform(x, -HALF_WIDTH, HALF_WIDTH, Checks.notNull("rng", rng));
    }

    /** Each uniform mapped to {@code √3 (2u − 1) ∈ [−√3, √3)}. */
    @Override
    public void pair(double u1, double u2, double[] out, int at) {
        out[at] = HALF_WIDTH * (2.0 * u1 - 1.0);
        out[at + 1] = HALF_WIDTH * (2.0 * u2 - 1.0);
    }

    @Override
    public String name() {
        return "uniform";
    }

    /** No: bounded, so the population closed forms do not apply. */
    @Override
    public boolean gaussian() {
        return false;
    }

    /** Yes: independent coordinates of mean 0 and variance {@code (2√3)²/12 = 1}. */
    @Override
    public boolean identityCovariance() {
        return true;
    }

    @Override
    public boolean symmetric() {
        return true;
    }

    @Override
    public String toString() {
        return "U[−√3, √3]^d";
    }
}
