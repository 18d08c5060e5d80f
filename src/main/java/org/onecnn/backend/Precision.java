package org.onecnn.backend;

import java.util.Locale;

import org.onecnn.util.InvalidInputException;

/**
 * The floating-point type of every array of a run ({@code data_type} of a {@link ComputeProfile}).
 * Kept apart from ND4J's {@code DataType} so that profiles can be read and checked without loading ND4J.
 */
public enum Precision {
    /** 32-bit: twice the throughput and half the memory of {@code double}; the choice on consumer GPUs. */
    FLOAT(4),
    /** 64-bit: correctness first, the default for experiments. */
    DOUBLE(8);

    private final int bytes;

    Precision(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The name used in profiles: {@code float} or {@code double}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code float} or {@code double}. */
    public static Precision parse(String field, String s) {
        for (Precision p : values()) {
            if (p.key().equals(s)) {
                return p;
            }
        }
        throw new InvalidInputException(field, "must be float or double, got '" + s + "'");
    }
}
