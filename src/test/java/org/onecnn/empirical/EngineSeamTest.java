package org.onecnn.empirical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.backend.Precision;
import org.onecnn.empirical.data.Batches;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.Gaussian;
import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.SecondOrderKind;
import org.onecnn.model.StopReason;
import org.onecnn.model.Teacher;
import org.onecnn.population.RecordPlan;
import org.onecnn.util.InvalidInputException;

/**
 * Another engine plugs into {@link EnsembleTrainer} unchanged: with {@link FakeEngine} (scripted students, no
 * network) the trainer's bookkeeping chunks the students, stops and classifies each one exactly as the rules say,
 * freezes each stopped student once, keeps the indices right when the engine repacks, feeds each regime its
 * batches and refuses at construction what the engine cannot train.
 */
class EngineSeamTest {
    private static final Architecture ARCH = Architecture.nonOverlapping(2, 3);
    private static final Teacher TEACHER = Teacher.of(new double[] {1, 0, 0}, new double[] {1, 1});
    private static final long MAX_STEPS = 20;

    /** The students: expected outcome, stop reason and iterations under the fake's dynamics (see below). */
    private static final List<InitialPoint> STUDENTS = List.of(
            // ‖a‖ = 0: stationary at once; cos φ = 1, L = 0 ≤ loss_tol → GLOBAL
            InitialPoint.of(new double[] {1, 0, 0}, new double[] {0, 0}, 10),
            // stationary at once; cos φ < 0, L = v[2]² = 0.25 > loss_tol: a SPURIOUS candidate, but the second-order
            // classification runs on L_n of the training set, which is all zeros: L_n is flat, no minimum is
            // certified (degenerate-flat) → OTHER
            InitialPoint.of(new double[] {-1, 0, 0.5}, new double[] {0, 0}, 11),
            // ‖a‖ = 2^−t ≤ 1e−3 first at t = 10, L = 2^−21 ≤ loss_tol → GLOBAL
            InitialPoint.of(new double[] {1, 0, 0}, new double[] {1, 0}, 12),
            // ‖a‖ = 1e6 · 2^−20 > 1e−3 at the budget → NOT_CONVERGED
            InitialPoint.of(new double[] {1, 0, 0}, new double[] {1e6, 0}, 13),
            // a[1] = 1e200 after one step, where L = ½‖a‖² overflows → DIVERGED at t = 1
            InitialPoint.of(new double[] {0, 1, 0}, new double[] {0, 1}, 14),
            // stationary at once; cos φ < 0 but L = 0 ≤ loss_tol → OTHER (examined too: degenerate-flat)
            InitialPoint.of(new double[] {-1, 0, 0}, new double[] {0, 0}, 15));
    private static final Outcome[] OUTCOMES = {Outcome.GLOBAL, Outcome.OTHER, Outcome.GLOBAL,
        Outcome.NOT_CONVERGED, Outcome.DIVERGED, Outcome.OTHER};
    private static final StopReason[] REASONS = {StopReason.STATIONARY, StopReason.STATIONARY, StopReason.STATIONARY,
        StopReason.BUDGET, StopReason.NON_FINITE, StopReason.STATIONARY};
    private static final long[] ITERATIONS = {0, 0, 10, MAX_STEPS, 1, 0};
    /** Only the stationary non-global students are examined to second order. */
    private static final SecondOrderKind[] KINDS = {null, SecondOrderKind.DEGENERATE_FLAT, null, null, null,
        SecondOrderKind.DEGENERATE_FLAT};

    /** The fresh samples of the online tests (batch size 4, as {@link #spec}). */
    private static final CounterSamples SAMPLES = CounterSamples.of(ARCH, TEACHER, 0, Gaussian.INSTANCE, 0, 5, 4);

    private static EmpiricalSpec spec(Regime regime, int studentChunk) {
        return new EmpiricalSpec(ARCH, 0, DataType.DOUBLE, 0.1, regime, 4, MAX_STEPS, 1, 1e-3, 1e-6, studentChunk, 32,
                32, 77);
    }

    private static INDArray[] data(long n) {
        return new INDArray[] {Nd4j.zeros(DataType.DOUBLE, n, ARCH.d()), Nd4j.zeros(DataType.DOUBLE, n, 1)};
    }

    private static List<EmpiricalResult> train(FakeEngine engine, int studentChunk, RecordPlan plan,
            EnsembleTrainer.Sink sink, AtomicLong progress) {
        INDArray[] d = data(10);
        return new EnsembleTrainer(spec(Regime.FULL_BATCH, studentChunk), TEACHER, true, engine).train(STUDENTS, TestSets.of(d), null, plan, sink, progress::addAndGet);
    }

