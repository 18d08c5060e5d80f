package org.onecnn.empirical.cuda;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One GPU as the engine uses it: a {@link CudaDriver} with the device's context current, onecnn's PTX loaded
 * (JIT-compiled by the driver once, for every thread: a module belongs to the context, not to a thread), and its
 * kernels by name.
 */
public final class CudaDevice implements AutoCloseable {
    private final CudaDriver driver;
    private final int ordinal;
    private final CudaDriver.DeviceInfo info;
    private final CudaDriver.Module module;
    private final Map<String, CudaDriver.Function> functions = new ConcurrentHashMap<>();
    /** The largest local memory per thread of a kernel an ensemble of this device has launched (or will). */
    private long localReserved;

    /**
     * Open device {@code ordinal} of {@code driver} and load {@code ptx} there.
     *
     * @throws CudaUnavailableException (one line) when there is no such device, its compute capability is below
     *         the PTX's target, the driver is too old for the PTX, or the JIT fails
     */
    public CudaDevice(CudaDriver driver, int ordinal, Ptx ptx) {
        this.driver = driver;
        this.ordinal = ordinal;
        int version = driver.driverVersion();
        if (version < ptx.minimumDriver()) {
            throw new CudaUnavailableException("DRIVER_TOO_OLD", "NVIDIA driver too old for onecnn's PTX: it "
                    + "supports CUDA " + Ptx.versionString(version) + ", the PTX needs CUDA "
                    + Ptx.versionString(ptx.minimumDriver()) + " or newer; update the driver");
        }
        int count = driver.deviceCount();
        if (count == 0) {
            throw new CudaUnavailableException("NO_DEVICE", "no GPU: the NVIDIA driver sees no device");
        }
        if (ordinal < 0 || ordinal >= count) {
            throw new CudaUnavailableException("NO_DEVICE", "no GPU " + ordinal + ": the driver sees " + count);
        }
        this.info = driver.device(ordinal);
        int cc = 10 * info.major() + info.minor();
        int need = Math.max(CudaReadiness.MIN_CAPABILITY, ptx.target());
        if (cc < need) {
            throw new CudaUnavailableException("CAPABILITY", "GPU " + ordinal + " (" + info.name()
                    + ") has compute capability " + info.computeCapability() + "; the cuda engine needs "
                    + need / 10 + "." + need % 10 + " or higher");
        }
        driver.open(ordinal);
        try {
            this.module = driver.loadModule(ptx.text());
        } catch (CudaException e) {
            throw new CudaUnavailableException(e.result(), "the NVIDIA driver could not JIT-compile onecnn's PTX "
                    + "for GPU " + ordinal + " (" + info.name() + "): " + e.result()
                    + (e.log().isEmpty() ? "" : "; " + e.log()));
        }
    }

    public CudaDriver driver() {
        return driver;
    }

    public int ordinal() {
        return ordinal;
    }

    public CudaDriver.DeviceInfo info() {
        return info;
    }

    /** The kernel {@code name} of onecnn's PTX (looked up once). */
    public CudaDriver.Function function(String name) {
        return functions.computeIfAbsent(name, n -> driver.function(module, n));
    }

    /**
     * Device memory the driver will add for local memory (spills, stack) when {@code kernels} are launched: the
     * largest per-thread local size among them, for every thread the device holds at once, less what an earlier
     * ensemble's kernels already made it reserve (the driver keeps that reservation for the context). The
     * 6 × 25 double kernel spills on sm_90 (1,272 B of stack per thread: about 344 MB on 132 SMs of 2048 threads).
     */
    synchronized long localBytesToReserve(String... kernels) {
        long perThread = 0;
        for (String k : kernels) {
            perThread = Math.max(perThread, driver.localBytesPerThread(function(k)));
        }
        long threads = (long) driver.threadsPerMultiprocessor(ordinal) * info.multiprocessors();
        return Math.max(0, perThread - localReserved) * threads;
    }

    /** The kernels' local memory is now reserved (they were launched, or are about to be). */
    synchronized void reserveLocal(String... kernels) {
        for (String k : kernels) {
            localReserved = Math.max(localReserved, driver.localBytesPerThread(function(k)));
        }
    }

    /** Make the context current on the calling thread (an ensemble may be stepped from another thread). */
    void makeCurrent() {
        driver.open(ordinal);
    }

    @Override
    public void close() {
        driver.close();
    }
}
