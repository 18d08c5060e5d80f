package org.onecnn.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.onecnn.empirical.data.Gaussian;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.data.Uniform;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.testutil.Gaussians;
import org.onecnn.testutil.Moments;
import org.onecnn.testutil.Vec;
import org.onecnn.util.SeededRandom;

/**
 * The expectations behind the Convotron family, by Monte Carlo over the implementation's own sample streams
 * ({@link SampleStream}, ND4J draws) and update code.
 *
 * <h2>Stage 1 of Double Convotron is stochastic gradient descent on a matrix factorisation</h2>
 * With {@code σ_α(t) = (1+α)/2 · t + (1−α)/2 · |t|}, {@code f_non − y} is a linear function of {@code x} plus an
 * even one, and both {@code Σ_j a_j P_j^non x} and {@code [w_nonᵀ P_j^non x]_j} are linear (odd) in {@code x}. For
 * a symmetric input ({@code x} and {@code −x} equally distributed) the even part times an odd factor has mean 0,
 * so only the linear part survives, with its factor {@code (1+α)/2} cancelling the {@code 2/(1+α)}. With identity
 * covariance {@code E[P_j^non x (P_l^non x)ᵀ] = δ_jl I}, because patch {@code j}'s non-overlapping part
 * ({@code x[j s + r − s .. j s + s − 1]}) lies inside no other patch, and {@code E[P_i x (P_l^non x)ᵀ]} is 0 for
 * {@code i ≠ l} and selects rows {@code r − s .. s − 1} for {@code i = l}, so {@code w*ᵀ P_l x} contributes
 * {@code w*_non}. Hence
 * <pre>
 *   E[g] = ‖a‖² w − (aᵀa*) w*_non + ¼(‖w‖² − ‖a‖²) w,    E[h] = ‖w‖² a − (wᵀw*_non) a* + ¼(‖a‖² − ‖w‖²) a,
 * </pre>
 * the gradient of {@code F(w, a) = ½‖w aᵀ − w*_non a*ᵀ‖²_F + (1/16)(‖w‖² − ‖a‖²)²}, for Gaussian and uniform inputs
 * alike and any α. Tested at fixed, non-stationary {@code (w_non, a)} for both distributions, α ∈ {0, 0.3} and two
 * overlapping shapes.
 *
 * <h2>Convotron's expected update is linear</h2>
 * By the same argument {@code E[(y − f) Σ_j a_j P_j x] = (1+α)/2 · Σ_ij a_j P_j P_iᵀ (a*_i w* − a_i w)}, which
 * {@link ConvotronBound} relies on. Tested with {@code a ≠ a*}.
 *
 * <h2>Stage-1 noise</h2>
 * {@code ξ} uniform on {@code S^{n−1}}: {@code ‖ξ‖ = 1}, {@code E[ξ] = 0}, {@code E[ξξᵀ] = I/n}.
 *
 * <h2>Tolerances</h2>
 * Each coordinate's sample mean is compared with its expectation within {@code Z} standard errors, the standard
 * error estimated from the same samples (CLT). {@code Z} is Bonferroni-corrected within each test method: with
 * {@code C} comparisons and family-wise false-alarm rate {@link #ALPHA}, {@code Z = Φ⁻¹(1 − ALPHA/(2C))}
 * (stage 1: C = 60, Z ≈ 4.33; Convotron: C = 24, Z ≈ 4.10; noise: C = 55, Z ≈ 4.31). Seeds are fixed, so the
 * outcome is deterministic.
 */
class DoubleConvotronMonteCarloTest {
    static final double ALPHA = 1e-3;
    static final int N = 300_000;

    static double z(int comparisons) {
        return new NormalDistribution().inverseCumulativeProbability(1 - ALPHA / (2.0 * comparisons));
    }

