package org.onecnn.population;

import static org.onecnn.population.NonOverlappingGaussian.dot;
import static org.onecnn.population.NonOverlappingGaussian.sum;

import static org.onecnn.model.ArcCosine.PI;
import static org.onecnn.model.ArcCosine.TWO_PI;

import org.onecnn.model.ArcCosine;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;

/**
 * The exact population loss of docs/model.md §4 and its gradients, for {@code x ~ N(0, I_d)} and patches of size
 * {@code r} at stride {@code s} that may overlap ({@code s < r}); with {@code s = r} it is the loss of §2
 * ({@link NonOverlappingGaussian}).
 *
 * <h2>Kernel</h2>
 * For filters {@code u, u'} the pre-activations {@code uᵀZ_i}, {@code u'ᵀZ_{i+t}} are jointly Gaussian with
 * variances {@code ‖u‖², ‖u'‖²} and covariance {@code C_t(u, u') = Σ_b u_{b+ts} u'_b = uᵀS_t u'}, where
 * {@code (S_t x)_m = x_{m−ts}} (zero outside {@code 0..r−1}); {@code C_t = 0} for {@code |t| s ≥ r}, so only the
 * lags {@code |t| ≤ T = ⌈r/s⌉ − 1} interact. With the degree-1 arc-cosine kernel (unit filters)
 * <pre>
 *   κ(C) = (1/2π) [ (π − θ) C + sin θ ],  cos θ = C,    κ(0) = 1/2π,  κ(1) = ½,
 *   κ'(C) = (π − θ)/2π = (π/2 + asin C)/2π,   κ''(C) = 1/(2π sin θ),
 * </pre>
 * {@code E[σ(uᵀZ_i) σ(u'ᵀZ_{i+t})] = ‖u‖‖u'‖ κ(C_t(u, u')/(‖u‖‖u'‖))}, and with {@code A_t(x, y) = Σ_i x_i y_{i+t}}
 * <pre>
 *   Σ_ij x_i y_j K_{j−i} = κ(0)·1ᵀx·1ᵀy + Σ_{|t| ≤ T} (κ(C_t) − κ(0)) A_t(x, y)       (cost O(k T), not O(k²)).
 * </pre>
 *
 * <h2>Loss, in deviation form</h2>
 * The student {@code f = Σ a_i σ(wᵀZ_i)}, {@code w = v/‖v‖}, the teacher {@code y = Σ c a*_i σ(ŵᵀZ_i)},
 * {@code ŵ = w* / c}. Write {@code e = a − c a*}, {@code δ = w − ŵ}, {@code φ = ∠(v, w*)}, {@code h = π − g(φ)}, and
 * for a lag {@code t ≥ 1} {@code C00 = C_t(ŵ, ŵ)}, {@code p = C_t(δ, ŵ)}, {@code q = C_t(ŵ, δ)}, {@code ϱ = C_t(δ, δ)}, so that
 * {@code C_t(w, ŵ) = C00 + p}, {@code C_t(ŵ, w) = C00 + q}, {@code C_t(w, w) = C00 + p + q + ϱ}. Substituting
 * {@code a = e + c a*} in {@code L = ½[aᵀM(w,w)a − 2c aᵀM(w,ŵ)a* + c² a*ᵀM(ŵ,ŵ)a*]} ({@code M_ij = κ(C_{j−i})}):
 * <pre>
 *   L = (1/4π) [ (π−1)‖e‖² + 2c h aᵀa* + (1ᵀe)² ]                                   (lag 0: docs/model.md §2)
 *     + Σ_{t=1..T'} [ κ̃(C_t(w,w)) A_t(e,e) + c (D⁺_t A_t(e,a*) + D⁻_t A_t(a*,e)) + c² D²_t A_t(a*,a*) ]
 * </pre>
 * with {@code T' = min(T, k − 1)}, {@code κ̃ = κ − κ(0)}, the first differences
 * {@code D⁺_t = κ(C_t(w,w)) − κ(C_t(w,ŵ))}, {@code D⁻_t = κ(C_t(w,w)) − κ(C_t(ŵ,w))}, and the second difference
 * {@code D²_t = κ(C_t(w,w)) − κ(C_t(w,ŵ)) − κ(C_t(ŵ,w)) + κ(C_t(ŵ,ŵ))}. Near the global minimum {@code e, δ → 0},
 * the terms are {@code O(‖e‖²)}, {@code O(‖e‖‖δ‖)} and {@code O(‖δ‖²)}: the differences are evaluated from the
 * small quantities {@code p, q, ϱ} without cancellation ({@link #kappaDiff}, {@link #kappaSecondDiff}), so the
 * loss keeps its relative accuracy as it goes to 0, as {@link NonOverlappingGaussian} does. (The one that matters is
 * {@code D²_t}: evaluated as four kernel values it would carry an absolute error {@code ~u} against an
 * {@code O(‖δ‖²)} term. An error {@code ~u} in {@code D^±_t} or in {@code α_t − β_t} is multiplied by {@code O(‖e‖)}
 * or enters a gradient of size {@code O(‖e‖ + ‖δ‖)}, which is no worse than the rounding of the input {@code v}
 * itself; their exact difference forms are kept because they cost no more.)
 *
 * <h2>Gradients</h2>
 * {@code ∂L/∂a_i = [(π−1)e_i + 1ᵀe + c h a*_i]/2π + Σ_{t=1..T'} [κ̃(C_t(w,w))(e_{i+t} + e_{i−t}) + c(D⁺_t a*_{i+t} + D⁻_t a*_{i−t})]},
 * i.e. {@code M(w,w)a − c M(w,ŵ)a*}. From {@code dκ = κ'(C) dC} (the {@code dρ} terms are radial and removed by
 * the projection), with {@code α_t = π − θ(C_t(w,w))}, {@code β_t = π − θ(C_t(w,ŵ))}:
 * <pre>
 *   ∂L/∂v = (I − wwᵀ) G / (2π‖v‖),
 *   G = c aᵀa* (π − φ) δ + Σ_{0 < |t| ≤ T'} [ A_t(a,e) α_t S_t w + c A_t(a,a*) (α_t S_t δ + (α_t − β_t) S_t ŵ) ],
 * </pre>
 * obtained from {@code Σ_t [A_t(a,a) α_t S_t w − c A_t(a,a*) β_t S_t ŵ]} by {@code A_t(a,a) = A_t(a,e) + c A_t(a,a*)},
 * {@code w = ŵ + δ}, and, at lag 0, {@code (I − wwᵀ)w = 0}, {@code (I − wwᵀ)ŵ = −(I − wwᵀ)δ}. With {@code s = r} this
 * is {@code −c aᵀa*(π − φ)(I − wwᵀ)ŵ/(2π‖v‖)} of §2. Plain filters: {@code L_plain(w, a) = L(w, ‖w‖a)} (the student
 * is positively homogeneous in {@code w}), and the chain rule of {@link NonOverlappingGaussian}.
 *
 * <p>Cost per evaluation: {@code O(k + r)} for lag 0 plus, per lag {@code t = 1..T'}, three filter products of
 * length {@code r − ts}, three output products of length {@code k − t} (and with gradients two more of each), and
 * {@code O(1)} kernel evaluations (up to {@value #GL_N} more for {@code D²_t} near the minimum): {@code O((k + r) T)}.
 */
