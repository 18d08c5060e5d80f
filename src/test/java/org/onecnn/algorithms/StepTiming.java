package org.onecnn.algorithms;

import java.util.Locale;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.onecnn.empirical.data.Gaussian;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.data.NdRandom;
import org.onecnn.empirical.data.Uniform;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;

/**
 * Not a test: the measurement behind the design note of {@link Convotron} (plain Java arithmetic, ND4J only for
 * the samples). Run with
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.onecnn.algorithms.StepTiming}.
 *
 * <p>Times one Convotron step for {@code B} runs at once (d = 160, r = 16, s = 12, k = 13, double):
 * <ol>
 * <li>ND4J, batched: {@code X [B, d]} drawn by {@code InputDistribution.sample} with an {@code NdRandom}
 * generator each step, patches by one GEMM with a 0/1 selection matrix {@code [d, k r]}, pre-activations and
 * {@code Σ a_i P_i x} by batched matmuls, ReLU, row sums, the update in place (about 12 ops);</li>
 * <li>plain Java on {@code [B, r]} double arrays, samples from {@link SampleStream} (chunked ND4J draws).</li>
 * </ol>
 * Also the cost of one ND4J draw per step against the chunked stream, and of creating a generator.
 */
public final class StepTiming {
    private StepTiming() {
    }

    public static void main(String[] args) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        Architecture arch = Architecture.of(160, 16, 12);
        int d = arch.d();
        int r = arch.r();
        int k = arch.k();
        int s = arch.s();
        InputDistribution dist = Gaussian.INSTANCE;
        Teacher teacher = Teacher.gaussian(k, r, 1);
        System.out.printf(Locale.ROOT, "threads: %d available processors%n", Runtime.getRuntime().availableProcessors());

