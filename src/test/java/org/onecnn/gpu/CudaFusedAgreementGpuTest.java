package org.onecnn.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.onecnn.backend.Precision;
import org.onecnn.empirical.EmpiricalEngine;
import org.onecnn.empirical.EmpiricalEngines;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.Regime;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.DatasetGenerator;
import org.onecnn.empirical.data.Gaussian;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.empirical.fused.FusedEngine;
import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;

/**
 * The engine-agreement check of the GPU check (docs/gpu.md): the {@code cuda} engine against the fused CPU engine
 * through the engine seam only, on the same initial points and the same data (the fixed data set regenerated on
 * the CPU from its Philox key; online batches from the same counter-based samples), every regime, overlapping and
 * not, ReLU and leaky, float and double. Needs a GPU: tagged {@code gpu}, excluded from {@code mvn test}.
 *
 * <p>Tolerance. Each component of one step's gradient is a sum over the {@code b} samples of the batch of a sum
 * over the {@code k} patches (the forward pass of a sample is also a sum of {@code k} terms): recursive summation
 * in any order errs by at most {@code (b + k)·u·Σ|terms|} to first order ({@code u} the unit roundoff, 2⁻⁵³ or
 * 2⁻²⁴), whatever blocking either engine uses. The update carries that into the parameters, later steps add theirs,
 * so after {@code T} steps the parameters agree within {@code 4·T·(b + k)·u} relative (the 4 covers the product
 * with the learning rate, the normalisation {@code v/‖v‖} and its gradient; floor 1e−3 in the denominator for
 * parameters near 0). Here {@code T = 200}: about 5e−11 in double and 3e−2 (full batch) to 4e−3 (minibatch) in
 * float; a real disagreement (a wrong patch, sign, stride, step or sample) is O(1). The test prints every worst
 * difference beside its bound. Also: a rerun of the cuda engine gives the same bits (its sums have a fixed order
 * and no atomics).
 */
@Tag("gpu")
public class CudaFusedAgreementGpuTest {

    record Case(String name, Architecture arch, double alpha, Regime regime, Precision precision, int batch) {
    }

    static List<Case> cases() {
        Architecture flat = Architecture.nonOverlapping(25, 6);
        Architecture overlap = Architecture.of(14, 4, 2);
        List<Case> l = new ArrayList<>();
        for (Precision p : Precision.values()) {
            l.add(new Case("flat full-batch relu", flat, 0.0, Regime.FULL_BATCH, p, 1));
            l.add(new Case("overlap full-batch leaky", overlap, 0.2, Regime.FULL_BATCH, p, 1));
            l.add(new Case("flat minibatch leaky", flat, 0.1, Regime.MINIBATCH, p, 64));
            l.add(new Case("overlap minibatch relu", overlap, 0.0, Regime.MINIBATCH, p, 48));
            l.add(new Case("flat online relu", flat, 0.0, Regime.ONLINE, p, 128));
        }
        return l;
    }

    static List<InitialPoint> inits(Architecture arch, int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<InitialPoint> l = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] v = new double[arch.r()];
            double[] a = new double[arch.k()];
            for (int j = 0; j < v.length; j++) {
                v[j] = rnd.nextDouble(-1, 1);
            }
            for (int j = 0; j < a.length; j++) {
                a[j] = 0.1 * rnd.nextDouble(-1, 1);
            }
            l.add(InitialPoint.of(v, a));
        }
        return l;
    }

    /** The rows of minibatch step {@code t}: a pure function of t (any order does, both engines get the same). */
    static int[] rows(int n, int b, long t) {
        SplittableRandom rnd = new SplittableRandom(1000 + t);
        int[] r = new int[b];
        for (int i = 0; i < b; i++) {
            r[i] = rnd.nextInt(n);
        }
        return r;
    }

    static void run(StudentEnsemble e, Case c, int n, int steps) {
        for (int t = 0; t < steps; t++) {
            switch (c.regime()) {
                case FULL_BATCH -> e.stepFull();
                case MINIBATCH -> e.stepRows(rows(n, c.batch(), t));
                case ONLINE -> e.stepOnline(t);
            }
        }
    }

    @Test
    void cudaAgreesWithFusedOnTheSameInitsAndDataAndRerunsBitIdentically() {
        check(EmpiricalEngines.named("cuda"), 200, 512, 37);
    }

    /**
     * The check on any {@code cuda} engine (the GPU's here; the host-compiled kernels' in
     * {@code CudaFusedAgreementOnHostTest}): {@code steps} steps of {@code students} students on {@code n} samples
     * for every case, against the fused engine, within the bound of the class documentation; a rerun bit-identical.
     */
    public static void check(EmpiricalEngine cuda, int steps, int n, int students) {
        EmpiricalEngine fused = new FusedEngine();
        for (Case c : cases()) {
            Architecture arch = c.arch();
            Teacher t = Teacher.ratioFamily(arch.k(), arch.r(), 2.0, 1.0, 1.0, 7);
            EmpiricalSpec spec = new EmpiricalSpec(arch, c.alpha(), c.precision(), 0.05, c.regime(), c.batch(), steps,
                    10, 1e-9, 1e-8, 64, 512, 128, 42);
            List<InitialPoint> in = inits(arch, students, 5);
            boolean online = c.regime() == Regime.ONLINE;
            TrainingSet data = online ? null : DatasetGenerator.generate(arch, t, c.alpha(), Gaussian.INSTANCE, n,
                    0.05, 99, c.precision()).trainingSet();
            CounterSamples fresh = online ? CounterSamples.of(arch, t, c.alpha(), Gaussian.INSTANCE, 0.05, 99,
                    c.batch()) : null;
            StudentEnsemble g = cuda.open(spec, in, data, fresh);
            StudentEnsemble f = fused.open(spec, in, data, fresh);
            run(g, c, n, steps);
            run(f, c, n, steps);
            double u = c.precision() == Precision.FLOAT ? 0x1p-24 : 0x1p-53;
            int batch = online || c.regime() == Regime.MINIBATCH ? c.batch() : n;
            double tol = 4.0 * steps * (batch + arch.k()) * u;
            double worst = Math.max(worst(g.filters(), f.filters()), worst(g.outputWeights(), f.outputWeights()));
            System.out.printf(Locale.ROOT, "agreement %-28s %-6s worst relative difference %.3e (tolerance %.3e)%n",
                    c.name(), c.precision().key(), worst, tol);
            assertTrue(worst <= tol, c + ": relative difference " + worst + " > " + tol);
            if (!online) {
                double lw = worst(new double[][] {g.losses()}, new double[][] {f.losses()});
                assertTrue(lw <= tol, c + ": losses differ by " + lw);
            }
            // read before the rerun opens: an engine may reuse one driver (the host kernels' test does)
            double[][] b = g.filters();
            StudentEnsemble again = cuda.open(spec, in, data, fresh);
            run(again, c, n, steps);
            double[][] a = again.filters();
            assertEquals(a.length, b.length);
            for (int s = 0; s < a.length; s++) {
                assertArrayEquals(b[s], a[s], 0.0, c + ": a rerun on the same GPU gives the same bits, student " + s);
            }
        }
    }

    private static double worst(double[][] x, double[][] y) {
        double w = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                w = Math.max(w, Math.abs(x[i][j] - y[i][j]) / Math.max(1e-3, Math.abs(y[i][j])));
            }
        }
        return w;
    }
}
