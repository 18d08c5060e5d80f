package org.onecnn.empirical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.empirical.layers.EnsembleNetwork;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.Gaussian;
import org.onecnn.model.Architecture;
import org.onecnn.model.DuInitialization;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.OutcomeClassifier;
import org.onecnn.model.Teacher;
import org.onecnn.population.FullEngine;
import org.onecnn.population.NonOverlappingGaussian;
import org.onecnn.population.PopulationJob;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.StopSpec;
import org.onecnn.testutil.RoundingTolerance;

/**
 * The empirical trainer: ensembles equal separately trained students and chunk sizes do not change the
 * result (same outcomes, stop reasons and iterations; values within the rounding tolerance of
 * {@link RoundingTolerance}, since ND4J/OpenBLAS choose the order of the sums inside a reduction block and
 * that order may depend on the shapes and the CPU), the empirical gradient converges to the exact population
 * gradient, and online SGD with small steps tracks the population trajectory.
 */
class TrainerTest {

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    /** Gaussian inputs from a dedicated generator, labels from the teacher network. */
    static INDArray[] data(Architecture arch, Teacher t, long n, long seed) {
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(seed), n, arch.d()).castTo(DataType.DOUBLE);
        return new INDArray[] {x, teacherLabels(arch, t, x)};
    }

    private static final java.util.Map<Teacher, MultiLayerNetwork> TEACHERS = new java.util.IdentityHashMap<>();

    static INDArray teacherLabels(Architecture arch, Teacher t, INDArray x) {
        MultiLayerNetwork net = TEACHERS.computeIfAbsent(t, key -> {
            MultiLayerNetwork m = EnsembleNetwork.create(arch, 1, 0.0, DataType.DOUBLE, 1, 2048);
            double[] a = key.aStar();
            for (int i = 0; i < a.length; i++) {
                a[i] *= key.c();
            }
            EnsembleNetwork.filters(m).assign(Nd4j.createFromArray(new double[][] {key.wStar()}));
            EnsembleNetwork.outputWeights(m).assign(Nd4j.createFromArray(new double[][] {a}));
            return m;
        });
        // the layers directly, without workspaces: alternating two networks' workspaces on one thread is slow
        var ws = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        return net.getLayer(1).activate(net.getLayer(0).activate(x, false, ws), false, ws).dup();
    }

    static EmpiricalSpec spec(Architecture arch, String regime, int batch, long steps, int studentChunk,
            int sampleChunk, int block, double eta) {
        return new EmpiricalSpec(arch, 0.0, DataType.DOUBLE, eta, regime, Math.max(1, batch), steps, 10, 1e-9, 1e-8, studentChunk,
                sampleChunk, block, 42);
    }

    static List<InitialPoint> inits(Teacher t, int count) {
        List<InitialPoint> l = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            l.add(DuInitialization.draw(t, 1000 + i));
        }
        return l;
    }

    /**
     * One network of 5 students against 5 single-student networks, and against other chunkings of the
     * samples (multiples of the reduction block): the same outcomes and iterations, values within the
     * derived rounding tolerance.
     */
    @Test
    void ensembleEqualsSeparateStudentsAndChunkingChangesNothing() {
        Architecture arch = Architecture.nonOverlapping(6, 3);
        Teacher t = Teacher.ratioFamily(6, 3, 1.0, 1.0, 1.3, 5);
        INDArray[] d = data(arch, t, 200, 9);
        List<InitialPoint> in = inits(t, 5);
        List<EmpiricalResult> ref = new EnsembleTrainer(spec(arch, "full-batch", 0, 150, 5, 64, 32, 0.1), t, true)
                .train(in, TestSets.of(d), null, RecordPlan.NONE, EnsembleTrainer.Sink.NONE);
        // the promise on one machine: the same spec and data again give the same bits
        assertEquals(ref, new EnsembleTrainer(spec(arch, "full-batch", 0, 150, 5, 64, 32, 0.1), t, true)
                .train(in, TestSets.of(d), null, RecordPlan.NONE, EnsembleTrainer.Sink.NONE));
        double tol = tolerance(arch, t, in, ref, 150, 0.1, 32);
        for (int[] chunks : new int[][] {{1, 64}, {2, 32}, {5, 224}}) {
            List<EmpiricalResult> other = new EnsembleTrainer(spec(arch, "full-batch", 0, 150, chunks[0], chunks[1],
                    32, 0.1), t, true).train(in, TestSets.of(d), null, RecordPlan.NONE, EnsembleTrainer.Sink.NONE);
            assertSameUpToRounding(ref, other, tol, "student chunk " + chunks[0] + ", sample chunk " + chunks[1]);
        }
    }

    /**
     * Students stop at different times; once half a network has stopped the rest move to a smaller one.
     * Eight students together against one at a time: the same outcomes and stops, values within the
     * rounding tolerance, and the runs did stop at different steps (so the repacking was exercised).
     */
    @Test
    void repackingStoppedStudentsChangesNothing() {
        Architecture arch = Architecture.nonOverlapping(6, 3);
        Teacher t = Teacher.ratioFamily(6, 3, 1.0, 1.0, 1.0, 5);
        INDArray[] d = data(arch, t, 300, 19);
        List<InitialPoint> in = inits(t, 8);
        EmpiricalSpec together = new EmpiricalSpec(arch, 0.0, DataType.DOUBLE, 0.2, "full-batch", 1, 1500, 20, 1e-4, 1e-6,
                8, 256, 32, 1);
        EmpiricalSpec alone = new EmpiricalSpec(arch, 0.0, DataType.DOUBLE, 0.2, "full-batch", 1, 1500, 20, 1e-4, 1e-6,
                1, 256, 32, 1);
        List<EmpiricalResult> a = new EnsembleTrainer(together, t, true).train(in, TestSets.of(d), null, RecordPlan.NONE,
                EnsembleTrainer.Sink.NONE);
        List<EmpiricalResult> b = new EnsembleTrainer(alone, t, true).train(in, TestSets.of(d), null, RecordPlan.NONE,
                EnsembleTrainer.Sink.NONE);
        assertSameUpToRounding(b, a, tolerance(arch, t, in, b, 1500, 0.2, 32), "8 together vs 1 at a time");
        assertTrue(a.stream().map(EmpiricalResult::iterations).distinct().count() >= 3,
                "stops spread over time: " + a.stream().map(EmpiricalResult::iterations).toList());
    }

    @Test
    void overlappingAndMinibatchAreChunkIndependentToo() {
        Architecture arch = Architecture.of(13, 5, 2);
        Teacher t = Teacher.ratioFamily(arch.k(), 5, 2.0, 1.0, 1.0, 3);
        INDArray[] d = data(arch, t, 150, 4);
        List<InitialPoint> in = inits(t, 4);
        List<EmpiricalResult> ref = new EnsembleTrainer(spec(arch, "minibatch", 40, 60, 4, 32, 16, 0.05), t, true)
                .train(in, TestSets.of(d), null, RecordPlan.NONE, EnsembleTrainer.Sink.NONE);
        List<EmpiricalResult> other = new EnsembleTrainer(spec(arch, "minibatch", 40, 60, 1, 16, 16, 0.05), t, true)
                .train(in, TestSets.of(d), null, RecordPlan.NONE, EnsembleTrainer.Sink.NONE);
        assertSameUpToRounding(ref, other, tolerance(arch, t, in, ref, 60, 0.05, 16), "overlapping, minibatch");
    }

    /**
     * The tolerance of {@link RoundingTolerance#of} for these runs. The bound A on ‖a‖₁ covers the initial
     * points with a factor 2 for the way in between and every final point, through
     * ‖a_T‖₁ ≤ ‖c a*‖₁ + √k ‖a_T − c a*‖ (so the ends are bounded, not assumed).
     */
    private static double tolerance(Architecture arch, Teacher t, List<InitialPoint> in, List<EmpiricalResult> res,
            long steps, double eta, int block) {
        double teacherL1 = Math.abs(t.c()) * l1(t.aStar());
        double bound = 2 * teacherL1;
        for (InitialPoint p : in) {
            bound = Math.max(bound, 2 * l1(p.a()));
        }
        for (EmpiricalResult r : res) {
            bound = Math.max(bound, teacherL1 + Math.sqrt(arch.k()) * r.distTeacher());
        }
        double tol = RoundingTolerance.of(steps, eta, block, arch.k(), arch.d(), teacherL1, bound,
                RoundingTolerance.DOUBLE_U);
        assertTrue(tol < 1e-4, "a tolerance that could not catch a wrong chunking: " + tol);
        return tol;
    }

    private static double l1(double[] x) {
        double s = 0;
        for (double e : x) {
            s += Math.abs(e);
        }
        return s;
    }

    /** Same run, seed, outcome, stop reason and iterations; every value within {@code tol}. */
    static void assertSameUpToRounding(List<EmpiricalResult> ref, List<EmpiricalResult> other, double tol,
            String what) {
        assertEquals(ref.size(), other.size(), what);
        for (int i = 0; i < ref.size(); i++) {
            EmpiricalResult x = ref.get(i);
            EmpiricalResult y = other.get(i);
            String m = what + ", student " + i + " (tolerance " + tol + "): " + x + " vs " + y;
            assertEquals(x.index(), y.index(), m);
            assertEquals(x.seed(), y.seed(), m);
            assertEquals(x.outcome(), y.outcome(), m);
            assertEquals(x.reason(), y.reason(), m);
            assertEquals(x.iterations(), y.iterations(), m);
            double[] a = {x.phi(), x.lossN(), x.populationLoss(), x.gradNorm(), x.distTeacher(), x.normV()};
            double[] b = {y.phi(), y.lossN(), y.populationLoss(), y.gradNorm(), y.distTeacher(), y.normV()};
            for (int j = 0; j < a.length; j++) {
                assertTrue(RoundingTolerance.close(a[j], b[j], tol), m + " (value " + j + ")");
            }
        }
    }

    /**
     * At a fixed point the mean gradient over n samples is an average of i.i.d. per-sample gradients, so
     * it is within z·SE of the exact population gradient, SE estimated from 40 batch means
     * (z = 4.5: Bonferroni over the 2 × (r + k) coordinates at family-wise 1e−4); and the error shrinks
     * like 1/√n (n × 16 → error about / 4; asserted below / 2).
     */
    @Test
    void empiricalGradientConvergesToThePopulationGradient() {
        Architecture arch = Architecture.nonOverlapping(5, 4);
        Teacher t = Teacher.ratioFamily(5, 4, 2.0, 1.0, 1.4, 8);
        NonOverlappingGaussian f = new NonOverlappingGaussian(t);
        double[] v = {0.3, -1.1, 0.4, 0.8};
        double[] a = {0.2, -0.5, 0.9, 0.1, 0.4};
        double[] gv = new double[4];
        double[] ga = new double[5];
        f.gradient(v, a, gv, ga);
        double[] exact = concat(gv, ga);
        MultiLayerNetwork net = EnsembleNetwork.create(arch, 1, 0.0, DataType.DOUBLE, 1, 2048);
        EnsembleNetwork.filters(net).assign(Nd4j.createFromArray(new double[][] {v}));
        EnsembleNetwork.outputWeights(net).assign(Nd4j.createFromArray(new double[][] {a}));
        double prevErr = Double.NaN;
        for (long n : new long[] {4000, 64000}) {
            INDArray[] d = data(arch, t, n, 77 + n);
            int batches = 40;
            long per = n / batches;
            double[][] means = new double[batches][];
            for (int b = 0; b < batches; b++) {
                net.setInput(d[0].get(org.nd4j.linalg.indexing.NDArrayIndex.interval(b * per, (b + 1) * per),
                        org.nd4j.linalg.indexing.NDArrayIndex.all()).dup());
                net.setLabels(d[1].get(org.nd4j.linalg.indexing.NDArrayIndex.interval(b * per, (b + 1) * per),
                        org.nd4j.linalg.indexing.NDArrayIndex.all()).dup());
                net.computeGradientAndScore();
                means[b] = net.gradient().gradient().dup().divi(per).toDoubleVector();
            }
            double err = 0;
            for (int j = 0; j < exact.length; j++) {
                double m = 0;
                for (double[] bm : means) {
                    m += bm[j];
                }
                m /= batches;
                double var = 0;
                for (double[] bm : means) {
                    var += (bm[j] - m) * (bm[j] - m);
                }
                double se = Math.sqrt(var / (batches - 1) / batches);
                assertTrue(Math.abs(m - exact[j]) <= 4.5 * se, "n=" + n + " coordinate " + j + ": " + m + " vs exact "
                        + exact[j] + " (SE " + se + ")");
                err += (m - exact[j]) * (m - exact[j]);
            }
            err = Math.sqrt(err);
            if (!Double.isNaN(prevErr)) {
                assertTrue(err < prevErr / 2, "error " + err + " should be about a quarter of " + prevErr);
            }
            prevErr = err;
        }
    }

    /**
     * Online SGD with fresh samples and a small step follows population gradient descent with the same
     * step: the SGD iterates are population GD plus noise of order √(η/b) per unit time, so the deviation
     * of φ_t is small and shrinks about √4 = 2 times when b grows 4 times (asserted: at least 1.4 times).
     */
    @Test
    void onlineSgdTracksThePopulationTrajectory() {
        Architecture arch = Architecture.nonOverlapping(8, 4);
        Teacher t = Teacher.ratioFamily(8, 4, 1.0, 1.0, 1.0, 12);
        InitialPoint x0 = DuInitialization.draw(t, 5);
        double eta = 0.05;
        long steps = 400;
        List<double[]> pop = new ArrayList<>();
        new FullEngine().run(new PopulationJob(t, List.of(x0), eta, StopSpec.fixed(steps), OutcomeClassifier.duDefault(),
                RecordPlan.of(new int[] {0}, 20, new long[0])), (run, step, phi, loss, da, sg, g) -> pop.add(
                        new double[] {step, phi}));
        // root-mean-square deviation over the recorded points and over three independent sample streams per
        // batch size (the maximum of one trajectory is too noisy a statistic to compare two batch sizes)
        double[] dev = new double[2];
        int[] sizes = {256, 1024};
        int streams = 3;
        for (int c = 0; c < 2; c++) {
            int b = sizes[c];
            double sq = 0;
            int count = 0;
            for (int rep = 0; rep < streams; rep++) {
                List<double[]> sgd = new ArrayList<>();
                EnsembleTrainer tr = new EnsembleTrainer(new EmpiricalSpec(arch, 0.0, DataType.DOUBLE, eta, "online",
                        b, steps, 1000, 0, 0, 1, 2048, 2048, 1), t, true);
                tr.train(List.of(x0), null, CounterSamples.of(arch, t, 0, Gaussian.INSTANCE, 0,
                        9000 + 100 * (streams * c + rep), b), RecordPlan.of(new int[] {0}, 20, new long[0]),
                        (run, step, phi, ln, lp, g) -> sgd.add(new double[] {step, phi}));
                assertEquals(pop.size(), sgd.size());
                for (int i = 0; i < pop.size(); i++) {
                    double e = pop.get(i)[1] - sgd.get(i)[1];
                    sq += e * e;
                    count++;
                }
            }
            dev[c] = Math.sqrt(sq / count);
        }
        assertTrue(dev[1] < 0.05, "online SGD stays within 0.05 rad (rms) of population GD: " + dev[1]);
        assertTrue(dev[0] > 1.4 * dev[1], "deviation shrinks with the batch: " + dev[0] + " -> " + dev[1]);
    }

    private static double[] concat(double[] x, double[] y) {
        double[] z = new double[x.length + y.length];
        System.arraycopy(x, 0, z, 0, x.length);
        System.arraycopy(y, 0, z, x.length, y.length);
        return z;
    }
}