public final class OverlappingGaussian extends GaussianTeacherLoss {
    /** Gauss–Legendre nodes used for the second differences (see {@link #kappaSecondDiff}). */
    static final int GL_N = 8;
    /** Gauss–Legendre nodes on [0, 1]. */
    static final double[] GL_X = new double[GL_N];
    /** Gauss–Legendre weights on [0, 1] (sum 1). */
    static final double[] GL_W = new double[GL_N];

    static {
        int n = GL_N;
        for (int i = 0; i < n; i++) {
            double x = Math.cos(PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int it = 0; it < 100; it++) {
                double p0 = 1;
                double p1 = x;
                for (int j = 2; j <= n; j++) {
                    double p2 = ((2 * j - 1) * x * p1 - (j - 1) * p0) / j;
                    p0 = p1;
                    p1 = p2;
                }
                dp = n * (x * p1 - p0) / (x * x - 1);
                double dx = p1 / dp;
                x -= dx;
                if (Math.abs(dx) < 1e-17) {
                    break;
                }
            }
            GL_X[i] = 0.5 * (1 - x);
            GL_W[i] = 1 / ((1 - x * x) * dp * dp);
        }
    }

    /**
     * Work done by one evaluation, for the structural cost test: filled only when a caller passes one to the
     * package-private overloads (the public methods pass none, so instances stay immutable and thread-safe).
     */
    static final class Work {
        /** Lags {@code t ≥ 1} evaluated. */
        long lags;
        /** Multiply-adds in products over filter coordinates at lags {@code t ≥ 1} (lengths {@code r − ts}). */
        long filterTerms;
        /** Multiply-adds in products over patches at lags {@code t ≥ 1} (lengths {@code k − t}). */
        long outputTerms;

