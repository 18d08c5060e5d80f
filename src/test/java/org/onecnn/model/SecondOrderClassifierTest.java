package org.onecnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * {@link SecondOrderClassifier} on analytic losses of known Hessian: {@code L(v, a) = F(w_1 … w_{p−1}, a)} with
 * {@code w = v/‖v‖}, classified at {@code v = e_0} (so {@code w_i = ξ_i/√(1 + |ξ|²)} in the chart: the same Hessian
 * as {@code F} at 0, with fourth-order differences).
 */
class SecondOrderClassifierTest {
    /** A function of {@code u = (w_1 … w_{p−1}, a)} and its gradient. */
    interface F {
        double value(double[] u);

        double[] grad(double[] u);
    }

    /** The oracle of {@code L(v, a) = F(w_1 … w_{p−1}, a)}; rounding bounds a few ulps of the magnitudes. */
    static LossOracle oracle(int p, int k, F f) {
        return new LossOracle() {
            @Override
            public int filterSize() {
                return p;
            }

            @Override
            public int outputs() {
                return k;
            }

            @Override
            public Evaluation evaluate(double[] v, double[] a) {
                double nv = Math.sqrt(Arrays.stream(v).map(e -> e * e).sum());
                double[] u = new double[p - 1 + k];
                for (int i = 1; i < p; i++) {
                    u[i - 1] = v[i] / nv;
                }
                System.arraycopy(a, 0, u, p - 1, k);
                double[] g = f.grad(u);
                double[] gw = new double[p];
                System.arraycopy(g, 0, gw, 1, p - 1);
                double along = 0;
                for (int i = 0; i < p; i++) {
                    along += v[i] / nv * gw[i];
                }
                double[] gv = new double[p];
                for (int i = 0; i < p; i++) {
                    gv[i] = (gw[i] - along * v[i] / nv) / nv;
                }
                double[] ga = Arrays.copyOfRange(g, p - 1, p - 1 + k);
                double value = f.value(u);
                double eps = 64 * Math.ulp(1.0);
                return new Evaluation(value, gv, ga, eps * (1 + Math.abs(value)), eps);
            }
        };
    }

    /** {@code F = ½ uᵀ M u + Σ_i c3_i |u_i|³/3 + Σ_i c3s_i u_i³ + Σ_i c4_i u_i⁴/4}. */
    static F poly(double[][] m, double[] cube, double[] signedCube, double[] quartic) {
        return new F() {
            @Override
            public double value(double[] u) {
                double s = 0;
                for (int i = 0; i < u.length; i++) {
                    for (int j = 0; j < u.length; j++) {
                        s += 0.5 * u[i] * m[i][j] * u[j];
                    }
                    double a = Math.abs(u[i]);
                    s += cube[i] * a * a * a / 3 + signedCube[i] * u[i] * u[i] * u[i] + quartic[i] * a * a * a * a / 4;
                }
                return s;
            }

            @Override
            public double[] grad(double[] u) {
                double[] g = new double[u.length];
                for (int i = 0; i < u.length; i++) {
                    for (int j = 0; j < u.length; j++) {
                        g[i] += m[i][j] * u[j];
                    }
                    g[i] += cube[i] * u[i] * Math.abs(u[i]) + 3 * signedCube[i] * u[i] * u[i]
                            + quartic[i] * u[i] * u[i] * u[i];
                }
                return g;
            }
        };
    }

    static double[][] diag(double... d) {
        double[][] m = new double[d.length][d.length];
        for (int i = 0; i < d.length; i++) {
            m[i][i] = d[i];
        }
        return m;
    }

