package org.onecnn.model;

/**
 * The empirical loss of one student on a training set, in double, and its exact gradient: a pure-Java reference
 * (no ND4J), independent of the training engines. With patches {@code Z_i = x[i s .. i s + r − 1]}, the leaky unit
 * {@code σ(z) = max(z, αz)} ({@code 0 ≤ α < 1}; ReLU at {@code α = 0}) and {@code w = v/‖v‖}:
 * <pre>
 *   f(x)     = Σ_i a_i σ(wᵀZ_i)
 *   L_n      = (1/n) Σ_m ½ (f(x_m) − y_m)²
 *   ∂L_n/∂a_i = (1/n) Σ_m (f(x_m) − y_m) σ(wᵀZ_{m,i})
 *   g_w      = (1/n) Σ_m (f(x_m) − y_m) Σ_i a_i σ'(wᵀZ_{m,i}) Z_{m,i}     (σ'(z) = 1 for z > 0, α otherwise)
 *   ∂L_n/∂v  = (I − wwᵀ) g_w / ‖v‖
 * </pre>
 * At a kink ({@code wᵀZ = 0} exactly) the one-sided derivative {@code σ'(0) = α} is used, as the engines do
 * ({@code L_n} is piecewise smooth: its gradient jumps across {@code wᵀZ_{m,i} = 0}).
 *
 * <p>Rounding bounds ({@link LossOracle.Evaluation}): every sum is recursive over at most {@code N = n + k r + 8}
 * terms, so with {@code γ = N ε} the loss carries at most {@code γ (L_n + (1/n) Σ_m |r_m| F_m)}, where
 * {@code r_m = f − y} and {@code F_m = Σ_i |a_i σ(z_i)| + |y_m|} bounds the magnitude of what cancels in
 * {@code r_m}; each gradient component carries at most
 * {@code 2γ (1/n) Σ_m (|r_m| + F_m) (Σ_i |a_i| ‖Z_{m,i}‖_∞ + max_i |σ(z_i)|) · max(1, 1/‖v‖)}.
 * These are magnitude bounds (worst-case summation), far above the typical error.
 *
 * <p>Immutable (the arrays are copied) and thread-safe.
 */
public final class EmpiricalLoss implements LossOracle {
    private final Architecture arch;
    private final double alpha;
    private final double[] x;
    private final double[] y;
    private final int n;

    /**
     * @param arch  the shape {@code (d, r, s)}
     * @param alpha the leaky slope, {@code 0 ≤ α < 1}
     * @param x     inputs, row-major {@code n × d}
     * @param y     labels, length {@code n ≥ 1}
     */
    public EmpiricalLoss(Architecture arch, double alpha, double[] x, double[] y) {
        if (!(alpha >= 0 && alpha < 1)) {
            throw new IllegalArgumentException("leaky slope must be in [0, 1), got " + alpha);
        }
        if (y.length < 1 || x.length != (long) y.length * arch.d()) {
            throw new IllegalArgumentException("x must be n × d = " + y.length + " × " + arch.d());
        }
        this.arch = arch;
        this.alpha = alpha;
        this.x = x.clone();
        this.y = y.clone();
        this.n = y.length;
    }

    /** The number of samples. */
    public int n() {
        return n;
    }

    @Override
    public int filterSize() {
        return arch.r();
    }

    @Override
    public int outputs() {
        return arch.k();
    }

    /** {@code L_n(v, a)}. */
    public double loss(double[] v, double[] a) {
        return evaluate(v, a).loss();
    }

    /** {@code ‖v‖}, after checking that {@code v} and {@code a} fit the architecture. */
    private double checkedNorm(double[] v, double[] a) {
        if (v.length != arch.r() || a.length != arch.k()) {
            throw new IllegalArgumentException("v, a must have lengths " + arch.r() + ", " + arch.k());
        }
        double nv = 0;
        for (double e : v) {
            nv += e * e;
        }
        return Math.sqrt(nv);
    }