        /** Tallies {@code lag} more lags and the given multiply-adds over filter coordinates and over patches. */
        void add(int lag, long filter, long output) {
            lags += lag;
            filterTerms += filter;
            outputTerms += output;
        }
    }

    private final Architecture arch;
    private final Teacher teacher;
    private final int r;
    private final int s;
    private final int maxLag;
    private final int lags;
    /** {@code C_t(ŵ, ŵ)}, {@code t = 0..lags}. */
    private final double[] c00;
    /** {@code A_t(a*, a*)}, {@code t = 0..lags}. */
    private final double[] starLag;
    /** {@code ½ c² a*ᵀM(ŵ,ŵ)a*}: the loss of the zero student. */
    private final double zeroLoss;

    /**
     * @param arch    the shape {@code (d, r, s)}
     * @param teacher a teacher with {@code r} filter weights and {@code k = (d − r)/s + 1} output weights
     */
    public OverlappingGaussian(Architecture arch, Teacher teacher) {
        super(matching(arch, teacher));
        this.arch = arch;
        this.teacher = teacher;
        this.r = arch.r();
        this.s = arch.s();
        this.maxLag = (r - 1) / s;
        this.lags = Math.min(maxLag, k - 1);
        this.c00 = new double[lags + 1];
        this.starLag = new double[lags + 1];
        double m = ArcCosine.INDEPENDENT * s1 * s1;
        for (int t = 0; t <= lags; t++) {
            c00[t] = shifted(wHat, wHat, t * s);
            starLag[t] = lagged(aStar, aStar, t);
            m += (t == 0 ? 1 : 2) * kappaTilde(t == 0 ? 1 : c00[t]) * starLag[t];
        }
        this.zeroLoss = Math.max(0, 0.5 * c * c * m);
    }

    /** {@code teacher}, once it is known to fit {@code arch} (checked before the teacher's scalars are taken). */
    private static Teacher matching(Architecture arch, Teacher teacher) {
        if (arch == null) {
            throw new InvalidInputException("architecture", "must be given");
        }
        if (teacher == null) {
            throw new InvalidInputException("teacher", "must be given");
        }
        if (teacher.r() != arch.r()) {
            throw new InvalidInputException("w_star", "has " + teacher.r()
                    + " entries but the filter size is r = " + arch.r());
        }
        if (teacher.k() != arch.k()) {
            throw new InvalidInputException("a_star", "has " + teacher.k() + " entries but the architecture d="
                    + arch.d() + ", r=" + arch.r() + ", s=" + arch.s() + " has k = (d − r)/s + 1 = " + arch.k()
                    + " patches");
        }
        return teacher;
    }

