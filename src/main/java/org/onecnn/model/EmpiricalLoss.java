package org.onecnn.model;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
 * <h2>Evaluation order</h2>
 * Samples are taken four at a time, one per lane of a 256-bit register of doubles (the JDK's Vector API): lane
 * {@code l} of block {@code b} is sample {@code 4b + l}, and the inputs are held transposed in that layout
 * ({@code X[b][j][l]}), so a patch's entries of four samples are one load. Within a lane every quantity is computed
 * as for its sample alone, with fused multiply-adds; the sums over samples are kept per lane and added across the
 * four lanes in lane order at the end. The last block is padded with samples {@code x = 0}, {@code y = 0}, which
 * add exactly zero to every sum. The bounds above count every term of every sum in any order ({@code γ = Nε} bounds
 * recursive summation whatever the order), so they hold for this one. The forward-only pass and the full pass are
 * one loop ({@link #pass}), so they give the same bits for the loss.
 *
 * <p>Immutable (the arrays are copied) and thread-safe.
 */
public final class EmpiricalLoss implements LossOracle {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
    /** Samples per block: the lanes of {@link #S}. */
    private static final int L = 4;

    private final Architecture arch;
    private final double alpha;
    /** Inputs by block of {@link #L} samples, transposed: {@code x[(b·d + j)·L + l]} is {@code x_{bL + l, j}}. */
    private final double[] xt;
    /** Labels by block, {@code y[b·L + l]}; 0 in the padding. */
    private final double[] yt;
    /** {@code ‖Z_{m,i}‖_∞} by block and patch, {@code zInf[(b·k + i)·L + l]}: a function of the data alone. */
    private final double[] zInf;
    private final int n;
    private final int blocks;

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
        this.n = y.length;
        this.blocks = (n + L - 1) / L;
        int d = arch.d();
        int k = arch.k();
        int r = arch.r();
        int s = arch.s();
        this.xt = new double[blocks * d * L];
        this.yt = new double[blocks * L];
        this.zInf = new double[blocks * k * L];
        for (int m = 0; m < n; m++) {
            int b = m / L;
            int l = m % L;
            yt[b * L + l] = y[m];
            for (int j = 0; j < d; j++) {
                xt[(b * d + j) * L + l] = x[m * d + j];
            }
            for (int i = 0; i < k; i++) {
                double z = 0;
                for (int c = 0; c < r; c++) {
                    z = Math.max(z, Math.abs(x[m * d + i * s + c]));
                }
                zInf[(b * k + i) * L + l] = z;
            }
        }
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
        return evaluateLoss(v, a).loss();
    }

    /** The forward pass alone: {@code L_n} and its rounding bound (as in {@link #evaluate}), no gradients. */
    @Override
    public Evaluation evaluateLoss(double[] v, double[] a) {
        return pass(v, a, false);
    }

    @Override
    public Evaluation evaluate(double[] v, double[] a) {
        return pass(v, a, true);
    }

    /** One pass over the samples: the loss and its bound, and with {@code grads} the gradients and theirs. */
    private Evaluation pass(double[] v, double[] a, boolean grads) {
        int r = arch.r();
        int s = arch.s();
        int k = arch.k();
        int d = arch.d();
        if (v.length != r || a.length != k) {
            throw new IllegalArgumentException("v, a must have lengths " + r + ", " + k);
        }
        double nv = 0;
        for (double e : v) {
            nv += e * e;
        }
        nv = Math.sqrt(nv);
        double[] w = new double[r];
        for (int c = 0; c < r; c++) {
            w[c] = v[c] / nv;
        }
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector al = DoubleVector.broadcast(S, alpha);
        // per lane: Σ ½e², Σ |e| F, Σ (|e| + F)(Σ_i |a_i| ‖Z_i‖_∞ + max_i |σ(z_i)|), and the gradient sums
        DoubleVector loss = zero;
        DoubleVector lossScale = zero;
        DoubleVector gradScale = zero;
        double[] gaSum = new double[k * L];
        double[] gwSum = new double[r * L];
        double[] z = new double[k * L];
        for (int b = 0; b < blocks; b++) {
            int xb = b * d * L;
            DoubleVector f = zero;
            DoubleVector fAbs = zero;
            DoubleVector zMax = zero;
            DoubleVector aZ = zero;
            for (int i = 0; i < k; i++) {
                int off = xb + i * s * L;
                DoubleVector zi = DoubleVector.fromArray(S, xt, off).mul(w[0]);
                for (int c = 1; c < r; c++) {
                    zi = DoubleVector.fromArray(S, xt, off + c * L).fma(DoubleVector.broadcast(S, w[c]), zi);
                }
                VectorMask<Double> on = zi.compare(VectorOperators.GT, zero);
                DoubleVector act = zi.mul(al).blend(zi, on);
                DoubleVector term = act.mul(a[i]);
                f = f.add(term);
                fAbs = fAbs.add(term.abs());
                if (grads) {
                    zi.intoArray(z, i * L);
                    DoubleVector actAbs = act.abs();
                    zMax = zMax.blend(actAbs, actAbs.compare(VectorOperators.GT, zMax));
                    aZ = DoubleVector.fromArray(S, zInf, (b * k + i) * L).fma(DoubleVector.broadcast(S,
                            Math.abs(a[i])), aZ);
                }
            }
            DoubleVector yb = DoubleVector.fromArray(S, yt, b * L);
            DoubleVector res = f.sub(yb);
            DoubleVector big = fAbs.add(yb.abs());
            DoubleVector resAbs = res.abs();
            loss = res.mul(res).fma(DoubleVector.broadcast(S, 0.5), loss);
            lossScale = resAbs.fma(big, lossScale);
            if (!grads) {
                continue;
            }
            gradScale = resAbs.add(big).fma(aZ.add(zMax), gradScale);
            for (int i = 0; i < k; i++) {
                DoubleVector zi = DoubleVector.fromArray(S, z, i * L);
                VectorMask<Double> on = zi.compare(VectorOperators.GT, zero);
                res.fma(zi.mul(al).blend(zi, on), DoubleVector.fromArray(S, gaSum, i * L)).intoArray(gaSum, i * L);
                DoubleVector coef = res.mul(a[i]);
                coef = coef.mul(al).blend(coef, on);
                int off = xb + i * s * L;
                for (int c = 0; c < r; c++) {
                    coef.fma(DoubleVector.fromArray(S, xt, off + c * L), DoubleVector.fromArray(S, gwSum, c * L))
                            .intoArray(gwSum, c * L);
                }
            }
        }
        double gamma = (n + (double) k * r + 8) * Math.ulp(1.0);
        double lossValue = lanes(loss) / n;
        double lossError = gamma * (lossValue + lanes(lossScale) / n);
        if (!grads) {
            return new Evaluation(lossValue, null, null, lossError, Double.NaN);
        }
        double[] ga = new double[k];
        for (int i = 0; i < k; i++) {
            ga[i] = lanes(gaSum, i * L) / n;
        }
        double[] gw = new double[r];
        double along = 0;
        for (int c = 0; c < r; c++) {
            gw[c] = lanes(gwSum, c * L) / n;
            along += w[c] * gw[c];
        }
        double[] gv = new double[r];
        for (int c = 0; c < r; c++) {
            gv[c] = (gw[c] - along * w[c]) / nv;
        }
        double gradError = 2 * gamma * lanes(gradScale) / n * Math.max(1, 1 / nv);
        return new Evaluation(lossValue, gv, ga, lossError, gradError);
    }

    /** The sum of the lanes, in lane order. */
    private static double lanes(DoubleVector x) {
        double[] t = x.toArray();
        return lanes(t, 0);
    }

    private static double lanes(double[] x, int at) {
        double sum = 0;
        for (int l = 0; l < L; l++) {
            sum += x[at + l];
        }
        return sum;
    }
}
