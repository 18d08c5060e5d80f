package org.onecnn.population;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.onecnn.model.DuInitialization;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.OutcomeClassifier;
import org.onecnn.model.StopReason;
import org.onecnn.model.Teacher;
import org.onecnn.util.Seeds;

/**
 * {@link ReducedEngine} (O(1) scalar recurrences, docs/model.md §7) against {@link FullEngine} (the full-dimensional
 * iteration with {@link NonOverlappingGaussian#gradient}) over 10⁴ steps of Algorithm 1.
 *
 * <p><b>Tolerance.</b> The two engines evaluate the same update in different representations, so they differ only
 * by rounding: each step adds a few units of roundoff {@code u = 2⁻⁵³} relative to the size of the state, and over
 * {@code 10⁴} steps that accumulates to at most {@code ~10⁴ · 4u ≈ 5e−12} if every error added up in the same
 * direction (≈ 5e−14 for a random walk; the dynamics contract towards the minima, which damps rather than amplifies
 * the differences). Every field is asserted within {@code 1e−12 · max(1, |value|)}: absolute for the quantities of
 * order one or below (φ ∈ [0, π], losses, distances and gradient norms that go to 0 at the minima, where a relative
 * test would demand more digits than the value carries), relative where a value is large ({@code ‖v‖} grows,
 * {@code c²‖a*‖²} reaches 13 here) because the rounding is relative to the magnitude. Measured agreement: ≤ 4e−14.
 * Norms that vanish at a minimum (gradient, distances) are compared in absolute terms down to ~1e−15, which is
 * what makes {@code ‖∇L‖ ≤ grad_tol = 1e−10} decidable by both engines alike.
 */
class ReducedEngineTest {
    static final long STEPS = 10_000;
    static final int RUNS = 20;
    static final double TOL = 1e-12;

    /** Teachers (k, p, ratio, ‖a*‖, c = ‖w*‖ ≠ 1). */
    static Teacher[] teachers() {
        return new Teacher[] {Teacher.ratioFamily(4, 5, 2, 1.0, 0.7, 61), Teacher.ratioFamily(25, 6, 4, 0.5, 1.5, 62),
                Teacher.ratioFamily(10, 3, 9, 2.0, 1.8, 63), Teacher.ratioFamily(64, 6, 16, 0.5, 1.2, 64),
                Teacher.ratioFamily(25, 6, 1, 1.0, 0.8, 65), Teacher.ratioFamily(12, 4, 0.5, 1.0, 1.3, 66)};
    }

    static Stream<Arguments> cases() {
        List<Arguments> as = new ArrayList<>();
        for (Teacher t : teachers()) {
            for (double eta : new double[] {0.05, 0.15}) {
                as.add(Arguments.of(t, eta));
            }
        }
        return as.stream();
    }

