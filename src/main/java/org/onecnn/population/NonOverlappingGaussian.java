package org.onecnn.population;

import static org.onecnn.model.ArcCosine.PI;
import static org.onecnn.model.ArcCosine.TWO_PI;

import org.onecnn.model.ArcCosine;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;

/**
 * The exact population loss of docs/model.md §2 and its gradients, for {@code x ~ N(0, I_d)} and
 * non-overlapping patches, with {@code φ = ∠(v, w*)}, {@code c = ‖w*‖}, {@code g = g(φ)}:
 *
 * <pre>
 *   L(v, a) = (1/4π) [ (π−1)(‖a‖² + c²‖a*‖²) − 2c (g(φ) − 1) aᵀa* + (1ᵀa − c·1ᵀa*)² ]
 *   ∂L/∂a   = (1/2π) [ (11ᵀ + (π−1)I) a − c (11ᵀ + (g(φ) − 1) I) a* ]
 *   ∂L/∂v   = − aᵀa* (π − φ) / (2π‖v‖) · (I − vvᵀ/‖v‖²) w*
 * </pre>
 *
 * <p>The loss depends on {@code a} only through {@code Q = ‖a‖², S = 1ᵀa, P = aᵀa*}; the scalar form
 * {@link #loss(double, double, double, double)} is the single place where the formula is written, and
 * both the full-dimensional and the reduced engines call it.
 *
 * <p>Plain (unnormalised) filters {@code w}, needed for the fixed output layer: the student with
 * filter {@code w} equals the weight-normalised student with {@code v = w} and output weights
 * {@code ‖w‖ a}, so {@code L_plain(w, a) = L(w, ‖w‖ a)} and the chain rule gives
 * {@code ∂L_plain/∂a = ‖w‖ ∂L/∂a|_{‖w‖a}},
 * {@code ∂L_plain/∂w = (aᵀ ∂L/∂a|_{‖w‖a}) ŵ + ∂L/∂v|_{v=w, ‖w‖a}}.
 *
 * <p>The angle is computed as {@code atan2(‖v − (ŵ*ᵀv) ŵ*‖, ŵ*ᵀv)}, accurate near 0 and π where
 * {@code acos} loses half the digits.
 */
public final class NonOverlappingGaussian extends GaussianTeacherLoss {
    public NonOverlappingGaussian(Teacher teacher) {
        super(teacher);
    }

    @Override
    public int p() {
        return p;
    }

    /** {@code k} non-overlapping patches of size {@code p}: {@code d = k p}, {@code r = s = p}. */
    @Override
    public Architecture architecture() {
        return Architecture.nonOverlapping(k, p);
    }

    /**
     * The population loss from the scalars it depends on.
     *
     * @param q {@code ‖a‖²}
     * @param s {@code 1ᵀa}
     * @param pa {@code aᵀa*}
     * @param g {@code g(φ)}
     */
    public double loss(double q, double s, double pa, double g) {
        return lossDeviation(q - 2 * c * pa + c * c * n2, s - c * s1, pa, Math.PI - g);
    }

    /**
     * The population loss in deviation form, the single place where the formula of docs/model.md §2 is
     * evaluated: with {@code e = a − c a*}, {@code D² = ‖e‖²}, {@code u = 1ᵀe = 1ᵀa − c 1ᵀa*} and
     * {@code h = π − g(φ)},
     * <pre>  L = (1/4π) [ (π−1) D² + 2c h aᵀa* + u² ]</pre>
     * (expand {@code ‖a‖² = D² + 2c aᵀa* − c²‖a*‖²} in §2). Every term is non-negative near the
     * global minimum, so the loss keeps full relative accuracy as it goes to 0, where the form of §2
     * cancels to rounding error; {@link ArcCosine#piMinusG} gives {@code h} accurately for small φ.
     *
     * @param d2 {@code ‖a − c a*‖²}
     * @param u  {@code 1ᵀa − c 1ᵀa*}
     * @param pa {@code aᵀa*}
     * @param h  {@code π − g(φ)}
     */
    public double lossDeviation(double d2, double u, double pa, double h) {
        // clamped at 0: rounding can make the sum a hair negative exactly at the minimum
        return Math.max(0, ((PI - 1) * d2 + 2 * c * h * pa + u * u) / (4 * PI));
    }

    /** {@code L(v, a)} with weight normalisation. */
    @Override
    public double loss(double[] v, double[] a) {
        return lossVector(a, ArcCosine.piMinusG(angle(v)));
    }

