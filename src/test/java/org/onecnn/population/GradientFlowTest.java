package org.onecnn.population;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.onecnn.model.DuInitialization;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.OutcomeClassifier;
import org.onecnn.model.Teacher;
import org.onecnn.testutil.Vec;

/**
 * Gradient descent with a small step η against the gradient flow {@code d(v, a)/dt = −∇L} integrated by
 * {@link GradientFlow} (Dormand–Prince 8(5,3), tolerances 1e−12, so its own error is negligible against the
 * O(η) errors measured here).
 *
 * <p>Euler's method (= gradient descent) follows, to first order, the modified flow
 * {@code ẏ = −∇L(y) − (η/2) H∇L(y)}, so the deviation {@code e = y − x} from the exact flow obeys
 * {@code e' = −H e − (η/2) ẍ} with {@code ẍ = H∇L} and {@code H} the Hessian of {@code L}. Hence (Grönwall)
 * <pre>
 *   ‖e(t)‖ ≤ B(t) = (η/2) ∫₀ᵗ exp(∫ₛᵗ μ(r) dr) ‖ẍ(s)‖ ds,   μ = max(0, −λ_min(H))
 * </pre>
 * to first order in η: a bound from the path's acceleration (curvature) and from how much the flow can amplify
 * an error (negative curvature of the loss). The test computes {@code B} along the flow (Hessian by central
 * differences of the analytic gradient, eigenvalues by Commons Math) and asserts that at the smallest η the
 * maximal deviation over the path is below {@code 1.5·max_t B(t)} (the margin covers the O(η²) remainder and the
 * trapezoid quadrature of the integrals), and that halving η divides the deviation by a factor in [1.6, 2.4]
 * (first order: 2, up to O(η) corrections).
 */
class GradientFlowTest {
    static final double T = 20;
    static final double[] ETAS = {0.04, 0.02, 0.01};

    static java.util.stream.Stream<Arguments> cases() {
        List<Arguments> as = new ArrayList<>();
        Teacher t1 = Teacher.ratioFamily(4, 5, 2, 1.0, 1.3, 71);
        Teacher t2 = Teacher.ratioFamily(6, 3, 0.5, 1.0, 0.7, 72);
        for (Teacher t : new Teacher[] {t1, t2}) {
            for (long seed : new long[] {1, 2, 3}) {
                as.add(Arguments.of(t, DuInitialization.draw(t, seed)));
            }
        }
        return as.stream();
    }

    /** Own GD loop: states at t = 0, 1, ..., T. */
    static double[][] gd(NonOverlappingGaussian f, InitialPoint x0, double eta) {
        int p = f.p();
        int k = f.k();
        double[] v = x0.v();
        double[] a = x0.a();
        double[] gv = new double[p];
        double[] ga = new double[k];
        int perUnit = (int) Math.round(1 / eta);
        double[][] out = new double[(int) T + 1][];
        out[0] = concat(v, a);
        for (int n = 1; n <= (int) T * perUnit; n++) {
            f.gradient(v, a, gv, ga);
            for (int j = 0; j < p; j++) {
                v[j] -= eta * gv[j];
            }
            for (int j = 0; j < k; j++) {
                a[j] -= eta * ga[j];
            }
            if (n % perUnit == 0) {
                out[n / perUnit] = concat(v, a);
            }
        }
        return out;
    }

    static double[] concat(double[] v, double[] a) {
        double[] x = new double[v.length + a.length];
        System.arraycopy(v, 0, x, 0, v.length);
        System.arraycopy(a, 0, x, v.length, a.length);
        return x;
    }

    static double[] grad(NonOverlappingGaussian f, double[] x) {
        int p = f.p();
        double[] v = java.util.Arrays.copyOfRange(x, 0, p);
        double[] a = java.util.Arrays.copyOfRange(x, p, x.length);
        double[] gv = new double[p];
        double[] ga = new double[f.k()];
        f.gradient(v, a, gv, ga);
        return concat(gv, ga);
    }

    /** Hessian by central differences of the analytic gradient, symmetrised. */
    static RealMatrix hessian(NonOverlappingGaussian f, double[] x) {
        int n = x.length;
        double h = 1e-6;
        double[][] hm = new double[n][n];
        for (int j = 0; j < n; j++) {
            double[] xp = x.clone();
            double[] xm = x.clone();
            xp[j] += h;
            xm[j] -= h;
            double[] gp = grad(f, xp);
            double[] gm = grad(f, xm);
            for (int i = 0; i < n; i++) {
                hm[i][j] = (gp[i] - gm[i]) / (2 * h);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double s = 0.5 * (hm[i][j] + hm[j][i]);
                hm[i][j] = s;
                hm[j][i] = s;
            }
        }
        return new Array2DRowRealMatrix(hm);
    }

