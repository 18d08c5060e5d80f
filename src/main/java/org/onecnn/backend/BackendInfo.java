package org.onecnn.backend;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link DeviceProbe} found.
 *
 * @param build         the ND4J backend(s) on this build's class path
 * @param buildArtifact the backend artifact recorded when onecnn was built ({@code nd4j.backend} of
 *                      {@code onecnn.properties}), or {@code unknown}
 * @param cudnn         whether the build includes the cuDNN natives ({@code -Dcudnn=true})
 * @param gpus          the GPUs {@code nvidia-smi} lists, in its order, each marked visible or hidden by
 *                      {@code CUDA_VISIBLE_DEVICES}
 * @param gpuNote       why there are no (visible) GPUs, or how {@code CUDA_VISIBLE_DEVICES} was read;
 *                      empty when there is nothing to say
 * @param cpu           the host
 */
public record BackendInfo(Build build, String buildArtifact, boolean cudnn, List<Gpu> gpus, String gpuNote, Cpu cpu) {

    /** The artifact of ND4J's CPU backend. */
    public static final String CPU_ARTIFACT = "nd4j-native";
    /** The artifact of ND4J's CUDA backend (profile {@code cuda}). */
    public static final String CUDA_ARTIFACT = "nd4j-cuda-11.6";

    /** Which ND4J backend classes the class path holds. */
    public enum Build {
        /** {@code nd4j-native} only: the default build. */
        CPU,
        /** {@code nd4j-cuda-11.6} only: built with {@code -Pcuda}. */
        CUDA,
        /** Both (ND4J would pick one by itself). */
        BOTH,
        /** Neither (a broken build). */
        NONE;

        /** The artifact(s), for messages. */
        public String artifacts() {
            return switch (this) {
                case CPU -> CPU_ARTIFACT;
                case CUDA -> CUDA_ARTIFACT;
                case BOTH -> CPU_ARTIFACT + " and " + CUDA_ARTIFACT;
                case NONE -> "none";
            };
        }
    }

    /**
     * A GPU as {@code nvidia-smi} reports it.
     *
     * @param index             its index in {@code nvidia-smi}'s (PCI bus) order
     * @param name              e.g. {@code NVIDIA H100 80GB HBM3}
     * @param computeCapability e.g. 9.0
     * @param memoryMib         total memory in MiB, 0 when unknown
     * @param driverVersion     e.g. {@code 535.104.05}
     * @param visible           false when {@code CUDA_VISIBLE_DEVICES} hides it from CUDA
     */
    public record Gpu(int index, String name, ComputeCapability computeCapability, long memoryMib, String driverVersion,
            boolean visible) {
        public Gpu {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(computeCapability, "computeCapability");
            driverVersion = driverVersion == null || driverVersion.isBlank() ? "unknown" : driverVersion;
        }

        /** A visible GPU. */
        public static Gpu of(int index, String name, ComputeCapability cc, long memoryMib, String driverVersion) {
            return new Gpu(index, name, cc, memoryMib, driverVersion, true);
        }

        /** The same GPU, visible or not. */
        public Gpu withVisible(boolean v) {
            return new Gpu(index, name, computeCapability, memoryMib, driverVersion, v);
        }

        /** {@code GPU 0 (NVIDIA H100 80GB HBM3)}. */
        public String label() {
            return "GPU " + index + " (" + name + ")";
        }
    }

    /**
     * The host.
     *
     * @param model      CPU model name, or the architecture when unknown
     * @param cores      logical cores available to the JVM
     * @param memoryMib  physical memory in MiB, 0 when unknown
     * @param maxHeapMib the JVM's maximum heap in MiB (JavaCPP's default off-heap limit)
     */
    public record Cpu(String model, int cores, long memoryMib, long maxHeapMib) {
        public Cpu {
            model = model == null || model.isBlank() ? "unknown" : model;
        }
    }

    public BackendInfo {
        Objects.requireNonNull(build, "build");
        buildArtifact = buildArtifact == null || buildArtifact.isBlank() ? "unknown" : buildArtifact;
        gpus = List.copyOf(gpus);
        gpuNote = gpuNote == null ? "" : gpuNote;
        Objects.requireNonNull(cpu, "cpu");
    }

    /** The GPUs CUDA will see. */
    public List<Gpu> visibleGpus() {
        return gpus.stream().filter(Gpu::visible).toList();
    }
}
