package org.onecnn.empirical.cuda;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CudaDriver} whose "GPU" is onecnn's kernels compiled as host C++ (src/test/cuda/host_kernels.cpp, which
 * includes src/main/cuda/onecnn.cu itself), run in a child process: memory, copies and launches go over a pipe, and
 * each launch runs the very kernel code of the PTX on the CPU (one std::thread per CUDA thread of a block). So the
 * cuda engine's Java code and its kernels are tested end to end without a GPU. Needs g++ (C++20); {@link #available}
 * says whether it is there.
 */
final class HostCudaDriver implements CudaDriver {
    /** The one device this driver reports. */
    static final DeviceInfo DEVICE = new DeviceInfo(0, "host C++ (onecnn.cu on the CPU)", 9, 0, 8L << 30, 1,
            48 * 1024);

    private static Path binary;
    private static String buildError;

    private record Buf(long handle, long bytes) implements Buffer {
    }

    private record Fn(String name) implements Function {
    }

    private record Mod() implements Module {
    }

    private record Ev(long nanos) implements Event {
    }

    private final Process process;
    private final DataInputStream in;
    private final OutputStream out;
    private final List<Buf> live = new ArrayList<>();
    long freeBytes = 8L << 30;
    int driverVersion = 13000;
    /** Every launch, in order: what the engine passed (the tests read them). */
    final List<String> launches = new ArrayList<>();

    /** Compile the server once per JVM (into target/), or say why not. */
    static synchronized boolean available() {
        if (binary != null) {
            return true;
        }
        if (buildError != null) {
            return false;
        }
        try {
            Path root = Path.of("").toAbsolutePath();
            Path exe = root.resolve("target/host-kernels/host_kernels");
            Files.createDirectories(exe.getParent());
            Process p = new ProcessBuilder("g++", "-std=c++20", "-O1", "-ffp-contract=off", "-pthread",
                    "-I" + root.resolve("src/main/cuda"), "-o", exe.toString(),
                    root.resolve("src/test/cuda/host_kernels.cpp").toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                buildError = "g++ failed: " + log;
                return false;
            }
            binary = exe;
            return true;
        } catch (IOException e) {
            buildError = "no g++: " + e.getMessage();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            buildError = "interrupted";
            return false;
        }
    }

    static String buildError() {
        return buildError;
    }

