package org.onecnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.onecnn.util.SeededRandom;

/** {@link EmpiricalLoss}: its gradient against finite differences of its loss, and its zero at the teacher. */
class EmpiricalLossTest {
    static double[] gaussian(SeededRandom rng, int n) {
        return rng.gaussianVector(n);
    }

    /** Labels of the teacher {@code (w*, a*)} with leaky slope {@code α}: {@code y = Σ_i a*_i σ(w*ᵀZ_i)}. */
    static double[] labels(Architecture arch, double alpha, double[] x, double[] wStar, double[] aStar) {
        int n = x.length / arch.d();
        double[] y = new double[n];
        for (int m = 0; m < n; m++) {
            for (int i = 0; i < arch.k(); i++) {
                double z = 0;
                for (int c = 0; c < arch.r(); c++) {
                    z += wStar[c] * x[m * arch.d() + i * arch.s() + c];
                }
                y[m] += aStar[i] * (z > 0 ? z : alpha * z);
            }
        }
        return y;
    }

    /**
     * Central differences of the loss, {@code (L(θ + h e) − L(θ − h e))/2h}, differ from the derivative by the
     * truncation {@code h² |∂³L|/6} and the rounding {@code ε_L / h}. With {@code h = 1e−5}, third derivatives of
     * order 10 on these data (|x| ≲ 4, |a| ≲ 2) and {@code ε_L ≲ 1e−14}, both are below {@code 1e−8}; a kink
     * crossed by the step would show as an error of order {@code |r a x|/n·… ≫ 1e−8} and fail the test (none
     * is crossed with these seeds; the kinks are {@code 1e−5}-rare per sample).
     */
    void checkGradient(Architecture arch, double alpha, long seed) {
        SeededRandom rng = new SeededRandom(seed);
        int n = 40;
        double[] x = gaussian(rng, n * arch.d());
        double[] y = labels(arch, alpha, x, rng.gaussianVector(arch.r()), rng.gaussianVector(arch.k()));
        EmpiricalLoss loss = new EmpiricalLoss(arch, alpha, x, y);
        double[] v = rng.gaussianVector(arch.r());
        for (int c = 0; c < v.length; c++) {
            v[c] *= 2.5; // ‖v‖ ≠ 1: the 1/‖v‖ of the chain rule must be there
        }
        double[] a = rng.gaussianVector(arch.k());
        LossOracle.Evaluation e = loss.evaluate(v, a);
        double h = 1e-5;
        double tol = 1e-8;
        double along = 0;
        for (int c = 0; c < v.length; c++) {
            double[] vp = v.clone();
            double[] vm = v.clone();
            vp[c] += h;
            vm[c] -= h;
            double fd = (loss.loss(vp, a) - loss.loss(vm, a)) / (2 * h);
            assertEquals(fd, e.gv()[c], tol, "dL/dv_" + c);
            along += v[c] * e.gv()[c];
        }
        assertEquals(0, along, 1e-14, "the gradient in v is orthogonal to v");
        for (int i = 0; i < a.length; i++) {
            double[] ap = a.clone();
            double[] am = a.clone();
            ap[i] += h;
            am[i] -= h;
            double fd = (loss.loss(v, ap) - loss.loss(v, am)) / (2 * h);
            assertEquals(fd, e.ga()[i], tol, "dL/da_" + i);
        }
        assertTrue(e.lossError() > 0 && e.lossError() < 1e-10 * (1 + e.loss()));
        assertTrue(e.gradError() > 0 && e.gradError() < 1e-10);
        // the probes' forward-only pass adds the same terms in the same order: the same bits
        LossOracle.Evaluation forward = loss.evaluateLoss(v, a);
        assertEquals(e.loss(), forward.loss(), 0.0);
        assertEquals(e.lossError(), forward.lossError(), 0.0);
    }

    @Test
    void gradientMatchesFiniteDifferencesNonOverlappingRelu() {
        checkGradient(Architecture.nonOverlapping(5, 3), 0, 1);
    }

    @Test
    void gradientMatchesFiniteDifferencesOverlappingLeaky() {
        checkGradient(Architecture.of(11, 5, 2), 0.2, 2);
    }