    /** The teacher's label, written out independently of the code under test. */
    static double label(Architecture arch, double[] w, double[] a, double alpha, double[] x, int off) {
        double y = 0;
        for (int i = 0; i < arch.k(); i++) {
            double z = 0;
            for (int c = 0; c < arch.r(); c++) {
                z += w[c] * x[off + i * arch.s() + c];
            }
            y += a[i] * Math.max(z, alpha * z);
        }
        return y;
    }

    record Stage1Case(Architecture arch, InputDistribution dist, double alpha, long seed) {
        int m() {
            return 2 * arch.s() - arch.r();
        }

        @Override
        public String toString() {
            return dist.name() + " " + arch + " alpha=" + alpha;
        }
    }

    static List<Stage1Case> stage1Cases() {
        List<Stage1Case> cs = new ArrayList<>();
        long seed = 1;
        for (Architecture arch : List.of(Architecture.of(22, 6, 4), Architecture.of(27, 7, 5))) {
            for (InputDistribution dist : List.of(Gaussian.INSTANCE, Uniform.INSTANCE)) {
                for (double alpha : new double[] {0.0, 0.3}) {
                    cs.add(new Stage1Case(arch, dist, alpha, seed++));
                }
            }
        }
        return cs;
    }

    @Test
    void stage1UpdateIsGradientOfRegularisedFactorisationInExpectation() {
        List<Stage1Case> cases = stage1Cases();
        int comparisons = cases.stream().mapToInt(c -> c.m() + c.arch().k()).sum();
        assertEquals(60, comparisons);
        double z = z(comparisons);
        for (Stage1Case c : cases) {
            Architecture arch = c.arch();
            int k = arch.k();
            int m = c.m();
            int shift = arch.r() - arch.s();
            Teacher t = Teacher.gaussian(k, arch.r(), 500 + c.seed());
            Gaussians g = new Gaussians(600 + c.seed());
            double[] w = Vec.scale(0.8, g.vector(m));
            double[] a = Vec.scale(0.6, g.vector(k));
            double[] wStarNon = Kernels.slice(t.wStar(), shift, m);
            double nw = Vec.dot(w, w);
            double na = Vec.dot(a, a);
            double[] expected = new double[m + k];
            for (int j = 0; j < m; j++) {
                expected[j] = na * w[j] - Vec.dot(a, t.aStar()) * wStarNon[j] + 0.25 * (nw - na) * w[j];
            }
            for (int j = 0; j < k; j++) {
                expected[m + j] = nw * a[j] - Vec.dot(w, wStarNon) * t.aStar()[j] + 0.25 * (na - nw) * a[j];
            }
            double[] wStar = t.wStar();
            double[] aStar = t.aStar();
            SampleStream stream = new SampleStream(c.dist(), arch.d(), 700 + c.seed());
            Moments mom = new Moments(m + k);
            double[] gh = new double[m + k];
            double[] gOut = new double[m];
            double[] hOut = new double[k];
            double[] pre = new double[k];
            double[] comb = new double[m];
            for (int n = 0; n < N; n++) {
                int off = stream.next();
                double[] x = stream.buffer();
                double y = label(arch, wStar, aStar, c.alpha(), x, off);
                DoubleConvotron.stage1Gradient(arch, c.alpha(), w, 0, a, 0, x, off, y, gOut, hOut, pre, comb);
                System.arraycopy(gOut, 0, gh, 0, m);
                System.arraycopy(hOut, 0, gh, m, k);
                mom.add(gh);
            }
            for (int i = 0; i < m + k; i++) {
                double tol = z * mom.se(i);
                String what = c + (i < m ? " E[g_" + i + "]" : " E[h_" + (i - m) + "]");
                assertTrue(Math.abs(mom.mean(i) - expected[i]) <= tol,
                        what + " = " + mom.mean(i) + ", expected " + expected[i] + " ± " + tol);
            }
        }
    }