    /** The shape {@code (d, r, s)}. */
    @Override
    public Architecture architecture() {
        return arch;
    }

    /** The teacher (immutable). */
    public Teacher teacher() {
        return teacher;
    }

    /** Filter size {@code r}. */
    public int r() {
        return r;
    }

    /** Filter size {@code r} under the interface's name. */
    @Override
    public int p() {
        return r;
    }

    /** Stride {@code s}. */
    public int s() {
        return s;
    }

    /** Input dimension {@code d}. */
    public int d() {
        return arch.d();
    }

    /** {@code T = ⌈r/s⌉ − 1}: the largest lag {@code |i − j|} at which patches {@code i, j} share coordinates. */
    public int maxLag() {
        return maxLag;
    }

    /** The loss of the zero student {@code f ≡ 0}: {@code ½ E y² = ½ Σ_ij a*_i a*_j E[σ(w*ᵀZ_i) σ(w*ᵀZ_j)]}. */
    public double zeroStudentLoss() {
        return zeroLoss;
    }

    @Override
    public double loss(double[] v, double[] a) {
        return evaluate(v, a, null, null, null);
    }

    @Override
    public double gradient(double[] v, double[] a, double[] gv, double[] ga) {
        requireLength("gv", gv, r);
        requireLength("ga", ga, k);
        return evaluate(v, a, gv, ga, null);
    }

    /** {@link #gradient} that also tallies its work. */
    double gradient(double[] v, double[] a, double[] gv, double[] ga, Work work) {
        requireLength("gv", gv, r);
        requireLength("ga", ga, k);
        return evaluate(v, a, gv, ga, work);
    }

    /** {@link #loss} that also tallies its work. */
    double loss(double[] v, double[] a, Work work) {
        return evaluate(v, a, null, null, work);
    }

    /**
     * {@code L_plain(w, a) = L(w, ‖w‖ a)}; at {@code w = 0} the loss of the zero student.
     */
    @Override
    public double lossPlain(double[] w, double[] a) {
        requireLength("w", w, r);
        requireLength("a", a, k);
        double nw = Math.sqrt(dot(w, w));
        if (nw == 0) {
            return zeroLoss;
        }
        double[] aEff = new double[k];
        for (int i = 0; i < k; i++) {
            aEff[i] = nw * a[i];
        }
        return evaluate(w, aEff, null, null, null);
    }

    /**
     * Both gradients of {@code L_plain(w, a)}: {@code ∂L_plain/∂a = ‖w‖ ∂L/∂a}, {@code ∂L_plain/∂w = (aᵀ∂L/∂a) ŵ + ∂L/∂v},
     * all at {@code (v = w, ‖w‖a)}. At {@code w = 0}, where the ReLU student has no gradient in {@code w}, {@code gw}
     * is NaN and {@code ga = 0} (the zero student's loss does not depend on {@code a}).
     *
     * @return the loss at {@code (w, a)}
     */
    @Override
    public double gradientPlain(double[] w, double[] a, double[] gw, double[] ga) {
        requireLength("w", w, r);
        requireLength("a", a, k);
        requireLength("gw", gw, r);
        requireLength("ga", ga, k);
        double nw = Math.sqrt(dot(w, w));
        if (nw == 0) {
            java.util.Arrays.fill(gw, Double.NaN);
            java.util.Arrays.fill(ga, 0);
            return zeroLoss;
        }
        double[] aEff = new double[k];
        for (int i = 0; i < k; i++) {
            aEff[i] = nw * a[i];
        }
        double[] gEff = new double[k];
        double loss = evaluate(w, aEff, gw, gEff, null);
        double radial = dot(a, gEff);
        for (int i = 0; i < r; i++) {
            gw[i] += radial * w[i] / nw;
        }
        for (int i = 0; i < k; i++) {
            ga[i] = nw * gEff[i];
        }
        return loss;
    }