    @Test
    void theTeacherHasZeroLossAndGradientAndTheScaleOfVDoesNotMatter() {
        Architecture arch = Architecture.of(9, 3, 2);
        SeededRandom rng = new SeededRandom(3);
        double[] x = rng.gaussianVector(30 * arch.d());
        double[] wStar = {0.6, -0.8, 0};
        double[] aStar = rng.gaussianVector(arch.k());
        double alpha = 0.1;
        EmpiricalLoss loss = new EmpiricalLoss(arch, alpha, x, labels(arch, alpha, x, wStar, aStar));
        LossOracle.Evaluation e = loss.evaluate(new double[] {3, -4, 0}, aStar);
        assertEquals(0, e.loss(), 1e-28);
        for (double g : e.gv()) {
            assertEquals(0, g, 1e-14);
        }
        for (double g : e.ga()) {
            assertEquals(0, g, 1e-14);
        }
        double[] v = {0.3, 0.1, -0.7};
        double[] a = rng.gaussianVector(arch.k());
        assertEquals(loss.loss(v, a), loss.loss(new double[] {3, 1, -7}, a), 1e-14 * loss.loss(v, a));
    }

    /**
     * The vectorized pass against the plain per-sample formulas of the class Javadoc, summed here in sample order:
     * the two differ only by rounding, which the oracle's own bounds ({@code lossError}, {@code gradError}) bound for
     * any summation order, so the difference must lie within them (n = 41 and 43: a padded last block).
     */
    @Test
    void theVectorizedPassAgreesWithThePlainFormulasWithinItsRoundingBounds() {
        for (int n : new int[] {41, 43}) {
            Architecture arch = Architecture.of(14, 4, 2);
            double alpha = n == 41 ? 0 : 0.15;
            SeededRandom rng = new SeededRandom(n);
            double[] x = gaussian(rng, n * arch.d());
            double[] y = labels(arch, alpha, x, rng.gaussianVector(arch.r()), rng.gaussianVector(arch.k()));
            for (int m = 0; m < n; m++) {
                y[m] += 0.3 * rng.nextGaussian(); // a loss far from 0, so the bound is not trivially met by zeros
            }
            EmpiricalLoss loss = new EmpiricalLoss(arch, alpha, x, y);
            double[] v = rng.gaussianVector(arch.r());
            double[] a = rng.gaussianVector(arch.k());
            LossOracle.Evaluation e = loss.evaluate(v, a);
            double nv = Math.sqrt(java.util.Arrays.stream(v).map(q -> q * q).sum());
            double[] w = java.util.Arrays.stream(v).map(q -> q / nv).toArray();
            double ref = 0;
            double[] gw = new double[arch.r()];
            double[] ga = new double[arch.k()];
            for (int m = 0; m < n; m++) {
                double f = 0;
                double[] z = new double[arch.k()];
                for (int i = 0; i < arch.k(); i++) {
                    for (int c = 0; c < arch.r(); c++) {
                        z[i] += w[c] * x[m * arch.d() + i * arch.s() + c];
                    }
                    f += a[i] * (z[i] > 0 ? z[i] : alpha * z[i]);
                }
                double res = f - y[m];
                ref += 0.5 * res * res;
                for (int i = 0; i < arch.k(); i++) {
                    ga[i] += res * (z[i] > 0 ? z[i] : alpha * z[i]);
                    for (int c = 0; c < arch.r(); c++) {
                        gw[c] += res * a[i] * (z[i] > 0 ? 1 : alpha) * x[m * arch.d() + i * arch.s() + c];
                    }
                }
            }
            ref /= n;
            assertTrue(ref > 0.01, "a loss of size");
            assertEquals(ref, e.loss(), e.lossError(), "L_n, n = " + n);
            double along = 0;
            for (int c = 0; c < arch.r(); c++) {
                along += w[c] * gw[c] / n;
            }
            for (int c = 0; c < arch.r(); c++) {
                // the reference's own rounding is of the same size as the oracle's: twice the bound covers both
                assertEquals((gw[c] / n - along * w[c]) / nv, e.gv()[c], 2 * e.gradError(), "dL/dv_" + c);
            }
            for (int i = 0; i < arch.k(); i++) {
                assertEquals(ga[i] / n, e.ga()[i], 2 * e.gradError(), "dL/da_" + i);
            }
        }
    }
}
