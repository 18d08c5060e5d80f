package org.onecnn.empirical.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.backend.Precision;
import org.onecnn.empirical.layers.EnsembleNetwork;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;

/**
 * Teacher–student data from the counter-based generator: determinism, the key stream {@code dataset}, labels against
 * the formula, label noise, float as the double data rounded, the manifest.
 */
class DatasetGeneratorTest {
    /** z of the central-limit checks: 5.7e−7 two-sided per check. */
    private static final double Z = 5;


    private static final Architecture ARCH = Architecture.nonOverlapping(3, 4);
    private static final Teacher TEACHER = Teacher.gaussian(3, 4, 17);

    private static Dataset data(long n, double sigma, long seed) {
        return DatasetGenerator.generate(ARCH, TEACHER, Gaussian.INSTANCE, n, sigma, seed, Precision.DOUBLE);
    }

    private static double[] x(Dataset d) {
        return d.trainingSet().xDoubles();
    }

    private static double[] y(Dataset d) {
        return d.trainingSet().yDoubles();
    }

    @Test
    void sameSeedSameBitsOtherSeedOtherData() {
        Dataset a = data(200, 0.1, 1);
        Dataset b = data(200, 0.1, 1);
        Dataset c = data(200, 0.1, 2);
        assertArrayEquals(x(a), x(b));
        assertArrayEquals(y(a), y(b));
        assertFalse(Arrays.equals(x(a), x(c)));
        assertFalse(Arrays.equals(y(a), y(c)));
    }

    @Test
    void noiseDoesNotChangeTheInputs() {
        Dataset clean = data(200, 0, 3);
        Dataset noisy = data(200, 0.5, 3);
        assertArrayEquals(x(clean), x(noisy));
        assertFalse(Arrays.equals(y(clean), y(noisy)));
    }

    /**
     * The data set of seed S is, bit for bit, the batch of step 0 of the counter-based samples keyed by stream
     * {@code dataset} (what a GPU kernel regenerates from the key words), and not online SGD's samples of the same
     * seed (another key); rows come out the same whether generated in one block or in the parallel row blocks
     * (n = 10 000 spans three blocks of 4096).
     */
    @Test
    void theDataSetIsStepZeroOfItsOwnKey() {
        int n = 10_000;
        Dataset ds = DatasetGenerator.generate(ARCH, TEACHER, 0.1, Uniform.INSTANCE, n, 0.2, 31, Precision.DOUBLE);
        CounterSamples gen = CounterSamples.dataset(ARCH, TEACHER, 0.1, Uniform.INSTANCE, 0.2, 31, n);
        double[] gx = new double[n * ARCH.d()];
        double[] gy = new double[n];
        gen.fill(0, 0, n, gx, gy);
        assertArrayEquals(gx, x(ds));
        assertArrayEquals(gy, y(ds));
        CounterSamples online = CounterSamples.of(ARCH, TEACHER, 0.1, Uniform.INSTANCE, 0.2, 31, 4);
        double[] ox = new double[4 * ARCH.d()];
        online.fill(0, 0, 4, ox, new double[4]);
        assertFalse(Arrays.equals(ox, Arrays.copyOf(x(ds), 4 * ARCH.d())), "the online key differs");
    }

    static Stream<Arguments> architectures() {
        return Stream.of(
            Arguments.of(Architecture.nonOverlapping(5, 4), 0.0),
            Arguments.of(Architecture.of(13, 5, 2), 0.0),
            Arguments.of(Architecture.of(10, 6, 1), 0.0),
            Arguments.of(Architecture.of(16, 4, 3), 0.2));
    }

