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
import org.onecnn.empirical.data.Gaussian;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.data.Uniform;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.testutil.Vec;
import org.onecnn.util.InvalidInputException;

/**
 * Convotron with the known output layer {@code a = a*} recovers the filter, within the thresholds of
 * {@link ConvotronBound}: step {@code η*}, the run length {@code T} at which the mean-square bound
 * {@code ρ^T} gives {@code ‖w − w*‖/‖w*‖ <= ε} except with probability {@code δ = 1e−6} (Markov), and the angle
 * threshold {@code asin ε}. Also: the trace starts at relative error 1 (w = 0 predicts 0), batching and seeds.
 */
class ConvotronTest {
    /** Allowed false-alarm probability of one recovery check (Markov's inequality). */
    static final double DELTA = 1e-6;
    /** Target relative error; {@code T} is chosen so that the bound reaches it. */
    static final double EPS = 0.05;

    static Stream<Arguments> recoveryCases() {
        return Stream.of(Arguments.of(Gaussian.INSTANCE, 4, 0.0), Arguments.of(Gaussian.INSTANCE, 6, 0.3),
                Arguments.of(Uniform.INSTANCE, 4, 0.3), Arguments.of(Uniform.INSTANCE, 6, 0.0));
    }

    @ParameterizedTest(name = "{0}, d = 30, r = 6, s = {1}, alpha = {2}")
    @MethodSource("recoveryCases")
    void recoversFilterWithKnownOutputLayer(InputDistribution dist, int s, double alpha) {
        Architecture arch = Architecture.of(30, 6, s);
        Teacher teacher = Teacher.gaussian(arch.k(), arch.r(), 40 + s);
        ConvotronBound bound = ConvotronBound.of(arch, teacher.aStar(), dist, alpha);
        double eta = bound.bestEta();
        long steps = bound.stepsFor(eta, EPS, DELTA);
        double eps = bound.threshold(eta, steps, DELTA);
        Convotron.Settings st = Convotron.Settings.of(arch, dist, alpha, eta, steps, steps);
        Convotron.Result res = Convotron.run(st, Convotron.Run.knownOutput(teacher, 7));
        double[] w = res.w();
        double[] wStar = teacher.wStar();
        double rel = Vec.dist(w, wStar) / Vec.norm(wStar);
        double angle = Kernels.angle(w, wStar);
        assertTrue(rel <= eps, "‖w − w*‖/‖w*‖ = " + rel + " > " + eps);
        assertTrue(angle <= Math.asin(eps), "angle " + angle + " > asin(" + eps + ")");
        assertArrayEquals(teacher.aStar(), res.a());
        assertEquals(0, res.trace().size());
    }

    /** Relative error 1 at step 0 exactly ({@code w = 0} predicts 0), records on schedule, error decreasing. */
    @Test
    void traceStartsAtOneAndRecordsOnSchedule() {
        Architecture arch = Architecture.of(30, 6, 4);
        Teacher teacher = Teacher.gaussian(arch.k(), arch.r(), 3);
        EvaluationSet test = EvaluationSet.draw(arch, teacher, 0.0, Gaussian.INSTANCE, 2000, 99);
        Convotron.Settings st = Convotron.Settings.of(arch, Gaussian.INSTANCE, 0.0, 1e-3, 2500, 1000);
        Convotron.Result res = Convotron.run(st, new Convotron.Run(teacher, teacher.aStar(), 5, test));
        ErrorTrace tr = res.trace();
        assertArrayEquals(new long[] {0, 1000, 2000, 2500}, tr.steps());
        assertEquals(1.0, tr.relative()[0]);
        assertEquals(test.meanSquaredLabel(), tr.mse()[0]);
        assertEquals(test.meanSquaredError(res.w(), res.a()), tr.finalMse());
        assertEquals(tr.finalMse() / test.meanSquaredLabel(), tr.finalRelative());
        assertTrue(tr.finalRelative() < tr.relative()[1], tr.toString());
    }

    /** A run alone, the same run in a batch of several (any position), and a second call: bitwise equal. */
    @Test
    void batchingAndSeedsDoNotChangeResults() {
        Architecture arch = Architecture.of(30, 6, 4);
        Convotron.Settings st = Convotron.Settings.of(arch, Uniform.INSTANCE, 0.2, 1e-3, 3000, 700);
        List<Convotron.Run> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Teacher t = Teacher.gaussian(arch.k(), arch.r(), 100 + i);
            EvaluationSet test = EvaluationSet.draw(arch, t, 0.2, Uniform.INSTANCE, 500, 200 + i);
            double[] a = Vec.scale(i % 2 == 0 ? 0.8 : -0.8, t.aStar());
            runs.add(new Convotron.Run(t, a, 300 + i, test));
        }
        List<Convotron.Result> batch = Convotron.run(st, runs);
        List<Convotron.Result> reversed = Convotron.run(st, List.of(runs.get(3), runs.get(2), runs.get(1),
                runs.get(0)));
        for (int i = 0; i < 4; i++) {
            Convotron.Result alone = Convotron.run(st, runs.get(i));
            assertEquals(alone, batch.get(i));
            assertEquals(alone, reversed.get(3 - i));
            assertEquals(alone, Convotron.run(st, runs.get(i)));
        }
        assertNotEquals(batch.get(0).w()[0], batch.get(2).w()[0]);
    }

    @Test
    void invalidInputNamesTheField() {
        Architecture arch = Architecture.of(30, 6, 4);
        Teacher teacher = Teacher.gaussian(arch.k(), arch.r(), 3);
        assertEquals("eta", assertThrows(InvalidInputException.class,
                () -> Convotron.Settings.of(arch, Gaussian.INSTANCE, 0, 0, 10, 1)).field());
        assertEquals("leaky_slope", assertThrows(InvalidInputException.class,
                () -> Convotron.Settings.of(arch, Gaussian.INSTANCE, 1, 0.1, 10, 1)).field());
        assertEquals("steps", assertThrows(InvalidInputException.class,
                () -> Convotron.Settings.of(arch, Gaussian.INSTANCE, 0, 0.1, 0, 1)).field());
        assertEquals("record_every", assertThrows(InvalidInputException.class,
                () -> Convotron.Settings.of(arch, Gaussian.INSTANCE, 0, 0.1, 10, 0)).field());
        assertEquals("distribution", assertThrows(InvalidInputException.class,
                () -> Convotron.Settings.of(arch, null, 0, 0.1, 10, 1)).field());
        Convotron.Settings st = Convotron.Settings.of(arch, Gaussian.INSTANCE, 0, 0.1, 10, 1);
        assertEquals("runs[0].a", assertThrows(InvalidInputException.class,
                () -> Convotron.run(st, new Convotron.Run(teacher, new double[3], 1, null))).field());
        Teacher other = Teacher.gaussian(arch.k() + 1, arch.r(), 3);
        assertEquals("runs[0].teacher.a_star", assertThrows(InvalidInputException.class,
                () -> Convotron.run(st, Convotron.Run.knownOutput(other, 1))).field());
        EvaluationSet leaky = EvaluationSet.draw(arch, teacher, 0.5, Gaussian.INSTANCE, 10, 1);
        assertEquals("runs[0].test", assertThrows(InvalidInputException.class,
                () -> Convotron.run(st, new Convotron.Run(teacher, teacher.aStar(), 1, leaky))).field());
        assertEquals("a", assertThrows(InvalidInputException.class,
                () -> new Convotron.Run(teacher, new double[] {Double.NaN}, 1, null)).field());
        assertEquals("runs", assertThrows(InvalidInputException.class, () -> Convotron.run(st, List.of())).field());
    }
}
