package org.onecnn.empirical.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.empirical.layers.EnsembleNetwork;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;

/** Teacher–student data: determinism, independent seed streams, labels against the formula, label noise. */
class DatasetGeneratorTest {
    /** z of the central-limit checks: 5.7e−7 two-sided per check. */
    private static final double Z = 5;

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private static final Architecture ARCH = Architecture.nonOverlapping(3, 4);
    private static final Teacher TEACHER = Teacher.gaussian(3, 4, 17);

    private static Dataset data(long n, double sigma, long seed) {
        return DatasetGenerator.generate(ARCH, TEACHER, Gaussian.INSTANCE, n, sigma, seed, DataType.DOUBLE);
    }

    @Test
    void sameSeedSameBitsOtherSeedOtherData() {
        Dataset a = data(200, 0.1, 1);
        Dataset b = data(200, 0.1, 1);
        Dataset c = data(200, 0.1, 2);
        assertArrayEquals(TestData.values(a.features()), TestData.values(b.features()));
        assertArrayEquals(TestData.values(a.labels()), TestData.values(b.labels()));
        assertFalse(Arrays.equals(TestData.values(a.features()), TestData.values(c.features())));
        assertFalse(Arrays.equals(TestData.values(a.labels()), TestData.values(c.labels())));
    }

    @Test
    void noiseDoesNotChangeTheInputs() {
        Dataset clean = data(200, 0, 3);
        Dataset noisy = data(200, 0.5, 3);
        assertArrayEquals(TestData.values(clean.features()), TestData.values(noisy.features()));
        assertFalse(Arrays.equals(TestData.values(clean.labels()), TestData.values(noisy.labels())));
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
     * that, while any wrong patch, weight or scaling by {@code c} would be off by O(1).
     */
    @ParameterizedTest(name = "{0} alpha={1}")
    @MethodSource("architectures")
    void labelsAreTheTeacherFormula(Architecture arch, double alpha) {
        Teacher t = Teacher.gaussian(arch.k(), arch.r(), 41);
        assertTrue(Math.abs(t.c() - 1) > 0.05, "want ‖w*‖ ≠ 1, got " + t.c());
        Dataset ds = DatasetGenerator.generate(arch, t, alpha, Gaussian.INSTANCE, 300, 0, 8, DataType.DOUBLE);
        assertArrayEquals(new long[] {300, arch.d()}, ds.features().shape());
        assertArrayEquals(new long[] {300, 1}, ds.labels().shape());
        double[] x = TestData.values(ds.features());
        double[] y = TestData.values(ds.labels());
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

    /** Large data sets are labelled in blocks of rows (views of X): the blocks agree with one pass. */
    @ParameterizedTest(name = "{0} alpha={1}")
    @MethodSource("architectures")
    void blockwiseLabelsAgreeWithOnePass(Architecture arch, double alpha) {
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
        double[] clean = TestData.values(data(n, 0, 4).labels());
        double[] noisy = TestData.values(data(n, sigma, 4).labels());
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

    @Test
    void floatDataMatchesTheFormulaInFloatPrecision() {
        Dataset ds = DatasetGenerator.generate(ARCH, TEACHER, Uniform.INSTANCE, 100, 0, 5, DataType.FLOAT);
        assertEquals(DataType.FLOAT, ds.features().dataType());
        assertEquals(DataType.FLOAT, ds.labels().dataType());
        assertEquals("FLOAT", ds.manifest().dataType());
        double[] x = TestData.values(ds.features());
        double[] y = TestData.values(ds.labels());
        for (int m = 0; m < 100; m++) {
            double[] ref = TestData.teacher(TEACHER.wStar(), TEACHER.aStar(), ARCH.s(), 0, TestData.row(x, ARCH.d(), m));
            // float: ε = 6e−8 per rounding, ~20 roundings, plus the float parameters
            assertEquals(ref[0], y[m], 1e-5 * ref[1], "sample " + m);
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
        assertEquals(Nd4j.getBackend().getClass().getSimpleName(), m.backend());
        assertTrue(m.versions().containsKey("onecnn"));
        assertTrue(java.time.Instant.parse(m.created()).isAfter(java.time.Instant.now().minusSeconds(3600)));
    }

    @Test
    void labelsForStudentsAreColumnMajorCopies() {
        Dataset ds = data(31, 0.1, 6);
        double[] y = TestData.values(ds.labels());
        for (int students : new int[] {1, 4}) {
            INDArray l = DatasetGenerator.labelsForStudents(ds, students);
            assertArrayEquals(new long[] {31, students}, l.shape());
            assertEquals('f', l.ordering());
            for (int j = 0; j < students; j++) {
                assertArrayEquals(y, TestData.values(l.getColumn(j)), "column " + j);
            }
        }
        assertEquals("students", assertThrows(InvalidInputException.class,
                () -> DatasetGenerator.labelsForStudents(ds, 0)).field());
    }

    @Test
    void datasetOfCopiesAndValidates() {
        Dataset ds = data(10, 0, 6);
        INDArray x = ds.features().dup();
        INDArray y = ds.labels().dup();
        Dataset copy = Dataset.of(x, y, ds.manifest());
        x.addi(1);
        assertArrayEquals(TestData.values(ds.features()), TestData.values(copy.features()));
        assertEquals("X", assertThrows(InvalidInputException.class,
                () -> Dataset.of(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 9),
                        org.nd4j.linalg.indexing.NDArrayIndex.all()), y, ds.manifest())).field());
        assertEquals("y", assertThrows(InvalidInputException.class,
                () -> Dataset.of(x, y.castTo(DataType.FLOAT), ds.manifest())).field());
    }

    @Test
    void badArgumentsNameTheirField() {
        assertEquals("teacher.a_star", assertThrows(InvalidInputException.class, () -> DatasetGenerator.generate(
                Architecture.nonOverlapping(4, 4), TEACHER, Gaussian.INSTANCE, 10, 0, 1, DataType.DOUBLE)).field());
        assertEquals("teacher.w_star", assertThrows(InvalidInputException.class, () -> DatasetGenerator.generate(
                Architecture.nonOverlapping(3, 5), TEACHER, Gaussian.INSTANCE, 10, 0, 1, DataType.DOUBLE)).field());
        assertEquals("n", assertThrows(InvalidInputException.class,
                () -> data(0, 0, 1)).field());
        assertEquals("noise_sigma", assertThrows(InvalidInputException.class,
                () -> data(10, -0.1, 1)).field());
        assertEquals("noise_sigma", assertThrows(InvalidInputException.class,
                () -> data(10, Double.NaN, 1)).field());
        assertEquals("leaky_slope", assertThrows(InvalidInputException.class, () -> DatasetGenerator.generate(ARCH,
                TEACHER, 1.0, Gaussian.INSTANCE, 10, 0, 1, DataType.DOUBLE)).field());
        assertEquals("data_type", assertThrows(InvalidInputException.class, () -> DatasetGenerator.generate(ARCH,
                TEACHER, Gaussian.INSTANCE, 10, 0, 1, DataType.HALF)).field());
        assertEquals("distribution", assertThrows(InvalidInputException.class, () -> DatasetGenerator.generate(ARCH,
                TEACHER, null, 10, 0, 1, DataType.DOUBLE)).field());
    }
}
