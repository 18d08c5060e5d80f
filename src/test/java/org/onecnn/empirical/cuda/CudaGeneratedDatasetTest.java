package org.onecnn.empirical.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.onecnn.empirical.data.DatasetGenerator;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.empirical.fused.FusedEngine;
import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;
import org.onecnn.population.RecordPlan;

/**
 * Fixed data sets drawn on the GPU — here the host kernels ({@link HostCudaDriver}) — by the Philox kernel of
 * online batches: bit for bit the CPU's draw ({@link DatasetGenerator}, what saving and the agreement check use),
 * for every distribution, with noise and a leaky teacher, overlapping patches, float (drawn in chunks through a
 * scratch) and double; the CPU never draws a set the cuda engine drew; training on it gives the fused engine's
 * results on the CPU's draw.
 */
class CudaGeneratedDatasetTest {

    private static List<InitialPoint> inits(Architecture arch, int count) {
        Random rnd = new Random(23);
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
            l.add(InitialPoint.of(v, a, i));
        }
        return l;
    }

    private static Teacher teacher(Architecture arch) {
        double[] w = new double[arch.r()];
        double[] a = new double[arch.k()];
        w[0] = 1;
        for (int j = 0; j < a.length; j++) {
            a[j] = j % 2 == 0 ? 1 : -0.5;
        }
        return Teacher.of(w, a);
    }

    @Test
    void theGpusDrawIsTheCpusBitForBit() {
        assertTrue(HostCudaDriver.available(), () -> HostCudaDriver.buildError());
        // n = 4100: the float draw takes two chunks of GEN_ROWS = 4096 (the second of 4 rows)
        int n = CudaEnsemble.GEN_ROWS + 4;
        try (HostCudaDriver host = new HostCudaDriver()) {
            CudaEngine engine = new CudaEngine(() -> host, 0, Ptx::bundled);
            int cases = 0;
            for (Architecture arch : List.of(Architecture.nonOverlapping(3, 2), Architecture.of(7, 3, 2))) {
                for (String dist : List.of("gaussian", "uniform", "rademacher")) {
                    for (Precision type : Precision.values()) {
                        double noise = cases % 2 == 0 ? 0.0 : 0.3;
                        double leaky = cases % 3 == 0 ? 0.0 : 0.1;
                        TrainingSet set = DatasetGenerator.generate(arch, teacher(arch), leaky,
                                InputDistribution.named(dist), n, noise, 1000 + cases, type).trainingSet();
                        EmpiricalSpec spec = new EmpiricalSpec(arch, leaky, type, 0.05, Regime.FULL_BATCH, 1, 10, 10,
                                1e-9, 1e-8, 4, 256, 256, 5);
                        CudaEnsemble e = (CudaEnsemble) engine.open(spec, inits(arch, 2), set, null);
                        String what = arch + " " + dist + " " + type + " noise " + noise + " leaky " + leaky;
                        assertFalse(set.drawn(), what + ": the CPU drew a set the GPU draws");
                        Object[] dev = e.trainingSetOnDevice();
                        e.close();
                        if (type == Precision.FLOAT) {
                            assertArrayEquals(set.xFloats(), (float[]) dev[0], what);
                            assertArrayEquals(set.yFloats(), (float[]) dev[1], what);
                        } else {
                            assertArrayEquals(set.xDoubles(), (double[]) dev[0], what);
                            assertArrayEquals(set.yDoubles(), (double[]) dev[1], what);
                        }
                        assertTrue(set.drawn());
                        cases++;
                    }
                }
            }
            assertEquals(12, cases);
            engine.release();
            assertEquals(0, host.liveBuffers(), "the draw's scratch and teacher were freed");
        }
    }

    @Test
    void trainingOnTheGpusDrawGivesTheFusedEnginesResults() {
        assertTrue(HostCudaDriver.available(), () -> HostCudaDriver.buildError());
        Architecture arch = Architecture.nonOverlapping(3, 4);
        try (HostCudaDriver host = new HostCudaDriver()) {
            for (Precision type : Precision.values()) {
                EmpiricalSpec spec = new EmpiricalSpec(arch, 0.0, type, 0.1, Regime.FULL_BATCH, 1, 150, 10, 6e-3,
                        1e-2, 4, 32, 32, 5);
                List<EmpiricalResult> out = new ArrayList<>();
                for (boolean gpu : new boolean[] {false, true}) {
                    TrainingSet set = DatasetGenerator.generate(arch, teacher(arch), 0.0,
                            InputDistribution.named("gaussian"), 64, 0.1, 77, type).trainingSet();
                    CudaEngine cuda = new CudaEngine(() -> new CountingDriver(host), 0, Ptx::bundled);
                    EnsembleTrainer t = new EnsembleTrainer(spec, teacher(arch), true,
                            gpu ? cuda : new FusedEngine(2));
                    out.addAll(t.train(inits(arch, 7), set, null, RecordPlan.NONE, EnsembleTrainer.Sink.NONE));
                    cuda.release();
                }
                assertEquals(out.subList(0, 7), out.subList(7, 14), type.toString());
            }
        }
    }
}
