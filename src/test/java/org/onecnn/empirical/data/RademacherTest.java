package org.onecnn.empirical.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;

/**
 * Rademacher inputs ({@code x_i = ±1}, each with probability ½, independent): exact values, moments, independence
 * of coordinates, seeded determinism, its properties, and data sets labelled by the teacher.
 *
 * <p>Tolerances: a sample mean of {@code N} i.i.d. values with standard deviation {@code sd} lies within
 * {@code Z·sd/√N} of its expectation except with probability {@code 2(1 − Φ(Z)) = 5.7e−7} ({@code Z = 5}); the
 * {@code sd}s here are known exactly: a coordinate, a product {@code x_i x_j} ({@code i ≠ j}) and the indicator
 * {@code 1[x_i = x_j = 1]} minus ¼ have {@code sd} 1, 1 and {@code √(3/16)}. About 40 checks in all: a false alarm
 * once in some 40,000 runs.
 */
class RademacherTest {
    private static final double Z = 5;
    private static final int N = 20_000;
    private static final int D = 5;

    private static double[] draw(DataType type, long seed) {
        INDArray x = NdRandom.draw(seed, rng -> Rademacher.INSTANCE.sample(N, D, type, rng));
        assertArrayEquals(new long[] {N, D}, x.shape());
        assertEquals('c', x.ordering());
        assertEquals(type, x.dataType());
        return TestData.values(x);
    }

    private static void assertMean(String what, double sum, double expected, double sd) {
        double mean = sum / N;
        double tol = Z * sd / Math.sqrt(N);
        assertEquals(expected, mean, tol, what);
    }

    @Test
    void valuesAreExactlyPlusOrMinusOneInBothPrecisions() {
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            double[] x = draw(type, 3);
            long plus = Arrays.stream(x).filter(v -> v == 1.0).count();
            long minus = Arrays.stream(x).filter(v -> v == -1.0).count();
            assertEquals(x.length, plus + minus, type + ": every value is exactly +1 or −1");
            // both signs occur in every coordinate: P(a coordinate is constant over N samples) = 2^(1−N)
            for (int i = 0; i < D; i++) {
                double lo = Double.MAX_VALUE;
                double hi = -Double.MAX_VALUE;
                for (int m = 0; m < N; m++) {
                    lo = Math.min(lo, x[m * D + i]);
                    hi = Math.max(hi, x[m * D + i]);
                }
                assertTrue(lo == -1 && hi == 1, type + ": coordinate " + i);
            }
        }
    }

    /**
     * {@code E x_i = 0}, {@code E x_i² = 1} (exact: every square is 1), {@code E x_i x_j = 0} and
     * {@code P(x_i = 1, x_j = 1) = ¼} for {@code i ≠ j}: uncorrelated, and the joint law of each pair is the
     * product of the marginals (for ±1 variables the two facts together are pairwise independence).
     */
    @Test
    void meanZeroVarianceOneAndIndependentCoordinates() {
        double[] x = draw(DataType.DOUBLE, 11);
        for (int i = 0; i < D; i++) {
            double s = 0;
            double q = 0;
            for (int m = 0; m < N; m++) {
                s += x[m * D + i];
                q += x[m * D + i] * x[m * D + i];
            }
            assertMean("E x_" + i, s, 0, 1);
            assertEquals(N, q, "every square is 1");
            for (int j = i + 1; j < D; j++) {
                double p = 0;
                double both = 0;
                for (int m = 0; m < N; m++) {
                    p += x[m * D + i] * x[m * D + j];
                    both += x[m * D + i] == 1 && x[m * D + j] == 1 ? 1 : 0;
                }
                assertMean("E x_" + i + " x_" + j, p, 0, 1);
                assertMean("P(x_" + i + " = x_" + j + " = 1)", both, 0.25, Math.sqrt(3.0 / 16));
            }
        }
    }

    @Test
    void sameSeedSameBitsOtherSeedOtherDraws() {
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            INDArray a = NdRandom.draw(5, rng -> Rademacher.INSTANCE.sample(200, 3, type, rng));
            INDArray b = NdRandom.draw(5, rng -> Rademacher.INSTANCE.sample(200, 3, type, rng));
            INDArray c = NdRandom.draw(6, rng -> Rademacher.INSTANCE.sample(200, 3, type, rng));
            assertArrayEquals(TestData.values(a), TestData.values(b), type.name());
            assertFalse(Arrays.equals(TestData.values(a), TestData.values(c)), type.name());
        }
        // the pure-Java view draws the same bits as the ND4J sample in double precision
        assertArrayEquals(TestData.values(NdRandom.draw(9, rng -> Rademacher.INSTANCE.sample(40, 4,
                DataType.DOUBLE, rng))), Rademacher.INSTANCE.draw(40, 4, 9));
    }

    @Test
    void propertiesAndRegistration() {
        assertSame(Rademacher.INSTANCE, InputDistribution.named("rademacher"));
        assertSame(Rademacher.INSTANCE, InputDistribution.known().get("rademacher"));
        assertFalse(Rademacher.INSTANCE.gaussian());
        assertFalse(Rademacher.INSTANCE.populationClosedForm());
        assertTrue(Rademacher.INSTANCE.identityCovariance());
        assertTrue(Rademacher.INSTANCE.symmetric());
    }

    /**
     * A data set on Rademacher inputs: {@code y_m = Σ_i a*_i σ_α(w*ᵀ Z_i(x_m))} computed by plain loops, within
     * {@code 1e−12 · Σ_i |a*_i| ‖w*‖ ‖Z_i‖} (as in {@link DatasetGeneratorTest}: both computations round each
     * product and partial sum once, about {@code (r + k + 4)·ε} of that scale).
     */
    @Test
    void dataSetLabelsAreTheTeacherOnRademacherInputs() {
        Architecture arch = Architecture.of(13, 5, 2);
        Teacher t = Teacher.gaussian(arch.k(), arch.r(), 41);
        Dataset ds = DatasetGenerator.generate(arch, t, 0.2, Rademacher.INSTANCE, 300, 0, 8,
                org.onecnn.backend.Precision.DOUBLE);
        assertEquals("rademacher", ds.manifest().distribution());
        double[] x = ds.trainingSet().xDoubles();
        double[] y = ds.trainingSet().yDoubles();
        assertTrue(Arrays.stream(x).allMatch(v -> v == 1 || v == -1), "the inputs are Rademacher");
        for (int m = 0; m < 300; m++) {
            double[] ref = TestData.teacher(t.wStar(), t.aStar(), arch.s(), 0.2, TestData.row(x, arch.d(), m));
            assertEquals(ref[0], y[m], 1e-12 * ref[1], "sample " + m);
        }
    }
}
