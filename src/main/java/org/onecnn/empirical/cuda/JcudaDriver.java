package org.onecnn.empirical.cuda;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;

/**
 * {@link CudaDriver} over JCuda 12.6's driver binding ({@code libJCudaDriver}, which needs only
 * {@code libcuda.so.1}). Never construct it directly: {@link CudaDrivers#system()} checks first that a driver is
 * installed, so that JCuda's classes and natives are not loaded on a machine without one.
 *
 * <p>Every call checks the driver's result and throws {@link CudaException} naming it; JCuda's own exceptions
 * are left off so that the messages are onecnn's.
 *
 * <p>Threads: the CUDA driver API is thread-safe and the primary context is the device's, shared by every thread,
 * but it is current per thread: {@link #open} makes it current on the calling thread every time (one cheap call),
 * because anything else running on the thread (a library, a task before this one on a pooled thread) may have made
 * another context current since. The bookkeeping of modules and buffers is synchronized, so one driver may serve
 * several threads (the engine shares one per device).
 */
final class JcudaDriver implements CudaDriver {

    private record Mod(CUmodule handle) implements Module {
    }

    private record Fn(CUfunction handle, String name) implements Function {
    }

    private record Buf(CUdeviceptr handle, long bytes) implements Buffer {
    }

    private record Ev(CUevent handle) implements Event {
    }

    private boolean initialised;
    private CUdevice device;
    private CUcontext context;
    private int ordinal = -1;
    private final List<Mod> modules = new ArrayList<>();
    private final Map<Buf, Boolean> buffers = new IdentityHashMap<>();

    JcudaDriver() {
        JCudaDriver.setExceptionsEnabled(false);
    }

    private static void check(int result, String doing) {
        if (result != CUresult.CUDA_SUCCESS) {
            String name = CUresult.stringFor(result);
            throw new CudaException(name, "CUDA driver: " + doing + " failed: " + name);
        }
    }

    @Override
    public void init() {
        if (!initialised) {
            check(JCudaDriver.cuInit(0), "cuInit");
            initialised = true;
        }
    }

    @Override
    public int driverVersion() {
        int[] v = new int[1];
        check(JCudaDriver.cuDriverGetVersion(v), "cuDriverGetVersion");
        return v[0];
    }

    @Override
    public int deviceCount() {
        int[] c = new int[1];
        int res = JCudaDriver.cuDeviceGetCount(c);
        if (res == CUresult.CUDA_ERROR_NO_DEVICE) {
            return 0;
        }
        check(res, "cuDeviceGetCount");
        return c[0];
    }

    private static CUdevice handle(int ordinal) {
        CUdevice d = new CUdevice();
        check(JCudaDriver.cuDeviceGet(d, ordinal), "cuDeviceGet(" + ordinal + ")");
        return d;
    }

