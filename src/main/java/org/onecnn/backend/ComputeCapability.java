package org.onecnn.backend;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.onecnn.util.InvalidInputException;

/**
 * An NVIDIA compute capability {@code major.minor} (8.0 A100, 8.6 RTX 3090/A10, 8.9 RTX 4090/L4,
 * 9.0 H100/H200, 10.0 and 12.0 Blackwell), as {@code nvidia-smi --query-gpu=compute_cap} prints it.
 *
 * @param major major version, {@code >= 1}
 * @param minor minor version, {@code 0..9}
 */
public record ComputeCapability(int major, int minor) implements Comparable<ComputeCapability> {
    private static final Pattern FORM = Pattern.compile("(\\d{1,3})\\.(\\d)");

    public ComputeCapability {
        if (major < 1 || major > 999 || minor < 0 || minor > 9) {
            throw new InvalidInputException("compute capability", "must be major.minor with major >= 1 and one "
                    + "minor digit, got " + major + "." + minor);
        }
    }

    /** Validated factory. */
    public static ComputeCapability of(int major, int minor) {
        return new ComputeCapability(major, minor);
    }

    /** Parses {@code "8.6"}; anything else is an {@link InvalidInputException} for {@code field}. */
    public static ComputeCapability parse(String field, String s) {
        Matcher m = FORM.matcher(s == null ? "" : s.strip());
        if (!m.matches()) {
            throw new InvalidInputException(field, "must be a compute capability major.minor such as 8.6, got '"
                    + s + "'");
        }
        return new ComputeCapability(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    @Override
    public int compareTo(ComputeCapability o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    /** {@code lo <= this <= hi}. */
    public boolean within(ComputeCapability lo, ComputeCapability hi) {
        return compareTo(lo) >= 0 && compareTo(hi) <= 0;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
