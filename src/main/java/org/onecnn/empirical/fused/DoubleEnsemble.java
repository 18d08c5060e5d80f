package org.onecnn.empirical.fused;

import java.util.Arrays;
import java.util.List;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.model.InitialPoint;

/**
 * The fused engine in double: {@link FusedEnsemble} with {@value #L} students per 256-bit register. Written from
 * the same text as {@link FloatEnsemble}: edit FloatEnsemble.java, not this file, then run {@code scripts/gen-double-ensemble.sh} (only the
 * element type and the lane count differ; {@code FusedSourcesTest} checks that the two are in step).
 *
 * <h2>The kernel, per sample (lanes = students of one block)</h2>
 * <pre>
 *   forward   P_j = Σ_q w_q z_{j,q}            (the first product, then fma in q order)
 *             H_j = P_j where P_j &gt; 0, else α P_j   (= max(P_j, α P_j); a compare and a blend: the JIT's
 *                                                    lane-wise max costs five instructions for Java's NaN rules)
 *             f   = Σ_j a_j H_j                 (fma in j order from 0)
 *             e   = f − y
 *   backward  GA_j += e H_j                     (fma)
 *             c_j  = e a_j · σ'(P_j),  σ' = 1 where H_j &gt; 0, else α   (DL4J's convention: ReLU' (0) = 0)
 *             G_q += c_j z_{j,q}                (fma, j in order)
 * </pre>
 * The patch values {@code z_{j,q} = x[j·s + q]} are read from the sample's row (overlapping or not), broadcast to
 * every lane. Filter size 6 has its own loop with {@code w} (and, within a sample, {@code G}) in registers; other
 * sizes load them from small arrays that stay in L1. Both add the same products in the same order, so they give
 * the same bits.
 */
final class DoubleEnsemble extends FusedEnsemble {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
    static final int L = 4;
    /**
     * Elements of one cache line (64 bytes): the gap between two pairs' partial sums and around each worker's
     * scratch, so that no line holds values that two threads write (tasks that run at once are neighbours, and
     * these values are written every sample or patch).
     */
    static final int PAD = 2 * L;

    private double[] v;
    private double[] a;
    private double[] wk;
    private double[] pg = new double[0];
    private double[] pga = new double[0];
    private final double[] x;
    private final double[] y;
    private double[] xf = new double[0];
    private double[] yf = new double[0];
    private final double[][] hs;
    private final double[][] cs;
    private final double[][] es;
    /** Per worker, for {@link #kernel6}: per patch {@code j}, the block's {@code a_j}, {@code H_j}, {@code GA_j}. */
    private final double[][] ts;
    /** Per worker, the rows of an online batch it generates (CounterSamples writes from index 0). */
    private final double[][] fillX;
    private final double[][] fillY;

    /**
     * @param x the training set row-major {@code [n, d]} (null online)
     * @param y its labels (null online)
     * @param online the fresh samples of every step (online), or null
     */
    DoubleEnsemble(EmpiricalSpec spec, int threads, List<InitialPoint> inits, double[] x, double[] y,
            CounterSamples online) {
        super(spec, L, threads, y == null ? 0 : y.length, inits.size(), online);
        this.x = x;
        this.y = y;
        this.v = new double[blocks * r * L];
        this.a = new double[blocks * k * L];
        this.wk = new double[blocks * r * L];
        this.hs = new double[threads][PAD + k * L + PAD];
        this.cs = new double[threads][PAD + k * L + PAD];
        this.es = new double[threads][PAD + L + PAD];
        this.ts = new double[threads][PAD + 3 * k * L + PAD];
        this.fillX = new double[threads][];
        this.fillY = new double[threads][];
        load(inits);
    }

    @Override
    double v(int slot, int q) {
        return v[((slot / L) * r + q) * L + slot % L];
    }

    @Override
    void setV(int slot, int q, double value) {
        v[((slot / L) * r + q) * L + slot % L] = value;
    }

    @Override
    double a(int slot, int j) {
        return a[((slot / L) * k + j) * L + slot % L];
    }

    @Override
    void setA(int slot, int j, double value) {
        a[((slot / L) * k + j) * L + slot % L] = value;
    }

    @Override
    void setW(int slot, int q, double value) {
        wk[((slot / L) * r + q) * L + slot % L] = value;
    }

    @Override
    void ensurePartials(int pairs) {
        if (pg.length < gAt(pairs)) {
            pg = new double[gAt(pairs)];
            pga = new double[gaAt(pairs)];
        }
    }

    /** Where the partial filter gradient of {@code pair} starts in {@link #pg} (pairs a cache line apart). */
    private int gAt(int pair) {
        return PAD + pair * (r * L + PAD);
    }

    /** Where the partial output-weight gradient of {@code pair} starts in {@link #pga}. */
    private int gaAt(int pair) {
        return PAD + pair * (k * L + PAD);
    }

    @Override
    double partialG(int pair, int q, int l) {
        return pg[gAt(pair) + q * L + l];
    }

    @Override
    double partialGa(int pair, int j, int l) {
        return pga[gaAt(pair) + j * L + l];
    }

