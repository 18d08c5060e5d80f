package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.onecnn.report.Table;

/**
 * Golden result files of small runs of the built-in experiments, pinned before the plug-in refactor of issue 8
 * (the files under src/test/resources/golden/builtins/ were written by the code before it, and the refactored code
 * reproduces them): a change of any result shows here.
 *
 * <p>Where onecnn orders every floating-point operation itself — the population engines and Double Convotron
 * (inputs drawn by ND4J's counter-based generators, the same bits on every CPU, then plain Java arithmetic) —
 * the files must match byte for byte. The empirical engine sums through ND4J/OpenBLAS, whose order depends on
 * the CPU's kernels, so there words and integers must match and other numbers agree within the rounding
 * tolerance derived in {@link org.onecnn.testutil.RoundingTolerance} ({@link EmpiricalCliTest.Tolerances}).
 *
 * <p>After an intended change of results, regenerate with
 * {@code mvn -B -q test -Dtest=BuiltInGoldenTest -Donecnn.golden.update=true} and justify the diff.
 */
class BuiltInGoldenTest extends CliFixture {
    private Path runInto(String name, String config, String... sets) {
        console.reset();
        Path out = home.resolve(name);
        List<String> args = new ArrayList<>(List.of("run", config, "-q", "--out", out.toString()));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        assertEquals(0, Main.execute(args.toArray(new String[0])), console.stderr());
        return out;
    }

    /**
     * The golden text of {@code case/file}, after writing it from {@code run} when regenerating ({@code run} null:
     * never written from this run, only read).
     */
    private static String golden(String testCase, String file, Path run) throws IOException {
        String name = "golden/builtins/" + testCase + "/" + file;
        if (Boolean.getBoolean("onecnn.golden.update") && run == null) {
            return Files.readString(Path.of("src/test/resources", name));
        }
        if (Boolean.getBoolean("onecnn.golden.update")) {
            Path dst = Path.of("src/test/resources", name);
            Files.createDirectories(dst.getParent());
            Files.copy(run.resolve(file), dst, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return Files.readString(dst);
        }
        try (InputStream in = BuiltInGoldenTest.class.getResourceAsStream("/" + name)) {
            assertNotNull(in, name + " is missing; regenerate (see the class comment)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertBytes(String testCase, Path run, String... files) throws IOException {
        for (String f : files) {
            assertEquals(golden(testCase, f, run), Files.readString(run.resolve(f)), testCase + "/" + f);
        }
    }

    @Test
    void populationSweepIsByteIdentical() throws IOException {
        Path run = runInto("table1", "du2018-table1", "init.count=40", "grid.k=[25]", "grid.ratio=[0,4]",
                "stop.max_steps=2000");
        assertBytes("du2018-table1", run, "results.csv", "summary.csv");
        Path bg = runInto("bg2017", "bg2017-fixed-output", "init.count=20", "grid.k=[4]", "grid.p=[5]");
        assertBytes("bg2017-fixed-output", bg, "results.csv", "summary.csv");
    }

    @Test
    void doubleConvotronIsByteIdentical() throws IOException {
        Path run = runInto("dg2019", "dg2019-double-convotron", "convotron.teachers=2", "convotron.strides=[16]",
                "convotron.test_samples=500", "convotron.schedules.gaussian.steps1=300",
                "convotron.schedules.gaussian.steps2=300", "convotron.schedules.uniform.steps1=300",
                "convotron.schedules.uniform.steps2=300");
        assertBytes("dg2019-double-convotron", run, "results.csv", "summary.csv");
    }

    /**
     * The sample-size golden was written by the DL4J layers ({@code empirical.engine: dl4j}, pinned here so that this
     * stays a test of that path); the fused engine, the default, reproduces it too: the same words and integers
     * (outcomes, stop reasons, iterations), the other numbers within the same rounding tolerance.
     */
    @Test
    void sampleSizeAgreesUpToRounding() throws Exception {
        for (String engine : List.of("dl4j", "fused")) {
            Path run = runInto("sample-" + engine, "sample-size", "init.count=6", "empirical.n=[128]",
                    "empirical.datasets=1", "empirical.max_steps=200", "empirical.data_type=double",
                    "stop.max_steps=2000", "empirical.engine=" + engine);
            EmpiricalCliTest.Tolerances tol = EmpiricalCliTest.Tolerances.of(run);
            for (String f : List.of("results.csv", "summary.csv")) {
                // only the DL4J run writes the golden when regenerating: the fused one is compared with it
                Table expected = Table.parseCsv(golden("sample-size", f, engine.equals("dl4j") ? run : null));
                EmpiricalCliTest.assertSameUpToRounding(expected, Table.readCsv(run.resolve(f)), tol, engine + ": " + f);
            }
        }
    }
}