    HostCudaDriver() {
        if (!available()) {
            throw new IllegalStateException(buildError);
        }
        try {
            process = new ProcessBuilder(binary.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        in = new DataInputStream(new BufferedInputStream(process.getInputStream()));
        out = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void send(ByteBuffer b) {
        try {
            out.write(b.array(), 0, b.position());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flush, read the status; on error throw CudaException with the server's message. */
    private void reply(String doing) {
        try {
            out.flush();
            int status = in.read();
            if (status == 0) {
                return;
            }
            if (status < 0) {
                throw new CudaException("CUDA_ERROR_UNKNOWN", "host kernels exited during " + doing);
            }
            byte[] n = in.readNBytes(4);
            int len = ByteBuffer.wrap(n).order(ByteOrder.LITTLE_ENDIAN).getInt();
            String msg = new String(in.readNBytes(len), StandardCharsets.UTF_8);
            throw new CudaException("CUDA_ERROR_LAUNCH_FAILED", doing + ": " + msg);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] readBytes(long n) {
        try {
            return in.readNBytes((int) n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void init() {
    }

    @Override
    public int driverVersion() {
        return driverVersion;
    }

    @Override
    public int deviceCount() {
        return 1;
    }

    @Override
    public DeviceInfo device(int ordinal) {
        if (ordinal != 0) {
            throw new CudaException("CUDA_ERROR_INVALID_DEVICE", "no device " + ordinal);
        }
        return DEVICE;
    }

    @Override
    public void open(int ordinal) {
        device(ordinal);
    }

    @Override
    public long freeMemory() {
        return freeBytes;
    }

    @Override
    public Module loadModule(String ptx) {
        Ptx.parse(ptx);
        return new Mod();
    }

    @Override
    public Function function(Module module, String name) {
        return new Fn(name);
    }

    @Override
    public Buffer alloc(long bytes) {
        ByteBuffer b = le(9);
        b.put((byte) 'A').putLong(bytes);
        send(b);
        reply("alloc");
        long h = ByteBuffer.wrap(readBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Buf buf = new Buf(h, bytes);
        live.add(buf);
        return buf;
    }

    @Override
    public void free(Buffer buffer) {
        if (buffer == null || !live.remove(buffer)) {
            return;
        }
        ByteBuffer b = le(9);
        b.put((byte) 'F').putLong(((Buf) buffer).handle());
        send(b);
        reply("free");
    }

    private void write(Buffer dst, long off, ByteBuffer data) {
        ByteBuffer b = le(25);
        b.put((byte) 'W').putLong(((Buf) dst).handle()).putLong(off).putLong(data.position());
        send(b);
        send(data);
        reply("copy to device");
    }

    private ByteBuffer read(Buffer src, long off, long n) {
        ByteBuffer b = le(25);
        b.put((byte) 'R').putLong(((Buf) src).handle()).putLong(off).putLong(n);
        send(b);
        reply("copy to host");
        return ByteBuffer.wrap(readBytes(n)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void copyToDevice(Buffer dst, long dstOffset, float[] src, int from, int count) {
        ByteBuffer b = le(4 * count);
        for (int i = 0; i < count; i++) {
            b.putFloat(src[from + i]);
        }
        write(dst, dstOffset, b);
    }

    @Override
    public void copyToDevice(Buffer dst, long dstOffset, double[] src, int from, int count) {
        ByteBuffer b = le(8 * count);
        for (int i = 0; i < count; i++) {
            b.putDouble(src[from + i]);
        }
        write(dst, dstOffset, b);
    }

    @Override
    public void copyToDevice(Buffer dst, long dstOffset, int[] src, int from, int count) {
        ByteBuffer b = le(4 * count);
        for (int i = 0; i < count; i++) {
            b.putInt(src[from + i]);
        }
        write(dst, dstOffset, b);
    }

    @Override
    public void copyToHost(float[] dst, int to, Buffer src, long srcOffset, int count) {
        ByteBuffer b = read(src, srcOffset, 4L * count);
        for (int i = 0; i < count; i++) {
            dst[to + i] = b.getFloat();
        }
    }

    @Override
    public void copyToHost(double[] dst, int to, Buffer src, long srcOffset, int count) {
        ByteBuffer b = read(src, srcOffset, 8L * count);
        for (int i = 0; i < count; i++) {
            dst[to + i] = b.getDouble();
        }
    }

    @Override
    public void copyToHost(int[] dst, int to, Buffer src, long srcOffset, int count) {
        ByteBuffer b = read(src, srcOffset, 4L * count);
        for (int i = 0; i < count; i++) {
            dst[to + i] = b.getInt();
        }
    }

    @Override
    public void copyDeviceToDevice(Buffer dst, long dstOffset, Buffer src, long srcOffset, long bytes) {
        ByteBuffer b = le(41);
        b.put((byte) 'D').putLong(((Buf) dst).handle()).putLong(dstOffset).putLong(((Buf) src).handle())
                .putLong(srcOffset).putLong(bytes);
        send(b);
        reply("copy on device");
    }

    @Override
    public void zero(Buffer buffer) {
        ByteBuffer b = le(9);
        b.put((byte) 'Z').putLong(((Buf) buffer).handle());
        send(b);
        reply("zero");
    }

    @Override
    public void launch(Function function, int[] grid, int[] block, int sharedBytes, KernelArgs args) {
        byte[] name = ((Fn) function).name().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = le(4 + name.length + 32 + 9 * args.size());
        b.putInt(name.length).put(name);
        for (int g : grid) {
            b.putInt(g);
        }
        for (int t : block) {
            b.putInt(t);
        }
        b.putInt(sharedBytes).putInt(args.size());
        for (KernelArgs.Arg a : args.list()) {
            b.put((byte) a.kind().ordinal());
            switch (a.kind()) {
                case INT -> b.putLong((Integer) a.value() & 0xFFFFFFFFL);
                case LONG -> b.putLong((Long) a.value());
                case FLOAT -> b.putLong(Float.floatToRawIntBits((Float) a.value()) & 0xFFFFFFFFL);
                case DOUBLE -> b.putLong(Double.doubleToRawLongBits((Double) a.value()));
                case POINTER -> b.putLong(((Buf) a.value()).handle());
            }
        }
        launches.add(((Fn) function).name() + " grid=" + grid[0] + "x" + grid[1] + "x" + grid[2] + " block="
                + block[0] + " shared=" + sharedBytes + " args=" + args.size());
        ByteBuffer op = le(1);
        op.put((byte) 'L');
        send(op);
        send(b);
        reply("launching " + ((Fn) function).name());
    }

    @Override
    public void synchronize() {
    }

    @Override
    public Event newEvent() {
        return new Ev(0);
    }

    @Override
    public void record(Event event) {
    }

    @Override
    public float elapsedMillis(Event start, Event end) {
        return 0;
    }

    @Override
    public void destroy(Event event) {
    }

    /** Buffers not freed yet. */
    int liveBuffers() {
        return live.size();
    }

    @Override
    public void close() {
        try {
            out.write('Q');
            out.flush();
        } catch (IOException e) {
            // the process is gone already
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
    }

    /** Read everything a stream has (for the tests' diagnostics). */
    static String drain(InputStream s) throws IOException {
        return new String(s.readAllBytes(), StandardCharsets.UTF_8);
    }
}