    /** The loss and, when {@code gv != null}, both gradients (see the class comment for the formulas). */
    private double evaluate(double[] v, double[] a, double[] gv, double[] ga, Work work) {
        requireLength("v", v, r);
        requireLength("a", a, k);
        boolean grad = gv != null;
        double nv = Math.sqrt(dot(v, v));
        double[] w = new double[r];
        double[] dl = new double[r];
        for (int b = 0; b < r; b++) {
            w[b] = v[b] / nv;
            dl[b] = w[b] - wHat[b];
        }
        double phi = angle(v);
        double h = ArcCosine.piMinusG(phi);
        double[] e = deviation(a, 1.0);
        double u = sum(e);
        double d2 = dot(e, e);
        double pa = dot(e, aStar) + c * n2;
        double[] g = grad ? lagZeroGradients(a, e, u, h, phi, dl, ga) : null;
        double lag = 0;
        for (int t = 1; t <= lags; t++) {
            int sh = t * s;
            int len = r - sh;
            double p = 0;
            double q = 0;
            double rr = 0;
            for (int b = 0; b < len; b++) {
                p += dl[b + sh] * wHat[b];
                q += wHat[b + sh] * dl[b];
                rr += dl[b + sh] * dl[b];
            }
            int kt = k - t;
            double aee = 0; // A_t(e, e)
            double aes = 0; // A_t(e, a*)
            double ase = 0; // A_t(a*, e)
            for (int i = 0; i < kt; i++) {
                aee += e[i] * e[i + t];
                aes += e[i] * aStar[i + t];
                ase += aStar[i] * e[i + t];
            }
            double cw = c00[t];
            double c10 = cw + p; // C_t(w, ŵ)
            double c01 = cw + q; // C_t(ŵ, w)
            double c11 = cw + p + q + rr; // C_t(w, w)
            double kw = kappaTilde(c11);
            double dPlus = kappaDiff(c11, c10, q + rr);
            double dMinus = kappaDiff(c11, c01, p + rr);
            double dd = kappaSecondDiff(cw, p, q, rr);
            lag += kw * aee + c * (dPlus * aes + dMinus * ase) + c * c * dd * starLag[t];
            if (work != null) {
                work.add(1, 3L * len, 3L * kt);
            }
            if (!grad) {
                continue;
            }
            // ∂L/∂a: lags ±t
            double cp = c * dPlus;
            double cm = c * dMinus;
            for (int i = 0; i < kt; i++) {
                ga[i] += kw * e[i + t] + cp * aStar[i + t];
                ga[i + t] += kw * e[i] + cm * aStar[i];
            }
            // G: lag +t (S_t x)_m = x_{m − ts}; lag −t (S_{−t} x)_m = x_{m + ts}
            double alpha = PI / 2 + Math.asin(clamp(c11));
            double dbPlus = asinDiff(c11, c10, q + rr); // α_t − β_t
            double dbMinus = asinDiff(c11, c01, p + rr); // α_{−t} − β_{−t}
            double aeP = aee + c * ase; // A_t(a, e)
            double aeM = aee + c * aes; // A_{−t}(a, e) = A_t(e, a)
            double asP = c * (aes + c * starLag[t]); // c A_t(a, a*)
            double asM = c * (ase + c * starLag[t]); // c A_{−t}(a, a*) = c A_t(a*, a)
            for (int b = 0; b < len; b++) {
                int m = b + sh;
                g[m] += aeP * alpha * w[b] + asP * (alpha * dl[b] + dbPlus * wHat[b]);
                g[b] += aeM * alpha * w[m] + asM * (alpha * dl[m] + dbMinus * wHat[m]);
            }
            if (work != null) {
                work.add(0, 2L * len, 2L * kt);
            }
        }
        if (grad) {
            tangential(g, w, nv, gv);
        }
        // clamped at 0: rounding can make the sum a hair negative exactly at the minimum
        return Math.max(0, ((PI - 1) * d2 + 2 * c * h * pa + u * u) / (4 * PI) + lag);
    }

