package org.onecnn.empirical.cuda;

import java.util.ArrayList;
import java.util.List;

import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.model.InitialPoint;

/**
 * Students of the {@code cuda} engine, held on the GPU: the fused engine's arithmetic ({@code FusedEnsemble}) done by
 * onecnn's kernels (src/main/cuda/onecnn.cu), operation for operation, so the values are the fused engine's bits.
 *
 * <h2>A pass over a batch of b samples</h2>
 * {@code prepare} (per student: {@code ‖v‖} and {@code w = v/‖v‖} in double, w rounded to the data type), then
 * {@code grad} (one thread per student and sample block of {@code reductionBlock} positions: its partial sums,
 * samples in order, in the data type, with {@code ½e²} in double when a measurement asks), then {@code reduce} (per
 * student: the partial sums added in double in sample-block order, the filter part projected). No atomics: every sum
 * has the order the batch and {@code reductionBlock} fix, so reruns are bit-identical. A step adds {@code update}
 * ({@code θ ← θ − (η/b)·∇} in double, rounded once; frozen students do not move) and waits for the GPU, so a step's
 * faults surface in it and wall-clock timing is right.
 *
 * <p>Online, {@code gen} first draws the step's batch on the GPU from the {@link CounterSamples}' key and the step
 * (the same bits as {@link CounterSamples#fill}). A fixed training set that is a generator's batch of step 0 (a
 * generated data set, {@link org.onecnn.empirical.data.TrainingSet#generator}) is drawn on the GPU by the same
 * kernel once, at open, with the same bits as the CPU's draw, which then never runs unless something else reads
 * the set; any other fixed set is copied to the GPU once, at open.
 *
 * <p>{@link #repack} declines: every slot keeps its column (frozen ones only skip the update), which changes no value.
 * {@link #close} frees the device memory (the engine closes a thread's previous ensemble when it opens the next).
 * After it every method but {@link #close} and {@link #size} throws {@link IllegalStateException}: the buffers'
 * addresses are freed, and a real driver would not refuse a kernel that writes there (into whatever was allocated
 * there since: another ensemble's buffers).
 */
final class CudaEnsemble implements StudentEnsemble, AutoCloseable {
    private final CudaDevice dev;
    private final CudaDriver drv;
    private final CudaPlan plan;
    private final boolean isFloat;
    private final String t;
    private final int r;
    private final int k;
    private final int d;
    private final int s;
    private final int S;
    private final int students;
    private final int n;
    private final double alpha;
    private final double eta;
    private final CounterSamples online;
    private final int[] key;
    private final int dist;

    private final List<CudaDriver.Buffer> all = new ArrayList<>();
    private final CudaDriver.Buffer v;
    private final CudaDriver.Buffer a;
    private final CudaDriver.Buffer wk;
    private final CudaDriver.Buffer wd;
    private final CudaDriver.Buffer norm;
    private final CudaDriver.Buffer frozenBuf;
    private final CudaDriver.Buffer gv;
    private final CudaDriver.Buffer ga;
    private final CudaDriver.Buffer lsum;
    private final CudaDriver.Buffer pg;
    private final CudaDriver.Buffer pga;
    private final CudaDriver.Buffer ploss;
    private final CudaDriver.Buffer hs;
    private final CudaDriver.Buffer rowsBuf;
    private final CudaDriver.Buffer x;
    private final CudaDriver.Buffer y;
    private final CudaDriver.Buffer xb;
    private final CudaDriver.Buffer yb;
    private final CudaDriver.Buffer xd;
    private final CudaDriver.Buffer teacher;

    private final boolean[] frozen;
    private boolean fullGradient;
    private boolean fullLoss;
    private volatile boolean closed;
    /** The thread that opened it (the engine frees an ended thread's ensembles). */
    private final Thread owner = Thread.currentThread();

