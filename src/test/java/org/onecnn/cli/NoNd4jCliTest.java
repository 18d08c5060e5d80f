package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * onecnn runs with no DL4J, ND4J or JavaCPP jar on the class path (the GPU bundle's situation, docs/gpu.md): the
 * CLI in a subprocess whose class path is this test's minus every {@code org.nd4j}, {@code org.deeplearning4j} and
 * {@code org.bytedeco} jar runs a small sample-size study on the fused engine (and writes its report, run folder
 * and provenance), {@code bench empirical --engine fused} and {@code doctor}; the dl4j engine asked for there is
 * refused in one line.
 */
class NoNd4jCliTest {
    @TempDir
    Path home;

    static String classPathWithoutNd4j() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.matches(".*/(nd4j|deeplearning4j|javacpp|openblas)[^/]*\\.jar")
                        && !e.contains("/org/nd4j/") && !e.contains("/org/deeplearning4j/")
                        && !e.contains("/org/bytedeco/"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    record Result(int exit, String stdout, String stderr) {
    }

    Result cli(String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "-Donecnn.home=" + home, "-cp", classPathWithoutNd4j(), "org.onecnn.cli.Main"));
        cmd.addAll(List.of(args));
        Path out = home.resolve("stdout.txt");
        Path err = home.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + cmd);
        String e = Files.readString(err, StandardCharsets.UTF_8).lines()
                .filter(l -> !l.equals("WARNING: Using incubator modules: jdk.incubator.vector"))
                .collect(Collectors.joining("\n"));
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), e);
    }

    @Test
    void theClassPathReallyLacksNd4j() {
        String cp = classPathWithoutNd4j();
        assertFalse(cp.contains("nd4j") || cp.contains("deeplearning4j") || cp.contains("bytedeco")
                || cp.contains("javacpp"), cp);
        assertTrue(cp.contains("jackson-databind") && cp.contains("picocli"), cp);
    }

    @Test
    void sampleSizeBenchAndDoctorRunWithoutNd4j() throws Exception {
        Path cfg = home.resolve("tiny.yaml");
        Files.writeString(cfg, String.join("\n", "name: tiny", "type: sample-size", "seed: 7", "model:", "  k: 4",
                "  p: 3", "teacher:", "  family: ratio", "  ratio: 4.0", "  a_norm: 1.0", "  w_norm: 1.0", "init:",
                "  scheme: du", "  count: 4", "train:", "  algorithm: wn-gd", "  engine: reduced", "  eta: 0.1",
                "stop:", "  max_steps: 2000", "empirical:", "  n: [50, 80]", "  datasets: 2", "  regime: full-batch",
                "  eta: 0.1", "  max_steps: 300", "  check_every: 50", "  grad_tol: 1.0e-4", "  save_datasets: true",
                "  profile: cpu", "  data_type: float", ""));
        Result r = cli("run", cfg.toString(), "--quiet");
        assertEquals(0, r.exit(), r.stderr());
        Path run;
        try (Stream<Path> s = Files.list(home.resolve("runs"))) {
            run = s.filter(p -> p.getFileName().toString().startsWith("tiny-")).findFirst().orElseThrow();
        }
        for (String f : List.of("results.csv", "summary.csv", "report.md", "provenance.json")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        String prov = Files.readString(run.resolve("provenance.json"));
        assertTrue(prov.contains("not loaded (the fused engine does not use ND4J)"), prov);
        assertTrue(Files.readString(run.resolve("report.md")).contains("Figures"));
        // the saved data sets are written (and read back on a rerun) without ND4J too
        Path saved;
        try (Stream<Path> s = Files.walk(home)) {
            saved = s.filter(p -> p.getFileName().toString().equals("X.npy")).findFirst().orElseThrow().getParent()
                    .getParent();
        }
        // ... and read back: the same study on the saved data sets gives the same results
        Result again = cli("run", cfg.toString(), "--quiet", "--set", "empirical.save_datasets=false", "--set",
                "empirical.datasets_from=" + saved, "--set", "name=again");
        assertEquals(0, again.exit(), again.stderr());
        Path runAgain;
        try (Stream<Path> s = Files.list(home.resolve("runs"))) {
            runAgain = s.filter(p -> p.getFileName().toString().startsWith("again-")).findFirst().orElseThrow();
        }
        assertEquals(Files.readString(run.resolve("results.csv")), Files.readString(runAgain.resolve("results.csv")));

        Result bench = cli("bench", "empirical", "--n", "256", "--students", "8", "--steps", "2");
        assertEquals(0, bench.exit(), bench.stderr());
        assertTrue(bench.stdout().contains("sample_gradients_per_s="), bench.stdout());

        Result version = cli("--version");
        assertEquals(0, version.exit(), version.stderr());
        // the engines without ND4J, from the registry: this class path has the test classes, so the test engine too
        // (an installation says "engines fused and cuda", GpuBundleTest)
        assertTrue(version.stdout().contains("(without DL4J/ND4J: engines fused, cuda and testbed, Java "),
                version.stdout());

        Result doctor = cli("doctor");
        assertEquals(0, doctor.exit(), doctor.stderr());
        assertTrue(doctor.stdout().contains("nd4j backend               none found on the class path"), doctor.stdout());
        assertTrue(doctor.stdout().contains("verdict: ready"), doctor.stdout());

        Result dl4j = cli("run", cfg.toString(), "--quiet", "--set", "empirical.engine=dl4j");
        assertEquals(2, dl4j.exit(), dl4j.stderr());
        assertEquals(1, dl4j.stderr().strip().lines().count(), dl4j.stderr());
        assertTrue(dl4j.stderr().startsWith("onecnn: error: empirical.engine: engine dl4j needs DL4J/ND4J"),
                dl4j.stderr());
        Result benchDl4j = cli("bench", "empirical", "--engine", "dl4j", "--n", "64", "--students", "2");
        assertEquals(2, benchDl4j.exit(), benchDl4j.stderr());
        assertEquals(1, benchDl4j.stderr().strip().lines().count(), benchDl4j.stderr());
    }
}
