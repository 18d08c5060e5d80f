package org.onecnn.empirical.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;

/** The counter-based online samples: addressable, split-invariant, labelled by the teacher, distributed right. */
class CounterSamplesTest {
    private static final Architecture ARCH = Architecture.of(13, 5, 2);
    private static final Teacher TEACHER = Teacher.of(new double[] {0.9, -0.4, 1.3, 0.2, -0.7},
            new double[] {0.5, -1.0, 0.3, 0.8, -0.2});

    private static CounterSamples samples(double noise, int b) {
        return CounterSamples.of(ARCH, TEACHER, 0, Gaussian.INSTANCE, noise, 77, b);
    }

    @Test
    void aSampleDependsOnlyOnStepAndRowNotOnTheSplitOrTheOrder() {
        CounterSamples s = samples(0.1, 16);
        int d = ARCH.d();
        double[] x = new double[16 * d];
        double[] y = new double[16];
        s.fill(3, 0, 16, x, y);
        double[] x2 = new double[16 * d];
        double[] y2 = new double[16];
        for (int row0 : new int[] {12, 5, 0, 9}) {
            int rows = row0 == 12 ? 4 : row0 == 5 ? 4 : row0 == 0 ? 5 : 3;
            double[] xs = new double[rows * d];
            double[] ys = new double[rows];
            s.fill(3, row0, rows, xs, ys);
            System.arraycopy(xs, 0, x2, row0 * d, rows * d);
            System.arraycopy(ys, 0, y2, row0, rows);
        }
        assertArrayEquals(x, x2);
        assertArrayEquals(y, y2);
        double[] other = new double[16 * d];
        s.fill(4, 0, 16, other, new double[16]);
        assertFalse(Arrays.equals(x, other), "another step, other samples");
        double[] otherSeed = new double[16 * d];
        CounterSamples.of(ARCH, TEACHER, 0, Gaussian.INSTANCE, 0.1, 78, 16).fill(3, 0, 16, otherSeed, new double[16]);
        assertFalse(Arrays.equals(x, otherSeed), "another seed, other samples");
        // the batch size does not enter a sample: row 2 of a batch of 4 is row 2 of a batch of 16
        double[] small = new double[4 * d];
        double[] smallY = new double[4];
        samples(0.1, 4).fill(3, 0, 4, small, smallY);
        assertArrayEquals(Arrays.copyOf(x, 4 * d), small);
        assertArrayEquals(Arrays.copyOf(y, 4), smallY);
    }

    @Test
    void theFloatBatchIsTheDoubleBatchRounded() {
        CounterSamples s = samples(0.3, 8);
        double[] x = new double[8 * ARCH.d()];
        double[] y = new double[8];
        float[] xf = new float[x.length];
        float[] yf = new float[8];
        s.fill(9, 0, 8, x, y);
        s.fill(9, 0, 8, xf, yf);
        for (int i = 0; i < x.length; i++) {
            assertEquals((float) x[i], xf[i]);
        }
        for (int i = 0; i < y.length; i++) {
            assertEquals((float) y[i], yf[i]);
        }
    }

    /**
     * Without noise the labels are the teacher's outputs as the DL4J layers compute them ({@link TeacherNetwork}),
     * up to the rounding of two orders of summation: each label is a sum of k terms |a*_i σ(w*ᵀZ_i)| of at
     * most r products each, so the two differ by at most about (k + r) ε Σ_i |a*_i| Σ_b |w*_b x_b|; asserted with
     * ε = 2⁻⁵² and a factor 4 for the normalisation by c and back.
     */
    @Test
    void labelsAreTheTeachersOutputs() {
        CounterSamples s = samples(0, 32);
        int d = ARCH.d();
        double[] x = new double[32 * d];
        double[] y = new double[32];
        s.fill(0, 0, 32, x, y);
        INDArray expected = TeacherNetwork.of(ARCH, TEACHER, 0, DataType.DOUBLE).labels(
                Nd4j.create(x, new long[] {32, d}, 'c'));
        double[] w = TEACHER.wStar();
        double[] a = TEACHER.aStar();
        for (int m = 0; m < 32; m++) {
            double scale = 0;
            for (int i = 0; i < ARCH.k(); i++) {
                for (int b = 0; b < ARCH.r(); b++) {
                    scale += Math.abs(a[i] * w[b] * x[m * d + i * ARCH.s() + b]);
                }
            }
            double tol = 4 * (ARCH.k() + ARCH.r()) * 0x1.0p-52 * scale;
            assertEquals(expected.getDouble(m, 0), y[m], tol, "label " + m);
        }
    }

