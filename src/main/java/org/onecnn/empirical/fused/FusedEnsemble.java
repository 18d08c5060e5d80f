package org.onecnn.empirical.fused;

import java.util.Arrays;

import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.model.InitialPoint;

/**
 * Students of the fused engine, held in blocks of {@link #lanes} (one SIMD register of the data type: 8 floats or 4
 * doubles), lane {@code l} of block {@code b} being slot {@code b·lanes + l}; the last block is padded with inert
 * students ({@code w = 0}, {@code a = 0}: every value they produce is zero). The arithmetic of a lane never mixes
 * with another lane's, so a student's values do not depend on its slot, its mates, the chunking or the padding.
 *
 * <h2>One gradient pass</h2>
 * For a batch of {@code b} samples (the training set, the rows of a minibatch, or a fresh batch), split into
 * <em>sample blocks</em> of {@code reductionBlock} consecutive batch positions, every pair (student block, sample
 * block) is a task of the thread pool ({@link Workers}) with its own partial sums, which start at zero
 * ({@link #kernel}): per sample, the forward pass and the gradient of the block's students, added in sample order
 * within the sample block, patch by patch within a sample. Then, per student and in double, the partial sums
 * of the sample blocks are added in sample-block order; the filter part is projected once,
 * {@code ∂L/∂v = (I − w wᵀ) G / ‖v‖}. Every sum therefore has an order fixed by the batch and
 * {@code reductionBlock} alone: the values are bit-identical whatever the thread count, the student chunk or the
 * sample chunk (the engine keeps no activations, so {@code sampleChunk} has nothing to bound).
 *
 * <h2>Measurements and the step</h2>
 * The full-batch pass also sums {@code ½e²} per lane (in double) when a measurement asks for the loss; its gradient
 * is kept for the {@link #stepFull} that follows ({@link #gradNorms}, {@link #losses} and the step share one pass).
 * The update is {@code θ ← θ − (η/b)·∇}, computed in double and rounded once to the data type; frozen students do
 * not move.
 */
abstract class FusedEnsemble implements StudentEnsemble {
    final int r;
    final int k;
    final int d;
    final int s;
    final double alpha;
    final double eta;
    final int block;
    final int threads;
    final int lanes;
    /** Samples of the training set (0 online). */
    final int n;
    /** The fresh samples of every step (online), or null. */
    final CounterSamples online;

    /** Students now held, and the blocks that hold them. */
    int students;
    int blocks;
    boolean[] frozen;
    /**
     * Per lane of each pair, {@code Σ ½e²} of the pair's samples (when the pass measured losses), from
     * {@link #lossAt}: pairs a cache line apart, so that two threads never write one line.
     */
    double[] lossPart = new double[0];

    /** Doubles of one cache line (64 bytes). */
    static final int LOSS_PAD = 8;

    /** Where the loss sums of {@code pair} start in {@link #lossPart}. */
    final int lossAt(int pair) {
        return LOSS_PAD + pair * (lanes + LOSS_PAD);
    }

    /** Per slot, ‖v‖ and w = v/‖v‖ in double, as the last pass used them. */
    double[] norm;
    double[][] w;
    /** Per slot, the summed (projected) gradient of the last pass, and its loss sum (full batch with loss only). */
    double[][] gv;
    double[][] ga;
    double[] lossSum;
    /** Whether gv, ga hold the training set's full gradient at the current point (and lossSum its loss). */
    boolean fullGradient;
    boolean fullLoss;

    FusedEnsemble(EmpiricalSpec spec, int lanes, int threads, int n, int students, CounterSamples online) {
        this.r = spec.arch().r();
        this.k = spec.arch().k();
        this.d = spec.arch().d();
        this.s = spec.arch().s();
        this.alpha = spec.leakySlope();
        this.eta = spec.eta();
        this.block = spec.reductionBlock();
        this.threads = threads;
        this.lanes = lanes;
        this.n = n;
        this.online = online;
        this.students = students;
        this.blocks = blocksFor(students);
        this.frozen = new boolean[students];
        allocateSlots();
    }

    /** Blocks of {@link #lanes} for {@code students} (the last one padded). */
    final int blocksFor(int students) {
        return (students + lanes - 1) / lanes;
    }

    private void allocateSlots() {
        norm = new double[students];
        w = new double[students][r];
        gv = new double[students][r];
        ga = new double[students][k];
        lossSum = new double[students];
        fullGradient = false;
        fullLoss = false;
    }

