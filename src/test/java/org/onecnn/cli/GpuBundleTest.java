package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU bundle ({@code scripts/gpu-bundle.sh}, docs/gpu.md) built from this build's classes and class path: it
 * fits the 64 MiB a GPU test machine receives, holds no DL4J/ND4J/JavaCPP jar and no JCuda native but the driver
 * binding, carries the PyTorch peer and the check, and its own Java runtime runs {@code --version} and
 * {@code doctor} here (no GPU: the cuda path is refused in one line, the CPU profile is ready), and its
 * {@code gpu-check.sh} with a budget of 60 s ends within 90 s, non-zero, with a summary in at most 8 files.
 */
class GpuBundleTest {
    /** What the run tool carries to a GPU machine. */
    static final long LIMIT = 64L << 20;

    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {
    }

    Result exec(Path dir, List<String> cmd, List<String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        for (int i = 0; i < env.size(); i += 2) {
            pb.environment().put(env.get(i), env.get(i + 1));
        }
        // the outputs in the test's own temporary folder, never in the working directory (the checkout)
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "timed out: " + cmd);
        String e = Files.readString(err, StandardCharsets.UTF_8).lines()
                .filter(l -> !l.equals("WARNING: Using incubator modules: jdk.incubator.vector"))
                .collect(Collectors.joining("\n"));
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), e);
    }

    @Test
    void theBundleFitsAndItsJavaRunsOnCpuOnly() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Path bundle = tmp.resolve("bundle");
        Path peer = tmp.resolve("ensemble_torch.py");
        Files.writeString(peer, "print('peer')\n");
        String jdkBin = Path.of(System.getProperty("java.home"), "bin").toString();
        Result built = exec(repo, List.of("bash", "scripts/gpu-bundle.sh", bundle.toString()), List.of(
                "ONECNN_BUNDLE_CLASSPATH", System.getProperty("java.class.path"), "ONECNN_TORCH_PEER", peer.toString(),
                "PATH", jdkBin + ":" + System.getenv("PATH")));
        assertEquals(0, built.exit(), built.out() + built.err());
        long size;
        try (Stream<Path> s = Files.walk(bundle)) {
            size = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf("GPU bundle: %d bytes (%.1f MiB) of the %d MiB limit%n", size, size / 1048576.0, LIMIT >> 20);
        assertTrue(size < LIMIT, "bundle of " + size + " bytes");
        List<String> libs;
        try (Stream<Path> s = Files.list(bundle.resolve("lib"))) {
            libs = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertTrue(libs.contains("onecnn.jar") && libs.stream().anyMatch(l -> l.startsWith("jcuda-12")), libs.toString());
        assertFalse(libs.stream().anyMatch(l -> l.matches("(nd4j|deeplearning4j|javacpp|openblas|jcuda-natives).*")),
                libs.toString());
        try (Stream<Path> s = Files.list(bundle.resolve("native"))) {
            assertEquals(List.of("libJCudaDriver-12.6.0-linux-x86_64.so"),
                    s.map(p -> p.getFileName().toString()).toList());
        }
        for (String f : List.of("onecnn", "gpu-check.sh", "peers/ensemble_torch.py", "compare_runs.py", "summarize.py",
                "check-run.yaml", "runtime/bin/java", "test-classes/org/onecnn/gpu/GpuTests.class")) {
            assertTrue(Files.exists(bundle.resolve(f)), f);
        }
        assertFalse(Files.exists(bundle.resolve("runtime/lib/libawt.so")), "no java.desktop in the runtime");

        Result version = exec(tmp, List.of(bundle.resolve("onecnn").toString(), "--version"), List.of());
        assertEquals(0, version.exit(), version.err());
        assertTrue(version.out().startsWith("onecnn "), version.out());
        Result doctor = exec(tmp, List.of(bundle.resolve("onecnn").toString(), "doctor"), List.of());
        assertEquals(0, doctor.exit(), doctor.err());
        assertTrue(doctor.out().contains("cuda engine (onecnn's kernels") && doctor.out().contains("verdict: ready"),
                doctor.out());
        Result hopper = exec(tmp, List.of(bundle.resolve("onecnn").toString(), "doctor", "--profile", "cuda-hopper"),
                List.of());
        if (!doctor.out().contains("cuda engine ready")) {
            // no GPU here: one line says why
            assertEquals(2, hopper.exit(), hopper.err());
            assertEquals(1, hopper.err().strip().lines().count(), hopper.err());
            assertTrue(hopper.err().startsWith("onecnn: error: profile cuda-hopper uses the cuda engine, which cannot "
                    + "run here: "), hopper.err());

            // the check itself, as docs/gpu.md says to run it, on this machine without a GPU: within its budget,
            // non-zero, a summary, at most 8 files and no folder, every step's one-line refusal in log.txt
            Path res = tmp.resolve("results");
            long t0 = System.nanoTime();
            Result check = exec(tmp, List.of(bundle.resolve("gpu-check.sh").toString(), res.toString()),
                    List.of("GPU_CHECK_BUDGET_S", "60"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("gpu-check.sh with a budget of 60 s: %.1f s, exit %d%n", seconds, check.exit());
            assertTrue(seconds < 90, seconds + " s");
            assertTrue(check.exit() > 0, "exit " + check.exit());
            List<Path> files;
            try (Stream<Path> s = Files.list(res)) {
                files = s.toList();
            }
            assertTrue(files.size() <= 8 && files.stream().allMatch(Files::isRegularFile), files.toString());
            assertTrue(Files.exists(res.resolve("summary.md")), files.toString());
            String log = Files.readString(res.resolve("log.txt"));
            assertTrue(log.contains("onecnn: error: profile cuda-hopper uses the cuda engine, which cannot run here"),
                    log);
            assertTrue(log.contains("onecnn: error: engine: the cuda engine needs an NVIDIA GPU and its driver"), log);
            assertTrue(Files.readString(res.resolve("machine.txt")).contains("libcuda.so.1: not found"));
        }
    }
}
