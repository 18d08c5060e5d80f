package org.onecnn.population;

import static org.onecnn.model.ArcCosine.PI;
import static org.onecnn.model.ArcCosine.TWO_PI;

import java.util.List;

import org.onecnn.model.ArcCosine;
import org.onecnn.model.InitialPoint;

/**
 * Algorithm 1 on the exact non-overlapping population loss, in the reduced form of docs/model.md §7:
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
 * <p>{@code a} enters only through its deviation {@code e = a − c a*} from the teacher, which stays in
 * {@code span{1, a*, e_0}}. In the orthonormal basis {@code ê1 = 1/√k}, {@code ê2 ∝ a* − (1ᵀa* / k) 1},
 * {@code ê3 ⊥ both}, {@code a* = A1 ê1 + A2 ê2} ({@code A1 = 1ᵀa* / √k}) and {@code e = α ê1 + β ê2 + γ ê3}.
 * With {@code h = π − g(φ)}, {@code ∂L/∂a = (1/2π)[(π−1)e + (1ᵀe) 1 + c h a*]} has coordinates
 * <pre>
 *   G_α = [(k+π−1) α + c h A1] / 2π,   G_β = [(π−1) β + c h A2] / 2π,   G_γ = (π−1) γ / 2π
 * </pre>
 * and {@code e ← e − η G} is three scalar updates. {@code 1ᵀe = √k α}, {@code a*ᵀe = A1 α + A2 β},
 * {@code ‖e‖² = α² + β² + γ²} and the distance to the spurious point, whose deviation is also in
 * {@code span{ê1, ê2}}, follow without cancellation: the loss and both distances keep their relative
 * accuracy as a run converges to either minimum. {@code h} is {@code π(1 − cos φ) − (sin φ − φ cos φ)},
 * written with {@code cos φ} and {@code sin φ} from {@code x, y}; below φ = 1/16 as
 * {@code π sin²φ/(1 + cos φ)} minus the series of the bracket, which keeps its relative accuracy. Values that decay below the
 * normal range are flushed to 0 (subnormal arithmetic is about 100 times slower).
 * {@code ReducedEngineTest} proves the recurrences against {@link FullEngine} to about 1e−12 over
 * 10⁴ steps.
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
    /** √k and the coordinates of a*: a* = A1 ê1 + A2 ê2. */
    private double sqrtK;
    private double a1;
    private double a2;
    /** Coordinates of a_sp − c a* (its ê3 coordinate is 0). */
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
        if (job.architecture().overlapping()) {
            throw new org.onecnn.util.InvalidInputException("engine", "the reduced engine needs non-overlapping "
                    + "patches (s = p); with s < p use engine: full (the exact overlapping loss of docs/model.md §4)");
        }
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
        double s1 = f.sumAStar();
        sqrtK = Math.sqrt(k);
        a1 = s1 / sqrtK;
        double[] e2 = new double[k];
        double r2 = 0;
        for (int j = 0; j < k; j++) {
            e2[j] = aStar[j] - s1 / k;
            r2 += e2[j] * e2[j];
        }
        a2 = Math.sqrt(r2);
        for (int j = 0; j < k; j++) {
            e2[j] = a2 > 0 ? e2[j] / a2 : 0;
        }
        // a_sp − c a* = (cπ/(π−1)) (S1/(k+π−1) 1 − a*), docs/model.md §3
        double fsp = f.c() * PI / (PI - 1);
        spAl = fsp * (s1 * sqrtK / (k + PI - 1) - a1);
        spBe = -fsp * a2;
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
            double alpha = NonOverlappingGaussian.sum(e) / sqrtK;
            double beta = NonOverlappingGaussian.dot(e, e2);
            double rest = 0;
            for (int j = 0; j < k; j++) {
                double r = e[j] - alpha / sqrtK - beta * e2[j];
                rest += r * r;
            }
            al[i] = alpha;
            be[i] = beta;
            ga[i] = Math.sqrt(rest);
            ids[i] = i;
        }
    }

    @Override
    void scalars(int j, double[] out) {
        double nv = Math.sqrt(x[j] * x[j] + y[j] * y[j]);
        double a = al[j];
        double b = be[j];
        double r = ga[j];
        out[PHI] = phi[j];
        out[NV] = nv;
        out[U] = sqrtK * a;
        out[PE] = a1 * a + a2 * b;
        out[D2] = a * a + b * b + r * r;
        out[DS] = Math.sqrt((a - spAl) * (a - spAl) + (b - spBe) * (b - spBe) + r * r);
        double h = ArcCosine.piMinusG(phi[j]);
        double ch = c() * h;
        double gA = ((f.k() + PI - 1) * a + ch * a1) / TWO_PI;
        double gB = ((PI - 1) * b + ch * a2) / TWO_PI;
        double gC = (PI - 1) * r / TWO_PI;
        double gv = f.gradNormV(phi[j], nv, out[PE] + c() * f.normAStar2());
        out[GRAD] = Math.sqrt(gv * gv + gA * gA + gB * gB + gC * gC);
        out[LOSS] = f.lossAt(phi[j], out[D2], out[U], out[PE]);
    }

    private double c() {
        return f.c();
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
        final double cn2 = c * f.normAStar2();
        final double k = f.k();
        final double a1 = this.a1;
        final double a2 = this.a2;
        final double e = eta;
        final double pm1 = PI - 1;
        final double inv2pi = 1 / TWO_PI;
        final double[] x = this.x;
        final double[] y = this.y;
        final double[] phi = this.phi;
        final double[] al = this.al;
        final double[] be = this.be;
        final double[] ga = this.ga;
        final double decay = 1 - e * pm1 * inv2pi;
        final int n = this.n;
        for (long it = 0; it < m; it++) {
            for (int i = 0; i < n; i++) {
                double xi = x[i];
                double yi = y[i];
                double ph = phi[i];
                double ai = al[i];
                double bi = be[i];
                double pa = a1 * ai + a2 * bi + cn2;
                double nv2 = xi * xi + yi * yi;
                double nv = Math.sqrt(nv2);
                double inv = 1 / nv;
                double cs = xi * inv;
                double sn = yi * inv;
                double pm = PI - ph;
                // h = π − g(φ) = π(1 − cos φ) − (sin φ − φ cos φ); below φ = 1/16 as the series
                // Σ (−1)^{n+1} [π φ^{2n}/(2n)! − 2n φ^{2n+1}/(2n+1)!], which keeps its relative accuracy
                double h;
                if (ph < 1.0 / 16) {
                    double p2 = ph * ph;
                    h = p2 * (PI / 2 - ph * (1.0 / 3 + ph * (PI / 24 - ph * (1.0 / 30 + ph * (PI / 720
                            - ph * (1.0 / 840 + ph * (PI / 40320 - ph * (1.0 / 45360 + ph * (PI / 3628800)))))))));
                } else {
                    h = PI * (1 - cs) - (sn - ph * cs);
                }
                // κ c with κ = −P(π−φ)/(2π‖v‖): ∂L/∂v = κ c (ŵ* − (x/‖v‖²) v)
                double kc = -pa * pm * c * inv2pi * inv;
                double gx = kc * sn * sn;
                double gy = -kc * sn * cs;
                double xn = xi - e * gx;
                double yn = Math.abs(yi - e * gy);
                x[i] = xn;
                y[i] = flush(yn);
                if (yn * 32 <= Math.abs(xn)) {
                    // within atan(1/32) of w* or −w*: the angle from x, y directly, with full relative accuracy
                    // (an incremental angle keeps only its absolute accuracy, about 1e−15, as φ → 0)
                    double r = yn / Math.abs(xn);
                    double r2 = r * r;
                    double a = r * (1 - r2 * (1.0 / 3 - r2 * (1.0 / 5 - r2 * (1.0 / 7 - r2 * (1.0 / 9 - r2 * (1.0 / 11))))));
                    phi[i] = xn > 0 ? flush(a) : PI - a;
                } else {
                    // elsewhere, carry the angle along by the exact turn δ = atan(t) of v (tan δ = η‖∂L/∂v‖/‖v‖,
                    // signed by P), reflected at 0 and π
                    double t = -e * kc * sn * inv;
                    double d;
                    if (Math.abs(t) <= SERIES_MAX) {
                        double t2 = t * t;
                        d = t * (1 - t2 * (1.0 / 3 - t2 * (1.0 / 5 - t2 * (1.0 / 7 - t2 * (1.0 / 9 - t2 * (1.0 / 11))))));
                    } else {
                        d = Math.atan(t);
                    }
                    double z = Math.abs(ph - d);
                    phi[i] = z > PI ? 2 * PI - z : z;
                }
                double ch = c * h;
                al[i] = flush(ai - e * ((k + pm1) * ai + ch * a1) * inv2pi);
                be[i] = flush(bi - e * (pm1 * bi + ch * a2) * inv2pi);
                ga[i] = flush(ga[i] * decay);
            }
        }
    }

    /**
     * Zero below the normal range. Converging runs decay geometrically forever, into subnormal numbers
     * on which arithmetic is about 100 times slower; values under 2.2e−308 are of no consequence.
     */
    private static double flush(double v) {
        return Math.abs(v) < Double.MIN_NORMAL ? 0.0 : v;
    }
}