    @Test
    void convotronExpectedUpdateIsLinear() {
        Architecture arch = Architecture.of(22, 6, 4);
        int r = arch.r();
        int k = arch.k();
        int s = arch.s();
        int comparisons = 4 * r;
        double z = z(comparisons);
        long seed = 0;
        for (InputDistribution dist : List.of(Gaussian.INSTANCE, Uniform.INSTANCE)) {
            for (double alpha : new double[] {0.0, 0.3}) {
                seed++;
                Teacher t = Teacher.gaussian(k, r, 800 + seed);
                Gaussians g = new Gaussians(900 + seed);
                double[] w = g.vector(r);
                double[] a = g.vector(k);
                double[] wStar = t.wStar();
                double[] aStar = t.aStar();
                // (1+α)/2 Σ_ij a_j P_j P_iᵀ (a*_i w* − a_i w); (P_j P_iᵀ v)_b = v_{b + (j − i) s} when inside 0..r−1
                double[] expected = new double[r];
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        for (int b = 0; b < r; b++) {
                            int c = b + (j - i) * s;
                            if (c >= 0 && c < r) {
                                expected[b] += (1 + alpha) / 2 * a[j] * (aStar[i] * wStar[c] - a[i] * w[c]);
                            }
                        }
                    }
                }
                SampleStream stream = new SampleStream(dist, arch.d(), 1000 + seed);
                Moments mom = new Moments(r);
                double[] u = new double[r];
                double[] wNew = new double[r];
                double[] delta = new double[r];
                for (int n = 0; n < N; n++) {
                    int off = stream.next();
                    System.arraycopy(w, 0, wNew, 0, r);
                    Convotron.step(stream.buffer(), off, arch, alpha, 1.0, wStar, aStar, wNew, a, 0, u);
                    for (int b = 0; b < r; b++) {
                        delta[b] = wNew[b] - w[b];
                    }
                    mom.add(delta);
                }
                for (int b = 0; b < r; b++) {
                    double tol = z * mom.se(b);
                    assertTrue(Math.abs(mom.mean(b) - expected[b]) <= tol, dist.name() + " alpha=" + alpha
                            + " E[Δw_" + b + "] = " + mom.mean(b) + ", expected " + expected[b] + " ± " + tol);
                }
            }
        }
    }

    @Test
    void sphereNoiseIsIsotropicWithMeanZero() {
        int[] dims = {1, 3, 8};
        int comparisons = 0;
        for (int n : dims) {
            comparisons += n + n * (n + 1) / 2;
        }
        assertEquals(55, comparisons);
        double z = z(comparisons);
        int samples = 200_000;
        for (int n : dims) {
            SeededRandom rng = new SeededRandom(1234 + n);
            Moments mom = new Moments(n + n * (n + 1) / 2);
            double[] v = new double[n + n * (n + 1) / 2];
            for (int t = 0; t < samples; t++) {
                double[] xi = DoubleConvotron.sphereNoise(rng, n);
                assertEquals(n, xi.length);
                assertEquals(1.0, Vec.norm(xi), 1e-14);
                System.arraycopy(xi, 0, v, 0, n);
                int p = n;
                for (int i = 0; i < n; i++) {
                    for (int j = i; j < n; j++) {
                        v[p++] = xi[i] * xi[j];
                    }
                }
                mom.add(v);
            }
            int p = n;
            for (int i = 0; i < n; i++) {
                assertWithin("dim " + n + " E[xi_" + i + "]", mom, i, 0, z);
            }
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    assertWithin("dim " + n + " E[xi_" + i + " xi_" + j + "]", mom, p++, i == j ? 1.0 / n : 0, z);
                }
            }
        }
    }

    /** {@code |mean − expected| <= z·SE}; a coordinate without variance (ξ² = 1 in dimension 1) must be exact. */
    private static void assertWithin(String what, Moments mom, int i, double expected, double z) {
        double tol = Math.max(z * mom.se(i), 1e-12);
        assertTrue(Math.abs(mom.mean(i) - expected) <= tol, what + " = " + mom.mean(i) + ", expected " + expected
                + " ± " + tol);
    }
}