    /**
     * The lag-0 terms of both gradients: {@code ∂L/∂a} as in docs/model.md §2 (deviation form) into
     * {@code ga}, and {@code G = c aᵀa* (π − φ) δ} (returned) that the lags add to.
     */
    private double[] lagZeroGradients(double[] a, double[] e, double u, double h, double phi, double[] dl,
            double[] ga) {
        double ch = c * h;
        for (int i = 0; i < k; i++) {
            ga[i] = ((PI - 1) * e[i] + u + ch * aStar[i]) / TWO_PI;
        }
        double[] g = new double[r];
        double g0 = c * dot(a, aStar) * (PI - phi);
        for (int b = 0; b < r; b++) {
            g[b] = g0 * dl[b];
        }
        return g;
    }

    /** {@code ∂L/∂v = (G − (wᵀG) w) / (2π‖v‖)}: the part of {@code G} orthogonal to {@code w}, into {@code gv}. */
    private void tangential(double[] g, double[] w, double nv, double[] gv) {
        double wg = dot(w, g);
        double scale = 1 / (TWO_PI * nv);
        for (int b = 0; b < r; b++) {
            gv[b] = (g[b] - wg * w[b]) * scale;
        }
    }

    // ---------------------------------------------------------------- the kernel on unit filters

    static double clamp(double x) {
        return x > 1 ? 1 : (x < -1 ? -1 : x);
    }

    /** {@code sqrt(1 − x²)} as {@code sqrt((1 − x)(1 + x))}, for {@code |x| ≤ 1}. */
    private static double sine(double x) {
        return Math.sqrt((1 - x) * (1 + x));
    }

    /**
     * {@code κ̃(C) = κ(C) − κ(0) = (1/2π)[C(π/2 + asin C) − C²/(1 + sqrt(1 − C²))]}
     * (the form of {@code sqrt(1 − C²) − 1} without cancellation near {@code C = 0}); {@code C} is clamped to [−1, 1].
     */
    static double kappaTilde(double cc) {
        double x = clamp(cc);
        return (x * (PI / 2 + Math.asin(x)) - x * x / (1 + sine(x))) / TWO_PI;
    }

    /**
     * {@code asin x − asin y} from {@code x, y} and their difference {@code dxy = x − y} (supplied accurately by
     * the caller), as {@code atan2(sin(α − β), cos(α − β))} with {@code sin(α − β) = x√(1−y²) − y√(1−x²)}: for
     * {@code xy > 0} that difference is rewritten {@code dxy (x + y)/(x√(1−y²) + y√(1−x²))}, for {@code xy ≤ 0} its
     * two terms have the same sign. No cancellation either way: full relative accuracy as {@code dxy → 0}.
     */
    static double asinDiff(double xx, double yy, double dxy) {
        double x = clamp(xx);
        double y = clamp(yy);
        double sx = sine(x);
        double sy = sine(y);
        double num;
        if (x * y > 0) {
            double den = x * sy + y * sx;
            if (den == 0) {
                return Math.asin(x) - Math.asin(y);
            }
            num = dxy * (x + y) / den;
        } else {
            num = x * sy - y * sx;
        }
        return Math.atan2(num, sx * sy + x * y);
    }

    /**
     * {@code κ(x) − κ(y)} from {@code x, y} and {@code dxy = x − y}: with {@code κ(C) = C/4 + ψ(C)/2π},
     * {@code ψ(C) = C asin C + √(1 − C²)},
     * <pre>  ψ(x) − ψ(y) = dxy [asin x − (x + y)/(√(1−x²) + √(1−y²))] + y (asin x − asin y),</pre>
     * ({@code x asin x − y asin y = dxy asin x + y(asin x − asin y)}, {@code √(1−x²) − √(1−y²) = −dxy(x + y)/(…)}),
     * every term proportional to {@code dxy} or to {@link #asinDiff}: relative accuracy as {@code dxy → 0}.
     */
    static double kappaDiff(double xx, double yy, double dxy) {
        double x = clamp(xx);
        double y = clamp(yy);
        double ss = sine(x) + sine(y);
        double bracket = Math.asin(x) - (ss == 0 ? 0 : (x + y) / ss);
        return dxy / 4 + (dxy * bracket + y * asinDiff(x, y, dxy)) / TWO_PI;
    }

