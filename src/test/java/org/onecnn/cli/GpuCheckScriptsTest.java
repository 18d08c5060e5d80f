package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU check's own tools (scripts/gpu/, docs/gpu.md), on this machine, so that the GPU's few minutes test the GPU
 * and not the scripts: {@code compare_runs.py} matches two sample-size runs row by row, counts agreeing outcomes,
 * lists every difference with both engines' values and fails on one; {@code summarize.py} turns bench lines into
 * the cuda/torch ratio and the fraction of the fp32 peak; {@code gpu-check.sh} keeps to its one budget, records
 * every line, stays within 8 files and writes its summary after a timeout or a signal (on a stand-in bundle).
 * Needs python3 (standard library only), as the check does.
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
        Files.writeString(tmp.resolve("bench.txt"), "=== step bench-cuda-large (00:00:01, limit 60 s): onecnn bench\n"
                + "bench empirical: ...\nseconds=1.0\ndevice=NVIDIA H200\n"
                + "flops_per_sample_gradient=725 gflops_per_s=6700.0\nsample_gradients_per_s=9.2e+09\n"
                + "=== step bench-cuda-large: passed (exit 0) after 3 s\n"
                + "=== step bench-torch-large (00:00:04, limit 90 s): python3 ensemble_torch.py\n"
                + "ensemble_torch device=NVIDIA H200 tf32=False n=16384 k=25 p=6 R=4096 steps=20 seconds=1.0 "
                + "sample_gradients_per_s=1.15e+09\n=== step bench-torch-large: passed (exit 0) after 5 s\n"
                + "=== step bench-cuda-small (00:00:09, limit 45 s): onecnn bench\n"
                + "onecnn: error: engine: out of GPU memory\n=== step bench-cuda-small: failed (exit 2) after 1 s\n"
                + "=== step bench-torch-small: skipped: it needs 10 s, 3 s of the budget are left\n");
        Files.writeString(tmp.resolve("tests.txt"), "=== step gpu-tests (00:00:00, limit 180 s): java\n...\n"
                + "gpu tests: PASSED (6)\n=== step gpu-tests: passed (exit 0) after 9 s\n");
        Path steps = tmp.resolve("steps.tsv");
        Files.writeString(steps, "gpu-tests\tpassed\t0\t9\ttests.txt\nbench-cuda-large\tpassed\t0\t3\tbench.txt\n"
                + "bench-torch-large\tpassed\t0\t5\tbench.txt\nbench-cuda-small\tfailed\t2\t1\tbench.txt\n"
                + "bench-torch-small\tskipped\t-\t0\tbench.txt\n");
        Out s = python("summarize.py", tmp.toString(), steps.toString(), "67", "480", "470");
        assertEquals(0, s.exit(), s.text());
        assertTrue(s.text().contains("3 of 5 steps passed; 470 s of the 480 s budget used."), s.text());
        assertTrue(s.text().contains("ratio cuda/torch 8.00 (target >= 5)"), s.text());
        assertTrue(s.text().contains("large workload: 6.70 TFLOP/s = 10.0 %"), s.text());
        assertTrue(s.text().contains("  - gpu tests: gpu tests: PASSED (6)"), s.text());
        assertTrue(s.text().contains("  - sample-size double: not reached"), s.text());
        assertTrue(s.text().contains("small workload (--n 4096 --k 25 --p 6 --students 256): no ratio (cuda: failed: "
                + "onecnn: error: engine: out of GPU memory; torch: skipped: it needs 10 s, 3 s of the budget are left)"),
                s.text());
        assertTrue(s.text().contains("| bench-cuda-small | failed | 2 | 1 | onecnn: error: engine: out of GPU memory |"),
                s.text());
        assertEquals(s.text().strip(), Files.readString(tmp.resolve("summary.md")).strip());
        List<String> csv = Files.readAllLines(tmp.resolve("bench.csv"));
        assertEquals("step,engine,workload,n,k,p,students,status,sample_gradients_per_s,gflops_per_s", csv.get(0));
        assertEquals("bench-cuda-large,cuda,large,16384,25,6,4096,passed,9200000000.0,6700.0", csv.get(1));
    }

    /**
     * A stand-in bundle for gpu-check.sh: its launcher prints a line on stdout, an {@code onecnn: error:} line on
     * stderr and a last line on stdout, and fails; for {@code doctor} it then writes its process id to a marker and
     * sleeps, so that the step runs into the budget or can be signalled while it runs.
     */
    private Path fakeBundle() throws IOException {
        Path b = Files.createDirectories(tmp.resolve("bundle"));
        for (String f : List.of("gpu-check.sh", "summarize.py", "compare_runs.py", "check-run.yaml")) {
            Files.copy(Path.of("scripts/gpu", f), b.resolve(f));
        }
        Files.createDirectories(b.resolve("runtime/bin"));
        Files.createDirectories(b.resolve("peers"));
        exe(b.resolve("onecnn"), "#!/usr/bin/env bash\n"
                + "[ \"$1\" = --version ] && { echo 'onecnn 0.0 (stand-in)'; exit 0; }\n"
                + "echo \"stdout before $1\"\necho \"onecnn: error: engine: stand-in refusal of $1\" >&2\n"
                + "echo \"stdout after $1\"\n"
                + "[ \"$1\" = doctor ] && { echo $$ > \"" + tmp.resolve("doctor.pid") + "\"; exec sleep 1000; }\n"
                + "exit 2\n");
        exe(b.resolve("runtime/bin/java"), "#!/usr/bin/env bash\necho 'openjdk version \"17\" (stand-in)' >&2\n"
                + "[ \"$1\" = -version ] || exit 1\n");
        Files.writeString(b.resolve("peers/ensemble_torch.py"), "import sys\nprint('torch stand-in', file=sys.stderr)\n"
                + "raise SystemExit(1)\n");
        return b;
    }

    private static void exe(Path p, String text) throws IOException {
        Files.writeString(p, text);
        p.toFile().setExecutable(true);
    }

    private Process check(Path bundle, Path res, int budget) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", bundle.resolve("gpu-check.sh").toString(), res.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("console.txt").toFile());
        pb.environment().put("GPU_CHECK_BUDGET_S", Integer.toString(budget));
        return pb.start();
    }

    /** The results folder: at most 8 files and no folder (what a GPU machine hands back). */
    private static List<String> files(Path res) throws IOException {
        try (Stream<Path> s = Files.list(res)) {
            List<Path> all = s.toList();
            for (Path p : all) {
                assertTrue(Files.isRegularFile(p), p + " is not a plain file");
            }
            List<String> names = all.stream().map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.size() <= 8, names.toString());
            return names;
        }
    }

    /**
     * One budget: the gpu tests' step runs into it and is stopped; every later step is skipped and the summary says
     * so; every step's stdout and stderr lines are in log.txt and in its record, in the order written.
     */
    @Test
    void theCheckKeepsToItsBudgetAndRecordsEveryLine() throws Exception {
        Path b = fakeBundle();
        Path res = tmp.resolve("res");
        Process p = check(b, res, 30);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the check overran its budget of 30 s");
        assertTrue(p.exitValue() > 0, "exit " + p.exitValue());
        assertEquals(List.of("agreement.txt", "bench.csv", "bench.txt", "log.txt", "machine.txt", "summary.md",
                "tests.txt"),
                files(res));
        String log = Files.readString(res.resolve("log.txt"));
        String tests = Files.readString(res.resolve("tests.txt"));
        for (String text : List.of(log, tests)) {
            assertTrue(text.contains("stdout before doctor\nonecnn: error: engine: stand-in refusal of doctor\n"
                    + "stdout after doctor\n=== step doctor: timed out (exit 124)"), text);
        }
        assertTrue(Files.readString(res.resolve("machine.txt")).contains("onecnn 0.0 (stand-in)"));
        String summary = Files.readString(res.resolve("summary.md"));
        assertTrue(summary.contains("| doctor | timed out | 124 |") && summary.contains("onecnn: error: engine: "
                + "stand-in refusal of doctor |"), summary);
        assertTrue(summary.contains("| gpu-tests | skipped | - | 0 | it needs 45 s, 0 s of the budget are left |"),
                summary);
        assertTrue(summary.contains("| bench-cuda-large | skipped | - | 0 | it needs 15 s, 0 s of the budget are left |"),
                summary);
        assertTrue(summary.contains("| bench-fused-small | skipped |"), summary);
        assertTrue(summary.contains("  - sample-size double: skipped: "), summary);
    }

    /** A signal stops the running step (its process is gone) and the EXIT trap still writes the summary. */
    @Test
    void aSignalStopsTheStepAndTheSummaryIsWritten() throws Exception {
        Path b = fakeBundle();
        Path res = tmp.resolve("res");
        Process p = check(b, res, 480);
        Path marker = tmp.resolve("doctor.pid");
        // the check waits on the step; the marker says the doctor's step has printed its lines and sleeps
        for (int i = 0; i < 600 && !(Files.exists(marker) && Files.size(marker) > 0); i++) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(marker), "the doctor's step did not start");
        long doctor = Long.parseLong(Files.readString(marker).strip());
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(p.exitValue() > 0, "exit " + p.exitValue());
        ProcessHandle.of(doctor).ifPresent(h -> {
            try {
                assertTrue(h.onExit().get(10, TimeUnit.SECONDS) != null);
            } catch (Exception e) {
                throw new AssertionError("the step's process " + doctor + " outlived the check", e);
            }
        });
        files(res);
        String summary = Files.readString(res.resolve("summary.md"));
        assertTrue(summary.contains("| doctor | interrupted |"), summary);
        assertTrue(summary.contains("- doctor: onecnn: error: engine: stand-in refusal of doctor"), summary);
        assertTrue(summary.contains("  - gpu tests: not reached"), summary);
        assertTrue(Files.readString(res.resolve("tests.txt")).contains("stdout after doctor\n"
                + "=== step doctor: interrupted (SIGTERM)"));
        assertTrue(Files.readString(res.resolve("log.txt")).contains("gpu-check: stopped by SIGTERM"));
    }
}
