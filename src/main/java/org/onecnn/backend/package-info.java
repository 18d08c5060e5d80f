/**
 * Where the finite-sample (DL4J/ND4J) engine runs: compute profiles, the devices of this machine, and
 * the check that the two fit together.
 *
 * <h2>Contract: check before ND4J</h2>
 * The order is always {@link org.onecnn.backend.DeviceProbe#probe()} →
 * {@link org.onecnn.backend.BackendCheck#requireTrainable(ComputeProfile, BackendInfo)} →
 * {@link org.onecnn.backend.Nd4jSetup#apply(ComputeProfile, long)} → any other ND4J or DL4J use. ND4J loads
 * its native library the first time {@code org.nd4j.linalg.factory.Nd4j} is initialised; on a GPU its
 * CUDA kernels were not built for (Hopper and later) or without a GPU at all, that can end in a native
 * crash or an obscure exception deep inside JavaCPP. The check reads only the class path (as resources),
 * the build info and {@code nvidia-smi}, so a profile that cannot run here is refused with one line
 * before anything native is touched.
 *
 * <p>Hence: no class of this package except {@link org.onecnn.backend.Nd4jSetup} refers to an ND4J,
 * DL4J or JavaCPP class, and {@code Nd4jSetup} is only called after the check passed. A test
 * ({@code NoNd4jBeforeCheckTest}) runs the probe, the check and {@code onecnn doctor} for a refused
 * profile in a fresh class loader and asserts that no {@code org.nd4j} or {@code org.bytedeco} class was
 * even requested.
 */
package org.onecnn.backend;
