package org.onecnn.empirical.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.Regime;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.fused.FusedEngine;
import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;

/**
 * onecnn's CUDA kernels, compiled as host C++ from the very source of the PTX ({@link HostCudaDriver}), and the
 * cuda engine's Java code on top of them, against the references on the CPU: Random123's known answers for Philox,
 * {@link CounterSamples} for the samples, the fused engine for training.
 *
 * <p>Every comparison is bit for bit. Why that is the right tolerance: the kernels perform the fused engine's
 * operations in its order (each fused multiply-add an explicit fma, contraction off in every compiler), in the same
 * IEEE types, and the samples use fdlibm's algorithms, which are StrictMath's; IEEE 754 fixes the result of each of
 * those operations (+, −, ×, ÷, √, fma, conversions), so equal inputs give equal bits. A difference in the last
 * place means a different operation or order, which is exactly what these tests are to catch.
 */
class CudaKernelsOnHostTest {
    private static HostCudaDriver driver;

    @BeforeAll
    static void start() {
        assertTrue(HostCudaDriver.available(), () -> "the host build of onecnn.cu failed: " + HostCudaDriver.buildError());
        driver = new HostCudaDriver();
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    private static int[] philox(int k0, int k1, int c0, int c1, int c2, int c3) {
        CudaDriver.Buffer c = driver.alloc(16);
        CudaDriver.Buffer o = driver.alloc(16);
        driver.copyToDevice(c, 0, new int[] {c0, c1, c2, c3}, 0, 4);
        driver.launch(driver.function(null, "onecnn_philox"), new int[] {1, 1, 1}, new int[] {32, 1, 1}, 0,
                new KernelArgs().i32(k0).i32(k1).ptr(c).ptr(o).i32(1));
        int[] out = new int[4];
        driver.copyToHost(out, 0, o, 0, 4);
        driver.free(c);
        driver.free(o);
        return out;
    }

    /** Random123 1.14, examples/kat_vectors: the three philox4x32 10-round vectors (as Philox4x32Test). */
    @Test
    void philoxKnownAnswersOfRandom123() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, philox(0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, philox(-1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                philox(0xa4093822, 0x299f31d0, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344));
    }

    /** The kernel's batch of a step against CounterSamples.fill, double and float, bit for bit. */
    private static void compareSamples(Architecture arch, String dist, double noise, double alpha, long seed,
            long step, int b) {
        Random rnd = new Random(seed);
        double[] w = new double[arch.r()];
        double[] a = new double[arch.k()];
        for (int q = 0; q < w.length; q++) {
            w[q] = rnd.nextGaussian();
        }
        for (int j = 0; j < a.length; j++) {
            a[j] = rnd.nextGaussian();
        }
        CounterSamples cs = CounterSamples.of(arch, Teacher.of(w, a), alpha, InputDistribution.named(dist), noise,
                seed, b);
        int d = arch.d();
        double[] xe = new double[b * d];
        double[] ye = new double[b];
        cs.fill(step, 0, b, xe, ye);
        float[] xf = new float[b * d];
        float[] yf = new float[b];
        cs.fill(step, 0, b, xf, yf);

        double[] tp = new double[arch.r() + arch.k()];
        System.arraycopy(cs.teacherFilter(), 0, tp, 0, arch.r());
        System.arraycopy(cs.teacherOutput(), 0, tp, arch.r(), arch.k());
        CudaDriver.Buffer teacher = driver.alloc(8L * tp.length);
        driver.copyToDevice(teacher, 0, tp, 0, tp.length);
        CudaDriver.Buffer xd = driver.alloc(8L * b * d);
        CudaDriver.Buffer yd = driver.alloc(8L * b);
        CudaDriver.Buffer x32 = driver.alloc(4L * b * d);
        CudaDriver.Buffer y32 = driver.alloc(4L * b);
        int[] key = cs.keyWords();
        KernelArgs common = new KernelArgs();
        for (String t : new String[] {"d", "f"}) {
            KernelArgs g = new KernelArgs().i32(key[0]).i32(key[1]).i32((int) step).i32((int) (step >>> 32)).i32(0)
                    .i32(b).i32(d).i32(CudaEngine.distributionCode(dist)).f64(noise).ptr(teacher).i32(arch.r())
                    .i32(arch.s()).i32(arch.k()).f64(alpha).ptr(xd);
            if (t.equals("f")) {
                g.ptr(x32).ptr(y32);
            } else {
                g.ptr(yd);
            }
            driver.launch(driver.function(null, "onecnn_gen_" + t), CudaPlan.sampleGrid(b), CudaPlan.threads(), 0, g);
        }
        assertEquals(0, common.size());
        double[] xg = new double[b * d];
        double[] yg = new double[b];
        driver.copyToHost(xg, 0, xd, 0, b * d);
        driver.copyToHost(yg, 0, yd, 0, b);
        float[] xgf = new float[b * d];
        float[] ygf = new float[b];
        driver.copyToHost(xgf, 0, x32, 0, b * d);
        driver.copyToHost(ygf, 0, y32, 0, b);
        String what = dist + " d=" + d + " step=" + step;
        assertArrayEquals(xe, xg, what + ": inputs");
        assertArrayEquals(ye, yg, what + ": labels");
        assertArrayEquals(xf, xgf, what + ": float inputs");
        assertArrayEquals(yf, ygf, what + ": float labels");
        for (CudaDriver.Buffer buf : new CudaDriver.Buffer[] {teacher, xd, yd, x32, y32}) {
            driver.free(buf);
        }
    }

    @Test
    void samplesAreCounterSamplesBitForBit() {
        // Gaussian: Box–Muller through the kernels' fdlibm log/sin/cos against StrictMath, 300 samples × 8 pairs
        // (angles over all four quadrants, so every branch of the argument reduction); odd d; noise; leaky labels
        compareSamples(Architecture.of(14, 4, 2), "gaussian", 0.3, 0.1, 5, 0, 300);
        compareSamples(Architecture.of(15, 5, 5), "gaussian", 0.0, 0.0, 6, (1L << 33) + 7, 200);
        compareSamples(Architecture.of(14, 4, 2), "uniform", 0.2, 0.0, 7, 3, 100);
        compareSamples(Architecture.of(9, 3, 3), "rademacher", 0.1, 0.2, 8, 11, 100);
    }

    // ---------------------------------------------------------------- the engine against the fused engine

    private static List<InitialPoint> inits(Architecture arch, int count, long seed) {
        Random rnd = new Random(seed);
        List<InitialPoint> l = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] v = new double[arch.r()];
            double[] a = new double[arch.k()];
            for (int q = 0; q < v.length; q++) {
                v[q] = rnd.nextGaussian();
            }
            for (int j = 0; j < a.length; j++) {
                a[j] = 0.3 * rnd.nextGaussian();
            }
            l.add(InitialPoint.of(v, a));
        }
        return l;
    }

    private static EmpiricalSpec spec(Architecture arch, double alpha, DataType type, Regime regime, int batch,
            int block) {
        return new EmpiricalSpec(arch, alpha, type, 0.05, regime, batch, 200, 10, 1e-9, 1e-8, 64, block, block, 42);
    }

    /**
     * Train the same students on the same data with the cuda engine (kernels on the host) and the fused engine, and
     * compare every measurement and the final parameters bit for bit; one student is frozen half way.
     */
    private static void compareTraining(Architecture arch, double alpha, DataType type, Regime regime, int n,
            int batch, int block, int students, int steps) {
        Random rnd = new Random(n * 31L + students);
        int d = arch.d();
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int m = 0; m < n; m++) {
            double f = 0;
            for (int i = 0; i < d; i++) {
                x[m * d + i] = rnd.nextGaussian();
            }
            for (int i = 0; i < arch.k(); i++) {
                f += Math.max(0, x[m * d + i * arch.s()]) * (i % 2 == 0 ? 1 : 0.5);
            }
            y[m] = f + 0.1 * rnd.nextGaussian();
        }
        boolean isFloat = type == DataType.FLOAT;
        float[] xf = new float[x.length];
        float[] yf = new float[y.length];
        for (int i = 0; i < x.length; i++) {
            xf[i] = (float) x[i];
        }
        for (int i = 0; i < y.length; i++) {
            yf[i] = (float) y[i];
        }
        EmpiricalSpec spec = spec(arch, alpha, type, regime, batch, block);
        List<InitialPoint> in = inits(arch, students, 99);
        boolean onl = regime == Regime.ONLINE;
        CounterSamples online = null;
        if (onl) {
            double[] w = new double[arch.r()];
            w[0] = 1;
            double[] as = new double[arch.k()];
            for (int j = 0; j < as.length; j++) {
                as[j] = j % 2 == 0 ? 1 : -0.5;
            }
            online = CounterSamples.of(arch, Teacher.of(w, as), alpha, InputDistribution.named("gaussian"), 0.05, 77,
                    batch);
        }
        INDArray xa = Nd4j.createFromArray(x).reshape(n, d);
        INDArray ya = Nd4j.createFromArray(y).reshape(n, 1);
        StudentEnsemble fused = onl ? new FusedEngine(2).open(spec, in, null, null, online)
                : new FusedEngine(2).open(spec, in, xa, ya, null);
        CudaEngine engine = new CudaEngine(() -> driver, 0, Ptx::bundled);
        StudentEnsemble cuda = onl ? engine.open(spec, in, null, null, 0, online)
                : engine.open(spec, in, isFloat ? xf : x, isFloat ? yf : y, n, null);
        String what = arch + " α=" + alpha + " " + type + " " + regime + " n=" + n + " b=" + batch + " block=" + block;
        Random order = new Random(5);
        for (int t = 0; t < steps; t++) {
            if (!onl && t % 3 == 0) {
                assertArrayEquals(fused.gradNorms(), cuda.gradNorms(), what + ": gradient norms at step " + t);
                assertArrayEquals(fused.losses(), cuda.losses(), what + ": losses at step " + t);
            }
            if (t == steps / 2) {
                fused.freeze(1);
                cuda.freeze(1);
            }
            switch (regime) {
                case FULL_BATCH -> {
                    fused.stepFull();
                    cuda.stepFull();
                }
                case MINIBATCH -> {
                    int[] rows = new int[batch];
                    for (int i = 0; i < batch; i++) {
                        rows[i] = order.nextInt(n);
                    }
                    fused.stepRows(rows);
                    cuda.stepRows(rows);
                }
                case ONLINE -> {
                    fused.stepOnline(t + 1000L);
                    cuda.stepOnline(t + 1000L);
                }
            }
        }
        double[][] fv = fused.filters();
        double[][] cv = cuda.filters();
        double[][] fa = fused.outputWeights();
        double[][] ca = cuda.outputWeights();
        for (int i = 0; i < students; i++) {
            assertArrayEquals(fv[i], cv[i], what + ": filter of student " + i);
            assertArrayEquals(fa[i], ca[i], what + ": output weights of student " + i);
        }
        if (!onl) {
            assertArrayEquals(fused.gradNorms(), cuda.gradNorms(), what + ": final gradient norms");
        }
        ((CudaEnsemble) cuda).close();
    }

    @Test
    void fullBatchMatchesTheFusedEngineBitForBit() {
        Architecture flat = Architecture.nonOverlapping(5, 6);
        Architecture overlap = Architecture.of(14, 4, 2);
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            compareTraining(flat, 0.0, type, Regime.FULL_BATCH, 40, 1, 16, 5, 7);
            compareTraining(overlap, 0.1, type, Regime.FULL_BATCH, 40, 1, 16, 3, 7);
        }
    }

    @Test
    void registerKernelsMatchTheFusedEngineBitForBit() {
        // 4×4 and 6×25 have kernels of their own (registers); a block of 80 samples spans two shared-memory tiles
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            compareTraining(Architecture.nonOverlapping(4, 4), 0.0, type, Regime.FULL_BATCH, 200, 1, 80, 4, 5);
            compareTraining(Architecture.nonOverlapping(25, 6), 0.0, type, Regime.FULL_BATCH, 30, 1, 16, 3, 4);
        }
    }

    @Test
    void minibatchAndOnlineMatchTheFusedEngineBitForBit() {
        Architecture overlap = Architecture.of(14, 4, 2);
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            compareTraining(overlap, 0.0, type, Regime.MINIBATCH, 40, 12, 8, 3, 6);
            compareTraining(overlap, 0.2, type, Regime.ONLINE, 0, 24, 8, 3, 6);
        }
    }
}
