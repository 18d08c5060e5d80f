package org.onecnn.population;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.population.OverlapReference.Setup;
import org.onecnn.testutil.Gaussians;
import org.onecnn.testutil.Vec;
import org.onecnn.util.InvalidInputException;

/**
 * {@link OverlappingGaussian}: reduction to {@link NonOverlappingGaussian} at {@code s = r}; agreement with an
 * independent O(k²) evaluation of docs/model.md §4 ({@link OverlapReference}); the global minimum; relative accuracy
 * near it; the kernel-difference helpers; input validation; and the linear cost in {@code k}.
 * (Monte Carlo: {@link OverlappingMonteCarloTest}; finite differences: {@link OverlappingFiniteDifferenceTest}.)
 *
 * <p>Rounding tolerances: where two evaluations compute the same quantity by different sequences of at most
 * {@code N} roundings of terms whose absolute values sum to {@code mag}, they differ by at most about
 * {@code N u mag} ({@code u = 2⁻⁵³}). Here {@code N ≤ k² + r + 40 ≤ 100}, i.e. {@code ≲ 1e−14 mag}; the tests assert
 * {@code 1e−12 mag} (a margin of 100), while a wrong or missing term shows at relative {@code O(1/k²)} or more.
 */
class OverlappingGaussianTest {
    static final double U = Vec.U;
    static final double REL = 1e-12;

    static Stream<Setup> shapes() {
        return OverlapReference.shapes().stream();
    }

    // ---------------------------------------------------------------------------------------- s = r

    record NonOverlapCase(String name, Teacher teacher, double[] v, double[] a) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<NonOverlapCase> nonOverlapCases() {
        List<NonOverlapCase> cs = new ArrayList<>();
        Teacher[] ts = {Teacher.ratioFamily(4, 5, 2, 1.0, 1.8, 41), Teacher.ratioFamily(10, 3, 9, 0.8, 0.7, 42),
                Teacher.gaussian(6, 4, 43), Teacher.ratioFamily(25, 6, 4, 0.5, 2.5, 44),
                Teacher.ratioFamily(1, 3, 1, 1.3, 0.4, 45)};
        long seed = 400;
        for (Teacher t : ts) {
            String tn = "k=" + t.k() + " p=" + t.r() + " c=" + String.format("%.3f", t.c());
            Gaussians g = new Gaussians(seed++);
            cs.add(new NonOverlapCase(tn + " random", t, Vec.scale(1.7, g.unit(t.r())), g.vector(t.k())));
            for (double phi : new double[] {1e-3, Math.PI - 0.1}) {
                double[] v = OverlapReference.tilted(t, phi, 0.6, g);
                cs.add(new NonOverlapCase(tn + " phi=" + phi, t, v, g.vector(t.k())));
            }
            // near the global minimum: a = c a* + 1e-6 noise, φ = 1e-6
            double[] v = OverlapReference.tilted(t, 1e-6, 1.3, g);
            double[] a = Vec.axpy(Vec.scale(t.c(), t.aStar()), 1e-6, g.vector(t.k()));
            cs.add(new NonOverlapCase(tn + " near minimum", t, v, a));
        }
        return cs.stream();
    }

