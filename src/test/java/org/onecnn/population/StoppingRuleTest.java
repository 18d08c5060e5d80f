package org.onecnn.population;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.onecnn.model.ArcCosine;
import org.onecnn.model.DuInitialization;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.OutcomeClassifier;
import org.onecnn.model.StopReason;
import org.onecnn.model.Teacher;
import org.onecnn.testutil.Vec;
import org.onecnn.util.Seeds;

/**
 * "Stopping early must never change an outcome relative to running the whole budget." Every run of a large
 * sample of Du et al. initializations is run through {@link ReducedEngine} twice: with the early stops on
 * ({@link BasinCertificate}, stationarity, checked every 50 steps) and over the whole 40,000-step budget with no
 * early stop; the outcome of every run must be identical (an exact comparison: outcomes are categorical). The cells
 * are those of the Du et al. success-probability table ({@code p = 6, ‖a*‖ = 0.5, ‖w*‖ = 1, η = 0.05}, Du's angle
 * rule), chosen to include NOT_CONVERGED runs; a smaller sample repeats it with an a-checking classifier,
 * {@code ‖w*‖ = 1.5}, and a step near the certificate's limit {@code 2π/(k+π−1)}. The certificate is also
 * unit-tested at the exact stationary points and at states it must refuse.
 */
class StoppingRuleTest {
    static final long BUDGET = 40_000;
    static final StopSpec EARLY = new StopSpec(BUDGET, true, true, Double.NaN, 50);
    static final StopSpec WHOLE = new StopSpec(BUDGET, false, false, Double.NaN, (int) BUDGET);

    record Cell(int k, double ratio, int runs) {
    }

