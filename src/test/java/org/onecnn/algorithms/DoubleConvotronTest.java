package org.onecnn.algorithms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.empirical.data.Gaussian;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.data.NdRandom;
import org.onecnn.empirical.data.TeacherNetwork;
import org.onecnn.empirical.data.Uniform;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.testutil.Vec;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.Seeds;

/**
 * Double Convotron: stage 3 picks the sign that makes the pair consistent with the teacher, runs are reproducible
 * and independent of batching, the settings validate, and the labels and samples are those of the project's
 * teacher network and ND4J draws.
 */
class DoubleConvotronTest {
    static final Architecture ARCH = Architecture.of(30, 6, 4);

    static Stream<Arguments> signCases() {
        return Stream.of(Arguments.of(Gaussian.INSTANCE, -0.7, 0.0), Arguments.of(Gaussian.INSTANCE, 1.6, 0.0),
                Arguments.of(Uniform.INSTANCE, 1.3, 0.3), Arguments.of(Uniform.INSTANCE, -1.4, 0.3));
    }

    /**
     * Stage-2 input {@code a = μ a*} (μ = ±λ) directly. Whatever the sign of μ, the chosen pair must be
     * {@code a = |μ| a*} (bitwise: {@code −(−x) = x}) and {@code w ≈ w* / |μ|}: the Convotron run with the right sign
     * has realisable labels, so {@link ConvotronBound} applies to it with {@code a = |μ| a*}, and its step
     * {@code η*} and run length give {@code ‖w − w* / |μ|‖ <= ε ‖w* / |μ|‖} except with probability 1e−6. The wrong sign
     * cannot fit ({@code −σ_α(·)} is not {@code σ_α} of anything), so its validation loss is the larger.
     */
    @ParameterizedTest(name = "{0}, a = {1} a*, alpha = {2}")
    @MethodSource("signCases")
    void stage3PicksTheSignConsistentWithTheTeacher(InputDistribution dist, double mu, double alpha) {
        Teacher t = Teacher.gaussian(ARCH.k(), ARCH.r(), 77);
        double lambda = Math.abs(mu);
        double[] aRight = Vec.scale(lambda, t.aStar());
        ConvotronBound bound = ConvotronBound.of(ARCH, aRight, dist, alpha);
        double eta = bound.bestEta();
        long steps = bound.stepsFor(eta, ConvotronTest.EPS, ConvotronTest.DELTA);
        double eps = bound.threshold(eta, steps, ConvotronTest.DELTA);
        DoubleConvotron.Settings st = new DoubleConvotron.Settings(ARCH, dist, alpha, 1, 1e-4, steps, eta, 0.1, 1000,
                2000, 1, steps);
        DoubleConvotron.Problem p = new DoubleConvotron.Problem(t, 5);
        DoubleConvotron.Stages23 res = DoubleConvotron.stages23(st, List.of(p),
                List.of(Vec.scale(mu, t.aStar()))).get(0);

        assertEquals(mu > 0 ? 1 : -1, res.choice().sign());
        assertArrayEquals(aRight, res.a());
        double[] target = Vec.scale(1 / lambda, t.wStar());
        double[] w = res.w();
        double rel = Vec.dist(w, target) / Vec.norm(target);
        assertTrue(rel <= eps, "‖w − w*/λ‖/‖w*/λ‖ = " + rel + " > " + eps);
        assertTrue(Vec.dot(w, t.wStar()) > 0 && Vec.dot(res.a(), t.aStar()) > 0);
        DoubleConvotron.Choice c = res.choice();
        double right = mu > 0 ? c.validationLossPlus() : c.validationLossMinus();
        double wrong = mu > 0 ? c.validationLossMinus() : c.validationLossPlus();
        assertTrue(right < wrong, c.toString());
        // the traces belong to the runs: the chosen one ends where its filter is
        EvaluationSet test = EvaluationSet.draw(ARCH, t, alpha, dist, 1000, Seeds.derive(5, "double-convotron/test"));
        assertEquals(test.meanSquaredError(w, res.a()), res.chosen().trace().finalMse());
    }

    @Test
    void choiceRule() {
        assertEquals(1, DoubleConvotron.Choice.of(1.0, 2.0).sign());
        assertEquals(-1, DoubleConvotron.Choice.of(2.0, 1.0).sign());
        assertEquals(1, DoubleConvotron.Choice.of(1.0, 1.0).sign());
        assertEquals(-1, DoubleConvotron.Choice.of(Double.NaN, 1.0).sign());
        assertEquals(1, DoubleConvotron.Choice.of(1.0, Double.POSITIVE_INFINITY).sign());
        assertEquals(1, DoubleConvotron.Choice.of(Double.NaN, Double.NaN).sign());
    }

