package org.onecnn.empirical.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.onecnn.backend.Precision;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.Regime;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.empirical.fused.FusedEngine;
import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;

/**
 * The agreement checks of the cuda engine against the CPU references, on any {@link CudaDriver}: the host kernels
 * ({@link CudaKernelsOnHostTest}) or a GPU ({@link CudaGpuTest}). No ND4J class is used (the GPU bundle has none).
 *
 * <p>Every comparison is bit for bit. Why that is the right tolerance: the kernels perform the fused engine's
 * operations in its order (each fused multiply-add an explicit fma, contraction off in every compiler, no
 * flush-to-zero), in the same IEEE types, and the samples use fdlibm's algorithms, which are StrictMath's; IEEE 754
 * fixes the result of each of those operations (+, −, ×, ÷, √, fma, conversions), so equal inputs give equal bits on
 * any conforming hardware, a GPU included. A difference in the last place means a different operation or order,
 * which is exactly what these checks are to catch.
 */
final class CudaAgreement {
    private CudaAgreement() {
    }

    static int[] philox(CudaDriver driver, int k0, int k1, int c0, int c1, int c2, int c3) {
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

    /**
     * The kernels' log, sin and cos against StrictMath's, bit for bit, on {@code count} arguments: the edges of
     * every branch (log: tiny, subnormal-free small values, near 1 within 2⁻²⁰, 1 itself, powers of two; sin/cos:
     * near multiples of π/4 and π/2, the special case at π/2, near 2π, both signs) and random ones over the
     * Box–Muller ranges ({@code 1 − u ∈ (2⁻⁵³, 1]}, {@code θ ∈ [0, 2π)}) and beyond.
     */
    static void compareFdlibm(CudaDriver driver, int count, long seed) {
        java.util.List<Double> xs = new java.util.ArrayList<>();
        for (int k = -40; k <= 40; k++) {
            for (int ulps = -3; ulps <= 3; ulps++) {
                double c = k * Math.PI / 4;
                double v = c;
                for (int u = 0; u < Math.abs(ulps); u++) {
                    v = ulps > 0 ? Math.nextUp(v) : Math.nextDown(v);
                }
                xs.add(v);
            }
        }
        for (double v : new double[] {0x1.0p-53, 0x1.0p-30, 1e-10, 0.5, 1.0, Math.nextDown(1.0), Math.nextUp(1.0),
                1 + 0x1.0p-21, 1 - 0x1.0p-21, 2.0, 1024.0, Math.PI / 2, -Math.PI / 2, 2 * Math.PI,
                Math.nextDown(2 * Math.PI), 0x1.0p18, 0.3, 0.78125, 0.785398}) {
            xs.add(v);
        }
        Random rnd = new Random(seed);
        while (xs.size() < count) {
            switch (xs.size() % 3) {
                case 0 -> xs.add(1.0 - rnd.nextLong(1L << 53) * 0x1.0p-53);
                case 1 -> xs.add(2.0 * Math.PI * (rnd.nextLong(1L << 53) * 0x1.0p-53));
                default -> xs.add((rnd.nextDouble() - 0.5) * 2000);
            }
        }
        int n = xs.size();
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = xs.get(i);
        }
        CudaDriver.Buffer in = driver.alloc(8L * n);
        CudaDriver.Buffer out = driver.alloc(24L * n);
        driver.copyToDevice(in, 0, x, 0, n);
        driver.launch(driver.function(null, "onecnn_fdlibm"), CudaPlan.sampleGrid(n), CudaPlan.threads(), 0,
                new KernelArgs().ptr(in).ptr(out).i32(n));
        double[] got = new double[3 * n];
        driver.copyToHost(got, 0, out, 0, 3 * n);
        driver.free(in);
        driver.free(out);
        for (int i = 0; i < n; i++) {
            double v = x[i];
            if (v > 0) {
                assertEquals(StrictMath.log(v), got[3 * i], 0.0, "log(" + v + ")");
            }
            assertEquals(StrictMath.sin(v), got[3 * i + 1], 0.0, "sin(" + v + ")");
            assertEquals(StrictMath.cos(v), got[3 * i + 2], 0.0, "cos(" + v + ")");
        }
    }

    /** The kernel's batch of a step against CounterSamples.fill, double and float, bit for bit. */
    static void compareSamples(CudaDriver driver, Architecture arch, String dist, double noise, double alpha, long seed,
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

    private static EmpiricalSpec spec(Architecture arch, double alpha, Precision type, Regime regime, int batch,
            int block) {
        return new EmpiricalSpec(arch, alpha, type, 0.05, regime, batch, 200, 10, 1e-9, 1e-8, 64, block, block, 42);
    }

    /**
     * Train the same students on the same data with the cuda engine (kernels on the host) and the fused engine, and
     * compare every measurement and the final parameters bit for bit; one student is frozen half way.
     */
    static void compareTraining(CudaDriver driver, Architecture arch, double alpha, Precision type, Regime regime, int n,
            int batch, int block, int students, int steps) {
        compareTraining(new CudaEngine(() -> driver, 0, Ptx::bundled), arch, alpha, type, regime, n, batch, block,
                students, steps);
    }

    /** {@link #compareTraining(CudaDriver, Architecture, double, Precision, Regime, int, int, int, int, int)} on an
     *  engine of the caller's (a GPU test shares one: the PTX is JIT-compiled once per engine). */
    static void compareTraining(CudaEngine engine, Architecture arch, double alpha, Precision type, Regime regime,
            int n, int batch, int block, int students, int steps) {
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
        boolean isFloat = type == Precision.FLOAT;
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
        TrainingSet set = onl ? null : isFloat ? TrainingSet.ofFloats(n, d, xf, yf) : TrainingSet.ofDoubles(n, d, x, y);
        StudentEnsemble fused = onl ? new FusedEngine(2).open(spec, in, null, online)
                : new FusedEngine(2).open(spec, in, set, null);
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

}