    /**
     * The loss of output weights {@code a} at {@code h = π − g(φ)}, through the deviation form, from the
     * same scalars (and in the same order) as the engines' {@link #lossAt}.
     */
    private double lossVector(double[] a, double h) {
        double[] e = deviation(a, 1.0);
        return lossDeviation(dot(e, e), sum(e), dot(e, aStar) + c * n2, h);
    }

    /**
     * Both gradients of {@code L(v, a)} (weight normalisation), written into {@code gv} and {@code ga}.
     *
     * @return the loss at {@code (v, a)}
     */
    @Override
    public double gradient(double[] v, double[] a, double[] gv, double[] ga) {
        double phi = angle(v);
        double h = ArcCosine.piMinusG(phi);
        double nv2 = dot(v, v);
        double x = dot(v, wHat);
        double pa = dot(a, aStar);
        double s = sum(a);
        // ∂L/∂v = coef · (I − vvᵀ/‖v‖²) w*, with w* = c ŵ*
        double coef = -pa * (PI - phi) / (TWO_PI * Math.sqrt(nv2)) * c;
        for (int i = 0; i < p; i++) {
            gv[i] = coef * (wHat[i] - x / nv2 * v[i]);
        }
        aGradient(a, s, h, ga);
        return lossVector(a, h);
    }

    /**
     * {@code ∂L/∂a = (1/2π)[(π−1) a + (1ᵀa − c 1ᵀa*) 1 − c (g − 1) a*]}, evaluated as
     * {@code (1/2π)[(π−1)(a − c a*) + u 1 + c (π − g) a*]} so that it vanishes accurately at the teacher ({@code h = π − g(φ)}).
     */
    void aGradient(double[] a, double s, double h, double[] ga) {
        double u = s - c * s1;
        double ch = c * h;
        for (int i = 0; i < k; i++) {
            ga[i] = ((PI - 1) * (a[i] - c * aStar[i]) + u + ch * aStar[i]) / TWO_PI;
        }
    }

    /** {@code L_plain(w, a)}: the student with an unnormalised filter {@code w}. */
    @Override
    public double lossPlain(double[] w, double[] a) {
        double nw = Math.sqrt(dot(w, w));
        double[] aEff = new double[k];
        for (int i = 0; i < k; i++) {
            aEff[i] = nw * a[i];
        }
        return loss(w, aEff);
    }

    /**
     * Both gradients of {@code L_plain(w, a)}, into {@code gw} and {@code ga}.
     *
     * @return the loss at {@code (w, a)}
     */
    @Override
    public double gradientPlain(double[] w, double[] a, double[] gw, double[] ga) {
        double nw = Math.sqrt(dot(w, w));
        double[] aEff = new double[k];
        for (int i = 0; i < k; i++) {
            aEff[i] = nw * a[i];
        }
        double[] gEff = new double[k];
        double loss = gradient(w, aEff, gw, gEff);
        double radial = dot(a, gEff);
        for (int i = 0; i < p; i++) {
            gw[i] += radial * w[i] / nw;
        }
        for (int i = 0; i < k; i++) {
            ga[i] = nw * gEff[i];
        }
        return loss;
    }

    /** {@code aᵀa*}. */
    public double dot(double[] a) {
        return dot(a, aStar);
    }

    /**
     * The spurious minimum's output weights (docs/model.md §3):
     * {@code c (11ᵀ + (π−1)I)⁻¹ (11ᵀ − I) a* = c/(π−1) [π 1ᵀa* / (k+π−1) · 1 − a*]} (Sherman–Morrison).
     */
    public double[] spuriousA() {
        double[] a = new double[k];
        double along = PI * s1 / (k + PI - 1);
        for (int i = 0; i < k; i++) {
            a[i] = c / (PI - 1) * (along - aStar[i]);
        }
        return a;
    }

    /** {@code aᵀa_sp} from {@code S = 1ᵀa} and {@code P = aᵀa*}. */
    public double dotSpurious(double s, double pa) {
        return c / (PI - 1) * (PI * s1 * s / (k + PI - 1) - pa);
    }

    /** {@code ‖a_sp‖²}. */
    public double spuriousNorm2() {
        double along = PI * s1 / (k + PI - 1);
        return c * c / ((PI - 1) * (PI - 1)) * (k * along * along - 2 * along * s1 + n2);
    }

    /** {@code ‖scale·a − b‖}, from the vectors (no cancellation). */
    static double distance(double[] a, double scale, double[] b) {
        double d2 = 0;
        for (int i = 0; i < a.length; i++) {
            double e = scale * a[i] - b[i];
            d2 += e * e;
        }
        return Math.sqrt(d2);
    }