    @ParameterizedTest(name = "{0} init {1}")
    @MethodSource("cases")
    void gdApproachesTheFlowAtFirstOrder(Teacher t, InitialPoint x0) {
        NonOverlappingGaussian f = new NonOverlappingGaussian(t);
        GradientFlow flow = new GradientFlow(t);
        // flow on a fine grid for the bound, and at integer times for the comparison
        double dt = 0.02;
        int fine = (int) Math.round(T / dt);
        double[] times = new double[fine + 1];
        for (int i = 0; i <= fine; i++) {
            times[i] = i * dt;
        }
        GradientFlow.State[] st = flow.integrate(x0, times);
        double[] acc = new double[fine + 1];
        double[] mu = new double[fine + 1];
        for (int i = 0; i <= fine; i++) {
            double[] x = concat(st[i].v(), st[i].a());
            RealMatrix h = hessian(f, x);
            acc[i] = Vec.norm(h.operate(grad(f, x)));
            double[] ev = new EigenDecomposition(h).getRealEigenvalues();
            double min = Double.POSITIVE_INFINITY;
            for (double e : ev) {
                min = Math.min(min, e);
            }
            mu[i] = Math.max(0, -min);
        }
        // B(t)/η by the recursion B(t+dt) = exp(∫μ) B(t) + ½ ∫ ‖ẍ‖ (trapezoid)
        double b = 0;
        double bMax = 0;
        for (int i = 0; i < fine; i++) {
            double grow = Math.exp(0.5 * (mu[i] + mu[i + 1]) * dt);
            b = grow * b + 0.5 * 0.5 * (acc[i] * grow + acc[i + 1]) * dt;
            bMax = Math.max(bMax, b);
        }
        double[] errs = new double[ETAS.length];
        for (int e = 0; e < ETAS.length; e++) {
            double[][] x = gd(f, x0, ETAS[e]);
            double err = 0;
            for (int j = 0; j <= (int) T; j++) {
                double[] y = concat(st[(int) Math.round(j / dt)].v(), st[(int) Math.round(j / dt)].a());
                err = Math.max(err, Vec.dist(x[j], y));
            }
            errs[e] = err;
        }
        double bound = 1.5 * bMax * ETAS[ETAS.length - 1];
        String ctx = t.description() + " init " + x0.seed() + ": deviations " + java.util.Arrays.toString(errs)
                + " for eta " + java.util.Arrays.toString(ETAS) + ", bound " + bound;
        for (int e = 0; e + 1 < ETAS.length; e++) {
            double ratio = errs[e] / errs[e + 1];
            assertTrue(ratio >= 1.6 && ratio <= 2.4, ctx + ": halving eta must halve the deviation, ratio " + ratio);
        }
        assertTrue(errs[ETAS.length - 1] <= bound, ctx);
        // and the deviation is not negligible: the comparison resolves the O(η) effect (flow error ~1e−12)
        assertTrue(errs[ETAS.length - 1] > 1e-6, ctx);
    }

    /**
     * {@link FullEngine} is this gradient descent: its recorded trajectory (φ, loss at t = 0, 1, ..., T) equals
     * the own loop's bit for bit (the same arithmetic in the same order), so the flow comparison above applies to
     * the engine.
     */
    @ParameterizedTest(name = "{0} init {1}")
    @MethodSource("cases")
    void fullEngineTrajectoryIsThisGradientDescent(Teacher t, InitialPoint x0) {
        NonOverlappingGaussian f = new NonOverlappingGaussian(t);
        double eta = ETAS[1];
        long perUnit = Math.round(1 / eta);
        List<double[]> pts = new ArrayList<>();
        PopulationJob job = new PopulationJob(t, List.of(x0), eta, StopSpec.fixed((long) T * perUnit),
                OutcomeClassifier.duDefault(), RecordPlan.of(new int[] {0}, perUnit, new long[0]));
        new FullEngine().run(job, (run, step, phi, loss, distA, sumGap, g) -> pts.add(new double[] {step, phi, loss}));
        double[][] x = gd(f, x0, eta);
        assertEquals((int) T + 1, pts.size());
        for (int j = 0; j <= (int) T; j++) {
            double[] v = java.util.Arrays.copyOfRange(x[j], 0, f.p());
            double[] a = java.util.Arrays.copyOfRange(x[j], f.p(), x[j].length);
            assertEquals(j * perUnit, (long) pts.get(j)[0]);
            assertEquals(f.angle(v), pts.get(j)[1], 0.0, "phi at t = " + j);
            assertEquals(f.loss(v, a), pts.get(j)[2], 0.0, "loss at t = " + j);
        }
    }
}