    /**
     * With {@code s = r} only lag 0 remains and the loss, both gradients, and the plain versions equal
     * {@link NonOverlappingGaussian}'s. The loss is the same expression evaluated from the same scalars (in practice
     * bitwise equal); the gradients differ in the order of roundings ({@code 1ᵀe} vs {@code 1ᵀa − c 1ᵀa*}; the
     * v-gradient as {@code (I − wwᵀ)δ} vs {@code ŵ − (ŵᵀv/‖v‖²) v}), so each coordinate is compared within
     * {@code 1e−12} of the magnitude of its terms (see the class comment); near the minimum, where both sides use
     * deviation forms, the same bound holds relative to the (small) terms.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("nonOverlapCases")
    void reducesToNonOverlappingWhenStrideEqualsFilterSize(NonOverlapCase cs) {
        Teacher t = cs.teacher();
        int k = t.k();
        int p = t.r();
        NonOverlappingGaussian ref = new NonOverlappingGaussian(t);
        OverlappingGaussian f = new OverlappingGaussian(Architecture.nonOverlapping(k, p), t);
        assertEquals(0, f.maxLag());
        double[] v = cs.v();
        double[] a = cs.a();
        double c = t.c();
        List<String> bad = new ArrayList<>();
        for (boolean plain : new boolean[] {false, true}) {
            double nw = Vec.norm(v);
            double[] aEff = plain ? Vec.scale(nw, a) : a;
            double[] gv1 = new double[p];
            double[] ga1 = new double[k];
            double[] gv2 = new double[p];
            double[] ga2 = new double[k];
            double l1 = plain ? ref.gradientPlain(v, a, gv1, ga1) : ref.gradient(v, a, gv1, ga1);
            double l2 = plain ? f.gradientPlain(v, a, gv2, ga2) : f.gradient(v, a, gv2, ga2);
            double lo1 = plain ? ref.lossPlain(v, a) : ref.loss(v, a);
            double lo2 = plain ? f.lossPlain(v, a) : f.loss(v, a);
            String pre = plain ? "plain " : "";
            // magnitudes: terms of (1/4π)[(π−1)‖e‖² + 2c h aᵀa* + (1ᵀe)²] and of ∂L/∂a, ∂L/∂v
            double[] e = Vec.axpy(aEff, -c, t.aStar());
            double phi = ref.angle(v);
            double h = org.onecnn.model.ArcCosine.piMinusG(phi);
            double pa = Math.abs(Vec.dot(aEff, t.aStar()));
            double lossMag = ((Math.PI - 1) * Vec.dot(e, e) + 2 * c * h * pa + Math.pow(Vec.sum(e), 2)
                    + Math.pow(OverlapReference.l1(e), 2)) / (4 * Math.PI);
            double gaMag = ((Math.PI - 1) * (OverlapReference.l1(aEff) + c * OverlapReference.l1(t.aStar()))
                    + OverlapReference.l1(aEff) + c * OverlapReference.l1(t.aStar()) + c * h * Vec.norm(t.aStar()))
                    / (2 * Math.PI);
            double gvMag = pa * (Math.PI - phi) * c / (2 * Math.PI * nw) + (plain ? Vec.norm(a) * gaMag : 0);
            if (plain) {
                gaMag *= nw;
            }
            check(bad, pre + "loss", lo1, lo2, REL * lossMag);
            check(bad, pre + "gradient() loss", l1, l2, REL * lossMag);
            check(bad, pre + "gradient() = loss()", lo2, l2, 0);
            for (int i = 0; i < k; i++) {
                check(bad, pre + "dL/da[" + i + "]", ga1[i], ga2[i], REL * gaMag);
            }
            for (int j = 0; j < p; j++) {
                check(bad, pre + "dL/dv[" + j + "]", gv1[j], gv2[j], REL * gvMag);
            }
        }
        assertTrue(bad.isEmpty(), cs + ": " + bad);
    }

    static void check(List<String> bad, String what, double expected, double actual, double tol) {
        if (!(Math.abs(expected - actual) <= tol)) {
            bad.add(String.format("%s: expected %.17g, got %.17g (diff %.3g, tol %.3g)", what, expected, actual,
                    Math.abs(expected - actual), tol));
        }
    }

    // ---------------------------------------------------------------------------------------- reference

    /**
     * The loss and both gradients equal the independent O(k²) evaluation of {@link OverlapReference} at random points
     * and at {@code φ} near 0 and π, within {@code 1e−12} of the magnitude of the terms (class comment). The reference
     * writes the v-gradient with {@code acos}, which loses accuracy where {@code cos θ = ±1}: its own rounding there is
     * {@code ~√u} in θ, but it multiplies {@code P_iᵀP_j w} along which the projection leaves only {@code O(θ)}, so the
     * comparison stays at rounding level.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void agreesWithPairwiseKernelSum(Setup su) {
        OverlappingGaussian f = su.loss();
        int k = su.k();
        int r = su.r();
        List<double[][]> pts = new ArrayList<>();
        pts.add(OverlapReference.randomPoint(su, 1.4, 601));
        pts.add(OverlapReference.randomPoint(su, 0.5, 602));
        Gaussians g = new Gaussians(603);
        pts.add(new double[][] {OverlapReference.tilted(su.teacher(), 0.05, 2.0, g), g.vector(k)});
        pts.add(new double[][] {OverlapReference.tilted(su.teacher(), Math.PI - 0.05, 0.7, g), g.vector(k)});
        pts.add(new double[][] {g.vector(r), Vec.scale(su.teacher().c(), su.teacher().aStar())});
        List<String> bad = new ArrayList<>();
        for (int n = 0; n < pts.size(); n++) {
            double[] v = pts.get(n)[0];
            double[] a = pts.get(n)[1];
            OverlapReference.Result ref = OverlapReference.evaluate(su, v, a);
            double[] gv = new double[r];
            double[] ga = new double[k];
            double l = f.gradient(v, a, gv, ga);
            check(bad, "point " + n + " loss", ref.loss(), l, REL * ref.lossMag());
            check(bad, "point " + n + " loss()", l, f.loss(v, a), 0);
            for (int i = 0; i < k; i++) {
                check(bad, "point " + n + " dL/da[" + i + "]", ref.ga()[i], ga[i], REL * ref.gaMag()[i]);
            }
            for (int b = 0; b < r; b++) {
                check(bad, "point " + n + " dL/dv[" + b + "]", ref.gv()[b], gv[b], REL * ref.gvMag());
            }
        }
        assertTrue(bad.isEmpty(), su + ": " + bad);
    }

    /**
     * The lag terms matter: at the same points the non-overlapping formula (lag 0 only) differs from the overlapping
     * loss by far more than the tolerance above, so the comparison can see a dropped lag.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void lagTermsAreVisible(Setup su) {
        OverlappingGaussian f = su.loss();
        double[][] pt = OverlapReference.randomPoint(su, 1.4, 601);
        NonOverlappingGaussian lag0 = new NonOverlappingGaussian(su.teacher());
        OverlapReference.Result ref = OverlapReference.evaluate(su, pt[0], pt[1]);
        double diff = Math.abs(f.loss(pt[0], pt[1]) - lag0.loss(pt[0], pt[1]));
        assertTrue(diff > 1e-6 * ref.lossMag(), su + ": lag terms " + diff + " vs magnitude " + ref.lossMag());
    }

    // ---------------------------------------------------------------------------------------- global minimum

    /**
     * At the global minimum {@code v = λ w*}, {@code a = c a*} (and, plain, {@code w = λ w*}, {@code a = a* / λ}) the
     * loss and the gradients vanish. Exactly for {@code λ = 1} up to the angle {@code φ = atan2(‖v − (ŵᵀv)ŵ‖, ŵᵀv)},
     * whose numerator is a few ulps of {@code ‖v‖}; for {@code λ ≠ 1}, {@code w = λw* / ‖λw*‖} differs from
     * {@code ŵ} by at most {@code (r + 8)u} per coordinate and {@code a} from {@code c a*} by a few ulps. The loss is
     * quadratic and the gradients linear in these deviations ({@code ε ≤ 20u}), with second derivatives bounded by
     * {@code H = (2T + 1)(‖a‖₁ + c‖a*‖₁)²} (every kernel and its derivatives in {@code C} are at most 1 where they
     * enter, and there are {@code 2T + 1} lags): asserted {@code L ≤ H (20u)²·r} and {@code ‖∇L‖ ≤ H·20u·r} (times
     * {@code 1/‖v‖} for the v-gradient). A loss that did not vanish at the teacher would be of order {@code H}.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void globalMinimumHasZeroLossAndGradient(Setup su) {
        OverlappingGaussian f = su.loss();
        Teacher t = su.teacher();
        int k = su.k();
        int r = su.r();
        double c = t.c();
        double hBound = (2 * f.maxLag() + 1) * Math.pow(2 * c * OverlapReference.l1(t.aStar()), 2);
        double eps = 20 * U;
        List<String> bad = new ArrayList<>();
        for (double lambda : new double[] {1, 0.37, 2.9}) {
            double[] v = Vec.scale(lambda, t.wStar());
            double[] gv = new double[r];
            double[] ga = new double[k];
            double l = f.gradient(v, f.globalA(), gv, ga);
            String at = "λ=" + lambda + " ";
            check(bad, at + "loss", 0, l, hBound * eps * eps * r);
            check(bad, at + "loss()", 0, f.loss(v, f.globalA()), hBound * eps * eps * r);
            check(bad, at + "|dL/da|", 0, Vec.norm(ga), hBound * eps * r);
            check(bad, at + "|dL/dv|", 0, Vec.norm(gv), hBound * eps * r / lambda / c);
            double[] a = Vec.scale(1 / lambda, t.aStar());
            double lp = f.gradientPlain(v, a, gv, ga);
            check(bad, at + "plain loss", 0, lp, hBound * eps * eps * r);
            check(bad, at + "plain |dL/da|", 0, Vec.norm(ga), hBound * eps * r * lambda * c);
            check(bad, at + "plain |dL/dw|", 0, Vec.norm(gv), hBound * eps * r / lambda / c);
        }
        // the bound has power: a generic point is far above it
        double[][] pt = OverlapReference.randomPoint(su, 1.0, 610);
        assertTrue(f.loss(pt[0], pt[1]) > 1e6 * hBound * eps * eps * r, su + ": generic loss above the bound");
        assertTrue(bad.isEmpty(), su + ": " + bad);
    }

    /**
     * Relative accuracy near the global minimum. Along a fixed direction {@code ξ = (ξ_v, ξ_a)},
     * {@code L(w* + εξ_v, c a* + εξ_a) = ε² Q + O(ε³)} ({@code L} is twice differentiable there with a bounded third
     * derivative away from the minimum), so {@code R(ε) = L/ε²} converges linearly: {@code |R(ε) − R(ε')| ≤ K(ε + ε')}.
     * {@code K} is estimated from {@code R(1e−3)} and {@code R(1e−4)} (factor 4 margin). Rounding: the perturbation
     * {@code εξ_v} is added to {@code w*} with an error of {@code u|w*_b|} per coordinate, a relative error of
     * {@code u c/(ε‖ξ_v‖)} in the perturbation and twice that in {@code R}; the evaluation itself keeps relative
     * accuracy (deviation form), allowed {@code 1e−9} for {@code ε = 1e−8}. The test compares {@code ε = 1e−8} with
     * {@code ε = 1e−6}; an evaluation of the undeviated form {@code ½[aᵀM a − 2aᵀM' a* + a*ᵀM'' a*]} would carry an
     * absolute error of order {@code u·H ≈ 1e−15}, as large as {@code L(1e−8) ≈ 1e−16 Q} itself. The gradients,
     * {@code ∇L = ε Hξ + O(ε²)}, are checked the same way with {@code ∇L/ε}.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void nearTheMinimumTheLossKeepsRelativeAccuracy(Setup su) {
        OverlappingGaussian f = su.loss();
        Teacher t = su.teacher();
        int k = su.k();
        int r = su.r();
        Gaussians g = new Gaussians(620 + su.name().hashCode());
        double[] xv = g.vector(r);
        double[] xa = g.vector(k);
        double c = t.c();
        double[] ratio = new double[4];
        double[][] gradRatio = new double[4][];
        double[] epss = {1e-3, 1e-4, 1e-6, 1e-8};
        for (int n = 0; n < epss.length; n++) {
            double eps = epss[n];
            double[] v = Vec.axpy(t.wStar(), eps, xv);
            double[] a = Vec.axpy(f.globalA(), eps, xa);
            double[] gv = new double[r];
            double[] ga = new double[k];
            double l = f.gradient(v, a, gv, ga);
            ratio[n] = l / (eps * eps);
            double[] gr = new double[r + k];
            for (int b = 0; b < r; b++) {
                gr[b] = gv[b] / eps;
            }
            for (int i = 0; i < k; i++) {
                gr[r + i] = ga[i] / eps;
            }
            gradRatio[n] = gr;
        }
        double kLoss = 4 * Math.abs(ratio[0] - ratio[1]) / (epss[0] + epss[1]);
        double roundL = 2 * U * c / (epss[3] * Vec.norm(xv)) * ratio[2] + 1e-9 * ratio[2];
        double tolL = kLoss * (epss[2] + epss[3]) + roundL;
        assertTrue(ratio[2] > 0, su + ": L/ε² must be positive, got " + ratio[2]);
        assertTrue(Math.abs(ratio[3] - ratio[2]) <= tolL, su + String.format(": L/ε² at 1e-8 %.15g vs at 1e-6 %.15g, tol %.3g",
                ratio[3], ratio[2], tolL));
        double kGrad = 4 * Vec.dist(gradRatio[0], gradRatio[1]) / (epss[0] + epss[1]);
        double n2 = Vec.norm(gradRatio[2]);
        double tolG = kGrad * (epss[2] + epss[3]) + 2 * U * c / (epss[3] * Vec.norm(xv)) * n2 + 1e-9 * n2;
        assertTrue(Vec.dist(gradRatio[3], gradRatio[2]) <= tolG, su + String.format(
                ": ∇L/ε at 1e-8 vs 1e-6 differ by %.3g, tol %.3g (|∇L/ε| = %.3g)", Vec.dist(gradRatio[3], gradRatio[2]),
                tolG, n2));
        // the power of the check: the tolerance is far below the size of what it compares
        assertTrue(tolL < 1e-4 * ratio[2] && tolG < 1e-4 * n2, su + ": tolerances " + tolL + ", " + tolG);
    }

    // ---------------------------------------------------------------------------------------- helpers

    /** Gauss–Legendre on [0, 1]: weights sum to 1 and monomials up to degree 2n − 1 = 15 are integrated exactly. */
    @Test
    void gaussLegendreRuleIsExactToDegreeFifteen() {
        for (int deg = 0; deg <= 2 * OverlappingGaussian.GL_N - 1; deg++) {
            double s = 0;
            for (int j = 0; j < OverlappingGaussian.GL_N; j++) {
                s += OverlappingGaussian.GL_W[j] * Math.pow(OverlappingGaussian.GL_X[j], deg);
            }
            assertEquals(1.0 / (deg + 1), s, 1e-15, "degree " + deg);
        }
    }

