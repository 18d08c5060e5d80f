package org.onecnn.empirical.cuda;

/**
 * The CUDA driver API as onecnn uses it: the one boundary between the {@code cuda} engine (and {@code doctor}) and
 * the GPU. {@link JcudaDriver} implements it with JCuda's driver binding (only {@code libcuda.so.1} needed); tests
 * implement it with fakes, so everything above this interface — readiness checks, launch geometry, buffer sizes,
 * argument marshalling, memory refusals — runs and is tested on a machine without a GPU.
 *
 * <p>One instance drives one device in its primary context; {@link #open} makes that context current on the calling
 * thread and must be called on a thread before anything else there (the engine does, before every use). Every method
 * throws {@link CudaException} (the driver's result code by name, and what was being done) when the driver
 * refuses; none returns an error code.
 *
 * <p>Handles ({@link Module}, {@link Function}, {@link Buffer}, {@link Event}) are opaque and belong to the driver
 * that made them.
 */
public interface CudaDriver extends AutoCloseable {

    /** A loaded PTX module (the driver JIT-compiled it for the device at {@link #loadModule}). */
    interface Module {
    }

    /** A kernel of a {@link Module}, by its (extern "C") name. */
    interface Function {
        /** The kernel's name in the module. */
        String name();
    }

    /** Device memory of {@link #bytes()} bytes. */
    interface Buffer {
        long bytes();
    }

    /** A CUDA event, for timing ({@link #elapsedMillis}). */
    interface Event {
    }

    /**
     * What a device is.
     *
     * @param ordinal         the device's number, 0 … {@link #deviceCount()} − 1
     * @param name            as the driver names it ({@code NVIDIA H200})
     * @param major           compute capability, major
     * @param minor           compute capability, minor
     * @param totalMemory     bytes of device memory
     * @param multiprocessors streaming multiprocessors
     * @param sharedPerBlock  bytes of shared memory a block may use without opting in (48 KiB on every GPU since
     *                        Kepler)
     */
    record DeviceInfo(int ordinal, String name, int major, int minor, long totalMemory, int multiprocessors,
            int sharedPerBlock) {
        /** {@code major.minor}, as NVIDIA writes it. */
        public String computeCapability() {
            return major + "." + minor;
        }
    }

    /** {@code cuInit(0)}: before anything else; idempotent. */
    void init();

    /**
     * The CUDA version the installed driver supports, as {@code cuDriverGetVersion} gives it
     * ({@code 1000·major + 10·minor}: 12060 for 12.6, 13000 for 13.0).
     */
    int driverVersion();

    /** GPUs the driver sees (0 when none). */
    int deviceCount();

    /** What device {@code ordinal} is. */
    DeviceInfo device(int ordinal);

    /**
     * Make device {@code ordinal}'s primary context current on the calling thread; everything below acts on it.
     * Idempotent for the same device.
     */
    void open(int ordinal);

    /** Bytes of device memory free now ({@code cuMemGetInfo}), in the open context. */
    long freeMemory();

    /**
     * Load a PTX module ({@code cuModuleLoadDataEx}, the text NUL-terminated by the implementation): the driver
     * compiles it for the device. A driver too old for the PTX's ISA version, or a device below its target, makes
     * it fail with {@link CudaException} (the JIT log in the message when there is one).
     */
    Module loadModule(String ptx);

    /** A kernel of {@code module} by name. */
    Function function(Module module, String name);

    /** {@code bytes} of device memory (contents undefined). */
    Buffer alloc(long bytes);

    /** Give a buffer back; null is ignored. */
    void free(Buffer buffer);

    /** Host → device: {@code src[from … from + count − 1]} to {@code dst} at byte offset {@code dstOffset}. */
    void copyToDevice(Buffer dst, long dstOffset, float[] src, int from, int count);

    /** Host → device, doubles. */
    void copyToDevice(Buffer dst, long dstOffset, double[] src, int from, int count);

    /** Host → device, ints. */
    void copyToDevice(Buffer dst, long dstOffset, int[] src, int from, int count);

    /** Device → host: {@code count} floats from {@code src} at byte offset {@code srcOffset} into {@code dst[to …]}. */
    void copyToHost(float[] dst, int to, Buffer src, long srcOffset, int count);

    /** Device → host, doubles. */
    void copyToHost(double[] dst, int to, Buffer src, long srcOffset, int count);

    /** Device → host, ints. */
    void copyToHost(int[] dst, int to, Buffer src, long srcOffset, int count);

    /** Device → device: {@code bytes} bytes. */
    void copyDeviceToDevice(Buffer dst, long dstOffset, Buffer src, long srcOffset, long bytes);

    /** Set every byte of {@code buffer} to zero. */
    void zero(Buffer buffer);

    /**
     * Launch {@code function} on a grid of {@code grid[0] × grid[1] × grid[2]} blocks of {@code block[0] × block[1] ×
     * block[2]} threads with {@code sharedBytes} of dynamic shared memory, on the default stream (asynchronous:
     * {@link #synchronize} waits).
     */
    void launch(Function function, int[] grid, int[] block, int sharedBytes, KernelArgs args);

    /** Wait for everything launched so far ({@code cuCtxSynchronize}); a kernel's fault surfaces here. */
    void synchronize();

    /** A new event. */
    Event newEvent();

    /** Record {@code event} on the default stream. */
    void record(Event event);

    /** Milliseconds between two recorded events (waits for {@code end}). */
    float elapsedMillis(Event start, Event end);

    /**
     * Bytes of local memory (register spills, stack) one thread of {@code function} uses
     * ({@code CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES}). The driver reserves that much for every thread the device can
     * hold at once when the kernel is launched, out of device memory; 0 where not known.
     */
    default long localBytesPerThread(Function function) {
        return 0;
    }

    /** Threads a multiprocessor of device {@code ordinal} holds at once (2048 on Volta, Ampere A100, Hopper). */
    default int threadsPerMultiprocessor(int ordinal) {
        return 2048;
    }

    /** Destroy an event; null is ignored. */
    void destroy(Event event);

    /** Unload the modules and free the buffers this driver made, release the context. Idempotent. */
    @Override
    void close();
}
