package org.onecnn.backend;

/**
 * What this machine and this build offer: the boundary between the outside world (class path,
 * {@code nvidia-smi}, {@code /proc}) and {@link BackendCheck}. {@link SystemDeviceProbe} is the real
 * one; tests stub it to play an H100 or an RTX 4090 on a machine without a GPU.
 *
 * <p>Implementations must not load ND4J (see the package documentation) and must not throw: what
 * cannot be found is reported as absent, with a note.
 */
@FunctionalInterface
public interface DeviceProbe {
    /** The build's ND4J backend, the GPUs and the CPU. */
    BackendInfo probe();
}
