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
            assertTrue(hopper.err().startsWith("onecnn: error: --profile: profile cuda-hopper uses the cuda engine, which cannot "
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
            assertTrue(log.contains("onecnn: error: --profile: profile cuda-hopper uses the cuda engine, which cannot run here"),
                    log);
            // the bench steps name the option, the run steps the config field
            assertTrue(log.contains("onecnn: error: --engine: the cuda engine needs an NVIDIA GPU and its driver"), log);
            assertTrue(log.contains("onecnn: error: empirical.engine: the cuda engine needs an NVIDIA GPU and its driver"),
                    log);
            assertTrue(Files.readString(res.resolve("machine.txt")).contains("libcuda.so.1: not found"));
            standInDriver(bundle);
        }
    }

    /**
     * The real driver path without a GPU: a stand-in {@code libcuda.so.1} built here from the kernels' host build
     * (src/test/cuda/fake_libcuda.cpp: strict about the current context, junk in new memory, NUL-terminated PTX,
     * launch limits) under the bundle's own runtime, JCuda's binding and {@code JcudaDriver}: {@code doctor} is
     * ready, {@code StandInChecks} passes (a thread without a current context refused, an ensemble stepped on
     * another thread, the trainer, the engine-agreement comparison and a data set drawn on the device, each
     * against the fused engine bit for bit), and a short sample-size run on cuda writes the fused run's results.
     */
    private void standInDriver(Path bundle) throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Path lib = Files.createDirectories(tmp.resolve("stand-in"));
        Result built = exec(repo, List.of("g++", "-std=c++20", "-O1", "-ffp-contract=off", "-pthread", "-shared", "-fPIC",
                "-Isrc/main/cuda", "-o", lib.resolve("libcuda.so.1").toString(), "src/test/cuda/fake_libcuda.cpp"),
                List.of());
        assertEquals(0, built.exit(), "the stand-in libcuda.so.1 did not build (g++ with C++20 needed): "
                + built.err());
        List<String> env = List.of("LD_LIBRARY_PATH", lib.toString());
        Result doctor = exec(tmp, List.of(bundle.resolve("onecnn").toString(), "doctor", "--profile", "cuda-hopper"),
                env);
        assertEquals(0, doctor.exit(), doctor.out() + doctor.err());
        assertTrue(doctor.out().contains("cuda engine ready: PTX JIT-compiled, probe kernel ran")
                && doctor.out().contains("verdict: ready"), doctor.out());
        Result checks = exec(tmp, List.of(bundle.resolve("runtime/bin/java").toString(), "--add-modules",
                "jdk.incubator.vector", "-Djava.library.path=" + bundle.resolve("native"), "-cp",
                bundle.resolve("test-classes") + ":" + bundle.resolve("lib") + "/*:" + bundle.resolve("test-lib") + "/*",
                "org.onecnn.empirical.cuda.StandInChecks"), env);
        System.out.println(checks.out());
        assertEquals(0, checks.exit(), checks.out() + checks.err());
        assertTrue(checks.out().contains("stand-in: all checks passed"), checks.out());
        // the GPU check's sample-size run, shortened for the CPU: cuda through the stand-in against fused
        Path home = Files.createDirectories(tmp.resolve("stand-in-home"));
        String yaml = Files.readString(bundle.resolve("check-run.yaml")).replace("n: [200, 1000]", "n: [40, 80]")
                .replace("datasets: 2", "datasets: 1").replace("count: 24", "count: 6")
                .replace("max_steps: 3000", "max_steps: 400");
        Path config = home.resolve("short.yaml");
        Files.writeString(config, yaml);
        List<String> runEnv = List.of("LD_LIBRARY_PATH", lib.toString(), "ONECNN_HOME", home.toString());
        for (String engine : List.of("cuda", "fused")) {
            Result run = exec(home, List.of(bundle.resolve("onecnn").toString(), "run", config.toString(), "--quiet",
                    "--set", "empirical.engine=" + engine, "--set", "name=short-" + engine), runEnv);
            assertEquals(0, run.exit(), engine + ": " + run.out() + run.err());
        }
        Path cuda;
        Path fused;
        try (Stream<Path> s = Files.list(home.resolve("runs"))) {
            List<Path> runs = s.sorted().toList();
            cuda = runs.stream().filter(p -> p.getFileName().toString().startsWith("short-cuda")).findFirst().orElseThrow();
            fused = runs.stream().filter(p -> p.getFileName().toString().startsWith("short-fused")).findFirst()
                    .orElseThrow();
        }
        Result compared = exec(home, List.of("python3", bundle.resolve("compare_runs.py").toString(), cuda.toString(),
                fused.toString(), "short sample-size"), List.of());
        System.out.println(compared.out());
        assertEquals(0, compared.exit(), compared.out() + compared.err());
        assertTrue(compared.out().contains("outcomes agree 12/12"), compared.out());
        assertEquals(Files.readString(fused.resolve("results.csv")), Files.readString(cuda.resolve("results.csv")));
    }
}