    /**
     * {@code asinDiff} and {@code kappaDiff} against the direct differences where those are accurate (well-separated
     * arguments: absolute error of a few ulps of values ≤ π, asserted 1e−14), and against two-term Taylor
     * expansions for {@code d = x − y = 1e−9}, whose remainder is {@code O(d²)} relative ({@code ≈ 1e−18} with the
     * derivatives bounded on {@code |y| ≤ 0.9}): asserted 1e−14 relative, where the direct difference would lose
     * about 7 digits.
     */
    @Test
    void firstDifferencesAreAccurate() {
        double[] ys = {-0.9, -0.5, -1e-3, 0, 2e-4, 0.3, 0.77, 0.9};
        for (double y : ys) {
            for (double x : new double[] {-0.95, -0.2, 0.1, 0.6, 0.99}) {
                assertEquals(Math.asin(x) - Math.asin(y), OverlappingGaussian.asinDiff(x, y, x - y), 1e-14,
                        "asinDiff " + x + ", " + y);
                assertEquals(kappa(x) - kappa(y), OverlappingGaussian.kappaDiff(x, y, x - y), 1e-14,
                        "kappaDiff " + x + ", " + y);
            }
            double d = 1e-9;
            double x = y + d; // x − y = d to within one rounding of x, i.e. u relative to |x|; use the exact difference
            double dd = x - y;
            double sy = Math.sqrt(1 - y * y);
            double asinTaylor = dd / sy + dd * dd * y / (2 * sy * sy * sy);
            assertEquals(asinTaylor, OverlappingGaussian.asinDiff(x, y, dd), 1e-14 * Math.abs(asinTaylor),
                    "asinDiff Taylor at y = " + y);
            double k1 = (Math.PI / 2 + Math.asin(y)) / (2 * Math.PI);
            double k2 = 1 / (2 * Math.PI * sy);
            double kTaylor = k1 * dd + k2 * dd * dd / 2;
            assertEquals(kTaylor, OverlappingGaussian.kappaDiff(x, y, dd), 1e-14 * Math.abs(kTaylor),
                    "kappaDiff Taylor at y = " + y);
        }
        assertEquals(Math.PI, OverlappingGaussian.asinDiff(1, -1, 2), 1e-15);
        assertEquals(0.5, OverlappingGaussian.kappaDiff(1, -1, 2), 1e-15);
        assertEquals(0, OverlappingGaussian.kappaDiff(0.4, 0.4, 0), 0);
    }

