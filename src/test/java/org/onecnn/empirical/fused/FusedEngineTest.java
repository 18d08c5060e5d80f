package org.onecnn.empirical.fused;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.empirical.EmpiricalEngine;
import org.onecnn.empirical.EmpiricalEngines;
import org.onecnn.empirical.EmpiricalResult;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.TestSets;
import org.onecnn.empirical.EnsembleTrainer;
import org.onecnn.empirical.Regime;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.dl4j.Dl4jEngine;
import org.onecnn.model.Architecture;
import org.onecnn.model.DuInitialization;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;
import org.onecnn.population.RecordPlan;

/**
 * The fused engine against the DL4J layers (the reference), against finite differences of its own loss, and
 * against itself under every thread count and chunking (bit for bit).
 */
class FusedEngineTest {
    private static final Architecture FLAT = Architecture.nonOverlapping(5, 6);
    /** Overlapping patches: d = 14, r = 4, s = 2, k = 6. */
    private static final Architecture OVERLAP = Architecture.of(14, 4, 2);
    /** Filter size 3 goes through the generic kernel, 6 through the specialised one. */
    private static final Architecture SMALL = Architecture.nonOverlapping(4, 3);
    private static final double U = Math.ulp(1.0) / 2;

    static EmpiricalSpec spec(Architecture arch, double alpha, DataType type, Regime regime, int batch,
            int studentChunk, int sampleChunk, int block) {
        return new EmpiricalSpec(arch, alpha, type, 0.05, regime, batch, 200, 10, 1e-9, 1e-8, studentChunk,
                sampleChunk, block, 42);
    }

    /** Gaussian inputs and labels of a random teacher-like target plus noise (any labels do for the arithmetic). */
    static INDArray[] data(Architecture arch, int n, long seed) {
        Random rnd = new Random(seed);
        double[][] x = new double[n][arch.d()];
        double[][] y = new double[n][1];
        for (int m = 0; m < n; m++) {
            for (int i = 0; i < arch.d(); i++) {
                x[m][i] = rnd.nextGaussian();
            }
            double f = 0;
            for (int i = 0; i < arch.k(); i++) {
                f += Math.max(0, x[m][i * arch.s()]) * (i % 2 == 0 ? 1 : 0.5);
            }
            y[m][0] = f + 0.1 * rnd.nextGaussian();
        }
        return new INDArray[] {Nd4j.createFromArray(x), Nd4j.createFromArray(y)};
    }