    static DoubleConvotron.Settings small(InputDistribution dist) {
        return new DoubleConvotron.Settings(ARCH, dist, 0.0, 3000, 1e-3, 2000, 1e-3, 0.1, 500, 500, 500, 400);
    }

    /** All three stages: same seed → identical; alone, in a batch, in another order → identical. */
    @Test
    void sameSeedSameResultWhateverTheBatch() {
        DoubleConvotron.Settings st = small(Uniform.INSTANCE);
        List<DoubleConvotron.Problem> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ps.add(DoubleConvotron.Problem.gaussian(ARCH, 10 + i));
        }
        List<DoubleConvotron.Result> batch = DoubleConvotron.run(st, ps);
        List<DoubleConvotron.Result> reversed = DoubleConvotron.run(st, List.of(ps.get(2), ps.get(1), ps.get(0)));
        for (int i = 0; i < 3; i++) {
            DoubleConvotron.Result alone = DoubleConvotron.run(st, ps.get(i));
            assertEquals(alone, batch.get(i));
            assertEquals(alone, reversed.get(2 - i));
            assertEquals(alone, DoubleConvotron.run(st, DoubleConvotron.Problem.gaussian(ARCH, 10 + i)));
        }
        assertNotEquals(batch.get(0).stage1(), batch.get(1).stage1());
        DoubleConvotron.Result r = batch.get(0);
        assertArrayEquals(new long[] {0, 500, 1000, 1500, 2000, 2500, 3000}, r.stage1Trace().steps());
        assertArrayEquals(new long[] {0, 400, 800, 1200, 1600, 2000}, r.plusTrace().steps());
        assertEquals(1.0, r.plusTrace().relative()[0]);
        assertEquals(1.0, r.minusTrace().relative()[0]);
        double[] aStar = ps.get(0).teacher().aStar();
        double[] a1 = r.stage1().a();
        assertEquals(Math.acos(Math.min(1, Math.abs(Vec.dot(a1, aStar)) / (Vec.norm(a1) * Vec.norm(aStar)))),
                r.stage1Trace().finalOutputAngle(), 1e-15);
        assertArrayEquals(Vec.scale(r.choice().sign(), a1), r.a());
        assertEquals(r.choice().sign() > 0 ? r.plusTrace() : r.minusTrace(), r.chosenTrace());
    }

    /** The initial point: balanced norms {@code ρ}; with {@code T₁ = 1}, one step away from it. */
    @Test
    void initialPointHasNormRho() {
        DoubleConvotron.Settings st = new DoubleConvotron.Settings(ARCH, Gaussian.INSTANCE, 0.0, 1, 1e-12, 1, 1e-3,
                0.25, 10, 10, 1, 1);
        DoubleConvotron.Stage1 s1 = DoubleConvotron.stage1(st, List.of(DoubleConvotron.Problem.gaussian(ARCH, 3)))
                .get(0);
        assertEquals(0.25, Vec.norm(s1.wNon()), 1e-9);
        assertEquals(0.25, Vec.norm(s1.a()), 1e-9);
        assertEquals(2, s1.wNon().length);
        assertEquals(ARCH.k(), s1.a().length);
    }

    @Test
    void publishedSettings() {
        DoubleConvotron.Settings g = DoubleConvotron.Settings.published(Gaussian.INSTANCE, 9);
        assertEquals(Architecture.of(160, 16, 9), g.architecture());
        assertEquals(17, g.architecture().k());
        assertEquals(2, g.nonOverlapLength());
        assertEquals(10_000, g.steps1());
        assertEquals(1e-4, g.eta1());
        assertEquals(10_000, g.steps2());
        assertEquals(1e-4, g.eta2());
        assertEquals(0.0, g.leakySlope());
        assertEquals(10_000, g.testSamples());
        DoubleConvotron.Settings u = DoubleConvotron.Settings.published(Uniform.INSTANCE, 16);
        assertEquals(10, u.architecture().k());
        assertEquals(16, u.nonOverlapLength());
        assertEquals(40_000, u.steps1());
        assertEquals(1e-4, u.eta1());
        assertEquals(100_000, u.steps2());
        assertEquals(1e-5, u.eta2());
        assertEquals(13, DoubleConvotron.Settings.published(Uniform.INSTANCE, 12).architecture().k());
    }

    @Test
    void invalidInputNamesTheField() {
        Architecture wide = Architecture.of(24, 6, 3);
        assertEquals("s", assertThrows(InvalidInputException.class,
                () -> DoubleConvotron.Settings.of(wide, Gaussian.INSTANCE, 0, 10, 0.1, 10, 0.1)).field());
        assertEquals("eta1", assertThrows(InvalidInputException.class,
                () -> DoubleConvotron.Settings.of(ARCH, Gaussian.INSTANCE, 0, 10, -1, 10, 0.1)).field());
        assertEquals("steps2", assertThrows(InvalidInputException.class,
                () -> DoubleConvotron.Settings.of(ARCH, Gaussian.INSTANCE, 0, 10, 0.1, 0, 0.1)).field());
        assertEquals("init_scale", assertThrows(InvalidInputException.class,
                () -> small(Gaussian.INSTANCE).withInitScale(-1)).field());
        assertEquals("distribution", assertThrows(InvalidInputException.class,
                () -> DoubleConvotron.Settings.published(null, 9)).field());
        assertEquals("d", assertThrows(InvalidInputException.class,
                () -> DoubleConvotron.Settings.published(Gaussian.INSTANCE, 10)).field());
        DoubleConvotron.Settings st = small(Gaussian.INSTANCE);
        Teacher other = Teacher.gaussian(ARCH.k() + 1, ARCH.r(), 1);
        assertEquals("problems[0].teacher.a_star", assertThrows(InvalidInputException.class,
                () -> DoubleConvotron.run(st, new DoubleConvotron.Problem(other, 1))).field());
        DoubleConvotron.Problem p = DoubleConvotron.Problem.gaussian(ARCH, 1);
        assertEquals("a[0]", assertThrows(InvalidInputException.class,
                () -> DoubleConvotron.stages23(st, List.of(p), List.of(new double[2]))).field());
        assertEquals("a", assertThrows(InvalidInputException.class,
                () -> DoubleConvotron.stages23(st, List.of(p), List.of())).field());
        assertEquals("problems", assertThrows(InvalidInputException.class,
                () -> DoubleConvotron.run(st, List.of())).field());
    }

    /**
     * The labels of {@link EvaluationSet} (and of every step: same kernel) equal the project's DL4J teacher network
     * ({@link TeacherNetwork}, which computes {@code Σ c a*_i σ_α(w*ᵀZ_i / c)}) within double rounding:
     * {@code 1e−12} of the scale {@code Σ_i |a*_i| ‖w*‖ ‖Z_i‖} that bounds every partial sum.
     */
    @Test
    void labelsAgreeWithTheTeacherNetwork() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        for (double alpha : new double[] {0.0, 0.3}) {
            Teacher t = Teacher.gaussian(ARCH.k(), ARCH.r(), 21);
            EvaluationSet set = EvaluationSet.draw(ARCH, t, alpha, Uniform.INSTANCE, 300, 8);
            double[] x = set.inputs();
            INDArray yNet = TeacherNetwork.of(ARCH, t, alpha, DataType.DOUBLE)
                    .labels(Nd4j.create(x, new long[] {300, ARCH.d()}, 'c'));
            double[] y = set.labels();
            double[] w = t.wStar();
            double[] a = t.aStar();
            for (int m = 0; m < 300; m++) {
                double scale = 0;
                for (int i = 0; i < ARCH.k(); i++) {
                    double zn = 0;
                    for (int c = 0; c < ARCH.r(); c++) {
                        zn += x[m * ARCH.d() + i * ARCH.s() + c] * x[m * ARCH.d() + i * ARCH.s() + c];
                    }
                    scale += Math.abs(a[i]) * Vec.norm(w) * Math.sqrt(zn);
                }
                assertEquals(yNet.getDouble(m, 0), y[m], 1e-12 * scale, "sample " + m);
            }
        }
    }

    /** The stream is the chunk draws in order, chunk c from {@code NdRandom.of(derive(seed, "chunk", c))}. */
    @Test
    void sampleStreamIsTheSequenceOfChunkDraws() {
        int d = ARCH.d();
        int rows = SampleStream.rowsPerChunk(d);
        assertEquals((1 << 16) / 30, rows);
        long seed = 31;
        double[] c0 = NdRandom.draw(Seeds.derive(seed, "chunk", 0),
                rng -> Gaussian.INSTANCE.sample(rows, d, DataType.DOUBLE, rng)).data().asDouble();
        double[] c1 = SampleStream.draw(Gaussian.INSTANCE, rows, d, Seeds.derive(seed, "chunk", 1));
        SampleStream st = new SampleStream(Gaussian.INSTANCE, d, seed);
        double[] x = new double[d];
        for (int m = 0; m < rows + 3; m++) {
            st.next(x);
            double[] src = m < rows ? c0 : c1;
            int row = m < rows ? m : m - rows;
            for (int c = 0; c < d; c++) {
                assertEquals(src[row * d + c], x[c], 0.0, "sample " + m);
            }
        }
        assertEquals(rows * d, c0.length);
    }
}
