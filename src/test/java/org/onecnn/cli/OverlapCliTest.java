package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.onecnn.report.Table;

/**
 * The overlapping-patch experiments from the command line, on small settings: Double Convotron over
 * strides and both distributions, the overlap landscape (exact overlapping population dynamics beside Double
 * Convotron), and their bad inputs.
 */
class OverlapCliTest extends CliFixture {
    @Test
    void doubleConvotronRunsEveryStrideAndDistribution() throws Exception {
        Path out = home.resolve("dc");
        assertEquals(0, run("run", "dg2019-double-convotron", "--out", out.toString(), "-q", "--set",
                "convotron.teachers=2", "--set", "convotron.schedules.uniform.steps1=10000", "--set",
                "convotron.schedules.uniform.steps2=10000", "--set", "convotron.schedules.uniform.eta2=1e-4", "--set",
                "convotron.test_samples=2000"), console.stderr());
        Table s = Table.readCsv(out.resolve("summary.csv"));
        assertEquals(6, s.size());
        for (String f : List.of("results.csv", "traces.csv", "summary.json", "report.md", "stage1_gaussian_s9.png",
                "stage2_uniform_s16.svg")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        for (int r = 0; r < s.size(); r++) {
            assertEquals(1.0, s.getDouble(r, "stage3_correct"), "stage 3 keeps the better sign");
        }
    }

    @Test
    void overlapLandscapeRunsAndRejectsStridesThatDoNotTile() throws Exception {
        Path out = home.resolve("ol");
        assertEquals(0, run("run", "overlap-landscape", "--out", out.toString(), "-q", "--set", "init.count=10",
                "--set", "convotron.teachers=2", "--set", "stop.max_steps=4000"), console.stderr());
        Table s = Table.readCsv(out.resolve("summary.csv"));
        assertEquals(List.of("6", "5", "4"), List.of(s.getString(0, "stride"), s.getString(1, "stride"),
                s.getString(2, "stride")));
        assertEquals(3 * 2 * 10, Table.readCsv(out.resolve("results.csv")).size());
        assertEquals(2, run("run", "overlap-landscape", "--set", "convotron.strides=[7]"));
        assertTrue(console.stderr().contains("convotron.strides"), console.stderr());
        assertEquals(2, run("run", "overlap-landscape", "--set", "train.engine=reduced"));
        assertTrue(console.stderr().contains("train.engine"), console.stderr());
        assertEquals(2, run("run", "dg2019-double-convotron", "--set", "convotron.strides=[8]"));
        assertTrue(console.stderr().contains("2s > r") || console.stderr().contains("stride"), console.stderr());
        assertTrue(!Files.exists(home.resolve("runs")) || Files.list(home.resolve("runs")).findAny().isEmpty());
    }
}