    @Override
    void compact(int[] keep, int newBlocks) {
        double[] nv = new double[newBlocks * r * L];
        double[] na = new double[newBlocks * k * L];
        for (int i = 0; i < keep.length; i++) {
            int from = keep[i];
            for (int q = 0; q < r; q++) {
                nv[((i / L) * r + q) * L + i % L] = v[((from / L) * r + q) * L + from % L];
            }
            for (int j = 0; j < k; j++) {
                na[((i / L) * k + j) * L + i % L] = a[((from / L) * k + j) * L + from % L];
            }
        }
        v = nv;
        a = na;
        wk = new double[newBlocks * r * L];
    }

    @Override
    void prepareFresh(int b) {
        if (yf.length != b) {
            xf = new double[b * d];
            yf = new double[b];
        }
    }

    @Override
    void fillFresh(long step, int row0, int rows, int worker) {
        if (fillX[worker] == null) {
            fillX[worker] = new double[FILL_ROWS * d];
            fillY[worker] = new double[FILL_ROWS];
        }
        online.fill(step, row0, rows, fillX[worker], fillY[worker]);
        System.arraycopy(fillX[worker], 0, xf, row0 * d, rows * d);
        System.arraycopy(fillY[worker], 0, yf, row0, rows);
    }

    @Override
    void kernel(int batch, int[] rows, int bl, int m0, int m1, int pair, boolean loss, int worker) {
        double[] xs = batch == TRAINING ? x : xf;
        double[] ys = batch == TRAINING ? y : yf;
        Arrays.fill(pg, gAt(pair), gAt(pair) + r * L, 0.0);
        Arrays.fill(pga, gaAt(pair), gaAt(pair) + k * L, 0.0);
        if (loss) {
            Arrays.fill(lossPart, lossAt(pair), lossAt(pair) + L, 0.0);
        }
        if (r == 6) {
            kernel6(xs, ys, rows, bl, m0, m1, pair, loss, worker);
        } else {
            kernelAny(xs, ys, rows, bl, m0, m1, pair, loss, worker);
        }
    }

    /** {@code ½e²} of each lane, added in double to the pair's loss sums. */
    private void addLoss(DoubleVector e, int pair, int worker) {
        double[] el = es[worker];
        e.intoArray(el, PAD);
        int o = lossAt(pair);
        for (int l = 0; l < L; l++) {
            double ev = el[PAD + l];
            lossPart[o + l] += 0.5 * ev * ev;
        }
    }

    /** One block {@code bl}, any filter size: the sums of the pair {@code pair}. */
    private void kernelAny(double[] xs, double[] ys, int[] rows, int bl, int m0, int m1, int pair, boolean loss,
            int worker) {
        double[] h = hs[worker];
        double[] c = cs[worker];
        int wOff = bl * r * L;
        int aOff = bl * k * L;
        int gOff = gAt(pair);
        int gaOff = gaAt(pair);
        DoubleVector zero = DoubleVector.zero(S);
        boolean relu = alpha == 0;
        double al = alpha;
        for (int i = m0; i < m1; i++) {
            int row = rows == null ? i : rows[i];
            int base = row * d;
            DoubleVector f = zero;
            for (int j = 0; j < k; j++) {
                int z = base + j * s;
                DoubleVector acc = DoubleVector.fromArray(S, wk, wOff).mul(xs[z]);
                for (int q = 1; q < r; q++) {
                    acc = DoubleVector.fromArray(S, wk, wOff + q * L).fma(DoubleVector.broadcast(S, xs[z + q]), acc);
                }
                DoubleVector hj = (relu ? zero : acc.mul(al)).blend(acc, acc.compare(VectorOperators.GT, zero));
                hj.intoArray(h, PAD + j * L);
                f = DoubleVector.fromArray(S, a, aOff + j * L).fma(hj, f);
            }
            DoubleVector e = f.sub(ys[row]);
            if (loss) {
                addLoss(e, pair, worker);
            }
            for (int j = 0; j < k; j++) {
                DoubleVector hj = DoubleVector.fromArray(S, h, PAD + j * L);
                e.fma(hj, DoubleVector.fromArray(S, pga, gaOff + j * L)).intoArray(pga, gaOff + j * L);
                DoubleVector ea = e.mul(DoubleVector.fromArray(S, a, aOff + j * L));
                (relu ? zero : ea.mul(al)).blend(ea, hj.compare(VectorOperators.GT, zero)).intoArray(c, PAD + j * L);
            }
            for (int q = 0; q < r; q++) {
                DoubleVector g = DoubleVector.fromArray(S, pg, gOff + q * L);
                for (int j = 0; j < k; j++) {
                    g = DoubleVector.fromArray(S, c, PAD + j * L).fma(DoubleVector.broadcast(S, xs[base + j * s + q]), g);
                }
                g.intoArray(pg, gOff + q * L);
            }
        }
    }