    /** {@code κ(C) = (1/2π)[C(π − acos C) + √(1 − C²)]}, written independently of the implementation. */
    static double kappa(double c) {
        return (c * (Math.PI - Math.acos(c)) + Math.sqrt(1 - c * c)) / (2 * Math.PI);
    }

    /**
     * {@code kappaSecondDiff}: (i) with both branches accurate (the four corners well apart, {@code W} just below and
     * above the switch at {@code m/4}), it equals the direct sum of four kernel values within {@code 1e−14}
     * (a few ulps of values ≤ ½, plus the quadrature error ≈ 1e−17); (ii) for {@code W ≈ 3e−7} it equals the
     * leading Taylor term {@code κ''(C)pq + κ'(C)ϱ} within its {@code O(W)} relative remainder (asserted
     * {@code 10 W}); the direct sum would have a relative error of {@code u/W² ≈ 1e−3} there.
     */
    @Test
    void secondDifferencesAreAccurate() {
        double[][] cases = {{0.3, 0.05, -0.04, 0.01}, {-0.6, 0.02, 0.03, 0.004}, {0.1, -0.1, 0.08, -0.02},
                {0.5, 0.06, 0.04, 0.0}, {0.0, 0.1, 0.1, 0.05}};
        for (double[] cs : cases) {
            double c00 = cs[0];
            double m = 1 - Math.max(Math.max(Math.abs(c00), Math.abs(c00 + cs[1])),
                    Math.max(Math.abs(c00 + cs[2]), Math.abs(c00 + cs[1] + cs[2] + cs[3])));
            double w = Math.abs(cs[1]) + Math.abs(cs[2]) + Math.abs(cs[3]);
            for (double scale : new double[] {0.9 * m / (4 * w), 1.1 * m / (4 * w), 1.0}) {
                double p = scale * cs[1];
                double q = scale * cs[2];
                double rr = scale * cs[3];
                double direct = kappa(c00 + p + q + rr) - kappa(c00 + p) - kappa(c00 + q) + kappa(c00);
                assertEquals(direct, OverlappingGaussian.kappaSecondDiff(c00, p, q, rr), 1e-14,
                        "second difference at " + java.util.Arrays.toString(cs) + " scale " + scale);
            }
            double scale = 1e-7 / w * 3;
            double p = scale * cs[1];
            double q = scale * cs[2];
            double rr = scale * scale * cs[3];
            double lead = p * q / (2 * Math.PI * Math.sqrt(1 - c00 * c00)) + rr * (Math.PI / 2 + Math.asin(c00))
                    / (2 * Math.PI);
            double got = OverlappingGaussian.kappaSecondDiff(c00, p, q, rr);
            assertEquals(lead, got, 10 * 3e-7 * Math.abs(lead) + 1e-30, "Taylor at " + java.util.Arrays.toString(cs));
        }
    }