    static List<InitialPoint> inits(Teacher t) {
        List<InitialPoint> ps = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            ps.add(DuInitialization.draw(t, Seeds.derive(7, "reduced-test", t.k(), i)));
        }
        return ps;
    }

    static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, TOL * Math.max(1, Math.abs(expected)), what);
    }

    static void assertSameResult(RunResult f, RunResult r, String ctx) {
        assertEquals(f.index(), r.index(), ctx + " index");
        assertEquals(f.seed(), r.seed(), ctx + " seed");
        assertEquals(f.outcome(), r.outcome(), ctx + " outcome");
        assertEquals(f.reason(), r.reason(), ctx + " reason");
        assertEquals(f.iterations(), r.iterations(), ctx + " iterations");
        assertClose(f.phi(), r.phi(), ctx + " phi");
        assertClose(f.loss(), r.loss(), ctx + " loss");
        assertClose(f.distGlobal(), r.distGlobal(), ctx + " distGlobal");
        assertClose(f.distSpurious(), r.distSpurious(), ctx + " distSpurious");
        assertClose(f.normV(), r.normV(), ctx + " normV");
        assertClose(f.aDotAStar(), r.aDotAStar(), ctx + " aDotAStar");
        assertClose(f.gradNorm(), r.gradNorm(), ctx + " gradNorm");
    }

    @ParameterizedTest(name = "{0} eta={1}")
    @MethodSource("cases")
    void reducedAgreesWithFullOnEveryField(Teacher t, double eta) {
        PopulationJob job = new PopulationJob(t, inits(t), eta, StopSpec.fixed(STEPS), OutcomeClassifier.duDefault(),
                RecordPlan.NONE);
        List<RunResult> red = new ReducedEngine().run(job, TrajectorySink.NONE);
        List<RunResult> full = new FullEngine().run(job, TrajectorySink.NONE);
        assertEquals(RUNS, red.size());
        assertEquals(RUNS, full.size());
        for (int i = 0; i < RUNS; i++) {
            assertSameResult(full.get(i), red.get(i), t.description() + " eta=" + eta + " run " + i);
            assertEquals(STEPS, red.get(i).iterations());
        }
    }

    /**
     * The comparison covers both minima: for the teacher k = 25, ratio 4 (where the spurious point is a local
     * minimum, ratio < (k+π−1)/π) the 20 Du initializations end at both; with ratio 0.5 (k = 12) too.
     */
    @Test
    void comparisonCoversGlobalAndSpuriousRuns() {
        for (Teacher t : new Teacher[] {teachers()[1], teachers()[5]}) {
            PopulationJob job = new PopulationJob(t, inits(t), 0.05, StopSpec.fixed(STEPS),
                    OutcomeClassifier.duDefault(), RecordPlan.NONE);
            Set<Outcome> seen = EnumSet.noneOf(Outcome.class);
            for (RunResult r : new FullEngine().run(job, TrajectorySink.NONE)) {
                seen.add(r.outcome());
            }
            assertTrue(seen.containsAll(EnumSet.of(Outcome.GLOBAL, Outcome.SPURIOUS)), t + ": " + seen);
        }
    }

    /**
     * With the stationarity stop on ({@code ‖∇L‖ ≤ 1e−10}, checked every 50 steps), runs that converge stop at the
     * same check, for the same reason, in both engines; this needs the gradient norm to be accurate in absolute
     * terms far below 1e−10 in the reduced engine too.
     */
    @ParameterizedTest(name = "{0} eta={1}")
    @MethodSource("cases")
    void stationaryStopIsTheSame(Teacher t, double eta) {
        StopSpec stop = new StopSpec(STEPS, false, true, Double.NaN, 50);
        PopulationJob job = new PopulationJob(t, inits(t), eta, stop, OutcomeClassifier.duDefault(), RecordPlan.NONE);
        List<RunResult> red = new ReducedEngine().run(job, TrajectorySink.NONE);
        List<RunResult> full = new FullEngine().run(job, TrajectorySink.NONE);
        int stationary = 0;
        for (int i = 0; i < RUNS; i++) {
            assertSameResult(full.get(i), red.get(i), t.description() + " eta=" + eta + " run " + i);
            if (full.get(i).reason() == StopReason.STATIONARY) {
                stationary++;
                assertTrue(full.get(i).gradNorm() <= 1e-10);
            }
        }
        assertTrue(stationary > 0, "some runs must stop as stationary, else this test checks nothing");
    }

    /** Recorded trajectories: the same points (run, step, φ, loss, ‖a − ca*‖, |1ᵀa − c1ᵀa*|, ‖∇L‖), same tolerance. */
    @ParameterizedTest(name = "{0} eta={1}")
    @MethodSource("cases")
    void trajectoriesAreTheSame(Teacher t, double eta) {
        int[] runs = {0, 5, 13};
        long every = 250;
        long[] extra = {1, 2, 3, 7, 9999};
        PopulationJob job = new PopulationJob(t, inits(t), eta, StopSpec.fixed(STEPS), OutcomeClassifier.duDefault(),
                RecordPlan.of(runs, every, extra));
        List<double[]> red = new ArrayList<>();
        List<double[]> full = new ArrayList<>();
        new ReducedEngine().run(job, (run, step, phi, loss, distA, sumGap, g) -> red.add(
                new double[] {run, step, phi, loss, distA, sumGap, g}));
        new FullEngine().run(job, (run, step, phi, loss, distA, sumGap, g) -> full.add(
                new double[] {run, step, phi, loss, distA, sumGap, g}));
        // steps 0, 250, ..., 10000 (41) and 1, 2, 3, 7, 9999, for each of the 3 runs
        assertEquals(3 * (STEPS / every + 1 + extra.length), full.size(), "points recorded by the full engine");
        assertEquals(full.size(), red.size(), "points recorded by the reduced engine");
        String[] names = {"run", "step", "phi", "loss", "distA", "sumGap", "gradNorm"};
        for (int i = 0; i < full.size(); i++) {
            double[] f = full.get(i);
            double[] r = red.get(i);
            assertEquals(f[0], r[0], 0.0, "run of point " + i);
            assertEquals(f[1], r[1], 0.0, "step of point " + i);
            for (int j = 2; j < f.length; j++) {
                assertClose(f[j], r[j], t.description() + " eta=" + eta + " point " + i + " (run " + (int) f[0]
                        + ", step " + (long) f[1] + ") " + names[j]);
            }
        }
    }
}
