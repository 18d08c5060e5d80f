package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU check's own tools (scripts/gpu/, docs/gpu.md), on this machine, so that the GPU's few minutes test the GPU
 * and not the scripts: {@code compare_runs.py} matches two sample-size runs row by row, counts agreeing outcomes,
 * lists every difference with both engines' values and fails on one; {@code summarize.py} turns bench lines into
 * the cuda/torch ratio and the fraction of the fp32 peak. Needs python3 (standard library only), as the check does.
 */
class GpuCheckScriptsTest {
    private static final String HEADER = "n,dataset,run,seed,population_outcome,outcome,stop_reason,iterations,phi,"
            + "pi_minus_phi,loss_n,population_loss,grad_norm,window_grad_norm,dist_teacher,norm_v,second_order,"
            + "min_eigenvalue";

    @TempDir
    Path tmp;

    record Out(int exit, String text) {
    }

    Out python(String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", Path.of("scripts/gpu", script).toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Out(p.exitValue(), text);
    }

    private Path run(String name, String... rows) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.writeString(d.resolve("results.csv"), HEADER + "\n" + String.join("\n", rows) + "\n");
        return d;
    }

    private static String row(int run, String outcome, int iterations, double phi) {
        return "200,0," + run + ",1,GLOBAL," + outcome + ",STATIONARY," + iterations + "," + phi + ",3.0,1e-9,1e-9,"
                + "5e-5,5e-5,1e-3,1.0,,";
    }

    @Test
    void compareRunsCountsAgreementAndListsEveryDifference() throws Exception {
        Path a = run("a", row(0, "GLOBAL", 500, 1e-4), row(1, "SPURIOUS", 900, 2.5));
        Path same = run("same", row(0, "GLOBAL", 500, 1.0000001e-4), row(1, "SPURIOUS", 903, 2.5));
        Out ok = python("compare_runs.py", a.toString(), same.toString(), "t");
        assertEquals(0, ok.exit(), ok.text());
        assertTrue(ok.text().contains("t: 2 runs; outcomes agree 2/2, stop reasons agree 2/2; where outcomes agree: "
                + "max |iterations difference| 3, max relative phi 1.000e-07"), ok.text());
        Path other = run("other", row(0, "GLOBAL", 500, 1e-4), row(1, "GLOBAL", 700, 0.01));
        Out bad = python("compare_runs.py", a.toString(), other.toString(), "t");
        assertEquals(1, bad.exit(), bad.text());
        assertTrue(bad.text().contains("outcomes agree 1/2"), bad.text());
        assertTrue(bad.text().contains("differs n=200 dataset=0 run=1: SPURIOUS/STATIONARY after 900 (phi 2.5"),
                bad.text());
        Out missing = python("compare_runs.py", "", a.toString(), "t");
        assertEquals(1, missing.exit(), missing.text());
        assertTrue(missing.text().startsWith("t: no results to compare"), missing.text());
    }

    @Test
    void summarizeGivesTheRatioAndTheFractionOfThePeak() throws Exception {
        Files.writeString(tmp.resolve("bench-cuda-large.txt"), "bench empirical: ...\nseconds=1.0\n"
                + "device=NVIDIA H200\nflops_per_sample_gradient=725 gflops_per_s=6700.0\nsample_gradients_per_s=9.2e+09\n");
        Files.writeString(tmp.resolve("bench-torch-large.txt"), "ensemble_torch device=NVIDIA H200 tf32=False n=16384 "
                + "k=25 p=6 R=4096 steps=20 seconds=1.0 sample_gradients_per_s=1.15e+09\n");
        Files.writeString(tmp.resolve("gpu-tests.txt"), "...\ngpu tests: PASSED (6)\n");
        Out s = python("summarize.py", tmp.toString(), "67");
        assertEquals(0, s.exit(), s.text());
        assertTrue(s.text().contains("ratio cuda/torch 8.00"), s.text());
        assertTrue(s.text().contains("6.70 TFLOP/s = 10.0 % of the fp32 peak (67 TFLOP/s)"), s.text());
        assertTrue(s.text().contains("- gpu-tests: gpu tests: PASSED (6)"), s.text());
        assertTrue(s.text().contains("small (n=4096 k=25 p=6 students=256): cuda missing"), s.text());
        assertEquals(s.text().strip(), Files.readString(tmp.resolve("summary.md")).strip());
    }
}
