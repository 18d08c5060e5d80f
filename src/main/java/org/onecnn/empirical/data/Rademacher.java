package org.onecnn.empirical.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

/**
 * Rademacher inputs: independent coordinates {@code x_i = ±1}, each sign with probability ½. Mean 0, variance 1,
 * hence identity covariance, and symmetric, like {@link Gaussian} and {@link Uniform}, so the Convotron analyses
 * apply; but discrete and not Gaussian, so the population closed forms do not. Drawn by ND4J's
 * {@code BernoulliDistribution} op ({@code b ∈ {0, 1}}, {@code P(b = 1) = ½}) with the caller's generator, then
 * mapped to {@code 2b − 1}, which is exactly {@code ±1} in float and double.
 */
public final class Rademacher implements InputDistribution {
    /** The only instance. */
    public static final Rademacher INSTANCE = new Rademacher();

    private Rademacher() {
    }

    @Override
    public INDArray sample(long n, int d, DataType type, Random rng) {
        INDArray x = InputDistribution.allocate(n, d, type);
        return NdRandom.bernoulli(x, 0.5, Checks.notNull("rng", rng)).muli(2.0).subi(1.0);
    }

    /** Each uniform mapped to {@code −1} below ½ and {@code +1} from ½ on (its top bit). */
    @Override
    public void pair(double u1, double u2, double[] out, int at) {
        out[at] = u1 < 0.5 ? -1.0 : 1.0;
        out[at + 1] = u2 < 0.5 ? -1.0 : 1.0;
    }

    @Override
    public String name() {
        return "rademacher";
    }

    /** No: discrete. */
    @Override
    public boolean gaussian() {
        return false;
    }

    /** Yes: independent coordinates with {@code E[x_i] = 0}, {@code E[x_i²] = 1}. */
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
        return "{−1, +1}^d uniform";
    }
}
