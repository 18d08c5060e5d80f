package org.onecnn.empirical.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.util.InvalidInputException;

/**
 * Input distributions: moments within central-limit tolerances, seeded determinism, names.
 *
 * <p>Tolerances: a sample mean of {@code n} i.i.d. values with standard deviation {@code sd} is within
 * {@code z·sd/√n} of its expectation except with probability {@code 2(1 − Φ(z))}; with {@code z = 5} that is
 * 5.7e−7 per check, about 1e−5 for the 14 checks of a test. {@code sd} is the sample standard deviation of the
 * quantity averaged (a value, a product of two coordinates, a square).
 */
class InputDistributionTest {
    private static final double Z = 5;
    private static final int N = 20_000;
    private static final int D = 4;

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private static double[] draw(InputDistribution dist, long seed) {
        INDArray x = NdRandom.draw(seed, rng -> dist.sample(N, D, DataType.DOUBLE, rng));
        assertArrayEquals(new long[] {N, D}, x.shape());
        assertEquals('c', x.ordering());
        assertEquals(DataType.DOUBLE, x.dataType());
        return TestData.values(x);
    }

    /** {@code |mean(q) − expected| <= z·sd(q)/√n}. */
    private static void assertMean(String what, double[] q, double expected) {
        double mean = Arrays.stream(q).average().orElseThrow();
        double var = Arrays.stream(q).map(v -> (v - mean) * (v - mean)).sum() / (q.length - 1);
        double tol = Z * Math.sqrt(var / q.length);
        assertTrue(Math.abs(mean - expected) <= tol, what + ": mean " + mean + ", expected " + expected + " ± " + tol);
    }

    /** Means 0 and second moments {@code E[x_i x_j] = δ_ij} (identity covariance). */
    private static void assertStandardMoments(double[] x) {
        for (int i = 0; i < D; i++) {
            double[] xi = new double[N];
            for (int m = 0; m < N; m++) {
                xi[m] = x[m * D + i];
            }
            assertMean("E x_" + i, xi, 0);
            for (int j = i; j < D; j++) {
                double[] p = new double[N];
                for (int m = 0; m < N; m++) {
                    p[m] = x[m * D + i] * x[m * D + j];
                }
                assertMean("E x_" + i + " x_" + j, p, i == j ? 1 : 0);
            }
        }
    }

    @Test
    void gaussianHasMeanZeroAndIdentityCovariance() {
        assertStandardMoments(draw(Gaussian.INSTANCE, 11));
    }

    @Test
    void uniformIsOnTheCubeWithMeanZeroAndIdentityCovariance() {
        double[] x = draw(Uniform.INSTANCE, 12);
        double h = Math.sqrt(3);
        double min = Arrays.stream(x).min().orElseThrow();
        double max = Arrays.stream(x).max().orElseThrow();
        assertTrue(min >= -h && max <= h, "values in [−√3, √3], got [" + min + ", " + max + "]");
        // the range is filled: P(no value within 0.01 of an end) = (1 − 0.01/(2√3))^(N·D) < 1e−100
        assertTrue(min < -h + 0.01 && max > h - 0.01, "range [" + min + ", " + max + "]");
        assertStandardMoments(x);
    }

    @Test
    void sameSeedSameBitsOtherSeedOtherDraws() {
        for (InputDistribution dist : InputDistribution.known().values()) {
            double[] a = TestData.values(NdRandom.draw(5, rng -> dist.sample(100, 3, DataType.DOUBLE, rng)));
            double[] b = TestData.values(NdRandom.draw(5, rng -> dist.sample(100, 3, DataType.DOUBLE, rng)));
            double[] c = TestData.values(NdRandom.draw(6, rng -> dist.sample(100, 3, DataType.DOUBLE, rng)));
            assertArrayEquals(a, b, dist.name());
            assertFalse(Arrays.equals(a, c), dist.name());
        }
    }

    /** The pure-Java view ({@code InputSampler.draw}, what Convotron reads) is the ND4J sample, bit for bit. */
    @Test
    void drawIsTheDoublePrecisionSampleOfADedicatedGenerator() {
        for (InputDistribution dist : InputDistribution.known().values()) {
            double[] nd = TestData.values(NdRandom.draw(8, rng -> dist.sample(50, 7, DataType.DOUBLE, rng)));
            assertArrayEquals(nd, dist.draw(50, 7, 8), dist.name());
        }
        assertEquals("n", assertThrows(InvalidInputException.class, () -> Gaussian.INSTANCE.draw(0, 3, 1)).field());
        assertEquals("n", assertThrows(InvalidInputException.class,
                () -> Gaussian.INSTANCE.draw(1 << 20, 1 << 12, 1)).field());
    }

    /** Only N(0, I) has the population closed forms; every known distribution is symmetric with identity covariance. */
    @Test
    void properties() {
        for (InputDistribution dist : InputDistribution.known().values()) {
            assertEquals(dist == Gaussian.INSTANCE, dist.gaussian(), dist.name());
            assertEquals(dist.gaussian(), dist.populationClosedForm(), dist.name());
            assertTrue(dist.identityCovariance() && dist.symmetric(), dist.name());
        }
        assertEquals(java.util.List.of("gaussian", "uniform", "rademacher"),
                java.util.List.copyOf(InputDistribution.known().keySet()));
    }

    @Test
    void dedicatedGeneratorsLeaveTheGlobalOneAlone() {
        Nd4j.getRandom().setSeed(99);
        double expected = Nd4j.getRandom().nextDouble();
        Nd4j.getRandom().setSeed(99);
        NdRandom.draw(3, rng -> Gaussian.INSTANCE.sample(1000, 5, DataType.DOUBLE, rng));
        assertEquals(expected, Nd4j.getRandom().nextDouble());
    }

    @Test
    void floatSamplesAreFloat() {
        INDArray x = NdRandom.draw(5, rng -> Uniform.INSTANCE.sample(10, 3, DataType.FLOAT, rng));
        assertEquals(DataType.FLOAT, x.dataType());
    }

    @Test
    void namesAndErrors() {
        assertSame(Gaussian.INSTANCE, InputDistribution.named("gaussian"));
        assertSame(Uniform.INSTANCE, InputDistribution.named(" Uniform "));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> InputDistribution.named("cauchy"));
        assertEquals("distribution", e.field());
        assertTrue(e.getMessage().contains("gaussian, uniform"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> InputDistribution.named(null));
        assertEquals("n", assertThrows(InvalidInputException.class,
                () -> NdRandom.draw(1, rng -> Gaussian.INSTANCE.sample(0, 3, DataType.DOUBLE, rng))).field());
        assertEquals("d", assertThrows(InvalidInputException.class,
                () -> NdRandom.draw(1, rng -> Gaussian.INSTANCE.sample(3, 0, DataType.DOUBLE, rng))).field());
        assertEquals("data_type", assertThrows(InvalidInputException.class,
                () -> NdRandom.draw(1, rng -> Gaussian.INSTANCE.sample(3, 3, DataType.INT, rng))).field());
    }
}
