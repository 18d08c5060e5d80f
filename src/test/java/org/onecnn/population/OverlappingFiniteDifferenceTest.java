package org.onecnn.population;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.onecnn.population.OverlapReference.Setup;
import org.onecnn.testutil.Gaussians;
import org.onecnn.testutil.Vec;

/**
 * The analytic gradients of {@link OverlappingGaussian} against central differences of its losses (weight-normalised
 * and plain), and the weight-normalisation identities {@code vᵀ∂L/∂v = 0}, {@code L(λv, a) = L(v, a)}, on the
 * overlapping shapes of {@link OverlapReference#shapes()}.
 *
 * <p><b>Tolerance</b> (as in {@link PopulationFiniteDifferenceTest}). {@code D(h) = [L(x + he) − L(x − he)]/2h} has
 * truncation error {@code T(h) = L'''h²/6 + O(h⁴)}; {@code D(2h) − D(h) = 3T(h) + O(h⁴)}, so {@code |D(2h) − D(h)|}
 * bounds {@code |T(h)|} with a factor-3 margin. Rounding: one evaluation errs by at most
 * {@code δ = (k + r + 40)(2T' + 1) u · S}, {@code S = ¼(‖a‖₁ + c‖a*‖₁)²} bounding the sum of the absolute values of
 * the terms (every kernel value is at most ½, each lag contributes its own sums of at most {@code k + r} terms, and a
 * few dozen roundings in the kernel differences); {@code D(h)} errs by {@code δ/h} and the estimate by
 * {@code 1.5δ/h}. Asserted: {@code |D(h) − ∂L| ≤ |D(2h) − D(h)| + 3δ/h}, {@code h = 1e−4·max(1, |x_j|)}, and, so
 * that the test keeps its power, that this tolerance is below {@code 1e−6} times the gradient scale.
 */
class OverlappingFiniteDifferenceTest {
    static final double U = Vec.U;
    static final double H = 1e-4;

    record Point(String name, Setup setup, double[] v, double[] a) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Point> points() {
        List<Point> ps = new ArrayList<>();
        long seed = 800;
        for (Setup su : OverlapReference.shapes()) {
            for (double nv : new double[] {0.6, 1.7}) {
                double[][] pt = OverlapReference.randomPoint(su, nv, seed++);
                ps.add(new Point(su + " random |v|=" + nv, su, pt[0], pt[1]));
            }
            for (double phi : new double[] {0.2, Math.PI - 0.2}) {
                Gaussians g = new Gaussians(seed++);
                double[] v = OverlapReference.tilted(su.teacher(), phi, 1.3, g);
                ps.add(new Point(su + " phi=" + String.format("%.3f", phi), su, v, g.vector(su.k())));
            }
        }
        return ps.stream();
    }

    static double delta(OverlappingGaussian f, double[] aEff) {
        int lags = Math.min(f.maxLag(), f.k() - 1);
        double sc = 0.25 * Math.pow(OverlapReference.l1(aEff) + f.c() * OverlapReference.l1(f.aStar()), 2);
        return (f.k() + f.r() + 40) * (2 * lags + 1) * U * sc;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void gradientMatchesCentralDifferences(Point pt) {
        OverlappingGaussian f = pt.setup().loss();
        double[] v = pt.v();
        double[] a = pt.a();
        double[] gv = new double[f.r()];
        double[] ga = new double[f.k()];
        f.gradient(v, a, gv, ga);
        double delta = delta(f, a);
        double scale = Math.max(Vec.norm(gv), Vec.norm(ga)) + 1e-3;
        List<String> bad = new ArrayList<>();
        PopulationFiniteDifferenceTest.checkFd("dL/dv", x -> f.loss(x, a), v, gv, delta, scale, bad);
        PopulationFiniteDifferenceTest.checkFd("dL/da", x -> f.loss(v, x), a, ga, delta, scale, bad);
        assertTrue(bad.isEmpty(), pt + ": " + bad);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void plainGradientMatchesCentralDifferences(Point pt) {
        OverlappingGaussian f = pt.setup().loss();
        double[] w = pt.v();
        double[] a = pt.a();
        double[] gw = new double[f.r()];
        double[] ga = new double[f.k()];
        double l = f.gradientPlain(w, a, gw, ga);
        assertEquals(f.lossPlain(w, a), l, 0.0, "gradientPlain() returns lossPlain()");
        double delta = delta(f, Vec.scale(Vec.norm(w), a));
        double scale = Math.max(Vec.norm(gw), Vec.norm(ga)) + 1e-3;
        List<String> bad = new ArrayList<>();
        PopulationFiniteDifferenceTest.checkFd("dLplain/dw", x -> f.lossPlain(x, a), w, gw, delta, scale, bad);
        PopulationFiniteDifferenceTest.checkFd("dLplain/da", x -> f.lossPlain(w, x), a, ga, delta, scale, bad);
        assertTrue(bad.isEmpty(), pt + ": " + bad);
    }

    /**
     * {@code vᵀ∂L/∂v = 0}: the code forms {@code (G − (wᵀG)w)/(2π‖v‖)}; with {@code ‖w‖ = 1} to {@code (r + 3)u}, and
     * the dot products of length {@code r}, {@code |vᵀ∂L/∂v| ≤ 4(r + 3)u ‖G‖₁/(2π)}, where
     * {@code ‖G‖₁ ≤ π(2T' + 1)(‖a‖₁ + c‖a*‖₁)(‖a‖₁ + 3c‖a*‖₁)} (each lag: {@code |A_t(a, e)| ≤ ‖a‖₁‖e‖₁},
     * {@code |α| ≤ π}, {@code ‖δ‖₁}-terms and {@code |α − β| ≤ π} with {@code ‖S_t ŵ‖₁ ≤ ‖ŵ‖₁ ≤ √r});
     * asserted with a further factor 2 and {@code √r}. {@code L(λv, a) = L(v, a)} to the rounding of two
     * evaluations plus the change of {@code w = λv/‖λv‖} by a few ulps ({@code 2δ + 8u‖G‖₁}).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void vGradientIsOrthogonalToV(Point pt) {
        OverlappingGaussian f = pt.setup().loss();
        int r = f.r();
        double[] v = pt.v();
        double[] a = pt.a();
        double[] gv = new double[r];
        f.gradient(v, a, gv, new double[f.k()]);
        int lags = Math.min(f.maxLag(), f.k() - 1);
        double a1 = OverlapReference.l1(a);
        double s1 = f.c() * OverlapReference.l1(f.aStar());
        double gBound = Math.PI * (2 * lags + 1) * (a1 + s1) * (a1 + 3 * s1) * Math.sqrt(r);
        assertEquals(0.0, Vec.dot(v, gv), 8 * (r + 3) * U * gBound / (2 * Math.PI), pt + ": vᵀ∂L/∂v");
        double l = f.loss(v, a);
        for (double lambda : new double[] {0.3, 2.5}) {
            assertEquals(l, f.loss(Vec.scale(lambda, v), a), 2 * delta(f, a) + 8 * U * gBound,
                    pt + ": L(λv, a) = L(v, a), λ = " + lambda);
        }
    }
}