    static List<InitialPoint> inits(Architecture arch, int count, long seed) {
        Random rnd = new Random(seed);
        List<InitialPoint> l = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] v = new double[arch.r()];
            double[] a = new double[arch.k()];
            for (int q = 0; q < v.length; q++) {
                v[q] = rnd.nextGaussian();
            }
            for (int j = 0; j < a.length; j++) {
                a[j] = 0.5 * rnd.nextGaussian();
            }
            l.add(InitialPoint.of(v, a));
        }
        return l;
    }

    /** The parameters {@code (v, a)} of every slot, concatenated per student. */
    static double[][] params(StudentEnsemble e) {
        double[][] v = e.filters();
        double[][] a = e.outputWeights();
        double[][] out = new double[v.length][];
        for (int i = 0; i < v.length; i++) {
            out[i] = new double[v[i].length + a[i].length];
            System.arraycopy(v[i], 0, out[i], 0, v[i].length);
            System.arraycopy(a[i], 0, out[i], v[i].length, a[i].length);
        }
        return out;
    }

    /** {@code steps} steps of the regime (minibatch: rows of a fixed pseudo-random order), measuring every 10. */
    static List<double[]> run(StudentEnsemble e, EmpiricalSpec spec, int n, int steps, long seed) {
        List<double[]> trace = new ArrayList<>();
        Random rnd = new Random(seed);
        for (int t = 0; t < steps; t++) {
            if (t % 10 == 0) {
                trace.add(e.gradNorms());
                trace.add(e.losses());
            }
            if (spec.regime() == Regime.MINIBATCH) {
                int[] rows = new int[spec.batchSize()];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = rnd.nextInt(n);
                }
                e.stepRows(rows);
            } else {
                e.stepFull();
            }
        }
        for (double[] p : params(e)) {
            trace.add(p);
        }
        return trace;
    }

    /**
     * In double, the fused engine and the DL4J layers agree over 200 steps to the rounding of their sums: full
     * batch and minibatch, non-overlapping and overlapping patches, ReLU and leaky.
     *
     * <p>Tolerance: the two engines add the same terms in different orders (the fused one per sample, DL4J per GEMM
     * block), so each gradient differs by at most the bound of a sum of {@code m = n·k} terms,
     * {@code γ_m ≈ m·u} relative to the sum of the terms' magnitudes ({@code u = 2⁻⁵³}), which here (|terms| of
     * order of the gradient's, no cancellation to speak of in a fit this far from a minimum) is relative to the
     * gradient. A step moves θ by η·∇, so it adds at most {@code η‖∇‖·m·u ≤ m·u·‖θ‖} to the difference, and
     * over {@code T} steps of a gradient map with Lipschitz constant {@code 1 + ηL} near 1 (η = 0.05, L of order 1
     * here) the differences add: {@code ‖Δθ‖/‖θ‖ ≤ T·m·u·e^{ηLT}}. With {@code T = 200}, {@code m = 64·6 = 384}:
     * {@code 200·384·1.1e−16 ≈ 8.5e−12} before the growth factor; the bound used is {@code 4·T·m·u}, and the
     * measured differences are well below it (about 1e−14).
     */
    @Test
    void doublePrecisionAgreesWithTheDl4jLayersOver200Steps() {
        int n = 64;
        int steps = 200;
        record Case(Architecture arch, double alpha, Regime regime) {
        }
        for (Case c : List.of(new Case(FLAT, 0.0, Regime.FULL_BATCH), new Case(OVERLAP, 0.2, Regime.FULL_BATCH),
                new Case(FLAT, 0.2, Regime.MINIBATCH), new Case(OVERLAP, 0.0, Regime.MINIBATCH),
                new Case(SMALL, 0.0, Regime.FULL_BATCH))) {
            EmpiricalSpec spec = spec(c.arch(), c.alpha(), DataType.DOUBLE, c.regime(), 16, 8, 64, 32);
            INDArray[] d = data(c.arch(), n, 3);
            List<InitialPoint> in = inits(c.arch(), 7, 5);
            List<double[]> dl4j = run(new Dl4jEngine().open(spec, in, TestSets.of(d), null), spec, n, steps, 11);
            List<double[]> fused = run(new FusedEngine(2).open(spec, in, TestSets.of(d), null), spec, n, steps, 11);
            double tol = 4.0 * steps * n * c.arch().k() * U;
            assertEquals(dl4j.size(), fused.size());
            double worst = 0;
            for (int i = 0; i < dl4j.size(); i++) {
                double[] ref = dl4j.get(i);
                double[] got = fused.get(i);
                for (int j = 0; j < ref.length; j++) {
                    worst = Math.max(worst, Math.abs(ref[j] - got[j]) / Math.max(1e-3, Math.abs(ref[j])));
                }
            }
            assertTrue(worst <= tol, c + ": relative difference " + worst + " > " + tol);
        }
    }

    /**
     * Online SGD, in double: both engines draw the batch of step t from the same counter-based samples; 200 steps
     * agree to the rounding of the sums, as above, with {@code m = b·k} terms per gradient (b = 32).
     */
    @Test
    void onlineSgdAgreesWithTheDl4jLayersOver200Steps() {
        int steps = 200;
        int b = 32;
        for (Architecture arch : List.of(FLAT, OVERLAP)) {
            double alpha = arch == FLAT ? 0.0 : 0.2;
            Teacher t = Teacher.ratioFamily(arch.k(), arch.r(), 1.0, 1.0, 1.3, 5);
            CounterSamples online = CounterSamples.of(arch, t, alpha, InputDistribution.named("gaussian"), 0.05, 77, b);
            EmpiricalSpec spec = spec(arch, alpha, DataType.DOUBLE, Regime.ONLINE, b, 8, 64, 32);
            List<InitialPoint> in = inits(arch, 6, 5);
            StudentEnsemble dl4j = new Dl4jEngine().open(spec, in, null, online);
            StudentEnsemble fused = new FusedEngine(2).open(spec, in, null, online);
            for (int step = 0; step < steps; step++) {
                dl4j.stepOnline(step);
                fused.stepOnline(step);
            }
            double tol = 4.0 * steps * b * arch.k() * U;
            double[][] ref = params(dl4j);
            double[][] got = params(fused);
            for (int i = 0; i < ref.length; i++) {
                for (int j = 0; j < ref[i].length; j++) {
                    double rel = Math.abs(ref[i][j] - got[i][j]) / Math.max(1e-3, Math.abs(ref[i][j]));
                    assertTrue(rel <= tol, arch + " student " + i + " parameter " + j + ": " + rel + " > " + tol);
                }
            }
            // and the fused engine's own online run does not depend on its threads
            StudentEnsemble one = new FusedEngine(1).open(spec, in, null, online);
            StudentEnsemble three = new FusedEngine(3).open(spec, in, null, online);
            for (int step = 0; step < 20; step++) {
                one.stepOnline(step);
                three.stepOnline(step);
            }
            double[][] p1 = params(one);
            double[][] p3 = params(three);
            for (int i = 0; i < p1.length; i++) {
                assertArrayEquals(p1[i], p3[i], 0.0);
            }
        }
    }

    /** The trainer with either engine: the same outcomes, stop reasons and iterations for every student. */
    @Test
    void theTrainerGivesTheSameOutcomesWithEitherEngine() {
        Architecture arch = Architecture.nonOverlapping(6, 3);
        Teacher t = Teacher.ratioFamily(6, 3, 1.0, 1.0, 1.3, 5);
        INDArray[] d = data(arch, 200, 9);
        List<InitialPoint> in = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            in.add(DuInitialization.draw(t, 1000 + i));
        }
        EmpiricalSpec spec = new EmpiricalSpec(arch, 0.0, DataType.DOUBLE, 0.2, Regime.FULL_BATCH, 1, 150, 10, 2e-2,
                1e-2, 4, 64, 32, 42);
        List<EmpiricalResult> dl4j = new EnsembleTrainer(spec, t, true, new Dl4jEngine()).train(in, TestSets.of(d), null,
                RecordPlan.NONE, EnsembleTrainer.Sink.NONE);
        List<EmpiricalResult> fused = new EnsembleTrainer(spec, t, true, new FusedEngine(2)).train(in, TestSets.of(d),
                null, RecordPlan.NONE, EnsembleTrainer.Sink.NONE);
        boolean someStopped = false;
        for (int i = 0; i < in.size(); i++) {
            assertEquals(dl4j.get(i).outcome(), fused.get(i).outcome(), "student " + i);
            assertEquals(dl4j.get(i).reason(), fused.get(i).reason(), "student " + i);
            assertEquals(dl4j.get(i).iterations(), fused.get(i).iterations(), "student " + i);
            assertEquals(dl4j.get(i).lossN(), fused.get(i).lossN(), 1e-9 * Math.abs(dl4j.get(i).lossN()));
            someStopped |= fused.get(i).iterations() < 150;
        }
        assertTrue(someStopped, "no student stopped: the test exercised no stopping rule");
    }

    /**
     * Bit-identical values whatever the thread count (1, 2, 3), the student chunk (one ensemble or several) and the
     * sample chunk, in float and double, for full batch and minibatch, with a tail of samples shorter than a block.
     */
    @Test
    void resultsAreBitIdenticalForAnyThreadsAndChunks() {
        for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            for (Architecture arch : List.of(FLAT, OVERLAP)) {
                for (Regime regime : List.of(Regime.FULL_BATCH, Regime.MINIBATCH)) {
                    int n = 150;
                    INDArray[] d = data(arch, n, 21);
                    List<InitialPoint> in = inits(arch, 19, 23);
                    List<double[]> ref = null;
                    for (int threads : new int[] {1, 2, 3}) {
                        for (int[] chunks : new int[][] {{19, 64}, {5, 32}, {1, 128}}) {
                            EmpiricalSpec spec = spec(arch, 0.1, type, regime, 40, chunks[0], chunks[1], 32);
                            List<double[]> got = new ArrayList<>();
                            for (int lo = 0; lo < in.size(); lo += chunks[0]) {
                                List<InitialPoint> part = in.subList(lo, Math.min(in.size(), lo + chunks[0]));
                                StudentEnsemble e = new FusedEngine(threads).open(spec, part, TestSets.of(d), null);
                                got.addAll(perStudent(run(e, spec, n, 30, 13), part.size()));
                            }
                            if (ref == null) {
                                ref = got;
                            } else {
                                String what = type + " " + arch + " " + regime + " threads " + threads + " chunks "
                                        + chunks[0] + "/" + chunks[1];
                                assertEquals(ref.size(), got.size(), what);
                                for (int i = 0; i < ref.size(); i++) {
                                    assertArrayEquals(ref.get(i), got.get(i), 0.0, what + ", value " + i);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** A trace of per-slot arrays regrouped per student: for each student, its values in trace order. */
    private static List<double[]> perStudent(List<double[]> trace, int students) {
        List<double[]> out = new ArrayList<>();
        for (int s = 0; s < students; s++) {
            List<Double> vals = new ArrayList<>();
            int measures = trace.size() - students;
            for (int i = 0; i < measures; i++) {
                vals.add(trace.get(i)[s]);
            }
            for (double v : trace.get(measures + s)) {
                vals.add(v);
            }
            out.add(vals.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return out;
    }

    /**
     * The gradient (read off one full-batch step, {@code ∇L_n = (θ − θ')/η}) against central differences of the
     * engine's own {@code L_n}, in double, for the filter through its normalisation and for the output weights.
     * Central differences with step {@code h} err by {@code O(h²)·L'''} plus {@code O(u·L/h)}: with h = 1e−5 both
     * are below 1e−8 relative here (no sample within h of a kink: the inputs are generic); tolerance 1e−6.
     */
    @Test
    void theGradientMatchesFiniteDifferencesOfTheLoss() {
        for (Architecture arch : List.of(FLAT, OVERLAP, SMALL)) {
            for (double alpha : new double[] {0.0, 0.3}) {
                EmpiricalSpec spec = spec(arch, alpha, DataType.DOUBLE, Regime.FULL_BATCH, 1, 4, 64, 32);
                INDArray[] d = data(arch, 100, 31);
                InitialPoint p = inits(arch, 1, 37).get(0);
                StudentEnsemble e = new FusedEngine(1).open(spec, List.of(p), TestSets.of(d), null);
                double[] before = params(e)[0];
                e.stepFull();
                double[] after = params(e)[0];
                int r = arch.r();
                double h = 1e-5;
                for (int i = 0; i < before.length; i++) {
                    double g = (before[i] - after[i]) / spec.eta();
                    double lp = loss(spec, d, shifted(p, r, i, h));
                    double lm = loss(spec, d, shifted(p, r, i, -h));
                    double fd = (lp - lm) / (2 * h);
                    assertEquals(fd, g, 1e-6 * Math.max(1, Math.abs(fd)), arch + " α=" + alpha + " parameter " + i);
                }
            }
        }
    }

    private static double loss(EmpiricalSpec spec, INDArray[] d, InitialPoint p) {
        return new FusedEngine(1).open(spec, List.of(p), TestSets.of(d), null).losses()[0];
    }

    private static InitialPoint shifted(InitialPoint p, int r, int i, double h) {
        double[] v = p.v().clone();
        double[] a = p.a().clone();
        if (i < r) {
            v[i] += h;
        } else {
            a[i - r] += h;
        }
        return InitialPoint.of(v, a);
    }

    /**
     * A frozen student does not move while the others do, and they move exactly as without it; a repack that drops
     * students leaves the kept ones bit-identical to an ensemble that never held the others.
     */
    @Test
    void frozenStudentsStayAndRepackingChangesNoBit() {
        for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            EmpiricalSpec spec = spec(FLAT, 0.0, type, Regime.FULL_BATCH, 1, 32, 64, 32);
            INDArray[] d = data(FLAT, 80, 41);
            List<InitialPoint> in = inits(FLAT, 20, 43);
            StudentEnsemble all = new FusedEngine(2).open(spec, in, TestSets.of(d), null);
            all.stepFull();
            double[][] at1 = params(all);
            all.freeze(3);
            for (int t = 0; t < 5; t++) {
                all.stepFull();
            }
            double[][] at6 = params(all);
            assertArrayEquals(at1[3], at6[3], 0.0, "a frozen student moved");
            assertFalse(java.util.Arrays.equals(at1[4], at6[4]), "the others did not move");

            // keep 3 of 20: fewer blocks, so the engine repacks; the kept ones go on as if alone
            int[] keep = {2, 7, 19};
            assertTrue(all.repack(keep));
            assertEquals(3, all.size());
            List<InitialPoint> kept = new ArrayList<>();
            for (int s : keep) {
                kept.add(InitialPoint.of(java.util.Arrays.copyOf(at6[s], FLAT.r()),
                        java.util.Arrays.copyOfRange(at6[s], FLAT.r(), at6[s].length)));
            }
            StudentEnsemble alone = new FusedEngine(1).open(spec, kept, TestSets.of(d), null);
            for (int t = 0; t < 5; t++) {
                assertArrayEquals(alone.gradNorms(), all.gradNorms(), 0.0);
                assertArrayEquals(alone.losses(), all.losses(), 0.0);
                alone.stepFull();
                all.stepFull();
            }
            double[][] x = params(alone);
            double[][] y = params(all);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(x[i], y[i], 0.0, type + " slot " + i);
            }
            // nothing to gain: no repack
            assertFalse(all.repack(new int[] {0, 1}));
        }
    }

    /** The registry: fused first and the default, dl4j still there; construction and capabilities load no ND4J. */
    @Test
    void fusedIsTheDefaultAndDl4jStaysSelectable() {
        assertEquals("fused", EmpiricalEngines.DEFAULT);
        assertTrue(EmpiricalEngines.defaultEngine() instanceof FusedEngine);
        assertEquals(List.of("fused", "dl4j", "cuda", "testbed"), EmpiricalEngines.names()); // testbed: the test engine
        EmpiricalEngine e = new FusedEngine();
        assertTrue(e.capabilities().overlap() && e.capabilities().leaky());
        assertTrue(e.capabilities().distributions().isEmpty());
        assertNotEquals(0, ((FusedEngine) e).threads());
    }
}
