package org.onecnn.empirical.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.onecnn.gpu.CudaFusedAgreementGpuTest;

/**
 * The GPU check's engine-agreement test ({@link CudaFusedAgreementGpuTest}: cuda against fused through the engine
 * seam, every regime, overlapping and not, ReLU and leaky, float and double, within its derived bound, and a
 * bit-identical rerun) run here on the kernels compiled as host C++ ({@link HostCudaDriver}), with fewer steps,
 * samples and students: the check itself (its cases, data, bounds) is exercised on every machine with g++, so
 * the GPU's run tests the GPU, not the test.
 */
class CudaFusedAgreementOnHostTest {
    @Test
    void theAgreementCheckPassesOnTheHostKernels() {
        assertTrue(HostCudaDriver.available(), () -> HostCudaDriver.buildError());
        try (HostCudaDriver drv = new HostCudaDriver()) {
            CudaFusedAgreementGpuTest.check(new CudaEngine(() -> drv, 0, Ptx::bundled), 20, 256, 5);
        }
    }
}