        long t0;
        for (InputDistribution dd : new InputDistribution[] {Gaussian.INSTANCE, Uniform.INSTANCE}) {
            for (int rep = 0; rep < 2; rep++) {
                SampleStream st = new SampleStream(dd, d, 3);
                int n = 100_000;
                double acc = 0;
                t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    int off = st.next();
                    acc += st.buffer()[off];
                }
                System.out.printf(Locale.ROOT, "chunked SampleStream (%s), per sample of %d: %.3f us (%s)%n",
                        dd.name(), d, (System.nanoTime() - t0) / 1e3 / n, acc > 0 ? "+" : "-");
            }
        }
        // generator creation and single draws
        t0 = System.nanoTime();
        int gens = 2000;
        for (int i = 0; i < gens; i++) {
            NdRandom.draw(i, rng -> dist.sample(1, d, DataType.DOUBLE, rng));
        }
        System.out.printf(Locale.ROOT, "new generator + one [1, %d] draw: %.1f us%n", d,
                (System.nanoTime() - t0) / 1e3 / gens);
        try (Random rng = NdRandom.of(7)) {
            for (int rep = 0; rep < 2; rep++) {
                int n = 20_000;
                t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    dist.sample(1, d, DataType.DOUBLE, rng).data().asDouble();
                }
                System.out.printf(Locale.ROOT, "one [1, %d] draw per step (one generator) + copy out: %.1f us%n",
                        d, (System.nanoTime() - t0) / 1e3 / n);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int bCount : new int[] {1, 16, 256, 2048}) {
            double nd = nd4jStep(arch, dist, teacher, bCount);
            double ar = javaArithmetic(arch, teacher, bCount);
            double jv = javaStep(arch, dist, teacher, bCount);
            System.out.printf(Locale.ROOT, "B = %5d: ND4J batched step %9.1f us (%7.3f us/run) | Java arithmetic "
                    + "%8.1f us (%6.3f us/run) | Java + stream samples %8.1f us (%6.3f us/run)%n", bCount, nd,
                    nd / bCount, ar, ar / bCount, jv, jv / bCount);
        }
    }

    /** Microseconds per batched Java step on pre-drawn samples (the arithmetic alone). */
    static double javaArithmetic(Architecture arch, Teacher teacher, int bCount) {
        int r = arch.r();
        int k = arch.k();
        int d = arch.d();
        double[] w = new double[bCount * r];
        double[] a = new double[bCount * k];
        double[] ws = new double[bCount * r];
        double[] as = new double[bCount * k];
        for (int b = 0; b < bCount; b++) {
            System.arraycopy(teacher.wStar(), 0, ws, b * r, r);
            System.arraycopy(teacher.aStar(), 0, as, b * k, k);
            System.arraycopy(teacher.aStar(), 0, a, b * k, k);
        }
        int pool = 4096;
        double[] x = SampleStream.draw(Gaussian.INSTANCE, pool, d, 5);
        double[] u = new double[r];
        int warm = 2000;
        int n = Math.max(1000, 2_000_000 / bCount);
        long t0 = 0;
        int p = 0;
        for (int t = 0; t < warm + n; t++) {
            if (t == warm) {
                t0 = System.nanoTime();
            }
            for (int b = 0; b < bCount; b++) {
                Convotron.step(x, d * p, arch, 0.0, 1e-4, ws, as, w, a, b, u);
                p = p + 1 == pool ? 0 : p + 1;
            }
        }
        return (System.nanoTime() - t0) / 1e3 / n;
    }

    /** Microseconds per batched ND4J step. */
    static double nd4jStep(Architecture arch, InputDistribution dist, Teacher teacher, int bCount) {
        int d = arch.d();
        int r = arch.r();
        int k = arch.k();
        int s = arch.s();
        double eta = 1e-4;
        INDArray sel = Nd4j.zeros(DataType.DOUBLE, d, k * r);
        for (int i = 0; i < k; i++) {
            for (int c = 0; c < r; c++) {
                sel.putScalar(i * s + c, i * r + c, 1.0);
            }
        }
        INDArray w = Nd4j.zeros(DataType.DOUBLE, bCount, r, 1);
        INDArray ws = Nd4j.create(teacher.wStar(), new long[] {1, r, 1}, DataType.DOUBLE).repeat(0, bCount);
        INDArray as = Nd4j.create(teacher.aStar(), new long[] {1, k}, DataType.DOUBLE).repeat(0, bCount);
        INDArray a = as.dup();
        INDArray a3 = a.reshape(bCount, 1, k);
        int warm = 50;
        int n = bCount >= 2048 ? 100 : bCount >= 256 ? 400 : 2000;
        long t0 = 0;
        try (Random rng = NdRandom.of(11)) {
            for (int t = 0; t < warm + n; t++) {
                if (t == warm) {
                    t0 = System.nanoTime();
                }
                INDArray x = dist.sample(bCount, d, DataType.DOUBLE, rng);
                INDArray xp = x.mmul(sel).reshape(bCount, k, r);
                INDArray z = Nd4j.matmul(xp, w).reshape(bCount, k);
                INDArray zs = Nd4j.matmul(xp, ws).reshape(bCount, k);
                INDArray f = Transforms.relu(z, false).muli(a).sum(1);
                INDArray y = Transforms.relu(zs, false).muli(as).sum(1);
                INDArray c = y.subi(f).muli(eta).reshape(bCount, 1);
                INDArray u = Nd4j.matmul(a3, xp).reshape(bCount, r);
                w.reshape(bCount, r).addi(u.muliColumnVector(c));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return (System.nanoTime() - t0) / 1e3 / n;
    }

    /** Microseconds per batched Java step (samples from per-run streams included). */
    static double javaStep(Architecture arch, InputDistribution dist, Teacher teacher, int bCount) {
        int r = arch.r();
        int k = arch.k();
        double[] w = new double[bCount * r];
        double[] a = new double[bCount * k];
        double[] ws = new double[bCount * r];
        double[] as = new double[bCount * k];
        SampleStream[] streams = new SampleStream[bCount];
        for (int b = 0; b < bCount; b++) {
            System.arraycopy(teacher.wStar(), 0, ws, b * r, r);
            System.arraycopy(teacher.aStar(), 0, as, b * k, k);
            System.arraycopy(teacher.aStar(), 0, a, b * k, k);
            streams[b] = new SampleStream(dist, arch.d(), b);
        }
        double[] u = new double[r];
        int warm = 2000;
        int n = Math.max(300, 1_000_000 / bCount);
        long t0 = 0;
        for (int t = 0; t < warm + n; t++) {
            if (t == warm) {
                t0 = System.nanoTime();
            }
            for (int b = 0; b < bCount; b++) {
                int off = streams[b].next();
                Convotron.step(streams[b].buffer(), off, arch, 0.0, 1e-4, ws, as, w, a, b, u);
            }
        }
        return (System.nanoTime() - t0) / 1e3 / n;
    }

}