    /** Load the initial points into the parameter arrays (pads stay zero). */
    void load(java.util.List<InitialPoint> inits) {
        for (int i = 0; i < inits.size(); i++) {
            InitialPoint p = inits.get(i);
            for (int q = 0; q < r; q++) {
                setV(i, q, p.v()[q]);
            }
            for (int j = 0; j < k; j++) {
                setA(i, j, p.a()[j]);
            }
        }
    }

    // ---- the data type's storage (block layout: index (b·r + q)·lanes + l for v, w; (b·k + j)·lanes + l for a)

    abstract double v(int slot, int q);

    abstract void setV(int slot, int q, double value);

    abstract double a(int slot, int j);

    abstract void setA(int slot, int j, double value);

    /** Store the filter the kernel uses, rounded to the data type. */
    abstract void setW(int slot, int q, double value);

    /** Make room for partial sums of {@code pairs} (student block, sample block) pairs (contents undefined). */
    abstract void ensurePartials(int pairs);

    /** The partial filter gradient {@code Σ c z_q} (unprojected) of {@code pair}, lane {@code l}. */
    abstract double partialG(int pair, int q, int l);

    /** The partial output-weight gradient {@code Σ e h_j} of {@code pair}, lane {@code l}. */
    abstract double partialGa(int pair, int j, int l);

    /** Keep the slots {@code keep} (ascending) as slots 0, 1, … in {@code newBlocks} blocks; pads zero. */
    abstract void compact(int[] keep, int newBlocks);

    /**
     * One task: the partial sums of student block {@code bl} over batch positions {@code [m0, m1)} into pair
     * {@code pair}, with {@code ½e²} per lane into {@link #lossPart} when {@code loss}.
     *
     * @param batch which batch: {@link #TRAINING} (rows index the training set, null: all of it in order) or
     *              {@link #FRESH} (the fresh batch, in order)
     */
    abstract void kernel(int batch, int[] rows, int bl, int m0, int m1, int pair, boolean loss, int worker);

    static final int TRAINING = 0;
    static final int FRESH = 1;

    /** w = v/‖v‖ of every slot (double, then rounded into the kernel's array); pads keep w = 0. */
    private void prepareFilters() {
        for (int i = 0; i < students; i++) {
            double q2 = 0;
            for (int q = 0; q < r; q++) {
                double e = v(i, q);
                q2 += e * e;
            }
            norm[i] = Math.sqrt(q2);
            for (int q = 0; q < r; q++) {
                w[i][q] = v(i, q) / norm[i];
                setW(i, q, w[i][q]);
            }
        }
    }

    /**
     * The summed gradient of a batch of {@code b} samples into {@link #gv}, {@link #ga} (and the loss sums into
     * {@link #lossSum} when {@code loss}).
     */
    final void pass(int batch, int[] rows, int b, boolean loss) {
        prepareFilters();
        int sb = (b + block - 1) / block;
        int pairs = blocks * sb;
        ensurePartials(pairs);
        if (loss && lossPart.length < lossAt(pairs)) {
            lossPart = new double[lossAt(pairs)];
        }
        Workers.parallelFor(pairs, threads, (i, worker) -> {
            int m0 = (i % sb) * block;
            kernel(batch, rows, i / sb, m0, Math.min(b, m0 + block), i, loss, worker);
        });
        for (int slot = 0; slot < students; slot++) {
            int bl = slot / lanes;
            int l = slot % lanes;
            double[] g = new double[r];
            double[] gaS = ga[slot];
            Arrays.fill(gaS, 0);
            double ls = 0;
            for (int j = 0; j < sb; j++) {
                int pair = bl * sb + j;
                for (int q = 0; q < r; q++) {
                    g[q] += partialG(pair, q, l);
                }
                for (int jj = 0; jj < k; jj++) {
                    gaS[jj] += partialGa(pair, jj, l);
                }
                if (loss) {
                    ls += lossPart[lossAt(pair) + l];
                }
            }
            // ∂L/∂v = (G − w (wᵀG)) / ‖v‖, the chain rule of w = v/‖v‖
            double[] wi = w[slot];
            double along = 0;
            for (int q = 0; q < r; q++) {
                along += wi[q] * g[q];
            }
            for (int q = 0; q < r; q++) {
                gv[slot][q] = (g[q] - wi[q] * along) / norm[slot];
            }
            lossSum[slot] = ls;
        }
    }