    /** {@code w = v/‖v‖}. */
    private static double[] unit(double[] v, double nv) {
        double[] w = new double[v.length];
        for (int c = 0; c < v.length; c++) {
            w[c] = v[c] / nv;
        }
        return w;
    }

    /**
     * {@code γ = (n + k r + 8) ε}: the relative rounding bound of the sums over samples, patches and filter entries
     * that both passes use for their error bounds.
     */
    private double gamma() {
        return (n + (double) arch.k() * arch.r() + 8) * Math.ulp(1.0);
    }

    /** The forward pass alone: {@code L_n} and its rounding bound (as in {@link #evaluate}), no gradients. */
    @Override
    public Evaluation evaluateLoss(double[] v, double[] a) {
        int r = arch.r();
        int s = arch.s();
        int k = arch.k();
        int d = arch.d();
        double nv = checkedNorm(v, a);
        double[] w = unit(v, nv);
        double loss = 0;
        double lossScale = 0;
        for (int m = 0; m < n; m++) {
            int row = m * d;
            double f = 0;
            double fAbs = 0;
            for (int i = 0; i < k; i++) {
                int off = row + i * s;
                double zi = 0;
                for (int c = 0; c < r; c++) {
                    zi += w[c] * x[off + c];
                }
                double act = zi > 0 ? zi : alpha * zi;
                f += a[i] * act;
                fAbs += Math.abs(a[i] * act);
            }
            double res = f - y[m];
            loss += 0.5 * res * res;
            lossScale += Math.abs(res) * (fAbs + Math.abs(y[m]));
        }
        loss /= n;
        double gamma = gamma();
        return new Evaluation(loss, null, null, gamma * (loss + lossScale / n), Double.NaN);
    }

    @Override
    public Evaluation evaluate(double[] v, double[] a) {
        int r = arch.r();
        int s = arch.s();
        int k = arch.k();
        int d = arch.d();
        double nv = checkedNorm(v, a);
        double[] w = unit(v, nv);
        double[] gw = new double[r];
        double[] ga = new double[k];
        double[] z = new double[k];
        double loss = 0;
        double lossScale = 0;
        double gradScale = 0;
        for (int m = 0; m < n; m++) {
            int row = m * d;
            double f = 0;
            double fAbs = 0;
            double zMax = 0;
            double aZ = 0;
            for (int i = 0; i < k; i++) {
                int off = row + i * s;
                double zi = 0;
                double zInf = 0;
                for (int c = 0; c < r; c++) {
                    zi += w[c] * x[off + c];
                    zInf = Math.max(zInf, Math.abs(x[off + c]));
                }
                double act = zi > 0 ? zi : alpha * zi;
                z[i] = zi;
                f += a[i] * act;
                fAbs += Math.abs(a[i] * act);
                zMax = Math.max(zMax, Math.abs(act));
                aZ += Math.abs(a[i]) * zInf;
            }
            double res = f - y[m];
            double big = fAbs + Math.abs(y[m]);
            loss += 0.5 * res * res;
            lossScale += Math.abs(res) * big;
            gradScale += (Math.abs(res) + big) * (aZ + zMax);
            for (int i = 0; i < k; i++) {
                double zi = z[i];
                ga[i] += res * (zi > 0 ? zi : alpha * zi);
                double coef = res * a[i] * (zi > 0 ? 1 : alpha);
                if (coef != 0) {
                    int off = row + i * s;
                    for (int c = 0; c < r; c++) {
                        gw[c] += coef * x[off + c];
                    }
                }
            }
        }
        loss /= n;
        for (int i = 0; i < k; i++) {
            ga[i] /= n;
        }
        double along = 0;
        for (int c = 0; c < r; c++) {
            gw[c] /= n;
            along += w[c] * gw[c];
        }
        double[] gv = new double[r];
        for (int c = 0; c < r; c++) {
            gv[c] = (gw[c] - along * w[c]) / nv;
        }
        double gamma = gamma();
        double lossError = gamma * (loss + lossScale / n);
        double gradError = 2 * gamma * gradScale / n * Math.max(1, 1 / nv);
        return new Evaluation(loss, gv, ga, lossError, gradError);
    }
}
