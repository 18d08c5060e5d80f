package org.onecnn.empirical.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the system's {@link CudaDriver} comes from. {@link #system()} looks for the NVIDIA driver's
 * {@code libcuda.so.1} <em>before</em> touching any JCuda class, so that on a machine without a driver nothing of
 * JCuda loads and the refusal is one line.
 */
public final class CudaDrivers {
    /** The driver library every NVIDIA driver installs (the only native JCuda's driver binding needs). */
    public static final String LIBCUDA = "libcuda.so.1";

    private CudaDrivers() {
    }

    /**
     * The JCuda-backed driver, initialised ({@code cuInit}).
     *
     * @throws CudaUnavailableException (one line) when {@code libcuda.so.1} is nowhere the dynamic loader looks,
     *         when JCuda's native cannot load, or when {@code cuInit} fails
     */
    public static CudaDriver system() {
        if (!libcudaPresent()) {
            throw new CudaUnavailableException("NO_DRIVER", "no NVIDIA driver: " + LIBCUDA
                    + " is not installed (the cuda engine needs an NVIDIA GPU and its driver)");
        }
        CudaDriver driver;
        try {
            driver = new JcudaDriver();
        } catch (LinkageError e) {
            throw new CudaUnavailableException("NO_DRIVER", "the CUDA driver binding (JCuda's libJCudaDriver) could "
                    + "not load: " + firstLine(e.getMessage()));
        }
        try {
            driver.init();
        } catch (CudaException e) {
            if ("CUDA_ERROR_NO_DEVICE".equals(e.result())) {
                throw new CudaUnavailableException(e.result(), "no GPU: the NVIDIA driver is installed but sees no "
                        + "device (cuInit: CUDA_ERROR_NO_DEVICE)");
            }
            throw new CudaUnavailableException(e.result(), "the NVIDIA driver did not start (cuInit: " + e.result()
                    + "); is a GPU visible to this process?");
        }
        return driver;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * Whether {@code libcuda.so.1} is where the dynamic loader would find it: a directory of
     * {@code LD_LIBRARY_PATH}, the loader's cache {@code /etc/ld.so.cache}, or the usual library directories.
     */
    public static boolean libcudaPresent() {
        return libcudaPresent(System.getenv("LD_LIBRARY_PATH"), Path.of("/etc/ld.so.cache"), defaultDirs());
    }

    static List<Path> defaultDirs() {
        List<Path> dirs = new ArrayList<>();
        for (String d : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu",
                "/lib64", "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib"}) {
            dirs.add(Path.of(d));
        }
        return dirs;
    }

    static boolean libcudaPresent(String ldLibraryPath, Path ldCache, List<Path> dirs) {
        if (ldLibraryPath != null) {
            for (String d : ldLibraryPath.split(":")) {
                if (!d.isEmpty() && Files.exists(Path.of(d, LIBCUDA))) {
                    return true;
                }
            }
        }
        for (Path d : dirs) {
            if (Files.exists(d.resolve(LIBCUDA))) {
                return true;
            }
        }
        try {
            if (Files.isReadable(ldCache)) {
                String cache = new String(Files.readAllBytes(ldCache), StandardCharsets.ISO_8859_1);
                return cache.contains(LIBCUDA);
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
