package org.onecnn.population;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.onecnn.model.ArcCosine;
import org.onecnn.model.Teacher;
import org.onecnn.testutil.Gaussians;
import org.onecnn.testutil.Vec;

/**
 * The stationary points of docs/model.md §3 (Du et al. 2018, Lemma 5.1, written for general {@code c = ‖w*‖}):
 * the global minimum {@code (v, a) = (w*, c a*)} (student filter {@code w* / c}) and the spurious point
 * {@code (−w*, a_sp)}, {@code a_sp = c (11ᵀ + (π−1)I)⁻¹ (11ᵀ − I) a*}.
 *
 * <p>Rounding tolerances: at these points the loss and the gradient are sums of terms of size
 * {@code scale} (the loss's terms, {@code ≈ c²‖a*‖²}) that cancel exactly in exact arithmetic; with at most
 * {@code k + p} terms per dot product the cancellation leaves {@code ≲ (k + p + 20) u · scale}, so "zero"
 * is asserted as {@code ≤ 64 (k + p + 20) u · scale} (u = 2⁻⁵³, k ≤ 100: ≤ 1e−12 relative).
 */
class StationaryPointsTest {
    static final double U = Vec.U;

    static Stream<Arguments> teachers() {
        return Stream.of(Arguments.of(Teacher.ratioFamily(1, 3, 1, 1.0, 1.8, 41)),
                Arguments.of(Teacher.ratioFamily(4, 5, 2, 1.0, 1.8, 42)),
                Arguments.of(Teacher.ratioFamily(10, 3, 9, 0.8, 0.7, 43)),
                Arguments.of(Teacher.ratioFamily(25, 6, 4, 0.5, 1.5, 44)),
                Arguments.of(Teacher.ratioFamily(25, 6, 25, 0.5, 0.7, 45)),
                Arguments.of(Teacher.ratioFamily(100, 6, 25, 0.5, 1.3, 46)),
                Arguments.of(Teacher.ratioFamily(64, 2, 0, 2.0, 0.6, 47)), Arguments.of(Teacher.gaussian(8, 5, 48)));
    }

    static double scale(NonOverlappingGaussian f) {
        double c = f.c();
        return c * c * (f.normAStar2() + f.sumAStar() * f.sumAStar()) + 1e-300;
    }

    static double zeroTol(NonOverlappingGaussian f) {
        return 64 * (f.k() + f.p() + 20) * U * scale(f);
    }

    @ParameterizedTest
    @MethodSource("teachers")
    void globalMinimumHasZeroLossAndGradient(Teacher t) {
        NonOverlappingGaussian f = new NonOverlappingGaussian(t);
        double[] v = t.wStar(); // ‖v‖ = c ≠ 1: the student filter is v/‖v‖ = w*/c
        double[] a = f.globalA();
        for (int i = 0; i < t.k(); i++) {
            assertEquals(t.c() * t.aStar()[i], a[i], 0.0, "globalA = c a*");
        }
        double[] gv = new double[t.r()];
        double[] ga = new double[t.k()];
        double l = f.gradient(v, a, gv, ga);
        double tol = zeroTol(f);
        assertEquals(0.0, l, tol, "loss at the global minimum");
        assertEquals(0.0, f.loss(v, a), tol, "loss(v, a) at the global minimum");
        assertEquals(0.0, Vec.norm(gv), tol, "dL/dv at the global minimum");
        assertEquals(0.0, Vec.norm(ga), tol, "dL/da at the global minimum");
        // φ = atan2(‖v − (ŵ*ᵀv)ŵ*‖, ŵ*ᵀv): the residual is rounding-sized, ~√p u c, so φ ≲ 1e−15 (acos would only
        // resolve ~√u ≈ 1e−8); asserted at 1e−14
        assertEquals(0.0, f.angle(v), 1e-14, "phi at w*");
        // the minimum is strict: a nudge of size 1e-3 raises the loss by ≈ ½ ηᵀHη ≳ 1e-7 ≫ tol
        Gaussians g = new Gaussians(49);
        for (int trial = 0; trial < 5; trial++) {
            double[] v2 = Vec.axpy(v, 1e-3, g.unit(t.r()));
            double[] a2 = Vec.axpy(a, 1e-3, g.unit(t.k()));
            assertTrue(f.loss(v2, a2) > l + tol, "loss rises around the global minimum");
        }
    }

