package org.onecnn.empirical.data;

import java.util.function.Function;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place where onecnn creates ND4J random generators.
 *
 * <p>Every stochastic ND4J draw in onecnn (inputs, label noise, anything added later) takes a generator from
 * {@link #of(long)} with a seed derived from the run's master seed through a {@link org.onecnn.util.SeedStream}
 * declared by the class that draws it: one dedicated generator per stream. Why: ND4J's global generator ({@code Nd4j.getRandom()}) is shared per thread, and DL4J re-seeds it as a side effect of
 * building any network configuration, so a draw from it would depend on what else ran before; a dedicated
 * generator makes a stream a pure function of its seed. The generator lives on the active backend, so the draws
 * run there (on the GPU under CUDA).
 *
 * <p>Determinism (tested on nd4j-native): the same seed gives bitwise the same draws, also with a different
 * number of OpenMP threads (libnd4j's random ops are counter-based).
 *
 * <p>The generator holds native state: close it when done ({@code try (Random rng = NdRandom.of(seed)) ...}).
 */
public final class NdRandom {
    private NdRandom() {
    }

    /** A new generator of the active backend, seeded with {@code seed}; the caller closes it. */
    public static Random of(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    /**
     * Fills {@code x} with N(mean, sd²) draws of ND4J's {@code GaussianDistribution} op and {@code rng}. The
     * distributions call their ND4J ops here, never in their own bodies, so that the distribution classes load
     * (and their pure-Java parts, the counter-based samples, run) where ND4J is absent.
     */
    static INDArray gaussian(INDArray x, double mean, double sd, Random rng) {
        return Nd4j.getExecutioner().exec(new GaussianDistribution(x, mean, sd), rng);
    }

    /** Fills {@code x} with draws on {@code [lo, hi)} of ND4J's {@code UniformDistribution} op and {@code rng}. */
    static INDArray uniform(INDArray x, double lo, double hi, Random rng) {
        return Nd4j.getExecutioner().exec(new UniformDistribution(x, lo, hi), rng);
    }

    /** Fills {@code x} with 0/1 draws, {@code P(1) = p}, of ND4J's {@code BernoulliDistribution} op and {@code rng}. */
    static INDArray bernoulli(INDArray x, double p, Random rng) {
        Nd4j.getExecutioner().exec(new BernoulliDistribution(x, p), rng);
        return x;
    }

    /** {@code draw} applied to a new generator seeded with {@code seed}, which is closed afterwards. */
    public static <T> T draw(long seed, Function<Random, T> draw) {
        Random rng = of(seed);
        try {
            return draw.apply(rng);
        } finally {
            try {
                rng.close();
            } catch (Exception e) {
                // releasing native state cannot fail in a way that affects the draw
            }
        }
    }
}
