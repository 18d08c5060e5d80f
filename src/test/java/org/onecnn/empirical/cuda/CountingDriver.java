package org.onecnn.empirical.cuda;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link CudaDriver} that delegates to another and counts what the engine asks of it: modules loaded, buffers and
 * bytes live now; it may also report local memory per kernel ({@link #localBytes}), as a real driver does for a
 * kernel that spills. Its {@link #close} leaves the delegate open (the test closes that).
 */
class CountingDriver implements CudaDriver {
    private final CudaDriver d;
    final AtomicInteger modulesLoaded = new AtomicInteger();
    /** Local bytes per thread by kernel name (absent: 0). */
    final Map<String, Long> localBytes = new ConcurrentHashMap<>();
    private final Map<Buffer, Long> live = new ConcurrentHashMap<>();

    CountingDriver(CudaDriver d) {
        this.d = d;
    }

    /** Bytes of device memory allocated and not freed. */
    long liveBytes() {
        return live.values().stream().mapToLong(Long::longValue).sum();
    }

    int liveBuffers() {
        return live.size();
    }

    @Override public void init() { d.init(); }
    @Override public int driverVersion() { return d.driverVersion(); }
    @Override public int deviceCount() { return d.deviceCount(); }
    @Override public DeviceInfo device(int ordinal) { return d.device(ordinal); }
    @Override public void open(int ordinal) { d.open(ordinal); }
    @Override public long freeMemory() { return d.freeMemory(); }
    @Override public Module loadModule(String ptx) {
        modulesLoaded.incrementAndGet();
        return d.loadModule(ptx);
    }
    @Override public Function function(Module m, String name) { return d.function(m, name); }
    @Override public Buffer alloc(long bytes) {
        Buffer b = d.alloc(bytes);
        live.put(b, bytes);
        return b;
    }
    @Override public void free(Buffer buffer) {
        if (buffer != null) {
            live.remove(buffer);
        }
        d.free(buffer);
    }
    @Override public void copyToDevice(Buffer b, long o, float[] s, int f, int c) { d.copyToDevice(b, o, s, f, c); }
    @Override public void copyToDevice(Buffer b, long o, double[] s, int f, int c) { d.copyToDevice(b, o, s, f, c); }
    @Override public void copyToDevice(Buffer b, long o, int[] s, int f, int c) { d.copyToDevice(b, o, s, f, c); }
    @Override public void copyToHost(float[] t, int at, Buffer s, long o, int c) { d.copyToHost(t, at, s, o, c); }
    @Override public void copyToHost(double[] t, int at, Buffer s, long o, int c) { d.copyToHost(t, at, s, o, c); }
    @Override public void copyToHost(int[] t, int at, Buffer s, long o, int c) { d.copyToHost(t, at, s, o, c); }
    @Override public void copyDeviceToDevice(Buffer a, long ao, Buffer b, long bo, long n) {
        d.copyDeviceToDevice(a, ao, b, bo, n);
    }
    @Override public void zero(Buffer buffer) { d.zero(buffer); }
    @Override public void launch(Function f, int[] g, int[] b, int s, KernelArgs a) { d.launch(f, g, b, s, a); }
    @Override public void synchronize() { d.synchronize(); }
    @Override public Event newEvent() { return d.newEvent(); }
    @Override public void record(Event event) { d.record(event); }
    @Override public float elapsedMillis(Event start, Event end) { return d.elapsedMillis(start, end); }
    @Override public void destroy(Event event) { d.destroy(event); }
    @Override public long localBytesPerThread(Function f) { return localBytes.getOrDefault(f.name(), 0L); }
    @Override public void close() { }
}
