package org.onecnn.population;

import static org.onecnn.model.ArcCosine.PI;
import static org.onecnn.model.ArcCosine.TWO_PI;

import java.util.List;

import org.onecnn.model.InitialPoint;

/**
 * Algorithm 1 on the exact non-overlapping population loss, in the reduced form of MATH.md §7:
 * O(1) work per step, independent of {@code k} and {@code p}.
 *
 * <h2>Recurrences</h2>
 * {@code v} stays in {@code span{v_0, w*}}: write {@code v = x ŵ* + y e} ({@code e ⊥ ŵ*},
 * {@code y ≥ 0}). With {@code ρ² = x² + y²}, {@code cos φ = x/ρ}, {@code sin φ = y/ρ} and
 * {@code κ = −P (π−φ) c / (2πρ)}, the gradient {@code κ (ŵ* − (x/ρ²) v)} has components
 * {@code (κ sin²φ, −κ sin φ cos φ)}. Because it is orthogonal to {@code v}, {@code v} turns by exactly
 * {@code δ = atan(t)}, {@code t = η P (π−φ) c sin φ/(2πρ²)}, so the angle is carried along as
 * {@code φ ← |φ − δ|} (reflected at π): no {@code acos}/{@code atan2} per step, and full relative
 * accuracy near 0 and π. {@code atan} of the small {@code t} is a short odd series (error below
 * 1 ulp for {@code |t| ≤ 1/32}, {@link Math#atan} beyond).
 *
 * <p>{@code a} enters only through {@code S = 1ᵀa}, {@code P = aᵀa*}, {@code Q = ‖a‖²}. With
 * {@code G = ∂L/∂a = (1/2π)[(π−1)a + u 1 − c(g−1) a*]}, {@code u = S − c S1}:
 * <pre>
 *   1ᵀG  = [(π−1) S + k u − c(g−1) S1] / 2π          S' = S − η 1ᵀG
 *   a*ᵀG = [(π−1) P + u S1 − c(g−1) N2] / 2π         P' = P − η a*ᵀG
 *   aᵀG  = [(π−1) Q + u S − c(g−1) P] / 2π           Q' = Q − 2η aᵀG + η² ‖G‖²
 * </pre>
 * with {@code ‖G‖²} from {@link NonOverlappingGaussian#gradNormA2}. {@code ReducedEngineTest} proves the
 * recurrences against {@link FullEngine} to about 1e−12 over 10⁴ steps.
 */
public final class ReducedEngine extends BatchEngine {
    /** Above this |t| the series is not used. */
    private static final double SERIES_MAX = 1.0 / 32;

    private double[] x;
    private double[] y;
    private double[] phi;
    private double[] s;
    private double[] p;
    private double[] q;
    private int[] ids;
    private int n;

    @Override
    public String name() {
        return "reduced";
    }

    @Override
    BasinCertificate certificate(PopulationJob job) {
        return new BasinCertificate(f, job.eta(), job.classifier());
    }

    @Override
    void load(PopulationJob job) {
        List<InitialPoint> inits = job.inits();
        n = inits.size();
        x = new double[n];
        y = new double[n];
        phi = new double[n];
        s = new double[n];
        p = new double[n];
        q = new double[n];
        ids = new int[n];
        double[] wHat = job.teacher().wStarUnit();
        double[] aStar = job.teacher().aStar();
        for (int i = 0; i < n; i++) {
            double[] v = inits.get(i).v();
            double[] a = inits.get(i).a();
            double xi = NonOverlappingGaussian.dot(v, wHat);
            double y2 = 0;
            for (int j = 0; j < v.length; j++) {
                double e = v[j] - xi * wHat[j];
                y2 += e * e;
            }
            x[i] = xi;
            y[i] = Math.sqrt(y2);
            phi[i] = Math.atan2(y[i], xi);
            s[i] = NonOverlappingGaussian.sum(a);
            p[i] = NonOverlappingGaussian.dot(a, aStar);
            q[i] = NonOverlappingGaussian.dot(a, a);
            ids[i] = i;
        }
    }

    @Override
    int active() {
        return n;
    }

    @Override
    int id(int slot) {
        return ids[slot];
    }

    @Override
    void scalars(int j, double[] out) {
        double nv = Math.sqrt(x[j] * x[j] + y[j] * y[j]);
        out[PHI] = phi[j];
        out[NV] = nv;
        out[S] = s[j];
        out[P] = p[j];
        out[Q] = q[j];
        out[GRAD] = f.gradNorm(phi[j], nv, q[j], s[j], p[j]);
    }

    @Override
    void compact(boolean[] keep) {
        int m = 0;
        for (int j = 0; j < n; j++) {
            if (keep[j]) {
                x[m] = x[j];
                y[m] = y[j];
                phi[m] = phi[j];
                s[m] = s[j];
                p[m] = p[j];
                q[m] = q[j];
                ids[m] = ids[j];
                m++;
            }
        }
        n = m;
    }

    @Override
    void advance(long m) {
        final double c = f.c();
        final double s1 = f.sumAStar();
        final double n2 = f.normAStar2();
        final double k = f.k();
        final double e = eta;
        final double pm1 = PI - 1;
        final double inv2pi = 1 / TWO_PI;
        final double cs1 = c * s1;
        final double[] x = this.x;
        final double[] y = this.y;
        final double[] phi = this.phi;
        final double[] s = this.s;
        final double[] p = this.p;
        final double[] q = this.q;
        final int n = this.n;
        for (long it = 0; it < m; it++) {
            for (int i = 0; i < n; i++) {
                double xi = x[i];
                double yi = y[i];
                double ph = phi[i];
                double si = s[i];
                double pi = p[i];
                double qi = q[i];
                double nv2 = xi * xi + yi * yi;
                double inv = 1 / Math.sqrt(nv2);
                double cs = xi * inv;
                double sn = yi * inv;
                double pm = PI - ph;
                double g = pm * cs + sn;
                // κ c with κ = −P(π−φ)/(2π‖v‖): ∂L/∂v = κ c (ŵ* − (x/‖v‖²) v)
                double kc = -pi * pm * c * inv2pi * inv;
                double gx = kc * sn * sn;
                double gy = -kc * sn * cs;
                // the exact turn of v: tan δ = η ‖∂L/∂v‖/‖v‖, signed by P
                double t = -e * kc * sn * inv;
                double d;
                if (Math.abs(t) <= SERIES_MAX) {
                    double t2 = t * t;
                    d = t * (1 - t2 * (1.0 / 3 - t2 * (1.0 / 5 - t2 * (1.0 / 7 - t2 * (1.0 / 9 - t2 * (1.0 / 11))))));
                } else {
                    d = Math.atan(t);
                }
                // reflect at 0 and at π: the angle of a vector that turned past w* or −w*
                phi[i] = PI - Math.abs(PI - Math.abs(ph - d));
                x[i] = xi - e * gx;
                y[i] = Math.abs(yi - e * gy);
                double u = si - cs1;
                double cg = c * (g - 1);
                double g1 = (pm1 * si + k * u - cg * s1) * inv2pi;
                double gp = (pm1 * pi + u * s1 - cg * n2) * inv2pi;
                double ga = (pm1 * qi + u * si - cg * pi) * inv2pi;
                double gg = (pm1 * pm1 * qi + k * u * u + cg * cg * n2 + 2 * pm1 * u * si - 2 * pm1 * cg * pi
                        - 2 * cg * u * s1) * (inv2pi * inv2pi);
                s[i] = si - e * g1;
                p[i] = pi - e * gp;
                q[i] = qi - 2 * e * ga + e * e * gg;
            }
        }
    }
}