    /** The full training set's gradient (and loss, if asked) at the current point, unless already there. */
    private void fullPass(boolean loss) {
        if (!fullGradient || (loss && !fullLoss)) {
            pass(TRAINING, null, n, loss);
            fullGradient = true;
            fullLoss = loss;
        }
    }

    /** {@code θ ← θ − (η/b)·∇} for every slot not frozen, in double, rounded once to the data type. */
    final void update(int b) {
        double c = eta / b;
        for (int slot = 0; slot < students; slot++) {
            if (frozen[slot]) {
                continue;
            }
            for (int q = 0; q < r; q++) {
                setV(slot, q, v(slot, q) - gv[slot][q] * c);
            }
            for (int j = 0; j < k; j++) {
                setA(slot, j, a(slot, j) - ga[slot][j] * c);
            }
        }
        fullGradient = false;
        fullLoss = false;
    }

    @Override
    public int size() {
        return students;
    }

    @Override
    public double[] gradNorms() {
        fullPass(true);
        double[] out = new double[students];
        for (int slot = 0; slot < students; slot++) {
            double q2 = 0;
            for (int q = 0; q < r; q++) {
                double e = gv[slot][q] / n;
                q2 += e * e;
            }
            for (int j = 0; j < k; j++) {
                double e = ga[slot][j] / n;
                q2 += e * e;
            }
            out[slot] = Math.sqrt(q2);
        }
        return out;
    }

    @Override
    public double[] losses() {
        fullPass(true);
        double[] out = new double[students];
        for (int slot = 0; slot < students; slot++) {
            out[slot] = lossSum[slot] / n;
        }
        return out;
    }

    @Override
    public double[][] filters() {
        double[][] out = new double[students][r];
        for (int slot = 0; slot < students; slot++) {
            for (int q = 0; q < r; q++) {
                out[slot][q] = v(slot, q);
            }
        }
        return out;
    }

    @Override
    public double[][] outputWeights() {
        double[][] out = new double[students][k];
        for (int slot = 0; slot < students; slot++) {
            for (int j = 0; j < k; j++) {
                out[slot][j] = a(slot, j);
            }
        }
        return out;
    }

    @Override
    public void freeze(int slot) {
        frozen[slot] = true;
    }

    /**
     * Keep the live students when that saves a block of lanes: a lane's values do not depend on its slot or its
     * mates, so moving them changes no bit.
     */
    @Override
    public boolean repack(int[] keep) {
        int newBlocks = blocksFor(keep.length);
        if (keep.length == 0 || newBlocks >= blocks) {
            return false;
        }
        compact(keep, newBlocks);
        boolean[] fz = new boolean[keep.length];
        for (int i = 0; i < keep.length; i++) {
            fz[i] = frozen[keep[i]];
        }
        students = keep.length;
        blocks = newBlocks;
        frozen = fz;
        allocateSlots();
        return true;
    }

    @Override
    public void stepFull() {
        fullPass(false);
        update(n);
    }

    /** Rows of an online batch generated per task (any split gives the same bits: a row is a function of its index). */
    static final int FILL_ROWS = 256;

    /**
     * One step on the fresh batch of {@code step}: the engine draws it from the counter-based samples given at open
     * ({@link #online}), rows in parallel, then one pass over it in order.
     */
    @Override
    public void stepOnline(long step) {
        if (online == null) {
            throw new IllegalStateException("stepOnline needs the online samples at open");
        }
        int b = online.batchSize();
        prepareFresh(b);
        Workers.parallelFor((b + FILL_ROWS - 1) / FILL_ROWS, threads,
                (i, worker) -> fillFresh(step, i * FILL_ROWS, Math.min(FILL_ROWS, b - i * FILL_ROWS), worker));
        pass(FRESH, null, b, false);
        update(b);
    }

    /** Make the fresh batch hold {@code b} rows. */
    abstract void prepareFresh(int b);

    /** Rows {@code row0 … row0 + rows − 1} of the batch of {@code step} into the fresh batch. */
    abstract void fillFresh(long step, int row0, int rows, int worker);

    @Override
    public void stepRows(int[] rows) {
        pass(TRAINING, rows, rows.length, false);
        fullGradient = false;
        update(rows.length);
    }
}
