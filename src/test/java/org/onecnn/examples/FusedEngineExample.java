package org.onecnn.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.onecnn.backend.Precision;
import org.onecnn.empirical.EmpiricalResult;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EnsembleTrainer;
import org.onecnn.empirical.Regime;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.empirical.fused.FusedEngine;
import org.onecnn.model.Architecture;
import org.onecnn.model.DuInitialization;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;
import org.onecnn.population.RecordPlan;

/**
 * Library example 2 (docs/library.md): onecnn's fused CPU engine trains an ensemble of students by full-batch
 * gradient descent on a data set of your own, given as plain Java arrays (here: Gaussian inputs labelled by a
 * teacher of your choice plus label noise; any {@code x} of shape {@code [n, d]} and {@code y} of length {@code n}
 * will do). The teacher passed to the trainer is what the students' angle φ and outcome are measured against.
 * ExamplesTest runs it.
 */
public final class FusedEngineExample {
    private FusedEngineExample() {
    }

    /** The results of {@code students} students trained on {@code n} samples. */
    public static List<EmpiricalResult> train(int n, int students) {
        int k = 8;
        int p = 5;
        Architecture arch = Architecture.nonOverlapping(k, p); // d = k p, stride s = p
        Teacher teacher = Teacher.ratioFamily(k, p, 2.0, 1.0, 1.0, 7L);

        // your data: x row-major [n, d], y [n]
        Random rnd = new Random(2026);
        double[] x = new double[n * arch.d()];
        double[] y = new double[n];
        double[] w = teacher.wStar();
        double[] a = teacher.aStar();
        for (int m = 0; m < n; m++) {
            for (int j = 0; j < arch.d(); j++) {
                x[m * arch.d() + j] = rnd.nextGaussian();
            }
            double f = 0;
            for (int i = 0; i < k; i++) {
                double z = 0;
                for (int q = 0; q < p; q++) {
                    z += w[q] * x[m * arch.d() + i * p + q];
                }
                f += a[i] * Math.max(0, z);
            }
            y[m] = f + 0.01 * rnd.nextGaussian();
        }
        TrainingSet data = TrainingSet.ofDoubles(n, arch.d(), x, y);

        // leaky slope 0 (ReLU), double, η = 0.1, full batch, 20,000 steps, checks every 50, stationary at
        // ‖∇L_n‖ ≤ 1e-7, GLOBAL needs L_n ≤ 1e-3 (the noise floor is 0.5·0.01²), 1024 students per chunk, samples in
        // chunks of 4096 summed in blocks of 4096 (the fixed summation order), minibatch seed 1 (unused here)
        EmpiricalSpec spec = new EmpiricalSpec(arch, 0.0, Precision.DOUBLE, 0.1, Regime.FULL_BATCH, 1, 20_000, 50,
                1e-7, 1e-3, 1024, 4096, 4096, 1L);
        List<InitialPoint> inits = new ArrayList<>();
        for (int i = 0; i < students; i++) {
            inits.add(DuInitialization.draw(teacher, 100L + i));
        }
        EnsembleTrainer trainer = new EnsembleTrainer(spec, teacher, true, new FusedEngine());
        return trainer.train(inits, data, null, RecordPlan.NONE, EnsembleTrainer.Sink.NONE);
    }

    public static void main(String[] args) {
        for (EmpiricalResult r : train(2000, 16)) {
            System.out.printf("student %2d: %s after %d steps (%s), phi = %.4f, L_n = %.3g%n", r.index(), r.outcome(),
                    r.iterations(), r.reason(), r.phi(), r.lossN());
        }
    }
}
