package org.onecnn.empirical.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.onecnn.backend.Precision;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.Regime;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;

/**
 * The cuda engine on a real NVIDIA GPU (tag {@code gpu}: excluded from {@code mvn test}, run by the GPU check,
 * docs/gpu.md): the readiness checks pass, Philox and the samples are Random123's and CounterSamples' bits, training
 * is the fused engine's bits in every regime and data type, and a rerun is bit-identical. The same checks as
 * {@link CudaKernelsOnHostTest}, with the driver of the machine instead of the host kernels.
 */
@Tag("gpu")
class CudaGpuTest {
    private static CudaDriver driver;

    @BeforeAll
    static void open() {
        driver = CudaDrivers.system();
        driver.open(0);
        driver.loadModule(Ptx.bundled().text());
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            driver.close();
        }
    }

    /** A driver for the agreement checks: the shared one, whose module is loaded (functions by name). */
    private static CudaDriver gpu() {
        return new ModuleDriver(driver, driver.loadModule(Ptx.bundled().text()));
    }

    @Test
    void readinessPassesOnThisGpu() {
        CudaReadiness r = CudaReadiness.check(CudaDrivers::system, Ptx.bundled());
        assertTrue(r.ready(), r.line());
        System.out.println("cuda readiness: " + r.line());
    }

    @Test
    void philoxKnownAnswersOfRandom123() {
        CudaDriver d = gpu();
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                CudaAgreement.philox(d, 0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                CudaAgreement.philox(d, 0xa4093822, 0x299f31d0, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344));
    }

    @Test
    void logSinCosAreStrictMathBitForBit() {
        CudaAgreement.compareFdlibm(gpu(), 1_000_000, 2);
    }

    @Test
    void samplesAreCounterSamplesBitForBit() {
        CudaDriver d = gpu();
        CudaAgreement.compareSamples(d, Architecture.of(14, 4, 2), "gaussian", 0.3, 0.1, 5, 0, 3000);
        CudaAgreement.compareSamples(d, Architecture.nonOverlapping(25, 6), "gaussian", 0.1, 0.0, 6, 12345, 4096);
        CudaAgreement.compareSamples(d, Architecture.of(14, 4, 2), "uniform", 0.2, 0.0, 7, 3, 1000);
        CudaAgreement.compareSamples(d, Architecture.of(9, 3, 3), "rademacher", 0.1, 0.2, 8, 11, 1000);
    }

    @Test
    void trainingIsTheFusedEnginesBitsOnTheGpu() {
        CudaEngine d = new CudaEngine(CudaGpuTest::gpu, 0, Ptx::bundled);
        for (Precision type : Precision.values()) {
            CudaAgreement.compareTraining(d, Architecture.nonOverlapping(5, 6), 0.0, type, Regime.FULL_BATCH, 500, 1,
                    64, 300, 12);
            CudaAgreement.compareTraining(d, Architecture.of(14, 4, 2), 0.1, type, Regime.FULL_BATCH, 300, 1, 32, 130,
                    12);
            CudaAgreement.compareTraining(d, Architecture.nonOverlapping(25, 6), 0.0, type, Regime.FULL_BATCH, 1000,
                    1, 128, 200, 8);
            CudaAgreement.compareTraining(d, Architecture.nonOverlapping(4, 4), 0.0, type, Regime.FULL_BATCH, 700, 1,
                    100, 100, 8);
            CudaAgreement.compareTraining(d, Architecture.of(14, 4, 2), 0.0, type, Regime.MINIBATCH, 400, 50, 16, 70,
                    12);
            CudaAgreement.compareTraining(d, Architecture.of(14, 4, 2), 0.2, type, Regime.ONLINE, 0, 200, 64, 70, 12);
        }
    }

    /** Two runs of the bench-like workload (6×25, 1000 students, 4096 samples) give the same bits. */
    @Test
    void rerunsAreBitIdentical() {
        Architecture arch = Architecture.nonOverlapping(25, 6);
        int n = 4096;
        int dd = arch.d();
        float[] x = new float[n * dd];
        float[] y = new float[n];
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            y[i] = Math.max(0, x[i * dd]) - 0.5f * Math.max(0, x[i * dd + 7]);
        }
        List<InitialPoint> in = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            double[] v = new double[6];
            double[] a = new double[25];
            for (int q = 0; q < 6; q++) {
                v[q] = rnd.nextGaussian();
            }
            for (int j = 0; j < 25; j++) {
                a[j] = 0.1 * rnd.nextGaussian();
            }
            in.add(InitialPoint.of(v, a));
        }
        EmpiricalSpec spec = new EmpiricalSpec(arch, 0.0, Precision.FLOAT, 0.05, Regime.FULL_BATCH, 1, 100, 10, 0, 0,
                1000, 256, 256, 1);
        double[][][] runs = new double[2][][];
        for (int run = 0; run < 2; run++) {
            CudaEngine engine = new CudaEngine(CudaGpuTest::gpu, 0, Ptx::bundled);
            StudentEnsemble e = engine.open(spec, in, TrainingSet.ofFloats(n, dd, x, y), null);
            for (int t = 0; t < 20; t++) {
                e.stepFull();
            }
            runs[run] = e.filters();
            ((CudaEnsemble) e).close();
        }
        for (int i = 0; i < in.size(); i++) {
            assertArrayEquals(runs[0][i], runs[1][i], "student " + i);
        }
    }
}
