package org.onecnn.empirical.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

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
        return NdRandom.gaussian(x, 0.0, 1.0, Checks.notNull("rng", rng));
    }

    /**
     * Box–Muller: {@code ρ = √(−2 ln(1 − u1))}, {@code θ = 2π u2}, the pair {@code (ρ cos θ, ρ sin θ)} of independent
     * standard normals ({@code 1 − u1 ∈ (0, 1]}, so the logarithm is finite; the largest value is
     * {@code √(2·53 ln 2) ≈ 8.6}, the tail beyond it has probability {@code 2⁻⁵³}).
     */
    @Override
    public void pair(double u1, double u2, double[] out, int at) {
        double rho = StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - u1));
        double theta = 2.0 * StrictMath.PI * u2;
        out[at] = rho * StrictMath.cos(theta);
        out[at + 1] = rho * StrictMath.sin(theta);
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
