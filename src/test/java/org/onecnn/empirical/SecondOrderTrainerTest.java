package org.onecnn.empirical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.StopReason;
import org.onecnn.model.Teacher;
import org.onecnn.population.NonOverlappingGaussian;
import org.onecnn.population.RecordPlan;

/**
 * The trainer's second-order judgement on real empirical stationary points: students started next to the population
 * spurious point of a small problem descend to the empirical far-side minimum of {@code L_n}; each that stops
 * stationary and not GLOBAL is examined, and a SPURIOUS one carries a certified minimum kind.
 */
class SecondOrderTrainerTest {
    @Test
    void stationaryFarSideStudentsAreExaminedAndSpuriousOnesAreCertifiedMinima() {
        Architecture arch = Architecture.nonOverlapping(4, 3);
        Teacher t = Teacher.ratioFamily(4, 3, 1.0, 1.0, 1.0, 7);
        INDArray[] d = TrainerTest.data(arch, t, 400, 3);
        NonOverlappingGaussian pop = new NonOverlappingGaussian(t);
        List<InitialPoint> in = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            double[] v = t.wStarUnit();
            for (int c = 0; c < v.length; c++) {
                v[c] = -v[c] + 0.05 * (c == i ? 1 : -0.5);
            }
            in.add(InitialPoint.of(v, pop.spuriousA(), 100 + i));
        }
        EmpiricalSpec spec = new EmpiricalSpec(arch, 0.0, org.nd4j.linalg.api.buffer.DataType.DOUBLE, 0.5,
                "full-batch", 1, 20000, 50, 1e-7, 1e-8, 3, 400, 400, 42);
        List<EmpiricalResult> res = new EnsembleTrainer(spec, t, true).train(in, TestSets.of(d), null, RecordPlan.NONE,
                EnsembleTrainer.Sink.NONE);
        int spurious = 0;
        for (EmpiricalResult r : res) {
            if (r.reason() != StopReason.STATIONARY || r.outcome() == Outcome.GLOBAL) {
                assertEquals(null, r.secondOrder(), r.toString());
                continue;
            }
            assertTrue(r.secondOrder() != null && Double.isFinite(r.minEigenvalue()), r.toString());
            if (r.outcome() == Outcome.SPURIOUS) {
                spurious++;
                assertTrue(r.secondOrder().isMinimum(), r.toString());
            } else {
                assertTrue(!r.secondOrder().isMinimum() || r.phi() < Math.PI / 2 || r.lossN() <= 1e-8, r.toString());
            }
        }
        assertTrue(spurious > 0, "some student ends at the empirical spurious minimum: " + res);
    }
}