    /** {@code ‖a − c a*‖} from the scalars {@code Q, P}. */
    public double distanceToGlobal(double q, double pa) {
        return Math.sqrt(Math.max(0, q - 2 * c * pa + c * c * n2));
    }

    /** {@code ‖a − a_sp‖} from the scalars {@code Q, S, P}. */
    public double distanceToSpurious(double q, double s, double pa) {
        return distanceToSpuriousDeviation(q - 2 * c * pa + c * c * n2, s - c * s1, pa - c * n2);
    }

    /**
     * {@code ‖a − a_sp‖} in deviation form: {@code c a* − a_sp = (cπ/(π−1)) [a* − 1ᵀa* / (k+π−1) · 1]}, so
     * {@code ‖a − a_sp‖² = D² + 2 eᵀ(c a* − a_sp) + ‖c a* − a_sp‖²}.
     */
    public double distanceToSpuriousDeviation(double d2, double u, double pe) {
        double beta = s1 / (k + PI - 1);
        double f = c * PI / (PI - 1);
        double cross = f * (pe - beta * u);
        double gap2 = f * f * (n2 - 2 * beta * s1 + k * beta * beta);
        return Math.sqrt(Math.max(0, d2 + 2 * cross + gap2));
    }

    /** The loss at the spurious minimum ({@code φ = π}, {@code a = a_sp}), which is positive. */
    public double spuriousLoss() {
        double[] a = spuriousA();
        return loss(dot(a, a), sum(a), dot(a, aStar), 0.0);
    }

    /** {@code ‖∂L/∂v‖ = |aᵀa*| (π − φ) c sin φ / (2π‖v‖)} from scalars. */
    public double gradNormV(double phi, double nv, double pa) {
        return Math.abs(pa) * (PI - phi) * c * Math.sin(phi) / (TWO_PI * nv);
    }

    /**
     * {@code ‖∂L/∂a‖²} from the scalars {@code Q = ‖a‖², S = 1ᵀa, P = aᵀa*} and {@code g}; see
     * {@link #gradNormA2Deviation}.
     */
    public double gradNormA2(double q, double s, double pa, double g) {
        return gradNormA2Deviation(q - 2 * c * pa + c * c * n2, s - c * s1, pa - c * n2, Math.PI - g);
    }

    /**
     * {@code ‖∂L/∂a‖²} in deviation form: with {@code e = a − c a*},
     * {@code ∂L/∂a = (1/2π)[(π−1) e + u 1 + c h a*]} ({@code u = 1ᵀe}, {@code h = π − g}), whose square is
     * <pre>  [(π−1)² D² + (k + 2(π−1)) u² + c²h² ‖a*‖² + 2(π−1) c h a*ᵀe + 2 c h u 1ᵀa*] / 4π²</pre>
     *
     * @param d2 {@code ‖e‖²}
     * @param u  {@code 1ᵀe}
     * @param pe {@code a*ᵀe = aᵀa* − c‖a*‖²}
     * @param h  {@code π − g(φ)}
     */
    public double gradNormA2Deviation(double d2, double u, double pe, double h) {
        double pm = PI - 1;
        double ch = c * h;
        double v = pm * pm * d2 + (k + 2 * pm) * u * u + ch * ch * n2 + 2 * pm * ch * pe + 2 * ch * u * s1;
        return Math.max(0, v) / (TWO_PI * TWO_PI);
    }

    /** {@code ‖∇L‖ = sqrt(‖∂L/∂v‖² + ‖∂L/∂a‖²)} from scalars. */
    public double gradNorm(double phi, double nv, double q, double s, double pa) {
        return gradNormDeviation(phi, nv, q - 2 * c * pa + c * c * n2, s - c * s1, pa - c * n2);
    }

    /** {@code ‖∇L‖} from the deviation scalars ({@code D², u, a*ᵀe}) and {@code φ, ‖v‖}. */
    public double gradNormDeviation(double phi, double nv, double d2, double u, double pe) {
        double gv = gradNormV(phi, nv, pe + c * n2);
        return Math.sqrt(gv * gv + gradNormA2Deviation(d2, u, pe, ArcCosine.piMinusG(phi)));
    }

    /** The loss from the deviation scalars and φ. */
    public double lossAt(double phi, double d2, double u, double pe) {
        return lossDeviation(d2, u, pe + c * n2, ArcCosine.piMinusG(phi));
    }
}
