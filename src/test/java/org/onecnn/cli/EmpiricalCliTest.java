package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.backend.DeviceProbe;
import org.onecnn.backend.TestDevices;
import org.onecnn.experiment.ComputeContext;
import org.onecnn.report.Table;

/**
 * The finite-sample experiments from the command line: a small sample-size run writes every output and
 * pairs the empirical with the population outcomes; the same seed gives the same results whatever the
 * chunk sizes; an unsupported GPU (stubbed where ND4J would report the devices) or a CUDA profile on this
 * CPU-only build is one line, exit 2, and no run folder.
 */
class EmpiricalCliTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldErr;
    private PrintStream oldOut;
    private DeviceProbe oldProbe;

    @BeforeEach
    void capture() {
        System.setProperty("onecnn.home", home.toString());
        oldErr = System.err;
        oldOut = System.out;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(oldErr);
        System.setOut(oldOut);
        System.clearProperty("onecnn.home");
        if (oldProbe != null) {
            ComputeContext.useProbe(oldProbe);
        }
    }

    private static final String[] SMALL = {"--set", "init.count=12", "--set", "empirical.n=[64,256]", "--set",
        "empirical.datasets=2", "--set", "empirical.max_steps=400", "--set", "empirical.check_every=50", "-q"};

    private int run(String first, String... more) {
        err.reset();
        String[] args = new String[more.length + 1];
        args[0] = first;
        System.arraycopy(more, 0, args, 1, more.length);
        return Main.execute(args);
    }

    private static String[] join(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(b, 0, out, 0, b.length);
        System.arraycopy(a, 0, out, b.length, a.length);
        return out;
    }

    @Test
    void sampleSizeWritesEverythingAndIsChunkIndependent() throws Exception {
        Path one = home.resolve("one");
        Path two = home.resolve("two");
        assertEquals(0, run("run", join(SMALL, "sample-size", "--out", one.toString())), err.toString());
        assertEquals(0, run("run", join(SMALL, "sample-size", "--out", two.toString(), "--set",
                "empirical.student_chunk=5", "--set", "empirical.sample_chunk=2048")), err.toString());
        for (String f : List.of("config.yaml", "provenance.json", "population.csv", "results.csv", "summary.csv",
                "summary.json", "per_dataset.csv", "transitions.csv", "spurious_position.csv", "report.md",
                "probability_vs_n.png", "probability_vs_n.svg", "transitions.png", "transitions.svg")) {
            assertTrue(Files.isRegularFile(one.resolve(f)), f);
        }
        assertArrayEquals(Files.readAllBytes(one.resolve("results.csv")), Files.readAllBytes(two.resolve("results.csv")));
        Table results = Table.readCsv(one.resolve("results.csv"));
        assertEquals(2 * 2 * 12, results.size());
        Table pop = Table.readCsv(one.resolve("population.csv"));
        for (int r = 0; r < results.size(); r++) {
            int run = (int) results.getLong(r, "run");
            assertEquals(pop.getString(run, "outcome"), results.getString(r, "population_outcome"));
            assertEquals(pop.getString(run, "seed"), results.getString(r, "seed"), "same initializations");
        }
        Table summary = Table.readCsv(one.resolve("summary.csv"));
        assertEquals(List.of("inf", "64", "256"), List.of(summary.getString(0, "n"), summary.getString(1, "n"),
                summary.getString(2, "n")));
        String prov = Files.readString(one.resolve("provenance.json"));
        assertTrue(prov.contains("\"profile\"") && prov.contains("nd4j"), prov);
    }

    @Test
    void unsupportedGpuIsOneLineAndNothingIsWritten() throws Exception {
        oldProbe = ComputeContext.useProbe(() -> TestDevices.cudaBuild(TestDevices.h100(0)));
        assertEquals(2, run("run", join(SMALL, "sample-size", "--profile", "cuda-small")));
        String e = err.toString();
        assertTrue(e.startsWith("onecnn: error: ") && e.contains("compute capability 9.0"), e);
        assertFalse(e.contains("\tat "), e);
        assertFalse(Files.exists(home.resolve("runs")) && Files.list(home.resolve("runs")).findAny().isPresent());
    }

    @Test
    void cudaProfileOnThisCpuBuildIsRefused() {
        oldProbe = ComputeContext.useProbe(() -> TestDevices.cpuBuild());
        assertEquals(2, run("run", join(SMALL, "paired-trajectories", "--profile", "cuda-ampere")));
        assertTrue(err.toString().contains("CPU-only"), err.toString());
    }
}