    static List<InitialPoint> inits(Teacher t, int runs, String label) {
        List<InitialPoint> ps = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ps.add(DuInitialization.draw(t, Seeds.derive(2018, label, t.k(), i)));
        }
        return ps;
    }

    /**
     * Run one cell both ways, assert identical outcomes run by run, and tally outcomes and early-stop reasons.
     */
    static void compare(Teacher t, int runs, double eta, OutcomeClassifier cls, Map<Outcome, Integer> outcomes,
            Map<StopReason, Integer> reasons) {
        List<InitialPoint> in = inits(t, runs, "stopping-rule");
        List<RunResult> early = new ReducedEngine().run(new PopulationJob(t, in, eta, EARLY, cls, RecordPlan.NONE),
                TrajectorySink.NONE);
        List<RunResult> whole = new ReducedEngine().run(new PopulationJob(t, in, eta, WHOLE, cls, RecordPlan.NONE),
                TrajectorySink.NONE);
        for (int i = 0; i < runs; i++) {
            RunResult e = early.get(i);
            RunResult w = whole.get(i);
            assertEquals(BUDGET, w.iterations());
            assertEquals(w.outcome(), e.outcome(), () -> t.description() + " eta=" + eta + " run " + e.index()
                    + " seed " + e.seed() + ": early stop " + e.reason() + " at " + e.iterations() + " (phi "
                    + e.phi() + ", P " + e.aDotAStar() + ") vs whole budget (phi " + w.phi() + ", P "
                    + w.aDotAStar() + ")");
            outcomes.merge(w.outcome(), 1, Integer::sum);
            reasons.merge(e.reason(), 1, Integer::sum);
        }
    }

    /** 3,600 runs over seven cells of the Du et al. table (≈ 2 s: the reduced engine is O(1) per step). */
    @Test
    void earlyStopNeverChangesAnOutcomeInTheDuTable() {
        Cell[] cells = {new Cell(25, 0, 400), new Cell(25, 4, 600), new Cell(25, 9, 400), new Cell(36, 9, 600),
                new Cell(64, 16, 600), new Cell(100, 25, 600), new Cell(100, 4, 400)};
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        Map<StopReason, Integer> reasons = new EnumMap<>(StopReason.class);
        for (Cell c : cells) {
            Teacher t = Teacher.ratioFamily(c.k(), 6, c.ratio(), 0.5, 1.0, Seeds.derive(2018, "teacher", c.k()));
            compare(t, c.runs(), 0.05, OutcomeClassifier.duDefault(), outcomes, reasons);
        }
        // the sample exercises every outcome the rule could change, and the early stops actually fire
        assertTrue(outcomes.getOrDefault(Outcome.GLOBAL, 0) > 0, "GLOBAL runs: " + outcomes);
        assertTrue(outcomes.getOrDefault(Outcome.SPURIOUS, 0) > 0, "SPURIOUS runs: " + outcomes);
        assertTrue(outcomes.getOrDefault(Outcome.NOT_CONVERGED, 0) > 0, "NOT_CONVERGED runs: " + outcomes);
        assertTrue(reasons.getOrDefault(StopReason.SETTLED_GLOBAL, 0) > 0, "certified GLOBAL: " + reasons);
        assertTrue(reasons.getOrDefault(StopReason.SETTLED_SPURIOUS, 0) > 0, "certified SPURIOUS: " + reasons);
        int total = outcomes.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(reasons.getOrDefault(StopReason.BUDGET, 0) < total / 2, "most runs stop early: " + reasons);
    }

    /** A smaller sample with the output weights checked ({@code aTol = 0.05}), {@code ‖w*‖ = 1.5}, and η = 0.2. */
    @Test
    void earlyStopNeverChangesAnOutcomeWithOutputWeightsChecked() {
        OutcomeClassifier cls = new OutcomeClassifier(0.1, 0.1, 0.05, 1e-10);
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        Map<StopReason, Integer> reasons = new EnumMap<>(StopReason.class);
        Cell[] cells = {new Cell(25, 4, 300), new Cell(36, 9, 300), new Cell(64, 16, 300)};
        for (Cell c : cells) {
            Teacher t = Teacher.ratioFamily(c.k(), 6, c.ratio(), 0.5, 1.5, Seeds.derive(2018, "teacher-c", c.k()));
            compare(t, c.runs(), 0.05, cls, outcomes, reasons);
        }
        // η = 0.2 is close to the certificate's limit 2π/(k+π−1) = 0.232 for k = 25
        Teacher t = Teacher.ratioFamily(25, 6, 4, 0.5, 1.5, Seeds.derive(2018, "teacher-eta", 25));
        assertTrue(new BasinCertificate(new NonOverlappingGaussian(t), 0.2, cls).applicable());
        compare(t, 300, 0.2, cls, outcomes, reasons);
        compare(t, 200, 0.2, OutcomeClassifier.duDefault(), outcomes, reasons);
        assertTrue(outcomes.getOrDefault(Outcome.GLOBAL, 0) > 0, "GLOBAL runs: " + outcomes);
        assertTrue(outcomes.getOrDefault(Outcome.SPURIOUS, 0) > 0, "SPURIOUS runs: " + outcomes);
        assertTrue(reasons.getOrDefault(StopReason.SETTLED_GLOBAL, 0) > 0, "certified GLOBAL: " + reasons);
        assertTrue(reasons.getOrDefault(StopReason.SETTLED_SPURIOUS, 0) > 0, "certified SPURIOUS: " + reasons);
    }

    // ---- BasinCertificate, unit by unit ----------------------------------------------------------------------

    static Outcome certify(BasinCertificate cert, NonOverlappingGaussian f, double phi, double nv, double[] a) {
        double q = Vec.dot(a, a);
        double s = Vec.sum(a);
        double pa = f.dot(a);
        double scale = f.c() * Math.sqrt(f.normAStar2());
        return cert.settled(phi, nv, s, pa, Vec.dist(a, f.globalA()) / scale, Vec.dist(a, f.spuriousA()) / scale);
    }

    /** At the exact global point ({@code φ = 0, a = c a*}) the certificate says GLOBAL, with either classifier. */
    @Test
    void certifiesTheGlobalMinimum() {
        for (double c : new double[] {1.0, 1.5, 0.7}) {
            Teacher t = Teacher.ratioFamily(25, 6, 4, 0.5, c, 81);
            NonOverlappingGaussian f = new NonOverlappingGaussian(t);
            for (OutcomeClassifier cls : new OutcomeClassifier[] {OutcomeClassifier.duDefault(),
                    new OutcomeClassifier(0.1, 0.1, 0.05, 1e-10)}) {
                BasinCertificate cert = new BasinCertificate(f, 0.05, cls);
                assertTrue(cert.applicable());
                assertEquals(Outcome.GLOBAL, certify(cert, f, 0.0, c, f.globalA()), "c=" + c + " " + cls);
                assertEquals(Outcome.GLOBAL, certify(cert, f, 0.05, 1.0, f.globalA()), "c=" + c + " " + cls);
            }
        }
    }

    /**
     * At the exact spurious point ({@code φ = π, a = a_sp}), for a teacher where it is a minimum
     * ({@code a_spᵀa* < 0}), the certificate says SPURIOUS, with either classifier.
     */
    @Test
    void certifiesTheSpuriousMinimum() {
        for (double c : new double[] {1.0, 1.5, 0.7}) {
            Teacher t = Teacher.ratioFamily(25, 6, 4, 0.5, c, 82);
            NonOverlappingGaussian f = new NonOverlappingGaussian(t);
            assertTrue(f.dot(f.spuriousA()) < 0);
            for (OutcomeClassifier cls : new OutcomeClassifier[] {OutcomeClassifier.duDefault(),
                    new OutcomeClassifier(0.1, 0.1, 0.05, 1e-10)}) {
                BasinCertificate cert = new BasinCertificate(f, 0.05, cls);
                assertEquals(Outcome.SPURIOUS, certify(cert, f, Math.PI, c, f.spuriousA()), "c=" + c + " " + cls);
            }
        }
    }

    /**
     * With {@code η > 2π/(k+π−1)} the step on {@code 1ᵀa} overshoots ({@code θ_k < 0}) and the proof does not hold:
     * the certificate is not applicable and certifies nothing, not even the exact minima.
     */
    @Test
    void notApplicableAboveTheStepLimit() {
        Teacher t = Teacher.ratioFamily(25, 6, 4, 0.5, 1.2, 83);
        NonOverlappingGaussian f = new NonOverlappingGaussian(t);
        double limit = 2 * Math.PI / (25 + Math.PI - 1);
        assertTrue(new BasinCertificate(f, limit * 0.999, OutcomeClassifier.duDefault()).applicable());
        for (double eta : new double[] {limit * 1.001, 0.3, 1.0}) {
            BasinCertificate cert = new BasinCertificate(f, eta, OutcomeClassifier.duDefault());
            assertFalse(cert.applicable(), "eta " + eta);
            assertNull(certify(cert, f, 0.0, 1.2, f.globalA()), "eta " + eta);
            assertNull(certify(cert, f, Math.PI, 1.2, f.spuriousA()), "eta " + eta);
        }
    }

    /**
     * A state near {@code φ = 0} with {@code P = aᵀa* < 0} turns away from {@code w*} (the filter moves towards
     * {@code −w*} while P < 0), so it must not be certified GLOBAL, however close to 0 the angle.
     */
    @Test
    void negativeOverlapNearZeroAngleIsNotCertifiedGlobal() {
        Teacher t = Teacher.ratioFamily(25, 6, 4, 0.5, 1.3, 84);
        NonOverlappingGaussian f = new NonOverlappingGaussian(t);
        BasinCertificate cert = new BasinCertificate(f, 0.05, OutcomeClassifier.duDefault());
        double[] neg = Vec.scale(-1, f.globalA()); // P = −c‖a*‖² < 0
        for (double phi : new double[] {0.0, 1e-6, 0.01, 0.09}) {
            assertNotEquals(Outcome.GLOBAL, certify(cert, f, phi, 1.0, neg), "phi " + phi);
        }
        // and a slightly negative overlap with a otherwise at the teacher
        double[] a = f.globalA();
        double[] as = t.aStar();
        double[] tilt = Vec.axpy(a, -(f.dot(a) + 1e-3) / Vec.dot(as, as), as); // P = −1e−3
        assertTrue(f.dot(tilt) < 0);
        assertNotEquals(Outcome.GLOBAL, certify(cert, f, 0.01, 1.0, tilt));
        // Certifying such a state would be wrong: with a short v (fast turning) the filter leaves φ < 0.1 before
        // P recovers, so the run does not stay in the GLOBAL class at every later step.
        double nv = 0.1;
        double[] e = Vec.unitOrthogonal(t.wStarUnit(), new org.onecnn.testutil.Gaussians(85));
        InitialPoint x0 = InitialPoint.of(Vec.axpy(Vec.scale(nv * Math.cos(0.01), t.wStarUnit()), nv * Math.sin(0.01),
                e), neg);
        assertNotEquals(Outcome.GLOBAL, certify(cert, f, f.angle(x0.v()), nv, neg));
        double[] maxPhi = {0};
        new ReducedEngine().run(new PopulationJob(t, List.of(x0), 0.05, StopSpec.fixed(2_000),
                OutcomeClassifier.duDefault(), RecordPlan.of(new int[] {0}, 1, new long[0])),
                (run, step, phi, loss, distA, sumGap, g) -> maxPhi[0] = Math.max(maxPhi[0], phi));
        assertTrue(maxPhi[0] > 0.1, "from P < 0 at phi = 0.01 the run leaves phi < 0.1: max phi " + maxPhi[0]);
    }

    /**
     * The certificate refuses states outside the class thresholds or with the output weights too far from their
     * target when the classifier checks them.
     */
    @Test
    void refusesStatesOutsideTheThresholds() {
        Teacher t = Teacher.ratioFamily(25, 6, 4, 0.5, 1.0, 86);
        NonOverlappingGaussian f = new NonOverlappingGaussian(t);
        BasinCertificate du = new BasinCertificate(f, 0.05, OutcomeClassifier.duDefault());
        BasinCertificate withA = new BasinCertificate(f, 0.05, new OutcomeClassifier(0.1, 0.1, 0.05, 1e-10));
        assertNull(certify(du, f, 0.2, 1.0, f.globalA()), "phi above phi_global");
        assertNull(certify(du, f, Math.PI - 0.2, 1.0, f.spuriousA()), "phi below pi - phi_spurious");
        double[] off = Vec.scale(1.2, f.globalA()); // ‖a − ca*‖ = 0.2 c‖a*‖ > aTol
        assertEquals(Outcome.GLOBAL, certify(du, f, 0.0, 1.0, off), "angle-only rule ignores a");
        assertNull(certify(withA, f, 0.0, 1.0, off), "a-checking rule refuses a far from c a*");
        // at φ = 0.09 the bound (π − g(φ))/(π − 1) ≈ 0.006 on the later a-error is inside aTol = 0.05: certified
        double bound = (Math.PI - ArcCosine.g(0.09)) / (Math.PI - 1);
        assertTrue(bound < 0.05);
        assertEquals(Outcome.GLOBAL, certify(withA, f, 0.09, 1.0, f.globalA()));
    }
}
