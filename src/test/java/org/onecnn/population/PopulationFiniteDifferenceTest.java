package org.onecnn.population;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.onecnn.model.ArcCosine;
import org.onecnn.model.Teacher;
import org.onecnn.testutil.Gaussians;
import org.onecnn.testutil.Vec;

/**
 * The analytic gradients of {@link NonOverlappingGaussian} against central differences of its losses,
 * the weight-normalisation identities ({@code vᵀ∂L/∂v = 0}, {@code L(λv, a) = L(v, a)}), and the
 * scalar forms ({@code gradNormV}, {@code gradNormA2}, {@code gradNorm}, {@code distanceToGlobal},
 * {@code distanceToSpurious}, {@code dotSpurious}, {@code spuriousNorm2}, {@code loss(q, s, pa, g)})
 * against the same quantities computed from the vectors.
 *
 * <p><b>Finite-difference tolerance.</b> {@code D(h) = [L(x + h e) − L(x − h e)]/2h} has truncation error
 * {@code T(h) = L'''h²/6 + O(h⁴)}; since {@code D(2h) − D(h) = 3T(h) + O(h⁴)}, the Richardson estimate
 * {@code |D(2h) − D(h)|} bounds {@code |T(h)|} with a factor-3 margin. Rounding: one evaluation of
 * {@code L} errs by at most {@code δ = (k + p + 20) u · scale} ({@code u = 2⁻⁵³}, {@code scale} the sum of
 * the absolute values of the terms of the loss: its dot products have ≤ k + p terms), so {@code D(h)}
 * errs by {@code δ/h} and the estimate by {@code 1.5 δ/h}. The test asserts
 * {@code |D(h) − ∂L| ≤ |D(2h) − D(h)| + 3δ/h} with {@code h = 1e−4·max(1, |x_j|)}, and, so that the test keeps its
 * power, that this tolerance is below {@code 1e−6} times the gradient scale. In {@code a} the loss is
 * quadratic, so there {@code T = 0} and only rounding is left.
 */
class PopulationFiniteDifferenceTest {
    static final double U = Vec.U;
    static final double H = 1e-4;

    record Point(String name, Teacher teacher, double[] v, double[] a) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Point> points() {
        List<Point> ps = new ArrayList<>();
        Teacher[] ts = {Teacher.ratioFamily(4, 5, 2, 1.0, 1.8, 31), Teacher.ratioFamily(10, 3, 9, 0.8, 0.7, 32),
                Teacher.gaussian(6, 4, 33), Teacher.ratioFamily(25, 6, 4, 0.5, 1.0, 34),
                Teacher.ratioFamily(1, 3, 1, 1.3, 2.5, 35), Teacher.ratioFamily(7, 4, 0, 1.1, 0.4, 36)};
        long seed = 300;
        for (Teacher t : ts) {
            String tn = "k=" + t.k() + " p=" + t.r() + " ratio=" + String.format("%.2f", t.ratio()) + " c="
                    + String.format("%.3f", t.c());
            for (double nv : new double[] {0.6, 1.7}) {
                Gaussians g = new Gaussians(seed++);
                ps.add(new Point(tn + " random |v|=" + nv, t, Vec.scale(nv, g.unit(t.r())), g.vector(t.k())));
            }
            if (t.r() > 1) {
                for (double phi : new double[] {0.2, Math.PI - 0.2}) {
                    Gaussians g = new Gaussians(seed++);
                    double[] e = Vec.unitOrthogonal(t.wStarUnit(), g);
                    double nv = 1.3;
                    double[] v = Vec.axpy(Vec.scale(nv * Math.cos(phi), t.wStarUnit()), nv * Math.sin(phi), e);
                    ps.add(new Point(tn + " phi=" + String.format("%.3f", phi), t, v, g.vector(t.k())));
                }
            }
        }
        return ps.stream();
    }

    /** Sum of the absolute values of the terms of the loss (the scale of its rounding error). */
    static double lossScale(NonOverlappingGaussian f, double[] aEff) {
        double c = f.c();
        double q = Vec.dot(aEff, aEff);
        double s = Vec.sum(aEff);
        double pa = Math.abs(f.dot(aEff));
        return ((Math.PI - 1) * (q + c * c * f.normAStar2()) + 2 * c * Math.PI * pa + s * s
                + c * c * f.sumAStar() * f.sumAStar() + 2 * c * Math.abs(s * f.sumAStar())) / (4 * Math.PI);
    }

