package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.onecnn.backend.DeviceProbe;
import org.onecnn.backend.TestDevices;
import org.onecnn.experiment.setup.ComputeContext;
import org.onecnn.report.Table;
import org.onecnn.testutil.RoundingTolerance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The finite-sample experiments from the command line: a small sample-size run writes every output and
 * pairs the empirical with the population outcomes; the same seed gives byte-identical results whatever
 * the thread count, and the same outcomes with values within the derived rounding tolerance whatever the
 * chunk sizes (ND4J/OpenBLAS order the sums inside a block by shape and CPU); an unsupported GPU (stubbed where ND4J would report the devices) or a CUDA profile on this
 * CPU-only build is one line, exit 2, and no run folder.
 */
class EmpiricalCliTest extends CliFixture {
    private DeviceProbe oldProbe;

    @AfterEach
    void restore() {
        if (oldProbe != null) {
            ComputeContext.useProbe(oldProbe);
        }
    }

    private static final String[] SMALL = {"--set", "init.count=12", "--set", "empirical.n=[64,256]", "--set",
        "empirical.datasets=2", "--set", "empirical.max_steps=400", "--set", "empirical.check_every=50", "-q"};

    private int onecnn(String first, String... more) {
        console.reset();
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
        Path three = home.resolve("three");
        // double precision: the rounding bound is then tight enough to catch a wrong chunking
        String[] dbl = join(SMALL, "--set", "empirical.data_type=double");
        assertEquals(0, onecnn("run", join(dbl, "sample-size", "--out", one.toString())), console.stderr());
        assertEquals(0, onecnn("run", join(dbl, "sample-size", "--out", two.toString(), "--set",
                "empirical.student_chunk=5", "--set", "empirical.sample_chunk=2048")), console.stderr());
        assertEquals(0, onecnn("run", join(dbl, "sample-size", "--out", three.toString(), "--threads", "1")),
                console.stderr());
        for (String f : List.of("config.yaml", "provenance.json", "population.csv", "results.csv", "summary.csv",
                "summary.json", "per_dataset.csv", "transitions.csv", "spurious_position.csv", "report.md",
                "probability_vs_n.png", "probability_vs_n.svg", "transitions.png", "transitions.svg")) {
            assertTrue(Files.isRegularFile(one.resolve(f)), f);
        }
        // the promise on one machine: the same config and seed give the same bytes, whatever the thread count
        for (String f : List.of("population.csv", "results.csv", "summary.csv", "summary.json", "per_dataset.csv",
                "transitions.csv")) {
            assertArrayEquals(Files.readAllBytes(one.resolve(f)), Files.readAllBytes(three.resolve(f)), f);
        }
        // other chunk sizes: ND4J sums inside a block in an order of its own, so values agree within the
        // rounding tolerance and everything discrete (outcomes, stops, iterations, counts) is identical
        Tolerances tol = Tolerances.of(one);
        for (String f : List.of("results.csv", "summary.csv", "transitions.csv", "per_dataset.csv")) {
            assertSameUpToRounding(Table.readCsv(one.resolve(f)), Table.readCsv(two.resolve(f)), tol, f);
        }
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

    /**
     * The tolerances of {@link RoundingTolerance} for a sample-size run folder: {@code params} for values
     * that are 1-Lipschitz in the parameters (angles, norms, distances), {@code scaled} for losses and
     * gradient norms (Lipschitz constant up to S). The longest sum inside ND4J has at most
     * {@code max(n) · k} terms (a block never holds more samples than the data set); the bound A on ‖a‖₁
     * covers twice the teacher's ℓ1 norm and every final point ({@code ‖c a*‖₁ + √k · dist_teacher}).
     */
    record Tolerances(double params, double scaled) {
        static Tolerances of(Path run) throws Exception {
            JsonNode cfg = new ObjectMapper(new YAMLFactory()).readTree(run.resolve("config.yaml").toFile());
            int k = cfg.at("/model/k").asInt();
            int d = cfg.at("/model/d").asInt();
            JsonNode emp = cfg.at("/empirical");
            double eta = emp.get("eta").isNull() ? cfg.at("/train/eta").asDouble() : emp.get("eta").asDouble();
            long steps = emp.get("max_steps").asLong();
            long nMax = 0;
            for (JsonNode n : emp.get("n")) {
                nMax = Math.max(nMax, n.asLong());
            }
            double teacherL1 = Math.sqrt(k) * cfg.at("/teacher/a_norm").asDouble() * cfg.at("/teacher/w_norm").asDouble();
            double bound = 2 * teacherL1;
            Table res = Table.readCsv(run.resolve("results.csv"));
            for (int r = 0; r < res.size(); r++) {
                bound = Math.max(bound, teacherL1 + Math.sqrt(k) * res.getDouble(r, "dist_teacher"));
            }
            double s = (teacherL1 + bound) * (1 + bound) * d;
            double u = emp.get("data_type").asText().equals("float") ? RoundingTolerance.FLOAT_U
                    : RoundingTolerance.DOUBLE_U;
            double params = RoundingTolerance.of(steps, eta, (int) nMax, k, d, teacherL1, bound, u) / Math.max(1, s);
            assertTrue(params < 1e-4, "a tolerance that could not catch a wrong chunking: " + params);
            return new Tolerances(params, params * Math.max(1, s));
        }

        double forColumn(String column) {
            return column.contains("loss") || column.contains("grad") ? scaled : params;
        }
    }

    /** Same columns and rows; integers and words identical; other numbers within the column's tolerance. */
    static void assertSameUpToRounding(Table a, Table b, Tolerances tol, String what) {
        assertEquals(a.columns(), b.columns(), what);
        assertEquals(a.size(), b.size(), what);
        for (int r = 0; r < a.size(); r++) {
            for (String c : a.columns()) {
                String x = a.getString(r, c);
                String y = b.getString(r, c);
                String m = what + " row " + r + " column " + c + ": " + x + " vs " + y;
                if (x.matches("-?\\d+") || !x.matches("-?[0-9.]+(E-?\\d+)?|NaN|-?Infinity")) {
                    assertEquals(x, y, m);
                } else {
                    assertTrue(RoundingTolerance.close(Double.parseDouble(x), Double.parseDouble(y),
                            tol.forColumn(c)), m + " (tolerance " + tol.forColumn(c) + ")");
                }
            }
        }
    }

    @Test
    void unsupportedGpuIsOneLineAndNothingIsWritten() throws Exception {
        oldProbe = ComputeContext.useProbe(() -> TestDevices.cudaBuild(TestDevices.h100(0)));
        assertEquals(2, onecnn("run", join(SMALL, "sample-size", "--profile", "cuda-small")));
        String e = console.stderr();
        assertTrue(e.startsWith("onecnn: error: ") && e.contains("compute capability 9.0"), e);
        assertFalse(e.contains("\tat "), e);
        assertFalse(Files.exists(home.resolve("runs")) && Files.list(home.resolve("runs")).findAny().isPresent());
    }

    @Test
    void cudaProfileOnThisCpuBuildIsRefused() {
        oldProbe = ComputeContext.useProbe(() -> TestDevices.cpuBuild());
        assertEquals(2, onecnn("run", join(SMALL, "paired-trajectories", "--profile", "cuda-ampere")));
        assertTrue(console.stderr().contains("CPU-only"), console.stderr());
    }
}