    /**
     * {@code y_m = Σ_i a*_i σ_α(w*ᵀ Z_i(x_m))} by plain loops, for a teacher with {@code ‖w*‖ ≠ 1}. Tolerance
     * {@code 1e−12 · Σ_i |a*_i| ‖w*‖ ‖Z_i‖}: both computations round each product and partial sum once, so they
     * differ by at most about {@code (r + k + 4)·ε} times that scale (≈ 4e−15 here); 1e−12 is some 250 times
     * that, while any wrong patch, weight or scaling would be off by O(1).
     */
    @ParameterizedTest(name = "{0} alpha={1}")
    @MethodSource("architectures")
    void labelsAreTheTeacherFormula(Architecture arch, double alpha) {
        Teacher t = Teacher.gaussian(arch.k(), arch.r(), 41);
        assertTrue(Math.abs(t.c() - 1) > 0.05, "want ‖w*‖ ≠ 1, got " + t.c());
        Dataset ds = DatasetGenerator.generate(arch, t, alpha, Gaussian.INSTANCE, 300, 0, 8, Precision.DOUBLE);
        assertEquals(300, ds.trainingSet().n());
        assertEquals(arch.d(), ds.trainingSet().d());
        double[] x = x(ds);
        double[] y = y(ds);
        double[] w = t.wStar();
        double[] a = t.aStar();
        int negatives = 0;
        for (int m = 0; m < 300; m++) {
            double[] ref = TestData.teacher(w, a, arch.s(), alpha, TestData.row(x, arch.d(), m));
            assertEquals(ref[0], y[m], 1e-12 * ref[1], "sample " + m);
            negatives += y[m] < 0 ? 1 : 0;
        }
        assertTrue(negatives > 0 && negatives < 300, "labels of both signs (a* has both), got " + negatives);
    }

