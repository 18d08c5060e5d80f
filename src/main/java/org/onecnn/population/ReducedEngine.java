package org.onecnn.population;

import static org.onecnn.model.ArcCosine.PI;
import static org.onecnn.model.ArcCosine.TWO_PI;

import java.util.List;

import org.onecnn.model.ArcCosine;
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
 * <p>{@code a} stays in {@code span{1, a*, a_0}}. It is carried as its coordinates {@code (α, β, γ)} in an
 * orthonormal basis {@code e1 = 1/√k}, {@code e2 = (a* − A1 e1)/A2}, {@code e3} (the rest of {@code a_0}), where
 * {@code a* = A1 e1 + A2 e2}, {@code A1 = 1ᵀa* / √k}, {@code A2 = ‖a* − A1 e1‖} ({@code e2} is dropped and
 * {@code β = 0} when {@code A2 = 0}). With {@code u = S − c 1ᵀa*}, the gradient
 * {@code G = ∂L/∂a = (1/2π)[(π−1)a + u 1 − c(g−1) a*]} has coordinates
 * <pre>
 *   G_α = [(π−1) α + √k u − c(g−1) A1] / 2π
 *   G_β = [(π−1) β − c(g−1) A2] / 2π
 *   G_γ = (π−1) γ / 2π
 * </pre>
 * and {@code S = 1ᵀa = √k α}, {@code P = aᵀa* = A1 α + A2 β}, {@code Q = ‖a‖² = α² + β² + γ²}.
 * The coordinates, rather than the scalars {@code S, P, Q}, are the state because norms near a minimum
 * must not be expanded: {@code ‖G‖² = Q(π−1)² + ...} or {@code ‖a − c a*‖² = Q − 2cP + c²‖a*‖²} cancel there
 * and keep only the square root of the rounding error ({@code ~1e−8}), which hid stationarity
 * ({@code grad_tol = 1e−10}) from this engine. From the coordinates, {@code ‖G‖},
 * {@code ‖a − c a*‖ = ‖(α − cA1, β − cA2, γ)‖} and {@code ‖a − a_sp‖} are accurate to rounding in absolute
 * terms, as in {@link FullEngine}. {@code ReducedEngineTest} proves the recurrences against
 * {@link FullEngine} to about 1e−12 over 10⁴ steps.
 */
public final class ReducedEngine extends BatchEngine {
    /** Above this |t| the series is not used. */
    private static final double SERIES_MAX = 1.0 / 32;

    private double[] x;
    private double[] y;
    private double[] phi;
    private double[] al;
    private double[] be;
    private double[] ga;
    private int[] ids;
    private int n;
    /** √k, and a* = A1 e1 + A2 e2. */
    private double sqrtK;
    private double a1;
    private double a2;
    /** Coordinates (α, β) of c a* and of a_sp (their γ is 0). */
    private double gAl;
    private double gBe;
    private double spAl;
    private double spBe;

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
        al = new double[n];
        be = new double[n];
        ga = new double[n];
        ids = new int[n];
        double[] wHat = job.teacher().wStarUnit();
        double[] aStar = job.teacher().aStar();
        int k = aStar.length;
        double c = f.c();
        double s1 = f.sumAStar();
        double mean = s1 / k;
        sqrtK = Math.sqrt(k);
        a1 = s1 / sqrtK;
        double[] e2 = new double[k];
        double r2 = 0;
        for (int i = 0; i < k; i++) {
            e2[i] = aStar[i] - mean;
            r2 += e2[i] * e2[i];
        }
        a2 = Math.sqrt(r2);
        for (int i = 0; i < k; i++) {
            e2[i] = a2 > 0 ? e2[i] / a2 : 0;
        }
        gAl = c * a1;
        gBe = c * a2;
        double along = PI * s1 / (k + PI - 1);
        spAl = c / (PI - 1) * (along * sqrtK - a1);
        spBe = -c / (PI - 1) * a2;
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
            double sa = NonOverlappingGaussian.sum(a);
            double b = NonOverlappingGaussian.dot(a, e2);
            double m = sa / k;
            double rest = 0;
            for (int j = 0; j < k; j++) {
                double e = a[j] - m - b * e2[j];
                rest += e * e;
            }
            al[i] = sa / sqrtK;
            be[i] = b;
            ga[i] = Math.sqrt(rest);
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
        double ph = phi[j];
        double a = al[j];
        double b = be[j];
        double r = ga[j];
        double sa = sqrtK * a;
        double pa = a1 * a + a2 * b;
        out[PHI] = ph;
        out[NV] = nv;
        out[S] = sa;
        out[P] = pa;
        out[Q] = a * a + b * b + r * r;
        // ∂L/∂a in coordinates (see the class comment)
        double c = f.c();
        double cg = c * (ArcCosine.g(ph) - 1);
        double u = sa - c * f.sumAStar();
        double gAlpha = ((PI - 1) * a + sqrtK * u - cg * a1) / TWO_PI;
        double gBeta = ((PI - 1) * b - cg * a2) / TWO_PI;
        double gGamma = (PI - 1) * r / TWO_PI;
        double gv = f.gradNormV(ph, nv, pa);
        out[GRAD] = Math.sqrt(gv * gv + gAlpha * gAlpha + gBeta * gBeta + gGamma * gGamma);
        out[DG] = Math.sqrt((a - gAl) * (a - gAl) + (b - gBe) * (b - gBe) + r * r);
        out[DS] = Math.sqrt((a - spAl) * (a - spAl) + (b - spBe) * (b - spBe) + r * r);
    }

    @Override
    void compact(boolean[] keep) {
        int m = 0;
        for (int j = 0; j < n; j++) {
            if (keep[j]) {
                x[m] = x[j];
                y[m] = y[j];
                phi[m] = phi[j];
                al[m] = al[j];
                be[m] = be[j];
                ga[m] = ga[j];
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
        final double e = eta;
        final double pm1 = PI - 1;
        final double inv2pi = 1 / TWO_PI;
        final double cs1 = c * s1;
        final double rk = sqrtK;
        final double a1 = this.a1;
        final double a2 = this.a2;
        final double[] x = this.x;
        final double[] y = this.y;
        final double[] phi = this.phi;
        final double[] al = this.al;
        final double[] be = this.be;
        final double[] ga = this.ga;
        final int n = this.n;
        for (long it = 0; it < m; it++) {
            for (int i = 0; i < n; i++) {
                double xi = x[i];
                double yi = y[i];
                double ph = phi[i];
                double ai = al[i];
                double bi = be[i];
                double pi = a1 * ai + a2 * bi;
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
                // φ, y (and γ below) decay geometrically on the way to a minimum; below the normal range they are
                // flushed to 0, since subnormal arithmetic would make the hundreds of steps that every long run
                // spends there ~100 times slower (values < 2.2e−308 change nothing else)
                double pn = PI - Math.abs(PI - Math.abs(ph - d));
                phi[i] = pn < Double.MIN_NORMAL ? 0 : pn;
                x[i] = xi - e * gx;
                double yn = Math.abs(yi - e * gy);
                y[i] = yn < Double.MIN_NORMAL ? 0 : yn;
                double u = rk * ai - cs1;
                double cg = c * (g - 1);
                al[i] = ai - e * ((pm1 * ai + rk * u - cg * a1) * inv2pi);
                be[i] = bi - e * ((pm1 * bi - cg * a2) * inv2pi);
                double gn = ga[i] - e * (pm1 * ga[i] * inv2pi);
                ga[i] = Math.abs(gn) < Double.MIN_NORMAL ? 0 : gn;
            }
        }
    }
}