    private static int attribute(CUdevice d, int attribute, String name) {
        int[] v = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(v, attribute, d), "cuDeviceGetAttribute(" + name + ")");
        return v[0];
    }

    @Override
    public DeviceInfo device(int ordinal) {
        CUdevice d = handle(ordinal);
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, d), "cuDeviceGetName");
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        long[] mem = new long[1];
        check(JCudaDriver.cuDeviceTotalMem(mem, d), "cuDeviceTotalMem");
        return new DeviceInfo(ordinal, new String(name, 0, len, StandardCharsets.UTF_8),
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, "major"),
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, "minor"),
                mem[0],
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, "multiprocessors"),
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, "shared memory"));
    }

    @Override
    public synchronized void open(int ordinal) {
        if (this.ordinal == ordinal) {
            // always: the context is current per thread, and something else on this thread may have changed it
            check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            return;
        }
        if (this.ordinal >= 0) {
            throw new IllegalStateException("this driver already drives device " + this.ordinal);
        }
        CUdevice d = handle(ordinal);
        CUcontext ctx = new CUcontext();
        check(JCudaDriver.cuDevicePrimaryCtxRetain(ctx, d), "cuDevicePrimaryCtxRetain");
        check(JCudaDriver.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
        device = d;
        context = ctx;
        this.ordinal = ordinal;
    }

    @Override
    public long freeMemory() {
        long[] free = new long[1];
        long[] total = new long[1];
        check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return free[0];
    }

    /** Bytes of each of the JIT's log buffers (its error and info logs). */
    static final int JIT_LOG_BYTES = 16 * 1024;

    /**
     * {@code cuModuleLoadDataEx} (through JCuda's {@code cuModuleLoadDataJIT}, which passes the options to it) with
     * the JIT's error and info log buffers, verbose: when the PTX does not compile the refusal carries the JIT's
     * own words (which kernel, which line, what it lacks), not only a result code.
     */
    @Override
    public synchronized Module loadModule(String ptx) {
        byte[] text = ptx.getBytes(StandardCharsets.US_ASCII);
        byte[] z = new byte[text.length + 1];
        System.arraycopy(text, 0, z, 0, text.length);
        JITOptions jit = new JITOptions();
        jit.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[JIT_LOG_BYTES]);
        jit.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, JIT_LOG_BYTES);
        jit.putBytes(CUjit_option.CU_JIT_INFO_LOG_BUFFER, new byte[JIT_LOG_BYTES]);
        jit.putInt(CUjit_option.CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES, JIT_LOG_BYTES);
        jit.putInt(CUjit_option.CU_JIT_LOG_VERBOSE, 1);
        CUmodule m = new CUmodule();
        int result = JCudaDriver.cuModuleLoadDataJIT(m, Pointer.to(z), jit);
        if (result != CUresult.CUDA_SUCCESS) {
            String name = CUresult.stringFor(result);
            String error = CudaException.logText(jit.getBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER));
            String info = CudaException.logText(jit.getBytes(CUjit_option.CU_JIT_INFO_LOG_BUFFER));
            String log = (error.isEmpty() ? "" : "JIT error log: " + CudaException.oneLine(error, 1200))
                    + (error.isEmpty() || info.isEmpty() ? "" : "; ")
                    + (info.isEmpty() ? "" : "JIT info log: " + CudaException.oneLine(info, 600));
            throw new CudaException(name, "CUDA driver: loading onecnn's PTX (cuModuleLoadDataEx: the driver's JIT) "
                    + "failed: " + name, log);
        }
        Mod mod = new Mod(m);
        modules.add(mod);
        return mod;
    }

    @Override
    public Function function(Module module, String name) {
        CUfunction f = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(f, ((Mod) module).handle(), name), "cuModuleGetFunction(" + name + ")");
        return new Fn(f, name);
    }

    @Override
    public synchronized Buffer alloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        check(JCudaDriver.cuMemAlloc(p, Math.max(bytes, 1)), "cuMemAlloc(" + bytes + " bytes)");
        Buf b = new Buf(p, bytes);
        buffers.put(b, Boolean.TRUE);
        return b;
    }

    @Override
    public synchronized void free(Buffer buffer) {
        if (buffer != null && buffers.remove(buffer) != null) {
            check(JCudaDriver.cuMemFree(((Buf) buffer).handle()), "cuMemFree");
        }
    }

    /** A host array pointer at a byte offset (the plain pointer at offset 0, the engine's only use). */
    private static Pointer host(Pointer p, long offset) {
        return offset == 0 ? p : p.withByteOffset(offset);
    }

    private static CUdeviceptr at(Buffer b, long offset, long bytes) {
        Buf buf = (Buf) b;
        if (offset < 0 || offset + bytes > buf.bytes()) {
            throw new IllegalArgumentException("copy of " + bytes + " bytes at " + offset + " outside a buffer of "
                    + buf.bytes());
        }
        return offset == 0 ? buf.handle() : buf.handle().withByteOffset(offset);
    }

    @Override
    public void copyToDevice(Buffer dst, long dstOffset, float[] src, int from, int count) {
        check(JCudaDriver.cuMemcpyHtoD(at(dst, dstOffset, 4L * count), host(Pointer.to(src), 4L * from),
                4L * count), "cuMemcpyHtoD");
    }

    @Override
    public void copyToDevice(Buffer dst, long dstOffset, double[] src, int from, int count) {
        check(JCudaDriver.cuMemcpyHtoD(at(dst, dstOffset, 8L * count), host(Pointer.to(src), 8L * from),
                8L * count), "cuMemcpyHtoD");
    }

    @Override
    public void copyToDevice(Buffer dst, long dstOffset, int[] src, int from, int count) {
        check(JCudaDriver.cuMemcpyHtoD(at(dst, dstOffset, 4L * count), host(Pointer.to(src), 4L * from),
                4L * count), "cuMemcpyHtoD");
    }

    @Override
    public void copyToHost(float[] dst, int to, Buffer src, long srcOffset, int count) {
        check(JCudaDriver.cuMemcpyDtoH(host(Pointer.to(dst), 4L * to), at(src, srcOffset, 4L * count),
                4L * count), "cuMemcpyDtoH");
    }

    @Override
    public void copyToHost(double[] dst, int to, Buffer src, long srcOffset, int count) {
        check(JCudaDriver.cuMemcpyDtoH(host(Pointer.to(dst), 8L * to), at(src, srcOffset, 8L * count),
                8L * count), "cuMemcpyDtoH");
    }

    @Override
    public void copyToHost(int[] dst, int to, Buffer src, long srcOffset, int count) {
        check(JCudaDriver.cuMemcpyDtoH(host(Pointer.to(dst), 4L * to), at(src, srcOffset, 4L * count),
                4L * count), "cuMemcpyDtoH");
    }

    @Override
    public void copyDeviceToDevice(Buffer dst, long dstOffset, Buffer src, long srcOffset, long bytes) {
        check(JCudaDriver.cuMemcpyDtoD(at(dst, dstOffset, bytes), at(src, srcOffset, bytes), bytes), "cuMemcpyDtoD");
    }

    @Override
    public void zero(Buffer buffer) {
        Buf b = (Buf) buffer;
        check(JCudaDriver.cuMemsetD8(b.handle(), (byte) 0, b.bytes()), "cuMemsetD8");
    }

    @Override
    public void launch(Function function, int[] grid, int[] block, int sharedBytes, KernelArgs args) {
        Pointer[] ps = new Pointer[args.size()];
        for (int i = 0; i < ps.length; i++) {
            KernelArgs.Arg a = args.get(i);
            ps[i] = switch (a.kind()) {
                case INT -> Pointer.to(new int[] {(Integer) a.value()});
                case LONG -> Pointer.to(new long[] {(Long) a.value()});
                case FLOAT -> Pointer.to(new float[] {(Float) a.value()});
                case DOUBLE -> Pointer.to(new double[] {(Double) a.value()});
                case POINTER -> Pointer.to(((Buf) a.value()).handle());
            };
        }
        Fn f = (Fn) function;
        check(JCudaDriver.cuLaunchKernel(f.handle(), grid[0], grid[1], grid[2], block[0], block[1], block[2],
                sharedBytes, null, Pointer.to(ps), null), "launching " + f.name());
    }

    @Override
    public void synchronize() {
        check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize (a kernel's fault shows here)");
    }

    @Override
    public Event newEvent() {
        CUevent e = new CUevent();
        check(JCudaDriver.cuEventCreate(e, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        return new Ev(e);
    }

    @Override
    public void record(Event event) {
        check(JCudaDriver.cuEventRecord(((Ev) event).handle(), null), "cuEventRecord");
    }

    @Override
    public float elapsedMillis(Event start, Event end) {
        check(JCudaDriver.cuEventSynchronize(((Ev) end).handle()), "cuEventSynchronize");
        float[] ms = new float[1];
        check(JCudaDriver.cuEventElapsedTime(ms, ((Ev) start).handle(), ((Ev) end).handle()), "cuEventElapsedTime");
        return ms[0];
    }

    @Override
    public void destroy(Event event) {
        if (event != null) {
            check(JCudaDriver.cuEventDestroy(((Ev) event).handle()), "cuEventDestroy");
        }
    }

    @Override
    public long localBytesPerThread(Function function) {
        int[] v = new int[1];
        Fn f = (Fn) function;
        check(JCudaDriver.cuFuncGetAttribute(v, CUfunction_attribute.CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, f.handle()),
                "cuFuncGetAttribute(local size of " + f.name() + ")");
        return v[0];
    }

    @Override
    public int threadsPerMultiprocessor(int ordinal) {
        return attribute(handle(ordinal), CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR,
                "threads per multiprocessor");
    }

    @Override
    public synchronized void close() {
        for (Buf b : new ArrayList<>(buffers.keySet())) {
            JCudaDriver.cuMemFree(b.handle());
        }
        buffers.clear();
        for (Mod m : modules) {
            JCudaDriver.cuModuleUnload(m.handle());
        }
        modules.clear();
        if (ordinal >= 0) {
            JCudaDriver.cuDevicePrimaryCtxRelease(device);
            ordinal = -1;
            device = null;
        }
    }
}
