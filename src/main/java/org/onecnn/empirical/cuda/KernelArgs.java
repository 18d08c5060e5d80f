package org.onecnn.empirical.cuda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The arguments of one kernel launch, in the kernel's parameter order, each with the C type the kernel declares
 * ({@code int}, {@code long long}, {@code float}, {@code double}, or a pointer to device memory): what a
 * {@link CudaDriver} marshals into the driver's {@code void**}. Kept as a typed list so that a fake driver (and the
 * tests) can read back exactly what a launch passed.
 */
public final class KernelArgs {
    /** The C type of one argument. */
    public enum Kind { INT, LONG, FLOAT, DOUBLE, POINTER }

    /** One argument: its type and its value ({@link Integer}, {@link Long}, {@link Float}, {@link Double}, or a
     *  {@link CudaDriver.Buffer}). */
    public record Arg(Kind kind, Object value) {
    }

    private final List<Arg> args = new ArrayList<>();

    public KernelArgs i32(int value) {
        args.add(new Arg(Kind.INT, value));
        return this;
    }

    public KernelArgs i64(long value) {
        args.add(new Arg(Kind.LONG, value));
        return this;
    }

    public KernelArgs f32(float value) {
        args.add(new Arg(Kind.FLOAT, value));
        return this;
    }

    public KernelArgs f64(double value) {
        args.add(new Arg(Kind.DOUBLE, value));
        return this;
    }

    /** A device pointer to the start of {@code buffer}. */
    public KernelArgs ptr(CudaDriver.Buffer buffer) {
        if (buffer == null) {
            throw new IllegalArgumentException("a kernel argument buffer is null");
        }
        args.add(new Arg(Kind.POINTER, buffer));
        return this;
    }

    public List<Arg> list() {
        return Collections.unmodifiableList(args);
    }

    public int size() {
        return args.size();
    }

    public Arg get(int i) {
        return args.get(i);
    }
}
