package org.onecnn.empirical.cuda;

/**
 * A {@link CudaDriver} that delegates to another with one module loaded, so that {@code function(null, name)} finds
 * a kernel of onecnn's PTX (what {@link CudaAgreement} asks, written for the host driver, which has no modules), and
 * whose {@link #close} leaves the shared driver open.
 */
final class ModuleDriver implements CudaDriver {
    private final CudaDriver d;
    private final Module module;

    ModuleDriver(CudaDriver d, Module module) {
        this.d = d;
        this.module = module;
    }

    @Override public void init() { d.init(); }
    @Override public int driverVersion() { return d.driverVersion(); }
    @Override public int deviceCount() { return d.deviceCount(); }
    @Override public DeviceInfo device(int ordinal) { return d.device(ordinal); }
    @Override public void open(int ordinal) { d.open(ordinal); }
    @Override public long freeMemory() { return d.freeMemory(); }
    @Override public Module loadModule(String ptx) { return d.loadModule(ptx); }
    @Override public Function function(Module m, String name) { return d.function(m == null ? module : m, name); }
    @Override public Buffer alloc(long bytes) { return d.alloc(bytes); }
    @Override public void free(Buffer buffer) { d.free(buffer); }
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
    @Override public void close() { }
}