    // ---------------------------------------------------------------------------------------- other

    /** The zero student: {@code lossPlain(0, a) = loss(v, 0)} for every {@code v, a}, and equals the reference. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void zeroStudent(Setup su) {
        OverlappingGaussian f = su.loss();
        double[][] pt = OverlapReference.randomPoint(su, 1.1, 630);
        double lz = f.lossPlain(new double[su.r()], pt[1]);
        OverlapReference.Result ref = OverlapReference.evaluate(su, pt[0], new double[su.k()]);
        assertEquals(ref.loss(), lz, REL * ref.lossMag());
        assertEquals(f.loss(pt[0], new double[su.k()]), lz, REL * ref.lossMag());
        assertEquals(lz, f.zeroStudentLoss(), 0);
        double[] gw = new double[su.r()];
        double[] ga = new double[su.k()];
        assertEquals(lz, f.gradientPlain(new double[su.r()], pt[1], gw, ga), 0);
        assertTrue(Double.isNaN(gw[0]) && Vec.norm(ga) == 0, "no w-gradient at w = 0; a-gradient 0");
    }

    @Test
    void rejectsMismatchedInputs() {
        Architecture arch = Architecture.of(13, 5, 2);
        assertThrows(InvalidInputException.class, () -> new OverlappingGaussian(arch, Teacher.gaussian(5, 4, 1)));
        assertThrows(InvalidInputException.class, () -> new OverlappingGaussian(arch, Teacher.gaussian(4, 5, 1)));
        assertThrows(InvalidInputException.class, () -> new OverlappingGaussian(null, Teacher.gaussian(5, 5, 1)));
        assertThrows(InvalidInputException.class, () -> new OverlappingGaussian(arch, null));
        OverlappingGaussian f = new OverlappingGaussian(arch, Teacher.gaussian(5, 5, 1));
        assertThrows(InvalidInputException.class, () -> f.loss(new double[4], new double[5]));
        assertThrows(InvalidInputException.class, () -> f.loss(new double[5], new double[6]));
        assertThrows(InvalidInputException.class, () -> f.gradient(Vec.ones(5), new double[5], new double[5],
                new double[4]));
        assertThrows(InvalidInputException.class, () -> f.gradientPlain(Vec.ones(5), new double[5], new double[4],
                new double[5]));
        assertEquals(5, f.k());
        assertEquals(5, f.r());
        assertEquals(5, f.p());
        assertEquals(2, f.s());
        assertEquals(13, f.d());
        assertEquals(2, f.maxLag());
        assertEquals(arch, f.architecture());
    }

    /**
     * Cost linear in {@code k}, checked structurally with the work tally of the package-private overloads: for a
     * fixed filter ({@code r, s}) the number of lags is {@code T' = min(T, k − 1)}, the filter-coordinate work is
     * {@code 5 Σ_{t=1..T'} (r − ts)} (3 products for the loss, 2 more for the v-gradient), independent of {@code k}
     * once {@code k > T}, and the patch work is exactly {@code 5 Σ_{t=1..T'} (k − t) ≤ 5 T k} (3 products for the
     * loss, 2 more for the a-gradient); the loss alone does 3 of each. The tally covers every loop over lags; the
     * remaining work is {@code O(k + r)} single passes (lag 0). A pairwise {@code O(k²)} evaluation would have to
     * visit {@code k²} pairs, {@code k/(5T)} times this count.
     */
    @Test
    void workIsLinearInK() {
        int[][] filters = {{6, 2}, {5, 1}, {8, 3}, {4, 4}};
        for (int[] rs : filters) {
            int r = rs[0];
            int s = rs[1];
            int tMax = (r - 1) / s;
            for (int k : new int[] {1, 2, tMax + 1, 40, 400, 4000}) {
                Architecture arch = Architecture.of(r + (k - 1) * s, r, s);
                OverlappingGaussian f = new OverlappingGaussian(arch, Teacher.gaussian(k, r, 7));
                Gaussians g = new Gaussians(8);
                double[] v = g.vector(r);
                double[] a = g.vector(k);
                int lags = Math.min(tMax, k - 1);
                long filterPerLag = 0;
                long outputPerLag = 0;
                for (int t = 1; t <= lags; t++) {
                    filterPerLag += r - t * s;
                    outputPerLag += k - t;
                }
                OverlappingGaussian.Work wg = new OverlappingGaussian.Work();
                f.gradient(v, a, new double[r], new double[k], wg);
                String at = "r=" + r + " s=" + s + " k=" + k;
                assertEquals(lags, wg.lags, at);
                assertEquals(5 * filterPerLag, wg.filterTerms, at);
                assertEquals(5 * outputPerLag, wg.outputTerms, at);
                assertTrue(wg.outputTerms <= 5L * tMax * k, at);
                OverlappingGaussian.Work wl = new OverlappingGaussian.Work();
                f.loss(v, a, wl);
                assertEquals(lags, wl.lags, at);
                assertEquals(3 * filterPerLag, wl.filterTerms, at);
                assertEquals(3 * outputPerLag, wl.outputTerms, at);
            }
        }
    }
}
