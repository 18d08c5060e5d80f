package org.onecnn.population;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.onecnn.model.SecondOrderClassifier;
import org.onecnn.model.SecondOrderKind;
import org.onecnn.model.SecondOrderResult;
import org.onecnn.model.Teacher;

/**
 * The second-order classification of the exact population loss (docs/model.md §2, §3) at its stationary points,
 * against the Hessians known in closed form: in {@code a} it is {@code (11ᵀ + (π−1)I)/2π} everywhere; in the angle
 * it is {@code −c aᵀa* g''(φ)/2π} with {@code g''(0) = −π} and {@code g''(π) = 0}; the mixed block is
 * {@code ∝ g'(φ) = −(π−φ) sin φ}, zero at both points.
 */
class PopulationSecondOrderTest {
    static final int K = 25;
    static final int P = 6;
    /** c ≠ 1 (docs/model.md: c = ‖w*‖ is not necessarily 1, and a test with c = 1 would hide a missing factor), and the ratio of the sample-size default (4 < (k + π − 1)/π). */
    static final Teacher TEACHER = Teacher.ratioFamily(K, P, 4, 1.0, 1.5, 11);

    /** The a-block's eigenvalues: (π−1)/2π (k − 1 times) and (k + π − 1)/2π. */
    static void assertABlock(SecondOrderResult r) {
        assertEquals((Math.PI - 1) / (2 * Math.PI), r.aBlockMin(), r.tol());
        assertEquals((K + Math.PI - 1) / (2 * Math.PI), r.aBlockMax(), r.tol());
    }

    @Test
    void thePopulationSpuriousPointIsADegenerateMinimumRisingLikeTheCube() {
        NonOverlappingGaussian pop = new NonOverlappingGaussian(TEACHER);
        assertTrue(pop.dot(pop.spuriousA()) < 0, "a_spᵀa* < 0 for this teacher");
        SecondOrderResult r = PopulationOracle.spuriousCertificate(TEACHER);
        assertEquals(SecondOrderKind.DEGENERATE_MINIMUM, r.kind(), () -> Arrays.toString(r.eigenvalues()));
        assertABlock(r);
        assertTrue(r.aBlockMin() > r.tol(), "the a-block is positive definite beyond the tolerance");
        assertTrue(r.vBlockMaxAbs() <= r.tol(), "the v-block vanishes: " + r.vBlockMaxAbs() + " vs " + r.tol());
        // exactly stationary: the tolerance is the finite-difference part alone, O(h) from the |ξ|³ of g
        assertEquals(0, r.gradNorm(), 1e-15);
        assertTrue(r.tol() < 1e-2 * r.aBlockMin(), "tol " + r.tol());
        assertEquals(P - 1, r.probeExponents().length, "every filter direction is a null direction");
        // R(t) = c|a_spᵀa*|/2π · (ψ³/3 − ψ⁵/30 + …), ψ = atan t: the log-log slope is 3 up to 3 t_max²
        double bound = 3 * SecondOrderClassifier.DEFAULT_PROBE_MAX * SecondOrderClassifier.DEFAULT_PROBE_MAX;
        for (double e : r.probeExponents()) {
            assertEquals(3, e, bound);
        }
    }

    @Test
    void theGlobalMinimumIsAStrictMinimumWithTheAngleCurvatureOfTheClosedForm() {
        NonOverlappingGaussian pop = new NonOverlappingGaussian(TEACHER);
        SecondOrderResult r = new SecondOrderClassifier().classify(new PopulationOracle(pop), TEACHER.wStar(),
                pop.globalA());
        assertEquals(SecondOrderKind.STRICT_MINIMUM, r.kind());
        assertABlock(r);
        // ∂²L/∂φ² = −2c g''(0) aᵀa*/4π = c² ‖a*‖²/2 in every filter direction
        double curvature = TEACHER.c() * TEACHER.c() * TEACHER.normA2() / 2;
        assertEquals(curvature, r.vBlockMin(), r.tol());
        assertEquals(curvature, r.vBlockMax(), r.tol());
    }

    @Test
    void theFarSidePointOfATeacherWithPositiveOverlapIsADegenerateSaddle() {
        // a* = (1, 1): ratio 2 > (k + π − 1)/π, so a_spᵀa* > 0 and the loss falls like the cube of the angle
        Teacher t = Teacher.of(new double[] {0.6, -0.8, 0}, new double[] {1, 1});
        NonOverlappingGaussian pop = new NonOverlappingGaussian(t);
        assertTrue(pop.dot(pop.spuriousA()) > 0);
        SecondOrderResult r = PopulationOracle.spuriousCertificate(t);
        assertEquals(SecondOrderKind.DEGENERATE_SADDLE, r.kind());
        assertTrue(!r.kind().isMinimum());
    }

    @Test
    void aPointThatIsNotStationaryInTheOutputWeightsShowsTheSameHessian() {
        // the Hessian is that of the tangent space at any point; only the decision margin grows with ‖G‖
        NonOverlappingGaussian pop = new NonOverlappingGaussian(TEACHER);
        double[] a = pop.spuriousA();
        a[0] += 1e-6;
        double[] v = TEACHER.wStarUnit();
        for (int i = 0; i < v.length; i++) {
            v[i] = -3 * v[i];
        }
        SecondOrderResult r = new SecondOrderClassifier().classify(new PopulationOracle(pop), v, a);
        assertABlock(r);
        assertTrue(r.gradNorm() > 0 && r.tolStat() > 0);
        assertEquals(SecondOrderKind.DEGENERATE_MINIMUM, r.kind());
    }
}