    @Test
    void theBookkeepingClassifiesWhatAnotherEngineComputes() {
        for (int chunk : new int[] {6, 2, 4, 1}) {
            for (boolean repacks : new boolean[] {false, true}) {
                FakeEngine engine = new FakeEngine(EngineCapabilities.everything(), repacks);
                AtomicLong progress = new AtomicLong();
                List<EmpiricalResult> res = train(engine, chunk, RecordPlan.NONE, EnsembleTrainer.Sink.NONE, progress);
                String what = "chunk " + chunk + ", repacks " + repacks;
                assertEquals(STUDENTS.size(), res.size(), what);
                for (int i = 0; i < res.size(); i++) {
                    EmpiricalResult r = res.get(i);
                    assertEquals(i, r.index(), what);
                    assertEquals(STUDENTS.get(i).seed(), r.seed(), what);
                    assertEquals(OUTCOMES[i], r.outcome(), what + ", student " + i);
                    assertEquals(REASONS[i], r.reason(), what + ", student " + i);
                    assertEquals(ITERATIONS[i], r.iterations(), what + ", student " + i);
                    assertEquals(KINDS[i], r.secondOrder(), what + ", student " + i);
                    assertEquals(KINDS[i] == null, Double.isNaN(r.minEigenvalue()), what + ", student " + i);
                }
                // the measures are the engine's, read at the stop
                assertEquals(0.25, res.get(1).lossN(), what);
                assertEquals(Math.pow(2, -10), res.get(2).gradNorm(), what);
                assertEquals(Math.pow(2, -21), res.get(2).lossN(), what);
                assertEquals(Math.atan2(0.5, -1), res.get(1).phi(), what);
                assertEquals(Math.hypot(1e6 * Math.pow(2, -20) - 1, 1), res.get(3).distTeacher(), 1e-12, what);
                // chunks of at most studentChunk, in order; each stopped student frozen exactly once
                int opened = engine.opened.size();
                assertEquals((STUDENTS.size() + chunk - 1) / chunk, opened, what);
                List<Integer> frozen = new ArrayList<>();
                for (int c = 0; c < opened; c++) {
                    FakeEngine.Ensemble e = engine.opened.get(c);
                    assertEquals(Math.min(chunk, STUDENTS.size() - c * chunk), e.initialSize, what);
                    e.frozenOrigins.forEach(o -> frozen.add(o + chunk * engine.opened.indexOf(e)));
                    assertFalse(e.calls.contains("rows") || e.calls.contains("fresh"), what);
                }
                frozen.sort(null);
                assertEquals(List.of(0, 1, 2, 3, 4, 5), frozen, what);
                // every student-step of the budget reported exactly once
                assertEquals(STUDENTS.size() * MAX_STEPS, progress.get(), what);
            }
        }
    }

    @Test
    void aRepackingEngineIsOfferedTheLiveStudentsAndTheIndicesStayRight() {
        FakeEngine engine = new FakeEngine(EngineCapabilities.everything(), true);
        train(engine, 6, RecordPlan.NONE, EnsembleTrainer.Sink.NONE, new AtomicLong());
        List<String> calls = engine.opened.get(0).calls;
        // step 0 stops students 0, 1 and 5: the engine is offered the other 3 of 6 and takes them
        assertEquals("repack 3/6", calls.get(calls.indexOf("losses") + 1), calls.toString());
        // then student 4 diverges (offered 2 of 3) and student 2 stops (offered 1 of 2): student 3 is left
        assertTrue(calls.contains("repack 2/3") && calls.contains("repack 1/2"), calls.toString());
        assertEquals(List.of(3), engine.opened.get(0).origin);
    }

    @Test
    void trackedStudentsAreRecordedAtThePlannedSteps() {
        List<long[]> points = new ArrayList<>();
        train(new FakeEngine(EngineCapabilities.everything(), true), 6, RecordPlan.of(new int[] {3, 2}, 5,
                new long[] {MAX_STEPS}), (run, step, phi, lossN, pop, grad) -> points.add(new long[] {run, step}),
                new AtomicLong());
        List<String> got = points.stream().map(Arrays::toString).toList();
        // student 2 stops at 10 (still recorded there), student 3 runs to the budget
        assertEquals(List.of("[2, 0]", "[3, 0]", "[2, 5]", "[3, 5]", "[2, 10]", "[3, 10]", "[3, 15]", "[3, 20]"), got);
    }