    /**
     * Check {@code grad} against central differences of {@code loss} at {@code x} along each coordinate.
     *
     * @param gradScale the scale of the gradient, for the power check of the tolerance
     */
    static void checkFd(String what, ToDoubleFunction<double[]> loss, double[] x, double[] grad, double delta,
            double gradScale, List<String> bad) {
        for (int j = 0; j < x.length; j++) {
            double h = H * Math.max(1, Math.abs(x[j]));
            double d1 = diff(loss, x, j, h);
            double d2 = diff(loss, x, j, 2 * h);
            double tol = Math.abs(d2 - d1) + 3 * delta / h;
            if (!(tol <= 1e-6 * gradScale)) {
                bad.add(String.format("%s[%d]: tolerance %.3g too loose (gradient scale %.3g)", what, j, tol,
                        gradScale));
            }
            if (!(Math.abs(d1 - grad[j]) <= tol)) {
                bad.add(String.format("%s[%d]: analytic %.15g, central difference %.15g, tol %.3g", what, j, grad[j],
                        d1, tol));
            }
        }
    }

    static double diff(ToDoubleFunction<double[]> loss, double[] x, int j, double h) {
        double[] xp = x.clone();
        double[] xm = x.clone();
        xp[j] += h;
        xm[j] -= h;
        return (loss.applyAsDouble(xp) - loss.applyAsDouble(xm)) / (2 * h);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void gradientMatchesCentralDifferences(Point pt) {
        NonOverlappingGaussian f = new NonOverlappingGaussian(pt.teacher());
        int k = f.k();
        int p = f.p();
        double[] v = pt.v();
        double[] a = pt.a();
        double[] gv = new double[p];
        double[] ga = new double[k];
        f.gradient(v, a, gv, ga);
        double delta = (k + p + 20) * U * lossScale(f, a);
        double scale = Math.max(Vec.norm(gv), Vec.norm(ga)) + 1e-3;
        List<String> bad = new ArrayList<>();
        checkFd("dL/dv", x -> f.loss(x, a), v, gv, delta, scale, bad);
        checkFd("dL/da", x -> f.loss(v, x), a, ga, delta, scale, bad);
        assertTrue(bad.isEmpty(), pt + ": " + bad);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void plainGradientMatchesCentralDifferences(Point pt) {
        NonOverlappingGaussian f = new NonOverlappingGaussian(pt.teacher());
        int k = f.k();
        int p = f.p();
        double[] w = pt.v();
        double[] a = pt.a();
        double[] gw = new double[p];
        double[] ga = new double[k];
        f.gradientPlain(w, a, gw, ga);
        double delta = (k + p + 20) * U * lossScale(f, Vec.scale(Vec.norm(w), a));
        double scale = Math.max(Vec.norm(gw), Vec.norm(ga)) + 1e-3;
        List<String> bad = new ArrayList<>();
        checkFd("dLplain/dw", x -> f.lossPlain(x, a), w, gw, delta, scale, bad);
        checkFd("dLplain/da", x -> f.lossPlain(w, x), a, ga, delta, scale, bad);
        assertTrue(bad.isEmpty(), pt + ": " + bad);
    }

    /**
     * Weight normalisation: {@code L(λv, a) = L(v, a)} and hence {@code vᵀ∂L/∂v = 0}. Rounding bound for
     * {@code vᵀ∂L/∂v}: the code forms {@code coef·(ŵ*_i − (x/‖v‖²) v_i)} with
     * {@code |coef| = |aᵀa*|(π−φ)c/(2π‖v‖)}; each term errs by a few ulps of {@code |coef|(|ŵ*_i| + |x v_i|/‖v‖²)}
     * and the dot product with {@code v} adds {@code p} more, so
     * {@code |vᵀ∂L/∂v| ≤ 4(p + 3) u |coef| ‖v‖}; asserted with a further factor 2.
     * The loss at {@code λv} equals the loss at {@code v} to the rounding of one evaluation, {@code 2δ}.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void vGradientIsOrthogonalToV(Point pt) {
        NonOverlappingGaussian f = new NonOverlappingGaussian(pt.teacher());
        int p = f.p();
        double[] v = pt.v();
        double[] a = pt.a();
        double[] gv = new double[p];
        f.gradient(v, a, gv, new double[f.k()]);
        double nv = Vec.norm(v);
        double coef = Math.abs(f.dot(a)) * (Math.PI - f.angle(v)) * f.c() / (2 * Math.PI * nv);
        assertEquals(0.0, Vec.dot(v, gv), 8 * (p + 3) * U * coef * nv, pt + ": vᵀ∂L/∂v");
        double l = f.loss(v, a);
        double delta = (f.k() + p + 20) * U * lossScale(f, a);
        for (double lambda : new double[] {0.3, 2.5}) {
            assertEquals(l, f.loss(Vec.scale(lambda, v), a), 2 * delta, pt + ": L(λv, a) = L(v, a), λ = " + lambda);
        }
    }

    /**
     * The scalar forms equal the vector computations to rounding. Both sides evaluate the same algebra
     * in a different order from sums of at most {@code k + p ≤ 40} terms, so they differ by
     * {@code ≲ (k + p + 10) u} relative to the magnitude of the terms being combined, ≈ 1e−14; the test
     * asserts relative 1e−12 (a 100-fold margin) while a missing term or factor would show at relative
     * {@code O(1/k)} ≥ 1e−2. Where a scalar form expands a square or a distance ({@code gradNormA2},
     * {@code distanceTo*}, {@code spuriousNorm2}) the reference magnitude is the square of the sum of the
     * norms of the parts, which at these generic points (away from the minima, where such expansions
     * lose digits by cancellation) is of the order of the result itself. The loss is checked against an
     * independent form built from the arc-cosine kernel, {@code ½[aᵀK_ff a − 2aᵀK_fy a* + a*ᵀK_yy a*]}
     * with {@code K_ff = (π−1)/2π I + 11ᵀ/2π} etc. from {@link ArcCosine#reluCovariance}.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void scalarFormsEqualVectorComputations(Point pt) {
        NonOverlappingGaussian f = new NonOverlappingGaussian(pt.teacher());
        int k = f.k();
        int p = f.p();
        double c = f.c();
        double[] v = pt.v();
        double[] a = pt.a();
        double[] as = pt.teacher().aStar();
        double[] gv = new double[p];
        double[] ga = new double[k];
        double l = f.gradient(v, a, gv, ga);
        double phi = f.angle(v);
        double nv = Vec.norm(v);
        double q = Vec.dot(a, a);
        double s = Vec.sum(a);
        double pa = Vec.dot(a, as);
        double g = ArcCosine.g(phi);
        double rel = 1e-12;

        double nGv = Vec.norm(gv);
        assertEquals(nGv, f.gradNormV(phi, nv, pa), rel * nGv, pt + ": gradNormV");
        double partsA = ((Math.PI - 1) * Math.sqrt(q) + Math.abs(s - c * f.sumAStar()) * Math.sqrt(k)
                + c * Math.abs(g - 1) * Math.sqrt(f.normAStar2())) / (2 * Math.PI);
        double nGa2 = Vec.dot(ga, ga);
        assertEquals(nGa2, f.gradNormA2(q, s, pa, g), rel * partsA * partsA, pt + ": gradNormA2");
        double nG = Math.sqrt(nGv * nGv + nGa2);
        assertEquals(nG, f.gradNorm(phi, nv, q, s, pa), rel * (nGv + partsA), pt + ": gradNorm");

        double[] aG = f.globalA();
        double[] aSp = f.spuriousA();
        double partsG = Math.sqrt(q) + Vec.norm(aG);
        double dG = Vec.dist(a, aG);
        assertEquals(dG * dG, Math.pow(f.distanceToGlobal(q, pa), 2), rel * partsG * partsG, pt + ": distanceToGlobal");
        double partsS = Math.sqrt(q) + Vec.norm(aSp);
        double dS = Vec.dist(a, aSp);
        assertEquals(dS * dS, Math.pow(f.distanceToSpurious(q, s, pa), 2), rel * partsS * partsS,
                pt + ": distanceToSpurious");
        double along = Math.PI * f.sumAStar() / (k + Math.PI - 1);
        // magnitude of the two terms c/(π−1)·[along·1ᵀa − aᵀa*] (they cancel exactly when k = 1, where a_sp = 0)
        double partsD = c / (Math.PI - 1) * (Math.abs(along * s) + Math.sqrt(q * f.normAStar2()));
        assertEquals(Vec.dot(a, aSp), f.dotSpurious(s, pa), rel * partsD, pt + ": dotSpurious");
        double partsN = c / (Math.PI - 1) * (Math.abs(along) * Math.sqrt(k) + Math.sqrt(f.normAStar2()));
        assertEquals(Vec.dot(aSp, aSp), f.spuriousNorm2(), rel * partsN * partsN, pt + ": spuriousNorm2");

        // loss from the arc-cosine kernel, pair by pair (docs/model.md §2, §4 with s = r)
        double ff = 0;
        double fy = 0;
        double yy = 0;
        double mag = 0;
        double cosPhi = Math.cos(phi);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double kff = ArcCosine.reluCovariance(1, 1, i == j ? 1 : 0);
                double kfy = ArcCosine.reluCovariance(1, c, i == j ? c * cosPhi : 0);
                double kyy = ArcCosine.reluCovariance(c, c, i == j ? c * c : 0);
                ff += a[i] * a[j] * kff;
                fy += a[i] * as[j] * kfy;
                yy += as[i] * as[j] * kyy;
                mag += Math.abs(a[i] * a[j]) * kff + 2 * Math.abs(a[i] * as[j]) * kfy + Math.abs(as[i] * as[j]) * kyy;
            }
        }
        double lKernel = 0.5 * (ff - 2 * fy + yy);
        assertEquals(lKernel, f.loss(q, s, pa, g), rel * mag, pt + ": loss(q, s, pa, g) vs kernel form");
        assertEquals(l, f.loss(q, s, pa, g), rel * mag, pt + ": gradient() return value");
        assertEquals(l, f.loss(v, a), 0.0, pt + ": loss(v, a)");
    }
}