    /** The DL4J teacher network (kept for the DL4J side): labels in blocks of rows agree with one pass and the formula. */
    @ParameterizedTest(name = "{0} alpha={1}")
    @MethodSource("architectures")
    void blockwiseLabelsAgreeWithOnePass(Architecture arch, double alpha) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        Teacher t = Teacher.gaussian(arch.k(), arch.r(), 43);
        TeacherNetwork net = TeacherNetwork.of(arch, t, alpha, DataType.DOUBLE);
        INDArray x = NdRandom.draw(12, rng -> Gaussian.INSTANCE.sample(50, arch.d(), DataType.DOUBLE, rng));
        double[] xs = TestData.values(x);
        double[] one = TestData.values(net.labels(x));
        double[] blocks = TestData.values(net.labels(x, 7));
        for (int m = 0; m < 50; m++) {
            double[] ref = TestData.teacher(t.wStar(), t.aStar(), arch.s(), alpha, TestData.row(xs, arch.d(), m));
            assertEquals(one[m], blocks[m], 1e-12 * ref[1], "sample " + m);
            assertEquals(ref[0], blocks[m], 1e-12 * ref[1], "sample " + m);
        }
    }

    @Test
    void theTeacherNetworkHoldsWStarAndCTimesAStar() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        TeacherNetwork net = TeacherNetwork.of(ARCH, TEACHER, 0, DataType.DOUBLE);
        assertArrayEquals(TEACHER.wStar(), TestData.values(EnsembleNetwork.filters(net.net())));
        double[] ca = TEACHER.aStar();
        for (int i = 0; i < ca.length; i++) {
            ca[i] *= TEACHER.c();
        }
        assertArrayEquals(ca, TestData.values(EnsembleNetwork.outputWeights(net.net())));
    }

    /**
     * {@code y − teacher(x)} with σ = 0.3: mean 0 within {@code z·s/√n}, variance σ² within
     * {@code z·√((m₄ − s⁴)/n)} (the standard error of a sample variance, m₄ the sample fourth central moment).
     */
    @Test
    void noiseHasMeanZeroAndVarianceSigmaSquared() {
        int n = 20_000;
        double sigma = 0.3;
        double[] clean = y(data(n, 0, 4));
        double[] noisy = y(data(n, sigma, 4));
        double[] e = new double[n];
        for (int m = 0; m < n; m++) {
            e[m] = noisy[m] - clean[m];
        }
        double mean = Arrays.stream(e).average().orElseThrow();
        double var = Arrays.stream(e).map(v -> (v - mean) * (v - mean)).sum() / (n - 1);
        double m4 = Arrays.stream(e).map(v -> Math.pow(v - mean, 4)).sum() / n;
        double meanTol = Z * Math.sqrt(var / n);
        double varTol = Z * Math.sqrt((m4 - var * var) / n);
        assertEquals(0, mean, meanTol, "mean of the noise");
        assertEquals(sigma * sigma, var, varTol, "variance of the noise");
    }

    /** A float data set is the double one rounded to float, element by element (the same draws). */
    @Test
    void floatDataIsTheDoubleDataRounded() {
        Dataset f = DatasetGenerator.generate(ARCH, TEACHER, Uniform.INSTANCE, 100, 0.1, 5, Precision.FLOAT);
        Dataset d = DatasetGenerator.generate(ARCH, TEACHER, Uniform.INSTANCE, 100, 0.1, 5, Precision.DOUBLE);
        assertEquals(Precision.FLOAT, f.trainingSet().precision());
        assertEquals("FLOAT", f.manifest().dataType());
        double[] dx = x(d);
        double[] dy = y(d);
        float[] fx = f.trainingSet().xFloats();
        float[] fy = f.trainingSet().yFloats();
        for (int i = 0; i < dx.length; i++) {
            assertEquals((float) dx[i], fx[i], 0.0f, "x " + i);
        }
        for (int m = 0; m < dy.length; m++) {
            assertEquals((float) dy[m], fy[m], 0.0f, "y " + m);
        }
    }

    @Test
    void manifestDescribesTheData() {
        DatasetManifest m = data(50, 0.25, 9).manifest();
        assertEquals(9, m.seed());
        assertEquals(50, m.n());
        assertEquals(ARCH, m.architecture());
        assertEquals(3, m.k());
        assertEquals("gaussian", m.distribution());
        assertEquals(0.25, m.noiseSigma());
        assertEquals(0.0, m.leakySlope());
        assertEquals("DOUBLE", m.dataType());
        assertEquals(TEACHER.description(), m.teacher());
        assertArrayEquals(TEACHER.wStar(), m.wStar());
        assertArrayEquals(TEACHER.aStar(), m.aStar());
        assertEquals(DatasetManifest.BACKEND_JAVA, m.backend());
        assertEquals(DatasetManifest.GENERATOR_PHILOX, m.generator());
        assertTrue(m.versions().containsKey("onecnn"));
        assertTrue(java.time.Instant.parse(m.created()).isAfter(java.time.Instant.now().minusSeconds(3600)));
    }

    @Test
    void datasetOfValidatesAgainstTheManifest() {
        Dataset ds = data(10, 0, 6);
        TrainingSet set = ds.trainingSet();
        assertEquals("X", assertThrows(InvalidInputException.class, () -> Dataset.of(TrainingSet.ofDoubles(9, ARCH.d(),
                Arrays.copyOf(set.xDoubles(), 9 * ARCH.d()), Arrays.copyOf(set.yDoubles(), 9)), ds.manifest())).field());
        assertEquals("X", assertThrows(InvalidInputException.class, () -> Dataset.of(TrainingSet.ofFloats(10, ARCH.d(),
                set.xFloats(), set.yFloats()), ds.manifest())).field());
        assertEquals("y", assertThrows(InvalidInputException.class, () -> TrainingSet.ofDoubles(10, ARCH.d(),
                set.xDoubles(), new double[9])).field());
    }

    @Test
    void badArgumentsNameTheirField() {
        assertEquals("teacher.a_star", assertThrows(InvalidInputException.class, () -> DatasetGenerator.generate(
                Architecture.nonOverlapping(4, 4), TEACHER, Gaussian.INSTANCE, 10, 0, 1, Precision.DOUBLE)).field());
        assertEquals("teacher.w_star", assertThrows(InvalidInputException.class, () -> DatasetGenerator.generate(
                Architecture.nonOverlapping(3, 5), TEACHER, Gaussian.INSTANCE, 10, 0, 1, Precision.DOUBLE)).field());
        assertEquals("n", assertThrows(InvalidInputException.class,
                () -> data(0, 0, 1)).field());
        assertEquals("noise_sigma", assertThrows(InvalidInputException.class,
                () -> data(10, -0.1, 1)).field());
        assertEquals("noise_sigma", assertThrows(InvalidInputException.class,
                () -> data(10, Double.NaN, 1)).field());
        assertEquals("leaky_slope", assertThrows(InvalidInputException.class, () -> DatasetGenerator.generate(ARCH,
                TEACHER, 1.0, Gaussian.INSTANCE, 10, 0, 1, Precision.DOUBLE)).field());
        assertEquals("data_type", assertThrows(InvalidInputException.class, () -> DatasetGenerator.generate(ARCH,
                TEACHER, Gaussian.INSTANCE, 10, 0, 1, null)).field());
        assertEquals("distribution", assertThrows(InvalidInputException.class, () -> DatasetGenerator.generate(ARCH,
                TEACHER, null, 10, 0, 1, Precision.DOUBLE)).field());
    }
}
