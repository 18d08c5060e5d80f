package org.onecnn.empirical.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.onecnn.backend.Precision;
import org.onecnn.util.InvalidInputException;

/**
 * The header of a {@code .npy} file (numpy's format, NEP 1): the magic {@code \x93NUMPY}, a version byte pair,
 * the header length (2 bytes little endian in version 1, 4 bytes in versions 2 and 3), then a Python dict
 * literal {@code {'descr': '<f8', 'fortran_order': False, 'shape': (n, d), }} padded with spaces and ended by
 * {@code '\n'}; the data follows at {@link #dataOffset()}.
 *
 * <p>Read and written in plain Java (numpy's own layout: version 1.0, the header padded with spaces so that the
 * data starts at a multiple of 64 bytes), checked before the data is read, so that a truncated or foreign file is
 * reported with its name.
 *
 * @param major       format major version
 * @param minor       format minor version
 * @param descr       numpy dtype string, e.g. {@code <f8}
 * @param fortranOrder whether the data is column-major
 * @param shape       the array's shape
 * @param dataOffset  bytes before the data (magic, version, length field and header)
 */
record Npy(int major, int minor, String descr, boolean fortranOrder, long[] shape, int dataOffset) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** The header of {@code file}; errors name the file. */
    static Npy read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(8);
            if (start.length < 8 || !Arrays.equals(Arrays.copyOf(start, 6), MAGIC)) {
                throw new InvalidInputException(file.toString(), "not a .npy file (no \\x93NUMPY magic)");
            }
            int major = start[6] & 0xff;
            int minor = start[7] & 0xff;
            int lengthBytes = major == 1 ? 2 : major == 2 || major == 3 ? 4 : 0;
            if (lengthBytes == 0) {
                throw new InvalidInputException(file.toString(), ".npy format version " + major + "." + minor
                        + " is not supported (1.x, 2.x, 3.x are)");
            }
            byte[] lengthField = in.readNBytes(lengthBytes);
            if (lengthField.length < lengthBytes) {
                throw new InvalidInputException(file.toString(), "truncated .npy header");
            }
            ByteBuffer lb = ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN);
            long len = lengthBytes == 2 ? lb.getShort() & 0xffff : lb.getInt() & 0xffffffffL;
            if (len > 1 << 20) {
                throw new InvalidInputException(file.toString(), ".npy header of " + len + " bytes is implausible");
            }
            byte[] header = in.readNBytes((int) len);
            if (header.length < len) {
                throw new InvalidInputException(file.toString(), "truncated .npy header");
            }
            String text = new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            String shape = field(file, SHAPE, text, "shape");
            return new Npy(major, minor, field(file, DESCR, text, "descr"),
                    "True".equals(field(file, FORTRAN, text, "fortran_order")), shape(file, shape),
                    8 + lengthBytes + (int) len);
        } catch (IOException e) {
            throw new InvalidInputException(file.toString(), "cannot read: " + e.getMessage());
        }
    }

    private static String field(Path file, Pattern p, String text, String name) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw new InvalidInputException(file.toString(), ".npy header has no '" + name + "': " + text.trim());
        }
        return m.group(1);
    }

    private static long[] shape(Path file, String tuple) {
        List<Long> dims = new ArrayList<>();
        for (String part : tuple.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                dims.add(Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t));
            } catch (NumberFormatException e) {
                throw new InvalidInputException(file.toString(), ".npy shape (" + tuple
                        + ") is not a tuple of integers");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** The numpy dtype string of a type: {@code <f4} or {@code <f8} (little endian). */
    static String descr(Precision type) {
        return type == Precision.FLOAT ? "<f4" : "<f8";
    }

    /** The version-1.0 header of a C-order array of {@code shape} and {@code type}, padded as numpy pads it. */
    static byte[] header(long[] shape, Precision type) {
        StringBuilder t = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            t.append(shape[i]).append(shape.length == 1 || i < shape.length - 1 ? "," : "");
            if (i < shape.length - 1) {
                t.append(' ');
            }
        }
        t.append(')');
        String dict = "{'descr': '" + descr(type) + "', 'fortran_order': False, 'shape': " + t + ", }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String text = dict + " ".repeat(total - unpadded) + "\n";
        byte[] h = new byte[total];
        System.arraycopy(MAGIC, 0, h, 0, 6);
        h[6] = 1;
        h[7] = 0;
        int len = total - 10;
        h[8] = (byte) len;
        h[9] = (byte) (len >>> 8);
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, h, 10, b.length);
        return h;
    }

    /** Writes a C-order {@code .npy} file of {@code shape} holding {@code data} (doubles), little endian. */
    static void write(java.io.OutputStream out, long[] shape, double[] data) throws IOException {
        out.write(header(shape, Precision.DOUBLE));
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : data) {
            if (b.remaining() < 8) {
                out.write(b.array(), 0, b.position());
                b.clear();
            }
            b.putDouble(v);
        }
        out.write(b.array(), 0, b.position());
    }

    /** Writes a C-order {@code .npy} file of {@code shape} holding {@code data} (floats), little endian. */
    static void write(java.io.OutputStream out, long[] shape, float[] data) throws IOException {
        out.write(header(shape, Precision.FLOAT));
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            if (b.remaining() < 4) {
                out.write(b.array(), 0, b.position());
                b.clear();
            }
            b.putFloat(v);
        }
        out.write(b.array(), 0, b.position());
    }

    /** The data of a file {@link #check}ed to hold {@code count} little-endian doubles after this header. */
    double[] readDoubles(Path file, int count) {
        ByteBuffer b = data(file);
        double[] out = new double[count];
        b.asDoubleBuffer().get(out);
        return out;
    }

    /** The data of a file {@link #check}ed to hold {@code count} little-endian floats after this header. */
    float[] readFloats(Path file, int count) {
        ByteBuffer b = data(file);
        float[] out = new float[count];
        b.asFloatBuffer().get(out);
        return out;
    }

    private ByteBuffer data(Path file) {
        try {
            byte[] all = Files.readAllBytes(file);
            return ByteBuffer.wrap(all, dataOffset, all.length - dataOffset).slice().order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new InvalidInputException(file.toString(), "cannot read: " + e.getMessage());
        }
    }

    /**
     * Checks that {@code file} holds a row-major array of {@code shape} and {@code type}, and that its length is
     * exactly header plus data.
     */
    static Npy check(Path file, long[] shape, Precision type) {
        Npy h = read(file);
        if (!h.descr.equals(descr(type))) {
            throw new InvalidInputException(file.toString(), "dtype must be '" + descr(type) + "' (" + type.name()
                    + ", from the manifest), got '" + h.descr + "'");
        }
        if (h.fortranOrder) {
            throw new InvalidInputException(file.toString(), "must be in C order (fortran_order False)");
        }
        if (!Arrays.equals(h.shape, shape)) {
            throw new InvalidInputException(file.toString(), "shape must be " + Arrays.toString(shape)
                    + " (from the manifest), got " + Arrays.toString(h.shape));
        }
        long expected = h.dataOffset + Arrays.stream(shape).reduce(1, Math::multiplyExact) * type.bytes();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new InvalidInputException(file.toString(), "cannot read: " + e.getMessage());
        }
        if (size != expected) {
            throw new InvalidInputException(file.toString(), "length must be " + expected + " bytes (header "
                    + h.dataOffset + " + data), got " + size + " (truncated or corrupt)");
        }
        return h;
    }

    /** A value that is NaN or infinite, and its element index (row-major) in the file's array. */
    record NonFinite(long index, double value) {
    }

    /**
     * The first NaN or infinite value of a file {@link #check}ed to hold little-endian floats or doubles after
     * this header, or null when every value is finite. Streams the file (64 KiB at a time), so that a run can
     * check every data set it will read before it starts, without holding one in memory.
     */
    NonFinite firstNonFinite(Path file) {
        boolean f = descr.equals(descr(Precision.FLOAT));
        int size = f ? 4 : 8;
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(dataOffset);
            byte[] buf = new byte[1 << 16]; // a multiple of both element sizes: no value straddles two reads
            long index = 0;
            for (int got; (got = in.readNBytes(buf, 0, buf.length)) > 0;) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, got).order(ByteOrder.LITTLE_ENDIAN);
                while (b.remaining() >= size) {
                    double v = f ? b.getFloat() : b.getDouble();
                    if (!Double.isFinite(v)) {
                        return new NonFinite(index, v);
                    }
                    index++;
                }
            }
            return null;
        } catch (IOException e) {
            throw new InvalidInputException(file.toString(), "cannot read: " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Npy h && major == h.major && minor == h.minor && descr.equals(h.descr)
                && fortranOrder == h.fortranOrder && Arrays.equals(shape, h.shape) && dataOffset == h.dataOffset;
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hash(major, minor, descr, fortranOrder, dataOffset) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "Npy[v" + major + "." + minor + ", " + descr + ", fortran_order=" + fortranOrder + ", shape="
                + Arrays.toString(shape) + ", data at " + dataOffset + "]";
    }
}
