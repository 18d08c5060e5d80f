package org.onecnn.empirical.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * onecnn's kernels as PTX ({@code src/main/cuda/onecnn.cu}, compiled by {@code scripts/build-ptx.sh}, committed as
 * the resource {@value #RESOURCE}), and what it requires: its PTX ISA version (which fixes the oldest driver that
 * JIT-compiles it) and its target (the lowest compute capability).
 *
 * @param text   the PTX
 * @param isa    the ISA version as {@code 10·major + minor} ({@code .version 7.0} → 70)
 * @param target the target's compute capability as {@code 10·major + minor} ({@code .target sm_70} → 70)
 */
public record Ptx(String text, int isa, int target) {
    /** Where the committed PTX lives on the class path. */
    public static final String RESOURCE = "/cuda/onecnn.ptx";

    private static final Pattern VERSION = Pattern.compile("^\\s*\\.version\\s+(\\d+)\\.(\\d+)", Pattern.MULTILINE);
    private static final Pattern TARGET = Pattern.compile("^\\s*\\.target\\s+sm_(\\d+)", Pattern.MULTILINE);

    /** The PTX of {@code text}, its {@code .version} and {@code .target} read from it. */
    public static Ptx parse(String text) {
        Matcher v = VERSION.matcher(text);
        Matcher t = TARGET.matcher(text);
        if (!v.find() || !t.find()) {
            throw new IllegalArgumentException("not PTX: no .version or .target line");
        }
        return new Ptx(text, 10 * Integer.parseInt(v.group(1)) + Integer.parseInt(v.group(2)),
                Integer.parseInt(t.group(1)));
    }

    /** onecnn's committed PTX. */
    public static Ptx bundled() {
        try (InputStream in = Ptx.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("onecnn's PTX " + RESOURCE + " is not on the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The oldest CUDA driver version ({@code cuDriverGetVersion}'s {@code 1000·major + 10·minor}) that
     * JIT-compiles PTX of ISA {@code isa}: the CUDA release that introduced that ISA (PTX ISA reference, "Release
     * notes": 6.0 came with CUDA 9.0, 6.3 with 10.0, 7.0 with 11.0, … 8.5 with 12.5, 9.0 with 13.0).
     */
    public static int minimumDriver(int isa) {
        int major = isa / 10;
        int minor = isa % 10;
        if (major == 6) {
            return switch (minor) {
                case 0 -> 9000;
                case 1 -> 9010;
                case 2 -> 9020;
                case 3 -> 10000;
                case 4 -> 10010;
                default -> 10020;
            };
        }
        if (major == 7) {
            return 11000 + 10 * minor;
        }
        if (major == 8) {
            // 8.0–8.5: CUDA 12.0–12.5 (12.6 kept 8.5); 8.6: 12.7, 8.7: 12.8, 8.8: 12.9
            return minor <= 5 ? 12000 + 10 * minor : 12010 + 10 * minor;
        }
        if (major >= 9) {
            return 13000 + 10 * minor + 1000 * (major - 9);
        }
        return 9000;
    }

    /** {@link #minimumDriver(int)} of this PTX. */
    public int minimumDriver() {
        return minimumDriver(isa);
    }

    /** A driver version as NVIDIA writes it: 12060 → {@code 12.6}. */
    public static String versionString(int driverVersion) {
        return driverVersion / 1000 + "." + (driverVersion % 1000) / 10;
    }
}