    /**
     * {@link #kernelAny} for filter size 6 on one block: the filter in registers, and {@code G} in registers over
     * the patches of a sample (it goes through the pair's partial sums in L1 between samples: C2 of JDK 17 boxes
     * vectors carried around two nested loops, measured ten times slower). Each lane adds the same products in the
     * same order as {@link #kernelAny}. (Two blocks interleaved in one loop measured no faster: the sixteen vector
     * registers of AVX2 do not hold both, and the spilled accumulators put a store and a load into their chains.)
     */
    private void kernel6(double[] xs, double[] ys, int[] rows, int bl, int m0, int m1, int pair, boolean loss,
            int worker) {
        // a_j, H_j and GA_j of patch j side by side in one scratch array (GA_j starts at zero and goes to the
        // pair's partial sums at the end, the same sums): one base and one index for the three, which keeps C2's
        // loops free of spilled array references (its code reloaded them from the stack on every patch)
        double[] t = ts[worker];
        int aOff = bl * k * L;
        int step = 3 * L;
        int end = PAD + k * step;
        for (int j = 0, o = PAD; j < k; j++, o += step) {
            System.arraycopy(a, aOff + j * L, t, o, L);
            Arrays.fill(t, o + 2 * L, o + 3 * L, 0.0);
        }
        int gOff = gAt(pair);
        int sx = s;
        DoubleVector zero = DoubleVector.zero(S);
        boolean relu = alpha == 0;
        double al = alpha;
        int wOff = bl * 6 * L;
        DoubleVector w0 = DoubleVector.fromArray(S, wk, wOff);
        DoubleVector w1 = DoubleVector.fromArray(S, wk, wOff + L);
        DoubleVector w2 = DoubleVector.fromArray(S, wk, wOff + 2 * L);
        DoubleVector w3 = DoubleVector.fromArray(S, wk, wOff + 3 * L);
        DoubleVector w4 = DoubleVector.fromArray(S, wk, wOff + 4 * L);
        DoubleVector w5 = DoubleVector.fromArray(S, wk, wOff + 5 * L);
        for (int i = m0; i < m1; i++) {
            int row = rows == null ? i : rows[i];
            int base = row * d;
            DoubleVector f = zero;
            for (int o = PAD, z = base; o < end; o += step, z += sx) {
                DoubleVector acc = w0.mul(xs[z]);
                acc = w1.fma(DoubleVector.broadcast(S, xs[z + 1]), acc);
                acc = w2.fma(DoubleVector.broadcast(S, xs[z + 2]), acc);
                acc = w3.fma(DoubleVector.broadcast(S, xs[z + 3]), acc);
                acc = w4.fma(DoubleVector.broadcast(S, xs[z + 4]), acc);
                acc = w5.fma(DoubleVector.broadcast(S, xs[z + 5]), acc);
                DoubleVector hj = (relu ? zero : acc.mul(al)).blend(acc, acc.compare(VectorOperators.GT, zero));
                hj.intoArray(t, o + L);
                f = DoubleVector.fromArray(S, t, o).fma(hj, f);
            }
            DoubleVector e = f.sub(ys[row]);
            if (loss) {
                addLoss(e, pair, worker);
            }
            DoubleVector g0 = DoubleVector.fromArray(S, pg, gOff);
            DoubleVector g1 = DoubleVector.fromArray(S, pg, gOff + L);
            DoubleVector g2 = DoubleVector.fromArray(S, pg, gOff + 2 * L);
            DoubleVector g3 = DoubleVector.fromArray(S, pg, gOff + 3 * L);
            DoubleVector g4 = DoubleVector.fromArray(S, pg, gOff + 4 * L);
            DoubleVector g5 = DoubleVector.fromArray(S, pg, gOff + 5 * L);
            for (int o = PAD, z = base; o < end; o += step, z += sx) {
                DoubleVector hj = DoubleVector.fromArray(S, t, o + L);
                e.fma(hj, DoubleVector.fromArray(S, t, o + 2 * L)).intoArray(t, o + 2 * L);
                DoubleVector ea = e.mul(DoubleVector.fromArray(S, t, o));
                DoubleVector c = (relu ? zero : ea.mul(al)).blend(ea, hj.compare(VectorOperators.GT, zero));
                g0 = c.fma(DoubleVector.broadcast(S, xs[z]), g0);
                g1 = c.fma(DoubleVector.broadcast(S, xs[z + 1]), g1);
                g2 = c.fma(DoubleVector.broadcast(S, xs[z + 2]), g2);
                g3 = c.fma(DoubleVector.broadcast(S, xs[z + 3]), g3);
                g4 = c.fma(DoubleVector.broadcast(S, xs[z + 4]), g4);
                g5 = c.fma(DoubleVector.broadcast(S, xs[z + 5]), g5);
            }
            g0.intoArray(pg, gOff);
            g1.intoArray(pg, gOff + L);
            g2.intoArray(pg, gOff + 2 * L);
            g3.intoArray(pg, gOff + 3 * L);
            g4.intoArray(pg, gOff + 4 * L);
            g5.intoArray(pg, gOff + 5 * L);
        }
        int gaOff = gaAt(pair);
        for (int j = 0, o = PAD; j < k; j++, o += step) {
            System.arraycopy(t, o + 2 * L, pga, gaOff + j * L, L);
        }
    }
}