    /** {@code Qᵀ diag(d) Q} with a fixed rotation {@code Q} mixing every coordinate (Householder of (1, 2, …)). */
    static double[][] rotated(double... d) {
        int n = d.length;
        double[] h = new double[n];
        double nh = 0;
        for (int i = 0; i < n; i++) {
            h[i] = i + 1;
            nh += h[i] * h[i];
        }
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = (i == j ? 1 : 0) - 2 * h[i] * h[j] / nh;
            }
        }
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int l = 0; l < n; l++) {
                    m[i][j] += q[l][i] * d[l] * q[l][j];
                }
            }
        }
        return m;
    }

    static final double[] E0 = {1, 0, 0};
    static final double[] A0 = {0, 0};

    static SecondOrderResult classify(F f) {
        return new SecondOrderClassifier().classify(oracle(3, 2, f), E0, A0);
    }

    static final double[] NONE = new double[4];

    @Test
    void aPositiveDefiniteQuadraticIsAStrictMinimumWithItsEigenvalues() {
        double[] d = {0.3, 1.0, 2.5, 0.05};
        SecondOrderResult r = classify(poly(rotated(d), NONE, NONE, NONE));
        assertEquals(SecondOrderKind.STRICT_MINIMUM, r.kind());
        double[] want = d.clone();
        Arrays.sort(want);
        for (int i = 0; i < want.length; i++) {
            // the classifier's own tolerance bounds the distance of each eigenvalue from the exact one (Weyl)
            assertEquals(want[i], r.eigenvalues()[i], r.tol(), "eigenvalue " + i);
        }
        assertTrue(r.tol() < 1e-3 * want[0], "tolerance " + r.tol() + " small against the smallest eigenvalue");
        assertEquals(0, r.probeExponents().length);
        assertTrue(Double.isNaN(r.probeExponent()));
    }

    @Test
    void aNegativeEigenvalueIsASaddle() {
        double[] d = {0.3, -0.02, 2.5, 1.0};
        SecondOrderResult r = classify(poly(rotated(d), NONE, NONE, NONE));
        assertEquals(SecondOrderKind.SADDLE, r.kind());
        assertEquals(-0.02, r.minEigenvalue(), r.tol());
    }

    @Test
    void aCubicNullDirectionThatRisesOnBothSidesIsADegenerateMinimumWithExponentThree() {
        // F = |u_0|³/3 + quadratics: the Hessian vanishes along u_0 (a v-direction), the loss rises like |t|³
        SecondOrderResult r = classify(poly(diag(0, 1, 2, 3), new double[] {1, 0, 0, 0}, NONE, NONE));
        assertEquals(SecondOrderKind.DEGENERATE_MINIMUM, r.kind());
        assertEquals(0, r.vBlockMin(), r.tol());
        assertEquals(1, r.vBlockMax(), r.tol());
        assertEquals(1, r.probeExponents().length);
        // the chart makes w_1 = t/√(1+t²): |w_1|³ = |t|³ (1 − 3t²/2 + …), which tilts the log-log slope by at most
        // 3 t_max² = 0.0075 over the probed range
        assertEquals(3, r.probeExponent(), 3 * SecondOrderClassifier.DEFAULT_PROBE_MAX
                * SecondOrderClassifier.DEFAULT_PROBE_MAX);
    }

    @Test
    void aQuarticNullDirectionInTheOutputWeightsIsADegenerateMinimumWithExponentFour() {
        SecondOrderResult r = classify(poly(diag(1, 2, 0, 3), NONE, NONE, new double[] {0, 0, 1, 0}));
        assertEquals(SecondOrderKind.DEGENERATE_MINIMUM, r.kind());
        assertEquals(0, r.aBlockMin(), r.tol());
        // a is linear in the chart: R = t⁴/4 exactly, the slope is 4 to rounding
        assertEquals(4, r.probeExponent(), 1e-6);
    }

    @Test
    void aSignedCubicNullDirectionIsADegenerateSaddle() {
        SecondOrderResult r = classify(poly(diag(0, 1, 2, 3), NONE, new double[] {1, 0, 0, 0}, NONE));
        assertEquals(SecondOrderKind.DEGENERATE_SADDLE, r.kind());
        assertTrue(!r.kind().isMinimum());
    }

    @Test
    void aDirectionFlatToTheProbesResolutionIsNotCertified() {
        SecondOrderResult r = classify(poly(diag(0, 1, 2, 3), NONE, NONE, NONE));
        assertEquals(SecondOrderKind.DEGENERATE_FLAT, r.kind());
        assertTrue(!r.kind().isMinimum());
    }

    /**
     * {@code F = |u_0|³/3} for {@code u_0 ≥ 0}, {@code −η u_0²} for {@code u_0 < 0}, plus quadratics in the other
     * coordinates: along {@code u_0} the difference Hessian is {@code h/2 − η} at step {@code h} and {@code h − η} at
     * {@code 2h}, so {@code tol ≈ h/2} and the direction is null for {@code η < h}; the probe falls by {@code η t²}
     * on the negative side, resolved beyond the margin {@code ½ tol t² ≈ h t²/4} only when {@code η > h/4}.
     */
    private static F oneSided(double eta) {
        F base = poly(diag(0, 1, 2, 3), NONE, NONE, NONE);
        return new F() {
            @Override
            public double value(double[] u) {
                double x = u[0];
                return base.value(u) + (x >= 0 ? x * x * x / 3 : -eta * x * x);
            }

            @Override
            public double[] grad(double[] u) {
                double[] g = base.grad(u);
                double x = u[0];
                g[0] += x >= 0 ? x * x : -2 * eta * x;
                return g;
            }
        };
    }

    @Test
    void aDirectionThatRisesOnOneSideAndFallsWithinTheMarginOnTheOtherIsARoughMinimum() {
        // η = h/10: the fall on the negative side stays inside the margin and no probe there rises beyond rounding;
        // the positive side rises like t³: nothing descends at the test's resolution
        double h = SecondOrderClassifier.DEFAULT_STEP;
        SecondOrderResult r = classify(oneSided(h / 10));
        assertEquals(SecondOrderKind.ROUGH_MINIMUM, r.kind(), Arrays.toString(r.eigenvalues()) + " tol " + r.tol());
        assertTrue(r.kind().isMinimum());
        assertEquals(h / 2, r.tol(), h / 20);
    }

    @Test
    void theSameDirectionFallingBeyondTheMarginIsADegenerateSaddle() {
        // η = 0.4 h > h/4: the fall is resolved, although the eigenvalue h/2 − η = 0.1 h is still inside [−tol, tol]
        double h = SecondOrderClassifier.DEFAULT_STEP;
        SecondOrderResult r = classify(oneSided(0.4 * h));
        assertEquals(SecondOrderKind.DEGENERATE_SADDLE, r.kind(), Arrays.toString(r.eigenvalues()) + " tol "
                + r.tol());
        assertTrue(Math.abs(r.minEigenvalue()) <= r.tol());
    }

    @Test
    void aPointStationaryOnlyToGradTolNearADegenerateMinimumIsStillAMinimum() {
        // F = |u_0 + δ|³/3 − δ²u_0 − … has its degenerate minimum at u_0 = −δ, and at 0 a gradient δ² ≠ 0 and
        // an eigenvalue 2δ: exactly the largest that tol_stat = √(2 M₃ ‖G‖) attributes to the offset
        double delta = 1e-3;
        F base = poly(diag(0, 1, 2, 3), NONE, NONE, NONE);
        F f = new F() {
            @Override
            public double value(double[] u) {
                double x = Math.abs(u[0] + delta);
                return base.value(u) + x * x * x / 3;
            }

            @Override
            public double[] grad(double[] u) {
                double[] g = base.grad(u);
                g[0] += (u[0] + delta) * Math.abs(u[0] + delta);
                return g;
            }
        };
        SecondOrderResult r = classify(f);
        assertEquals(delta * delta, r.gradNorm(), 1e-12);
        assertTrue(r.tolStat() > 0);
        assertTrue(r.kind().isMinimum(), r.kind() + " " + Arrays.toString(r.eigenvalues()) + " tol " + r.tol());
    }

    @Test
    void theProbeRemovesTheFirstOrderTermOfAPointStationaryOnlyToGradTol() {
        // F = |u_0|³/3 + g u_0 + quadratics, g = 1e−4 (the sample-size grad_tol): the Hessian vanishes along u_0 and
        // R(t) = |t|³/3 once the slope g t is removed; without that, L itself falls for t ∈ (−√(3g), 0) ≈ −0.017
        double g = 1e-4;
        F base = poly(diag(0, 1, 2, 3), new double[] {1, 0, 0, 0}, NONE, NONE);
        F f = new F() {
            @Override
            public double value(double[] u) {
                return base.value(u) + g * u[0];
            }

            @Override
            public double[] grad(double[] u) {
                double[] gr = base.grad(u);
                gr[0] += g;
                return gr;
            }
        };
        SecondOrderResult r = classify(f);
        assertEquals(SecondOrderKind.DEGENERATE_MINIMUM, r.kind());
        assertEquals(3, r.probeExponent(), 3 * SecondOrderClassifier.DEFAULT_PROBE_MAX
                * SecondOrderClassifier.DEFAULT_PROBE_MAX);
    }

    @Test
    void theResultIsImmutable() {
        SecondOrderResult r = classify(poly(diag(1, 2, 3, 4), NONE, NONE, NONE));
        r.eigenvalues()[0] = 99;
        assertEquals(1, r.minEigenvalue(), r.tol());
    }
}