    /**
     * @param xs the training inputs {@code [n][d]} row-major ({@code float[]} or {@code double[]} as the data type),
     *           or null (online)
     * @param ys the training labels, or null (online)
     * @param fixed the generator whose batch of step 0 is the training set, drawn on the GPU (then xs, ys are
     *              null), or null
     */
    CudaEnsemble(CudaDevice dev, CudaPlan plan, EmpiricalSpec spec, List<InitialPoint> inits, Object xs, Object ys,
            CounterSamples fixed, CounterSamples online) {
        this.dev = dev;
        this.drv = dev.driver();
        this.plan = plan;
        this.isFloat = plan.bytes() == 4;
        this.t = isFloat ? "f" : "d";
        this.r = plan.r();
        this.k = plan.k();
        this.d = plan.d();
        this.s = spec.arch().s();
        this.S = plan.stride();
        this.students = plan.students();
        this.n = plan.trainingRows();
        this.alpha = spec.leakySlope();
        this.eta = spec.eta();
        this.online = online;
        this.key = online == null ? null : online.keyWords();
        this.dist = online == null ? 0 : CudaEngine.distributionCode(online.distribution().name());
        this.frozen = new boolean[students];
        int tb = plan.bytes();
        int sbMax = plan.sampleBlocks(Math.max(1, plan.maxBatch()));
        try {
            v = zeroed((long) r * S * tb);
            a = zeroed((long) k * S * tb);
            wk = zeroed((long) r * S * tb);
            wd = zeroed((long) r * S * 8);
            norm = zeroed((long) S * 8);
            frozenBuf = zeroed((long) S * 4);
            gv = zeroed((long) r * S * 8);
            ga = zeroed((long) k * S * 8);
            lsum = zeroed((long) S * 8);
            pg = zeroed((long) sbMax * r * S * tb);
            pga = zeroed((long) sbMax * k * S * tb);
            ploss = zeroed((long) sbMax * S * 8);
            hs = zeroed(plan.fixedKernel() ? 4 : (long) sbMax * k * S * tb);
            rowsBuf = zeroed(4L * Math.max(1, plan.maxBatch()));
            if (xs != null) {
                x = zeroed((long) n * d * tb);
                y = zeroed((long) n * tb);
                upload(x, xs, n * d);
                upload(y, ys, n);
            } else if (fixed != null) {
                x = zeroed((long) n * d * tb);
                y = zeroed((long) n * tb);
                generate(fixed);
            } else {
                x = null;
                y = null;
            }
            if (online != null) {
                int b = online.batchSize();
                xb = zeroed((long) b * d * tb);
                yb = zeroed((long) b * tb);
                xd = isFloat ? zeroed((long) b * d * 8) : xb;
                teacher = zeroed(8L * (r + k));
                double[] tp = new double[r + k];
                System.arraycopy(online.teacherFilter(), 0, tp, 0, r);
                System.arraycopy(online.teacherOutput(), 0, tp, r, k);
                drv.copyToDevice(teacher, 0, tp, 0, r + k);
            } else {
                xb = null;
                yb = null;
                xd = null;
                teacher = null;
            }
            load(inits);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Rows per launch when a float training set is drawn on the GPU (its double scratch is this many rows). */
    static final int GEN_ROWS = 4096;

    /**
     * Device memory drawing a fixed set of {@code plan}'s shape on the GPU takes besides the set itself, for a while
     * at open: the teacher, and in float a chunk's double scratch, floats and labels.
     */
    static long generationBytes(CudaPlan plan) {
        long chunk = Math.min(GEN_ROWS, Math.max(1, plan.trainingRows()));
        return 8L * (plan.r() + plan.k()) + (plan.bytes() == 4 ? chunk * plan.d() * (8 + 4) + chunk * 4 : 0);
    }

    /**
     * The training set, the batch of step 0 of {@code gen}, drawn into x, y by onecnn_gen (the kernel of online
     * batches: {@link CounterSamples#fill}'s bits). Double: in place, one launch. Float: chunks of
     * {@link #GEN_ROWS} rows through a scratch (the kernel writes from row 0 of its buffers), copied into place.
     */
    private void generate(CounterSamples gen) {
        if (gen.batchSize() != n || gen.d() != d) {
            throw new IllegalArgumentException("the generator draws " + gen.batchSize() + " rows of " + gen.d()
                    + ", the set has " + n + " of " + d);
        }
        int[] kw = gen.keyWords();
        int code = CudaEngine.distributionCode(gen.distribution().name());
        List<CudaDriver.Buffer> temp = new ArrayList<>();
        try {
            CudaDriver.Buffer tch = drv.alloc(8L * (r + k));
            temp.add(tch);
            double[] tp = new double[r + k];
            System.arraycopy(gen.teacherFilter(), 0, tp, 0, r);
            System.arraycopy(gen.teacherOutput(), 0, tp, r, k);
            drv.copyToDevice(tch, 0, tp, 0, r + k);
            if (!isFloat) {
                launch("onecnn_gen_d", CudaPlan.sampleGrid(n), 0, genArgs(kw, 0, n, code, gen, tch).ptr(x).ptr(y));
            } else {
                int chunk = Math.min(GEN_ROWS, n);
                CudaDriver.Buffer sd = drv.alloc((long) chunk * d * 8);
                temp.add(sd);
                CudaDriver.Buffer sx = drv.alloc((long) chunk * d * 4);
                temp.add(sx);
                CudaDriver.Buffer sy = drv.alloc((long) chunk * 4);
                temp.add(sy);
                for (int row0 = 0; row0 < n; row0 += chunk) {
                    int rows = Math.min(chunk, n - row0);
                    launch("onecnn_gen_f", CudaPlan.sampleGrid(rows), 0,
                            genArgs(kw, row0, rows, code, gen, tch).ptr(sd).ptr(sx).ptr(sy));
                    drv.copyDeviceToDevice(x, (long) row0 * d * 4, sx, 0, (long) rows * d * 4);
                    drv.copyDeviceToDevice(y, (long) row0 * 4, sy, 0, (long) rows * 4);
                }
            }
            drv.synchronize();
        } finally {
            for (CudaDriver.Buffer b : temp) {
                drv.free(b);
            }
        }
    }

    /** onecnn_gen's arguments up to the output pointers: key, step 0, the rows, the distribution and the teacher. */
    private KernelArgs genArgs(int[] kw, int row0, int rows, int code, CounterSamples gen, CudaDriver.Buffer tch) {
        return new KernelArgs().i32(kw[0]).i32(kw[1]).i32(0).i32(0).i32(row0).i32(rows).i32(d).i32(code)
                .f64(gen.noiseSigma()).ptr(tch).i32(r).i32(s).i32(k).f64(gen.leakySlope());
    }

    private CudaDriver.Buffer zeroed(long bytes) {
        CudaDriver.Buffer b = drv.alloc(bytes);
        all.add(b);
        drv.zero(b);
        return b;
    }

    private void upload(CudaDriver.Buffer dst, Object src, int count) {
        if (src instanceof float[] f) {
            drv.copyToDevice(dst, 0, f, 0, count);
        } else {
            drv.copyToDevice(dst, 0, (double[]) src, 0, count);
        }
    }

    /** The initial points into columns 0 … students−1 of v and a ([r][S], [k][S]; pads stay zero). */
    private void load(List<InitialPoint> inits) {
        double[] vh = new double[r * S];
        double[] ah = new double[k * S];
        for (int i = 0; i < inits.size(); i++) {
            InitialPoint p = inits.get(i);
            for (int q = 0; q < r; q++) {
                vh[q * S + i] = p.v()[q];
            }
            for (int j = 0; j < k; j++) {
                ah[j * S + i] = p.a()[j];
            }
        }
        if (isFloat) {
            drv.copyToDevice(v, 0, toFloats(vh), 0, r * S);
            drv.copyToDevice(a, 0, toFloats(ah), 0, k * S);
        } else {
            drv.copyToDevice(v, 0, vh, 0, r * S);
            drv.copyToDevice(a, 0, ah, 0, k * S);
        }
    }

    private static float[] toFloats(double[] xs) {
        float[] f = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            f[i] = (float) xs[i];
        }
        return f;
    }

    private void launch(String name, int[] grid, int shared, KernelArgs args) {
        drv.launch(dev.function(name), grid, CudaPlan.threads(), shared, args);
    }

    /**
     * The summed gradient of a batch into gv, ga (and the loss sums into lsum when {@code loss}).
     *
     * @param fresh whether the batch is the fresh one (online) rather than the training set
     * @param rows  whether the rows buffer indexes the training set (minibatch)
     */
    private void pass(boolean fresh, boolean rows, int b, boolean loss) {
        launch("onecnn_prepare_" + t, plan.studentGrid(), 0,
                new KernelArgs().ptr(v).i32(S).i32(students).i32(r).ptr(norm).ptr(wd).ptr(wk));
        int nsb = plan.sampleBlocks(b);
        launch(plan.gradKernel(), plan.gradGrid(b), plan.sharedBytes(), new KernelArgs()
                .ptr(fresh ? xb : x).ptr(fresh ? yb : y).ptr(rowsBuf).i32(rows ? 1 : 0).i32(b).i32(d).i32(r).i32(k)
                .i32(s).f64(alpha).ptr(wk).ptr(a).i32(S).i32(plan.block()).i32(plan.tile()).ptr(pg).ptr(pga).ptr(hs)
                .ptr(ploss).i32(loss ? 1 : 0));
        launch("onecnn_reduce_" + t, plan.studentGrid(), 0, new KernelArgs().ptr(pg).ptr(pga).ptr(ploss).i32(nsb)
                .i32(S).i32(students).i32(r).i32(k).ptr(wd).ptr(norm).ptr(gv).ptr(ga).ptr(lsum).i32(loss ? 1 : 0));
    }

    private void fullPass(boolean loss) {
        if (!fullGradient || (loss && !fullLoss)) {
            pass(false, false, n, loss);
            fullGradient = true;
            fullLoss = loss;
        }
    }

    private void update(int b) {
        launch("onecnn_update_" + t, plan.studentGrid(), 0, new KernelArgs().ptr(v).ptr(a).ptr(gv).ptr(ga)
                .ptr(frozenBuf).i32(S).i32(students).i32(r).i32(k).f64(eta / b));
        drv.synchronize();
        fullGradient = false;
        fullLoss = false;
    }

    private double[] columns(CudaDriver.Buffer buf, int rowsOf, boolean typed) {
        double[] out = new double[rowsOf * S];
        if (typed && isFloat) {
            float[] f = new float[rowsOf * S];
            drv.copyToHost(f, 0, buf, 0, rowsOf * S);
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
        } else {
            drv.copyToHost(out, 0, buf, 0, rowsOf * S);
        }
        return out;
    }

    @Override
    public int size() {
        return students;
    }

    @Override
    public double[] gradNorms() {
        use();
        fullPass(true);
        double[] g = columns(gv, r, false);
        double[] h = columns(ga, k, false);
        double[] out = new double[students];
        for (int i = 0; i < students; i++) {
            double q2 = 0;
            for (int q = 0; q < r; q++) {
                double e = g[q * S + i] / n;
                q2 += e * e;
            }
            for (int j = 0; j < k; j++) {
                double e = h[j * S + i] / n;
                q2 += e * e;
            }
            out[i] = Math.sqrt(q2);
        }
        return out;
    }

    @Override
    public double[] losses() {
        use();
        fullPass(true);
        double[] ls = columns(lsum, 1, false);
        double[] out = new double[students];
        for (int i = 0; i < students; i++) {
            out[i] = ls[i] / n;
        }
        return out;
    }

    private double[][] perSlot(CudaDriver.Buffer buf, int rowsOf) {
        use();
        double[] c = columns(buf, rowsOf, true);
        double[][] out = new double[students][rowsOf];
        for (int i = 0; i < students; i++) {
            for (int q = 0; q < rowsOf; q++) {
                out[i][q] = c[q * S + i];
            }
        }
        return out;
    }

    @Override
    public double[][] filters() {
        return perSlot(v, r);
    }

    @Override
    public double[][] outputWeights() {
        return perSlot(a, k);
    }

    @Override
    public void freeze(int slot) {
        use();
        if (!frozen[slot]) {
            frozen[slot] = true;
            drv.copyToDevice(frozenBuf, 4L * slot, new int[] {1}, 0, 1);
        }
    }

    @Override
    public boolean repack(int[] keep) {
        use();
        return false;
    }

    @Override
    public void stepFull() {
        use();
        fullPass(false);
        update(n);
    }

    @Override
    public void stepRows(int[] rows) {
        use();
        drv.copyToDevice(rowsBuf, 0, rows, 0, rows.length);
        pass(false, true, rows.length, false);
        update(rows.length);
    }

    @Override
    public void stepOnline(long step) {
        if (online == null) {
            throw new IllegalStateException("stepOnline needs the online samples at open");
        }
        use();
        int b = online.batchSize();
        KernelArgs g = new KernelArgs().i32(key[0]).i32(key[1]).i32((int) step).i32((int) (step >>> 32)).i32(0)
                .i32(b).i32(d).i32(dist).f64(online.noiseSigma()).ptr(teacher).i32(r).i32(s).i32(k)
                .f64(online.leakySlope());
        if (isFloat) {
            g.ptr(xd);
        }
        g.ptr(xb).ptr(yb);
        launch("onecnn_gen_" + t, CudaPlan.sampleGrid(b), 0, g);
        pass(true, false, b, false);
        update(b);
    }

    /**
     * Before every use: refuse a closed ensemble (its device pointers are freed), and make the context current on
     * the calling thread.
     */
    private void use() {
        if (closed) {
            throw new IllegalStateException("this cuda ensemble was closed: its device memory is freed (open another)");
        }
        dev.makeCurrent();
    }

    /**
     * The training set as it is on the device, copied back: {@code float[]} or {@code double[]} inputs and labels
     * (the tests compare a set drawn on the GPU with the CPU's draw, bit for bit).
     */
    Object[] trainingSetOnDevice() {
        use();
        if (isFloat) {
            float[] xs = new float[n * d];
            float[] ys = new float[n];
            drv.copyToHost(xs, 0, x, 0, n * d);
            drv.copyToHost(ys, 0, y, 0, n);
            return new Object[] {xs, ys};
        }
        double[] xs = new double[n * d];
        double[] ys = new double[n];
        drv.copyToHost(xs, 0, x, 0, n * d);
        drv.copyToHost(ys, 0, y, 0, n);
        return new Object[] {xs, ys};
    }

    boolean isClosed() {
        return closed;
    }

    Thread owner() {
        return owner;
    }

    /** Give the device memory back; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        dev.makeCurrent();
        for (CudaDriver.Buffer b : all) {
            drv.free(b);
        }
        all.clear();
    }
}
