package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.onecnn.report.Table;

/**
 * A distribution added as one class and one registration line (Rademacher inputs, x_i = ±1) is usable from the
 * command line at once, by the empirical engine and by Double Convotron, and refused where its properties do not
 * allow what is asked (no closed-form population gradient, no published Convotron schedule).
 */
class RademacherCliTest extends CliFixture {
    private int runWith(String config, Path out, String... sets) {
        console.reset();
        List<String> args = new ArrayList<>(List.of("run", config, "-q"));
        if (out != null) {
            args.add("--out");
            args.add(out.toString());
        }
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        return Main.execute(args.toArray(new String[0]));
    }

    @Test
    void theEmpiricalEngineTrainsOnRademacherInputs() throws Exception {
        Path out = home.resolve("ss");
        assertEquals(0, runWith("sample-size", out, "empirical.distribution=rademacher", "init.count=4",
                "empirical.n=[200]", "empirical.datasets=1", "empirical.max_steps=200", "stop.max_steps=2000"),
                console.stderr());
        Table results = Table.readCsv(out.resolve("results.csv"));
        assertTrue(results.size() > 0);
        assertTrue(Files.readString(out.resolve("config.yaml")).contains("distribution: rademacher"));
        assertTrue(Files.readString(out.resolve("report.md")).contains("rademacher"));
    }

    @Test
    void doubleConvotronRunsOnRademacherInputsWithAGivenSchedule() throws Exception {
        // no published schedule: refused before any work, naming where to give one
        assertEquals(2, runWith("dg2019-double-convotron", null, "convotron.distributions=[rademacher]"));
        assertTrue(console.stderr().startsWith("onecnn: error: convotron.schedules.rademacher:"), console.stderr());
        Path out = home.resolve("dc");
        assertEquals(0, runWith("dg2019-double-convotron", out, "convotron.distributions=[rademacher]",
                "convotron.strides=[16]", "convotron.teachers=2", "convotron.test_samples=1000",
                "convotron.schedules.rademacher={steps1: 2000, eta1: 1.0e-4, steps2: 2000, eta2: 1.0e-4}"),
                console.stderr());
        Table s = Table.readCsv(out.resolve("summary.csv"));
        assertEquals(1, s.size());
        assertEquals("rademacher", s.getString(0, "distribution"));
        assertEquals(1.0, s.getDouble(0, "stage3_correct"), "stage 3 keeps the better sign");
    }

    @Test
    void whatNeedsTheGaussianClosedFormIsRefused() {
        assertEquals(2, runWith("sample-size", null, "empirical.distribution=rademacher", "empirical.regime=online"));
        assertTrue(console.stderr().startsWith("onecnn: error: empirical.regime:"), console.stderr());
        assertEquals(2, runWith("paired-trajectories", null, "empirical.distribution=rademacher"));
        assertTrue(console.stderr().startsWith("onecnn: error: empirical.distribution:"), console.stderr());
        assertEquals(2, runWith("sample-size", null, "empirical.distribution=laplace"));
        assertTrue(console.stderr().contains("rademacher"), "lists the known distributions: " + console.stderr());
        assertFalse(Files.exists(home.resolve("runs")), "nothing written on bad input");
    }
}