    /** {@code a_sp} by an explicit LU solve of {@code (11ᵀ + (π−1)I) a = c (11ᵀ − I) a*}. */
    static double[] spuriousByLu(Teacher t) {
        int k = t.k();
        RealMatrix m = new Array2DRowRealMatrix(k, k);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                m.setEntry(i, j, 1 + (i == j ? Math.PI - 1 : 0));
            }
        }
        double[] as = t.aStar();
        double s1 = Vec.sum(as);
        double[] rhs = new double[k];
        for (int i = 0; i < k; i++) {
            rhs[i] = t.c() * (s1 - as[i]);
        }
        RealVector sol = new LUDecomposition(m).getSolver().solve(new ArrayRealVector(rhs));
        return sol.toArray();
    }

    /**
     * The spurious point: gradient zero to rounding, loss positive and equal to {@code spuriousLoss()};
     * {@code spuriousA()} equal to the LU solution. The matrix {@code 11ᵀ + (π−1)I} has condition number
     * {@code (k+π−1)/(π−1) ≤ 50} for k ≤ 100, so the partial-pivoting LU solution is accurate to
     * {@code ≲ 50·k u} relative to ‖a_sp‖ + c‖a*‖ (the right-hand side's scale); asserted at 1e−12 of that scale.
     */
    @ParameterizedTest
    @MethodSource("teachers")
    void spuriousPointIsStationaryWithPositiveLoss(Teacher t) {
        NonOverlappingGaussian f = new NonOverlappingGaussian(t);
        int k = t.k();
        double c = t.c();
        double[] aSp = f.spuriousA();
        double[] lu = spuriousByLu(t);
        double ref = Vec.norm(aSp) + c * Math.sqrt(t.normA2()) * Math.sqrt(k);
        for (int i = 0; i < k; i++) {
            assertEquals(lu[i], aSp[i], 1e-12 * ref, "spuriousA()[" + i + "] vs LU solve");
        }
        double[] v = Vec.scale(-1, t.wStar());
        double[] gv = new double[t.r()];
        double[] ga = new double[k];
        double l = f.gradient(v, aSp, gv, ga);
        double tol = zeroTol(f);
        assertEquals(Math.PI, f.angle(v), 1e-14, "phi at -w* (atan2, as at w*)");
        assertEquals(0.0, Vec.norm(gv), tol, "dL/dv at the spurious point");
        assertEquals(0.0, Vec.norm(ga), tol, "dL/da at the spurious point");
        assertEquals(f.spuriousLoss(), l, tol, "loss at the spurious point = spuriousLoss()");
        // independent value of the loss at φ = π, a = a_sp: E f² − 2 E f y + E y² with g(π) = 0
        double q = Vec.dot(aSp, aSp);
        double s = Vec.sum(aSp);
        double pa = Vec.dot(aSp, t.aStar());
        double ef2 = ((Math.PI - 1) * q + s * s) / (2 * Math.PI);
        double efy = c * (-pa + s * t.sumA()) / (2 * Math.PI);
        double ey2 = c * c * ((Math.PI - 1) * t.normA2() + t.sumA() * t.sumA()) / (2 * Math.PI);
        assertEquals(0.5 * (ef2 - 2 * efy + ey2), f.spuriousLoss(), tol, "spuriousLoss from moments");
        // positive, and not by rounding: at least 1000 times the rounding tolerance (the values here are ≥ 0.05)
        assertTrue(f.spuriousLoss() > 1e3 * tol, "spurious loss must be > 0: " + f.spuriousLoss());
    }

    /**
     * The spurious point is a local minimum exactly when {@code P_sp = a_spᵀa* < 0}. Near {@code φ = π},
     * {@code L(φ, a) = L(π, a) − (c/2π) g(φ) aᵀa*} with {@code g(π − ε) ≈ ε³/3 > 0}, and in {@code a} the loss
     * is a convex quadratic with Hessian {@code (11ᵀ + (π−1)I)/2π ≻ 0}. So with {@code aᵀa* < 0} every small move
     * raises the loss (cubically along the filter, quadratically along {@code a}); with {@code aᵀa* > 0} turning
     * the filter away from {@code −w*} lowers it (a saddle). {@code P_sp = c/(π−1)·[π(1ᵀa*)²/(k+π−1) − ‖a*‖²]},
     * so the condition on the teacher is {@code (1ᵀa*)²/‖a*‖² < (k + π − 1)/π} (Du et al. 2018, Lemma 5.1 and
     * its discussion; docs/model.md §3). Moves of size {@code t ∈ {1e−1, 1e−2, 1e−3}} along random directions in
     * {@code (v, a)} (rise ≥ {@code t²(π−1)/4π} ≈ 1.7e−7 from {@code a}) and pure turns of the filter by
     * {@code ε ∈ {0.1, 0.03, 0.01}} (rise {@code ≈ c|P_sp| ε³/6π} ≳ 1e−9, checked to exceed ten times the rounding
     * tolerance {@code zeroTol} ≈ 1e−13 before it is relied on) must all raise the loss by more than {@code zeroTol}.
     */
    @Test
    void spuriousPointIsLocalMinimumWhenSpuriousOverlapIsNegative() {
        Teacher[] minima = {Teacher.ratioFamily(25, 6, 4, 0.5, 1.5, 51), Teacher.ratioFamily(10, 3, 1, 0.8, 0.7, 52),
                Teacher.ratioFamily(64, 6, 16, 1.0, 1.8, 53)};
        for (Teacher t : minima) {
            NonOverlappingGaussian f = new NonOverlappingGaussian(t);
            assertTrue(t.ratio() < (t.k() + Math.PI - 1) / Math.PI, "teacher chosen on the minimum side");
            double[] aSp = f.spuriousA();
            double pSp = f.dot(aSp);
            assertTrue(pSp < 0, "a_spᵀa* < 0");
            double[] v = Vec.scale(-1, t.wStar());
            double l0 = f.loss(v, aSp);
            double tol = zeroTol(f);
            Gaussians g = new Gaussians(54 + t.k());
            for (int trial = 0; trial < 10; trial++) {
                // random moves of (v, a): the a-part alone raises the loss by ≥ t²(π−1)/4π·‖da‖²
                double[] dv = g.unit(t.r());
                double[] da = g.unit(t.k());
                for (double step : new double[] {1e-1, 1e-2, 1e-3}) {
                    double[] v2 = Vec.axpy(v, step * t.c(), dv);
                    double[] a2 = Vec.axpy(aSp, step, da);
                    double l = f.loss(v2, a2);
                    assertTrue(l > l0 + tol, String.format("%s: loss %.17g must exceed %.17g at step %g (v and a)", t,
                            l, l0, step));
                }
                // pure turns of the filter (v moved ⊥ w*, a fixed): rise c|P_sp| g(π − ε)/2π ≈ c|P_sp| ε³/6π
                double[] e = Vec.unitOrthogonal(t.wStarUnit(), g);
                for (double step : new double[] {1e-1, 3e-2, 1e-2}) {
                    double[] v2 = Vec.axpy(v, step * t.c(), e);
                    double l = f.loss(v2, aSp);
                    double rise = -t.c() * ArcCosine.g(f.angle(v2)) * pSp / (2 * Math.PI);
                    assertTrue(rise > 10 * tol, "the predicted rise is resolvable: " + rise);
                    assertTrue(l > l0 + tol, String.format("%s: loss %.17g must exceed %.17g at step %g (v only)", t,
                            l, l0, step));
                }
            }
        }
    }

    /**
     * Sharpness of the condition: for {@code (1ᵀa*)²/‖a*‖² > (k + π − 1)/π}, {@code P_sp > 0} and turning the
     * filter off {@code −w*} lowers the loss, by {@code (c/2π) g(φ) P_sp ≈ c P_sp ε³/(6π)}; the spurious point is
     * then a saddle. Same tolerance as above.
     */
    @Test
    void spuriousPointIsSaddleWhenSpuriousOverlapIsPositive() {
        Teacher t = Teacher.ratioFamily(25, 6, 16, 0.5, 1.5, 55);
        assertTrue(t.ratio() > (t.k() + Math.PI - 1) / Math.PI);
        NonOverlappingGaussian f = new NonOverlappingGaussian(t);
        double[] aSp = f.spuriousA();
        assertTrue(f.dot(aSp) > 0, "a_spᵀa* > 0");
        double[] v = Vec.scale(-1, t.wStar());
        double l0 = f.loss(v, aSp);
        double[] e = Vec.unitOrthogonal(t.wStarUnit(), new Gaussians(56));
        for (double eps : new double[] {1e-1, 1e-2}) {
            double[] v2 = Vec.axpy(v, eps * t.c(), e);
            double phi = f.angle(v2);
            double predicted = -t.c() * ArcCosine.g(phi) * f.dot(aSp) / (2 * Math.PI);
            double l = f.loss(v2, aSp);
            assertTrue(l < l0 - zeroTol(f), "loss falls when the filter turns off -w*");
            // the fall is the g(φ) aᵀa* term alone (a fixed): exact up to rounding
            assertEquals(predicted, l - l0, 4 * zeroTol(f), "fall = −(c/2π) g(φ) a_spᵀa*");
        }
    }
}
