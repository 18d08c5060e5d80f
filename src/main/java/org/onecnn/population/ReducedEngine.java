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
 * {@code φ ← |φ − δ|} (reflected at π): no {@code acos}/{@code atan2} per step. Within 1/32 rad of
 * {@code ±w*} the angle is instead {@code atan(y/|x|)} (or π minus it), which keeps full relative accuracy
 * as φ → 0. {@code atan} of arguments up to 1/32 is a short odd series (error below 1 ulp),
 * {@link Math#atan} beyond.
 *
 * <p>{@code a} enters only through its deviation {@code e = a − c a*} from the teacher, by
 * {@code u = 1ᵀe}, {@code pe = a*ᵀe} and {@code D² = ‖e‖²} (deviations, so that the loss and the distances
 * keep their relative accuracy as the run converges). With {@code h = π − g(φ)},
 * {@code G = ∂L/∂a = (1/2π)[(π−1)e + u 1 + c h a*]} and {@code P = aᵀa* = pe + c‖a*‖²}:
 * <pre>
 *   1ᵀG  = [(k+π−1) u + c h S1] / 2π                  u'  = u − η 1ᵀG
 *   a*ᵀG = [(π−1) pe + u S1 + c h N2] / 2π            pe' = pe − η a*ᵀG
 *   eᵀG  = [(π−1) D² + u² + c h pe] / 2π              D²' = D² − 2η eᵀG + η² ‖G‖²
 * </pre>
 * with {@code ‖G‖²} from {@link NonOverlappingGaussian#gradNormA2Deviation}; {@code h} is
 * {@code 2π sin²(φ/2) − (sin φ − φ cos φ)}, written with {@code cos φ} and {@code sin φ} from {@code x, y}:
 * {@code 2π sin²(φ/2) = π y²/(ρ(ρ + x))} (for {@code x ≥ 0}) and {@code sin φ − φ cos φ} by its series for
 * small φ. {@code ReducedEngineTest} proves the recurrences against {@link FullEngine} to about 1e−12 over
 * 10⁴ steps.
 */
public final class ReducedEngine extends BatchEngine {
    /** Above this |t| the series is not used. */
    private static final double SERIES_MAX = 1.0 / 32;

    private double[] x;
    private double[] y;
    private double[] phi;
    private double[] u;
    private double[] pe;
    private double[] d2;
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
        u = new double[n];
        pe = new double[n];
        d2 = new double[n];
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
            double[] e = f.deviation(a, 1.0);
            u[i] = NonOverlappingGaussian.sum(e);
            pe[i] = NonOverlappingGaussian.dot(e, aStar);
            d2[i] = NonOverlappingGaussian.dot(e, e);
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
        out[U] = u[j];
        out[PE] = pe[j];
        out[D2] = d2[j];
        out[GRAD] = f.gradNormDeviation(phi[j], nv, d2[j], u[j], pe[j]);
    }

    @Override
    void compact(boolean[] keep) {
        int m = 0;
        for (int j = 0; j < n; j++) {
            if (keep[j]) {
                x[m] = x[j];
                y[m] = y[j];
                phi[m] = phi[j];
                u[m] = u[j];
                pe[m] = pe[j];
                d2[m] = d2[j];
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
        final double cn2 = c * n2;
        final double k = f.k();
        final double e = eta;
        final double pm1 = PI - 1;
        final double inv2pi = 1 / TWO_PI;
        final double[] x = this.x;
        final double[] y = this.y;
        final double[] phi = this.phi;
        final double[] u = this.u;
        final double[] pe = this.pe;
        final double[] d2 = this.d2;
        final int n = this.n;
        for (long it = 0; it < m; it++) {
            for (int i = 0; i < n; i++) {
                double xi = x[i];
                double yi = y[i];
                double ph = phi[i];
                double ui = u[i];
                double pei = pe[i];
                double di = d2[i];
                double pa = pei + cn2;
                double nv2 = xi * xi + yi * yi;
                double nv = Math.sqrt(nv2);
                double inv = 1 / nv;
                double cs = xi * inv;
                double sn = yi * inv;
                double pm = PI - ph;
                // h = π − g(φ) with full relative accuracy near φ = 0 (see the class comment)
                double h = (xi >= 0 ? PI * yi * yi / (nv * (nv + xi)) : PI * (1 - cs)) - sinMinusPhiCos(ph, sn, cs);
                // κ c with κ = −P(π−φ)/(2π‖v‖): ∂L/∂v = κ c (ŵ* − (x/‖v‖²) v)
                double kc = -pa * pm * c * inv2pi * inv;
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
                double xn = xi - e * gx;
                double yn = Math.abs(yi - e * gy);
                x[i] = xn;
                y[i] = yn;
                double r = yn / Math.abs(xn);
                if (r <= SERIES_MAX) {
                    // within 1/32 rad of w* or −w*: the angle from x, y directly, with full relative accuracy
                    // (an incremental angle keeps only its absolute accuracy, about 1e−15, as φ → 0)
                    double r2 = r * r;
                    double a = r * (1 - r2 * (1.0 / 3 - r2 * (1.0 / 5 - r2 * (1.0 / 7 - r2 * (1.0 / 9 - r2 * (1.0 / 11))))));
                    phi[i] = xn > 0 ? a : PI - a;
                } else {
                    // elsewhere, carry the angle along by the exact turn δ, reflected at 0 and π
                    double z = Math.abs(ph - d);
                    phi[i] = z > PI ? 2 * PI - z : z;
                }
                double ch = c * h;
                double g1 = ((k + pm1) * ui + ch * s1) * inv2pi;
                double gp = (pm1 * pei + ui * s1 + ch * n2) * inv2pi;
                double ge = (pm1 * di + ui * ui + ch * pei) * inv2pi;
                double gg = (pm1 * pm1 * di + (k + 2 * pm1) * ui * ui + ch * ch * n2 + 2 * pm1 * ch * pei
                        + 2 * ch * ui * s1) * (inv2pi * inv2pi);
                u[i] = ui - e * g1;
                pe[i] = pei - e * gp;
                d2[i] = di - 2 * e * ge + e * e * gg;
            }
        }
    }

    /**
     * {@code sin φ − φ cos φ}: its series {@code φ³/3 − φ⁵/30 + φ⁷/840 − φ⁹/45360} for φ below 1/16
     * (next term under 1e−19 relative), else directly from the known sine and cosine.
     */
    private static double sinMinusPhiCos(double ph, double sn, double cs) {
        if (ph < 1.0 / 16) {
            double p2 = ph * ph;
            return ph * p2 * (1.0 / 3 - p2 * (1.0 / 30 - p2 * (1.0 / 840 - p2 * (1.0 / 45360))));
        }
        return sn - ph * cs;
    }
}