    /**
     * Moments over N = 40 000 coordinates: the mean within 5 standard errors (√(1/N)), the variance within 5
     * standard errors of the sample variance (√((μ₄ − 1)/N), μ₄ = 3 Gaussian, 9/5 uniform, 1 Rademacher: exact).
     * The label noise, y minus the noiseless label, has standard deviation σ.
     */
    @Test
    void eachDistributionHasItsMoments() {
        Architecture arch = Architecture.nonOverlapping(4, 5);
        Teacher t = Teacher.ratioFamily(4, 5, 1.0, 1.0, 1.0, 3);
        int b = 2000;
        for (InputDistribution dist : InputDistribution.known().values()) {
            double[] x = new double[b * arch.d()];
            double[] y = new double[b];
            CounterSamples.of(arch, t, 0, dist, 0, 5, b).fill(7, 0, b, x, y);
            double n = x.length;
            double mean = Arrays.stream(x).sum() / n;
            double var = Arrays.stream(x).map(v -> v * v).sum() / n - mean * mean;
            double mu4 = dist == Gaussian.INSTANCE ? 3 : dist == Uniform.INSTANCE ? 9.0 / 5 : 1;
            assertEquals(0, mean, 5 / Math.sqrt(n), dist.name() + " mean");
            assertEquals(1, var, 5 * Math.sqrt(Math.max(mu4 - 1, 1e-3) / n) + 1e-12, dist.name() + " variance");
            if (dist == Rademacher.INSTANCE) {
                assertTrue(Arrays.stream(x).allMatch(v -> v == 1 || v == -1));
            } else if (dist == Uniform.INSTANCE) {
                assertTrue(Arrays.stream(x).allMatch(v -> Math.abs(v) <= Uniform.HALF_WIDTH));
            }
        }
        double sigma = 0.25;
        double[] clean = new double[b];
        double[] noisy = new double[b];
        double[] x = new double[b * arch.d()];
        CounterSamples.of(arch, t, 0, Gaussian.INSTANCE, 0, 5, b).fill(2, 0, b, x, clean);
        CounterSamples.of(arch, t, 0, Gaussian.INSTANCE, sigma, 5, b).fill(2, 0, b, x, noisy);
        double sq = 0;
        for (int m = 0; m < b; m++) {
            sq += (noisy[m] - clean[m]) * (noisy[m] - clean[m]);
        }
        // the sample variance of N(0, σ²) noise: relative standard error √(2/b)
        assertEquals(sigma * sigma, sq / b, 5 * sigma * sigma * Math.sqrt(2.0 / b));
    }

    @Test
    void badArgumentsAreRefused() {
        assertEquals("batch_size", assertThrows(InvalidInputException.class,
                () -> CounterSamples.of(ARCH, TEACHER, 0, Gaussian.INSTANCE, 0, 1, 0)).field());
        assertEquals("noise_sigma", assertThrows(InvalidInputException.class,
                () -> CounterSamples.of(ARCH, TEACHER, 0, Gaussian.INSTANCE, -1, 1, 4)).field());
        CounterSamples s = samples(0, 4);
        assertThrows(IllegalArgumentException.class, () -> s.fill(-1, 0, 1, new double[13], new double[1]));
        assertThrows(IllegalArgumentException.class, () -> s.fill(0, 3, 2, new double[26], new double[2]));
        assertThrows(IllegalArgumentException.class, () -> s.fill(0, 0, 2, new double[13], new double[2]));
    }
}
