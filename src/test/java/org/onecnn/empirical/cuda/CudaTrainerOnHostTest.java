package org.onecnn.empirical.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.onecnn.backend.Precision;
import org.onecnn.empirical.EmpiricalResult;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EnsembleTrainer;
import org.onecnn.empirical.Regime;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.empirical.fused.FusedEngine;
import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;
import org.onecnn.population.RecordPlan;

/**
 * The whole trainer (checks, stopping, freezing, classification) on the cuda engine — its kernels run on the host
 * ({@link HostCudaDriver}) — against the fused engine: the same results, field for field (outcome, stop reason,
 * iterations, and every measured value bit for bit), in full batch and online, float and double. What a
 * {@code sample-size} run on a GPU must reproduce.
 */
class CudaTrainerOnHostTest {
    private static final Architecture ARCH = Architecture.nonOverlapping(4, 3);

    private static List<InitialPoint> inits(int count) {
        Random rnd = new Random(17);
        List<InitialPoint> l = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] v = new double[ARCH.r()];
            double[] a = new double[ARCH.k()];
            for (int q = 0; q < v.length; q++) {
                v[q] = rnd.nextGaussian();
            }
            for (int j = 0; j < a.length; j++) {
                a[j] = 0.5 * rnd.nextGaussian();
            }
            l.add(InitialPoint.of(v, a, i));
        }
        return l;
    }

    private static List<EmpiricalResult> train(org.onecnn.empirical.EmpiricalEngine engine, Precision type,
            Regime regime) {
        Teacher teacher = Teacher.of(new double[] {1, 0, 0}, new double[] {1, 0.5, -0.5, 1});
        int n = 64;
        int b = regime == Regime.ONLINE ? 16 : 1;
        EmpiricalSpec spec = new EmpiricalSpec(ARCH, 0.0, type, 0.1, regime, b, 150, 10, 6e-3, 1e-2, 4, 32, 32, 5);
        List<InitialPoint> in = inits(7);
        EnsembleTrainer trainer = new EnsembleTrainer(spec, teacher, true, engine);
        if (regime == Regime.ONLINE) {
            CounterSamples online = CounterSamples.of(ARCH, teacher, 0.0, InputDistribution.named("gaussian"), 0.0, 9,
                    b);
            return trainer.train(in, null, online, RecordPlan.NONE, EnsembleTrainer.Sink.NONE);
        }
        CounterSamples fixed = CounterSamples.of(ARCH, teacher, 0.0, InputDistribution.named("gaussian"), 0.1, 3, n);
        double[] x = new double[n * ARCH.d()];
        double[] y = new double[n];
        fixed.fill(0, 0, n, x, y);
        TrainingSet data = TrainingSet.ofDoubles(n, ARCH.d(), x, y);
        return trainer.train(in, data, null, RecordPlan.NONE, EnsembleTrainer.Sink.NONE);
    }

    @Test
    void theTrainerGivesTheFusedEnginesResults() {
        assertTrue(HostCudaDriver.available(), () -> HostCudaDriver.buildError());
        try (HostCudaDriver drv = new HostCudaDriver()) {
            for (Regime regime : new Regime[] {Regime.FULL_BATCH, Regime.ONLINE}) {
                for (Precision type : Precision.values()) {
                    List<EmpiricalResult> fused = train(new FusedEngine(2), type, regime);
                    List<EmpiricalResult> cuda = train(new CudaEngine(() -> drv, 0, Ptx::bundled), type, regime);
                    assertEquals(fused, cuda, regime + " " + type);
                    // not a vacuous agreement: some students stopped before the budget, some did not
                    assertTrue(fused.stream().map(EmpiricalResult::reason).distinct().count() > 1
                            || fused.stream().map(EmpiricalResult::outcome).distinct().count() > 1,
                            regime + " " + type + ": " + fused);
                }
            }
        }
    }
}
