package org.onecnn.backend;

import java.util.List;

import org.onecnn.backend.BackendInfo.Build;
import org.onecnn.backend.BackendInfo.Cpu;
import org.onecnn.backend.BackendInfo.Gpu;

/** Machines for tests: builds and GPUs as a {@link DeviceProbe} would report them. */
public final class TestDevices {
    private TestDevices() {
    }

    /** A 16-core host with 128 GiB. */
    public static final Cpu HOST = new Cpu("Test CPU @ 3.0GHz", 16, 128 * 1024, 32 * 1024);

    public static Gpu h100(int index) {
        return Gpu.of(index, "NVIDIA H100 80GB HBM3", ComputeCapability.of(9, 0), 81559, "550.54.15");
    }

    public static Gpu b200(int index) {
        return Gpu.of(index, "NVIDIA B200", ComputeCapability.of(10, 0), 183359, "570.86.10");
    }

    public static Gpu a100(int index) {
        return Gpu.of(index, "NVIDIA A100-SXM4-80GB", ComputeCapability.of(8, 0), 81920, "535.104.05");
    }

    public static Gpu a100Pcie40(int index) {
        return Gpu.of(index, "NVIDIA A100-PCIE-40GB", ComputeCapability.of(8, 0), 40960, "535.104.05");
    }

    public static Gpu rtx4090(int index) {
        return Gpu.of(index, "NVIDIA GeForce RTX 4090", ComputeCapability.of(8, 9), 24564, "550.54.14");
    }

    public static Gpu rtx3070(int index) {
        return Gpu.of(index, "NVIDIA GeForce RTX 3070", ComputeCapability.of(8, 6), 8192, "550.54.14");
    }

    public static Gpu k20(int index) {
        return Gpu.of(index, "Tesla K20Xm", ComputeCapability.of(3, 5), 5700, "470.239.06");
    }

    /** The default build (nd4j-native), with these GPUs in the machine. */
    public static BackendInfo cpuBuild(Gpu... gpus) {
        return new BackendInfo(Build.CPU, BackendInfo.CPU_ARTIFACT, false, List.of(gpus),
                gpus.length == 0 ? "nvidia-smi not found (no NVIDIA driver, or not on the PATH)" : "", HOST);
    }

    /** A {@code -Pcuda} build (nd4j-cuda-11.6), with these GPUs. */
    public static BackendInfo cudaBuild(Gpu... gpus) {
        return new BackendInfo(Build.CUDA, BackendInfo.CUDA_ARTIFACT, false, List.of(gpus),
                gpus.length == 0 ? "nvidia-smi not found (no NVIDIA driver, or not on the PATH)" : "", HOST);
    }

    /** A build of the given kind without GPUs. */
    public static BackendInfo build(Build b) {
        return new BackendInfo(b, "unknown", false, List.of(), "nvidia-smi lists no GPU", HOST);
    }
}
