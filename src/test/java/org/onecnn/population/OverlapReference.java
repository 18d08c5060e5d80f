package org.onecnn.population;

import java.util.ArrayList;
import java.util.List;

import org.onecnn.model.ArcCosine;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.testutil.Gaussians;
import org.onecnn.testutil.Vec;

/**
 * Test fixtures for {@link OverlappingGaussian}: the overlapping shapes and teachers the tests share, and an
 * independent O(k² d) reference built straight from docs/model.md §4: every filter is embedded in {@code R^d} at offset
 * {@code i·s} ({@code P_i u}), the covariance of two pre-activations is the dot product
 * {@code (P_i u)ᵀ(P_j u')} of the embeddings, and each pair's kernel is {@link ArcCosine#reluCovariance}. It shares
 * no code with the implementation (no lags, no {@code S_t}, no deviation form).
 */
final class OverlapReference {
    private OverlapReference() {
    }

    /** A shape and a teacher. */
    record Setup(String name, Architecture arch, Teacher teacher) {
        OverlappingGaussian loss() {
            return new OverlappingGaussian(arch, teacher);
        }

        int k() {
            return arch.k();
        }

        int r() {
            return arch.r();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A teacher from explicit Gaussian vectors, {@code ‖w*‖ = c}. */
    static Teacher explicit(int k, int r, double c, long seed) {
        Gaussians g = new Gaussians(seed);
        return Teacher.of(Vec.scale(c, g.unit(r)), g.vector(k));
    }

    static Setup setup(int d, int r, int s, Teacher t) {
        Architecture arch = Architecture.of(d, r, s);
        String name = String.format("(d,r,s)=(%d,%d,%d) k=%d T=%d c=%.3f", d, r, s, arch.k(), (r - 1) / s, t.c());
        return new Setup(name, arch, t);
    }

    /**
     * The overlapping shapes of the tests: {@code 2s ≤ r} (several lags interact), {@code s = 1}, a lag range
     * beyond {@code k − 1}, {@code r} not a multiple of {@code s}, the boundary {@code 2s = r}. Teachers have
     * {@code ‖w*‖ ≠ 1}: explicit random vectors and {@link Teacher#gaussian}.
     */
    static List<Setup> shapes() {
        List<Setup> ss = new ArrayList<>();
        ss.add(setup(13, 5, 2, explicit(5, 5, 1.6, 501)));
        ss.add(setup(16, 6, 2, Teacher.gaussian(6, 6, 502)));
        ss.add(setup(13, 4, 3, explicit(4, 4, 0.6, 503)));
        ss.add(setup(20, 8, 3, Teacher.gaussian(5, 8, 504)));
        ss.add(setup(9, 5, 1, explicit(5, 5, 2.2, 505)));
        ss.add(setup(23, 7, 4, explicit(5, 7, 0.8, 506)));
        ss.add(setup(8, 6, 1, Teacher.gaussian(3, 6, 507)));
        ss.add(setup(10, 4, 2, explicit(4, 4, 1.3, 508)));
        return ss;
    }

    /** {@code (P_i u)ᵀ(P_j u')}: the covariance of {@code uᵀZ_i} and {@code u'ᵀZ_j}, from the embeddings in R^d. */
    static double cov(Architecture arch, double[] u, int i, double[] up, int j) {
        double[] x = new double[arch.d()];
        double[] y = new double[arch.d()];
        System.arraycopy(u, 0, x, i * arch.s(), arch.r());
        System.arraycopy(up, 0, y, j * arch.s(), arch.r());
        return Vec.dot(x, y);
    }

    /** {@code P_iᵀ P_j u'} in R^r: the gradient of {@code (P_i u)ᵀ(P_j u')} in {@code u}. */
    static double[] pullBack(Architecture arch, int i, int j, double[] up) {
        double[] y = new double[arch.d()];
        System.arraycopy(up, 0, y, j * arch.s(), arch.r());
        double[] out = new double[arch.r()];
        System.arraycopy(y, i * arch.s(), out, 0, arch.r());
        return out;
    }

    /** {@code E[σ(uᵀZ_i) σ(u'ᵀZ_j)]}. */
    static double kernel(Architecture arch, double[] u, int i, double[] up, int j) {
        return ArcCosine.reluCovariance(Vec.norm(u), Vec.norm(up), cov(arch, u, i, up, j));
    }

    /** The reference's loss, gradients and magnitudes (sums of absolute values of the terms). */
    record Result(double loss, double[] ga, double[] gv, double lossMag, double[] gaMag, double gvMag) {
    }

    /**
     * The weight-normalised loss {@code ½[aᵀK_ff a − 2aᵀK_fy a* + a*ᵀK_yy a*]}, {@code ∂L/∂a = K_ff a − K_fy a*}, and
     * {@code ∂L/∂v = (I − wwᵀ)/‖v‖ · Σ_ij [a_i a_j κ'_ij P_iᵀP_j w − a_i a*_j κ'_ij P_iᵀP_j w*]},
     * {@code κ' = (π − θ)/2π} ({@code ∂K/∂C}; the {@code ∂K/∂ρ} terms are radial and projected out).
     */
    static Result evaluate(Setup su, double[] v, double[] a) {
        Architecture arch = su.arch();
        int k = arch.k();
        int r = arch.r();
        double[] w = Vec.scale(1 / Vec.norm(v), v);
        double[] ws = su.teacher().wStar();
        double[] as = su.teacher().aStar();
        double c = Vec.norm(ws);
        double ff = 0;
        double fy = 0;
        double yy = 0;
        double mag = 0;
        double[] ga = new double[k];
        double[] gaMag = new double[k];
        double[] gu = new double[r];
        double gMag = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double cff = cov(arch, w, i, w, j);
                double cfy = cov(arch, w, i, ws, j);
                double kff = ArcCosine.reluCovariance(1, 1, cff);
                double kfy = ArcCosine.reluCovariance(1, c, cfy);
                double kyy = kernel(arch, ws, i, ws, j);
                ff += a[i] * a[j] * kff;
                fy += a[i] * as[j] * kfy;
                yy += as[i] * as[j] * kyy;
                mag += Math.abs(a[i] * a[j]) * kff + 2 * Math.abs(a[i] * as[j]) * kfy + Math.abs(as[i] * as[j]) * kyy;
                ga[i] += kff * a[j] - kfy * as[j];
                gaMag[i] += kff * Math.abs(a[j]) + kfy * Math.abs(as[j]);
                double tff = Math.PI - Math.acos(Math.max(-1, Math.min(1, cff)));
                double tfy = Math.PI - Math.acos(Math.max(-1, Math.min(1, cfy / c)));
                double[] pw = pullBack(arch, i, j, w);
                double[] pws = pullBack(arch, i, j, ws);
                for (int b = 0; b < r; b++) {
                    gu[b] += (a[i] * a[j] * tff * pw[b] - a[i] * as[j] * tfy * pws[b]) / (2 * Math.PI);
                }
                gMag += (Math.abs(a[i] * a[j]) * tff * Vec.norm(pw) + Math.abs(a[i] * as[j]) * tfy * Vec.norm(pws))
                        / (2 * Math.PI);
            }
        }
        double nv = Vec.norm(v);
        double wg = Vec.dot(w, gu);
        double[] gv = new double[r];
        for (int b = 0; b < r; b++) {
            gv[b] = (gu[b] - wg * w[b]) / nv;
        }
        return new Result(0.5 * (ff - 2 * fy + yy), ga, gv, 0.5 * mag, gaMag, 2 * gMag / nv);
    }

    /** A random point: {@code v} of norm {@code nv} in a random direction, {@code a ~ 0.8 N(0, I)}. */
    static double[][] randomPoint(Setup su, double nv, long seed) {
        Gaussians g = new Gaussians(seed);
        double[] v = Vec.scale(nv, g.unit(su.r()));
        double[] a = Vec.scale(0.8, g.vector(su.k()));
        return new double[][] {v, a};
    }

    /** {@code v = nv (cos φ ŵ* + sin φ e)}, {@code e ⊥ ŵ*}, so that {@code ∠(v, w*) = φ}. */
    static double[] tilted(Teacher t, double phi, double nv, Gaussians g) {
        double[] wHat = t.wStarUnit();
        double[] e = Vec.unitOrthogonal(wHat, g);
        return Vec.axpy(Vec.scale(nv * Math.cos(phi), wHat), nv * Math.sin(phi), e);
    }

    static double l1(double[] x) {
        double s = 0;
        for (double v : x) {
            s += Math.abs(v);
        }
        return s;
    }
}
