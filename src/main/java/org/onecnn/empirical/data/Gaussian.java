package org.onecnn.empirical.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Standard Gaussian inputs {@code x ~ N(0, I_d)}: the distribution of docs/model.md §2–§4 (Du et al.), under which
 * the population loss has a closed form. Drawn by ND4J's {@code GaussianDistribution} op with the caller's
 * generator.
 */
public final class Gaussian implements InputDistribution {
    /** The only instance. */
    public static final Gaussian INSTANCE = new Gaussian();

    private Gaussian() {
    }

    @Override
    public INDArray sample(long n, int d, DataType type, Random rng) {
        INDArray x = InputDistribution.allocate(n, d, type);
        return Nd4j.getExecutioner().exec(new GaussianDistribution(x, 0.0, 1.0), Checks.notNull("rng", rng));
    }

    @Override
    public String name() {
        return "gaussian";
    }

    /** Yes: this is {@code N(0, I_d)}. */
    @Override
    public boolean gaussian() {
        return true;
    }

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
        return "N(0, I)";
    }
}