    /**
     * The second difference {@code F(1,1) − F(1,0) − F(0,1) + F(0,0)} of {@code F(α, β) = κ(C(α, β))},
     * {@code C(α, β) = c00 + α p + β q + αβ ϱ} (the lag-{@code t} covariance of {@code ŵ + αδ} and {@code ŵ + βδ}).
     *
     * <p>It equals {@code ∫₀¹ [∂_αF(α, 1) − ∂_αF(α, 0)] dα} with {@code ∂_αF = κ'(C)(p + β ϱ)}, i.e.
     * <pre>  ∫₀¹ { p [asin C(α,1) − asin C(α,0)] + ϱ (π/2 + asin C(α,1)) } dα / 2π,</pre>
     * the inner difference by {@link #asinDiff} with {@code C(α,1) − C(α,0) = q + αϱ}. The integrand is analytic in
     * {@code α} except where {@code C(α, β) = ±1}; with {@code W = |p| + |q| + |ϱ|} and {@code m = 1 − max |C|} over
     * the four corners (the extremes of a bilinear function), those points are at distance ≥ {@code m/W} from
     * [0, 1]. When {@code W ≤ m/4} the {@value #GL_N}-point Gauss–Legendre rule is used: the integrand is analytic
     * inside the Bernstein ellipse of [0, 1] with {@code ρ ≥ 12}, so the rule errs by about {@code ρ^{−16} ≈ 1e−17}
     * relative. Otherwise the direct sum of four kernel values is used: its absolute error of a few ulps is then small
     * against the second difference itself, which is not small there.
     */
    static double kappaSecondDiff(double c00, double p, double q, double rr) {
        double x00 = c00;
        double x10 = c00 + p;
        double x01 = c00 + q;
        double x11 = c00 + p + q + rr;
        double big = Math.max(Math.max(Math.abs(x00), Math.abs(x10)), Math.max(Math.abs(x01), Math.abs(x11)));
        double m = 1 - big;
        double width = Math.abs(p) + Math.abs(q) + Math.abs(rr);
        if (!(width <= 0.25 * m)) {
            return kappaTilde(x11) - kappaTilde(x10) - kappaTilde(x01) + kappaTilde(x00);
        }
        double sum = 0;
        for (int j = 0; j < GL_N; j++) {
            double al = GL_X[j];
            double lo = c00 + al * p; // C(α, 0)
            double dq = q + al * rr;
            double hi = lo + dq; // C(α, 1)
            sum += GL_W[j] * (p * asinDiff(hi, lo, dq) + rr * (PI / 2 + Math.asin(clamp(hi))));
        }
        return sum / TWO_PI;
    }

    // ---------------------------------------------------------------- small helpers

    /** {@code Σ_b x_{b+sh} y_b} over {@code b = 0..r−1−sh}: {@code C_t(x, y)} for {@code sh = ts}. */
    static double shifted(double[] x, double[] y, int sh) {
        double acc = 0;
        for (int b = 0; b + sh < x.length; b++) {
            acc += x[b + sh] * y[b];
        }
        return acc;
    }

    /** {@code A_t(x, y) = Σ_i x_i y_{i+t}}, {@code t ≥ 0}. */
    static double lagged(double[] x, double[] y, int t) {
        double acc = 0;
        for (int i = 0; i + t < x.length; i++) {
            acc += x[i] * y[i + t];
        }
        return acc;
    }

    private static void requireLength(String what, double[] x, int n) {
        if (x == null || x.length != n) {
            throw new InvalidInputException(what, "must have length " + n + ", got "
                    + (x == null ? "null" : String.valueOf(x.length)));
        }
    }
}