    @Test
    void minibatchStepsTakeTheEngineIndependentOrder() {
        FakeEngine engine = new FakeEngine(EngineCapabilities.everything());
        INDArray[] d = data(10);
        List<InitialPoint> one = List.of(STUDENTS.get(3));
        new EnsembleTrainer(spec(Regime.MINIBATCH, 6), TEACHER, true, engine).train(one, TestSets.of(d), null,
                RecordPlan.NONE, EnsembleTrainer.Sink.NONE);
        List<int[]> rows = engine.opened.get(0).rows;
        assertEquals(MAX_STEPS, rows.size());
        // batches of 4 from the permutation of each epoch; the tail of 2 is dropped
        long[][] perm = {Batches.permutation(10, 77, 0), Batches.permutation(10, 77, 1)};
        int[][] expected = {slice(perm[0], 0), slice(perm[0], 4), slice(perm[1], 0), slice(perm[1], 4)};
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], rows.get(i), "step " + i);
        }
        assertTrue(engine.opened.get(0).calls.contains("gradNorms"));
    }

    private static int[] slice(long[] p, int from) {
        return Arrays.stream(p, from, from + 4).mapToInt(x -> (int) x).toArray();
    }

    @Test
    void onlineStepsTakeFreshBatchesAndAreJudgedByThePopulation() {
        FakeEngine engine = new FakeEngine(EngineCapabilities.everything());
        List<EmpiricalResult> res = new EnsembleTrainer(spec(Regime.ONLINE, 6), TEACHER, true, engine).train(
                List.of(STUDENTS.get(3)), null, SAMPLES, RecordPlan.NONE, EnsembleTrainer.Sink.NONE);
        FakeEngine.Ensemble e = engine.opened.get(0);
        assertTrue(e.online);
        assertFalse(e.calls.contains("gradNorms") || e.calls.contains("losses"), e.calls.toString());
        List<Long> steps = new ArrayList<>();
        List<Double> first = new ArrayList<>();
        for (long t = 0; t < MAX_STEPS; t++) {
            steps.add(t);
            double[] x = new double[ARCH.d()];
            SAMPLES.fill(t, 0, 1, x, new double[1]);
            first.add(x[0]);
        }
        assertEquals(steps, e.freshSteps, "one online step per step, in order");
        assertEquals(first, e.freshFirst, "the engine is handed the trainer's samples");
        assertTrue(Double.isNaN(res.get(0).lossN()));
        assertEquals(res.get(0).populationLoss(), new org.onecnn.population.NonOverlappingGaussian(TEACHER).loss(
                STUDENTS.get(3).v(), new double[] {1e6 * Math.pow(2, -20), 0}), 0);
    }

    @Test
    void whatTheEngineCannotTrainIsRefusedBeforeAnyWork() {
        FakeEngine fullOnly = new FakeEngine(new EngineCapabilities(EnumSet.of(Regime.FULL_BATCH), Set.of(), false,
                EnumSet.allOf(Precision.class), true));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new EnsembleTrainer(
                spec(Regime.MINIBATCH, 6), TEACHER, true, fullOnly));
        assertEquals("regime", e.field());
        EmpiricalSpec overlapping = new EmpiricalSpec(Architecture.of(9, 3, 2), 0, DataType.DOUBLE, 0.1,
                Regime.FULL_BATCH, 4, MAX_STEPS, 1, 1e-3, 1e-6, 6, 32, 32, 77);
        assertEquals("s", assertThrows(InvalidInputException.class, () -> new EnsembleTrainer(overlapping,
                Teacher.of(new double[] {1, 0, 0}, new double[] {1, 1, 1, 1}), false, fullOnly)).field());
        FakeEngine doubleReluOnly = new FakeEngine(new EngineCapabilities(EnumSet.allOf(Regime.class), Set.of(), true,
                EnumSet.of(Precision.DOUBLE), false));
        EmpiricalSpec inFloat = new EmpiricalSpec(ARCH, 0, DataType.FLOAT, 0.1, Regime.FULL_BATCH, 4, MAX_STEPS, 1,
                1e-3, 1e-6, 6, 32, 32, 77);
        assertEquals(Precision.FLOAT, inFloat.precision());
        assertEquals("data_type", assertThrows(InvalidInputException.class, () -> new EnsembleTrainer(inFloat, TEACHER,
                true, doubleReluOnly)).field());
        EmpiricalSpec leaky = new EmpiricalSpec(ARCH, 0.2, DataType.DOUBLE, 0.1, Regime.FULL_BATCH, 4, MAX_STEPS, 1,
                1e-3, 1e-6, 6, 32, 32, 77);
        assertEquals("leaky_slope", assertThrows(InvalidInputException.class, () -> new EnsembleTrainer(leaky, TEACHER,
                true, doubleReluOnly)).field());
        new EnsembleTrainer(spec(Regime.ONLINE, 6), TEACHER, true, doubleReluOnly);
        assertTrue(fullOnly.opened.isEmpty() && doubleReluOnly.opened.isEmpty());
    }
}
