package org.onecnn.empirical.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.onecnn.backend.Precision;
import org.onecnn.empirical.Regime;
import org.onecnn.model.Architecture;

/**
 * onecnn's CUDA kernels, compiled as host C++ from the very source of the PTX ({@link HostCudaDriver}), and the
 * cuda engine's Java code on top of them, against the references on the CPU, bit for bit ({@link CudaAgreement}
 * says why that is the tolerance): Random123's known answers for Philox, {@code CounterSamples} for the samples,
 * the fused engine for training (every regime, both data types, ReLU and leaky, overlapping patches, the generic
 * and the register kernels, several shared-memory tiles per sample block, a frozen student).
 */
class CudaKernelsOnHostTest {
    private static HostCudaDriver driver;

    @BeforeAll
    static void start() {
        assertTrue(HostCudaDriver.available(), () -> "the host build of onecnn.cu failed: " + HostCudaDriver.buildError());
        driver = new HostCudaDriver();
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    /** Random123 1.14, examples/kat_vectors: the three philox4x32 10-round vectors (as Philox4x32Test). */
    @Test
    void philoxKnownAnswersOfRandom123() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                CudaAgreement.philox(driver, 0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                CudaAgreement.philox(driver, -1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                CudaAgreement.philox(driver, 0xa4093822, 0x299f31d0, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344));
    }

    /** The kernels' fdlibm log, sin and cos are StrictMath's, bit for bit, on 60000 arguments. */
    @Test
    void logSinCosAreStrictMathBitForBit() {
        CudaAgreement.compareFdlibm(driver, 60_000, 1);
    }

    @Test
    void samplesAreCounterSamplesBitForBit() {
        // Gaussian: Box–Muller through the kernels' fdlibm log/sin/cos against StrictMath, 300 samples × 8 pairs
        // (angles over all four quadrants, so every branch of the argument reduction); odd d; noise; leaky labels
        CudaAgreement.compareSamples(driver, Architecture.of(14, 4, 2), "gaussian", 0.3, 0.1, 5, 0, 300);
        CudaAgreement.compareSamples(driver, Architecture.of(15, 5, 5), "gaussian", 0.0, 0.0, 6, (1L << 33) + 7, 200);
        CudaAgreement.compareSamples(driver, Architecture.of(14, 4, 2), "uniform", 0.2, 0.0, 7, 3, 100);
        CudaAgreement.compareSamples(driver, Architecture.of(9, 3, 3), "rademacher", 0.1, 0.2, 8, 11, 100);
    }

    @Test
    void fullBatchMatchesTheFusedEngineBitForBit() {
        Architecture flat = Architecture.nonOverlapping(5, 6);
        Architecture overlap = Architecture.of(14, 4, 2);
        for (Precision type : Precision.values()) {
            CudaAgreement.compareTraining(driver, flat, 0.0, type, Regime.FULL_BATCH, 40, 1, 16, 5, 7);
            CudaAgreement.compareTraining(driver, overlap, 0.1, type, Regime.FULL_BATCH, 40, 1, 16, 3, 7);
        }
    }

    @Test
    void registerKernelsMatchTheFusedEngineBitForBit() {
        // 4×4 and 6×25 have kernels of their own (registers); a block of 80 samples spans two shared-memory tiles
        for (Precision type : Precision.values()) {
            CudaAgreement.compareTraining(driver, Architecture.nonOverlapping(4, 4), 0.0, type, Regime.FULL_BATCH, 200,
                    1, 80, 4, 5);
            CudaAgreement.compareTraining(driver, Architecture.nonOverlapping(25, 6), 0.0, type, Regime.FULL_BATCH, 30,
                    1, 16, 3, 4);
        }
        // the variants of 6×25 in float with a tighter register cap (-Donecnn.cuda.min_blocks): the same bits
        String before = System.getProperty("onecnn.cuda.min_blocks");
        try {
            for (String mb : new String[] {"3", "4"}) {
                System.setProperty("onecnn.cuda.min_blocks", mb);
                CudaAgreement.compareTraining(driver, Architecture.nonOverlapping(25, 6), 0.1, Precision.FLOAT,
                        Regime.FULL_BATCH, 30, 1, 16, 3, 3);
            }
        } finally {
            if (before == null) {
                System.clearProperty("onecnn.cuda.min_blocks");
            } else {
                System.setProperty("onecnn.cuda.min_blocks", before);
            }
        }
    }

    @Test
    void minibatchAndOnlineMatchTheFusedEngineBitForBit() {
        Architecture overlap = Architecture.of(14, 4, 2);
        for (Precision type : Precision.values()) {
            CudaAgreement.compareTraining(driver, overlap, 0.0, type, Regime.MINIBATCH, 40, 12, 8, 3, 6);
            CudaAgreement.compareTraining(driver, overlap, 0.2, type, Regime.ONLINE, 0, 24, 8, 3, 6);
        }
    }
}
