package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.onecnn.experiment.Shard;
import org.onecnn.util.InvalidInputException;

/**
 * {@code --shard I/N} and {@code onecnn merge}: bad values are refused on one line (exit 2) before anything is
 * written, and the shares of N shards partition the cells.
 */
class ShardOptionTest extends CliFixture {
    @Test
    void sharesPartitionTheCells() {
        for (int n = 1; n <= 7; n++) {
            for (int cells = n; cells <= 40; cells++) {
                int[] owner = new int[cells];
                int total = 0;
                for (int i = 1; i <= n; i++) {
                    Shard s = new Shard(i, n);
                    int mine = 0;
                    for (int c = 0; c < cells; c++) {
                        assertEquals(s.owns(c), Shard.of(c, n).equals(s));
                        if (s.owns(c)) {
                            owner[c]++;
                            mine++;
                        }
                    }
                    assertEquals(s.share(cells), mine, s + " of " + cells);
                    // round robin: shares differ by at most one cell
                    assertTrue(mine == cells / n || mine == cells / n + 1, s + " of " + cells);
                    total += mine;
                }
                assertEquals(cells, total);
                for (int c = 0; c < cells; c++) {
                    assertEquals(1, owner[c], "cell " + c + " of " + cells + " with " + n + " shards");
                }
            }
        }
        assertEquals(new Shard(3, 8), Shard.parse("3/8"));
        assertEquals(new Shard(1, 1), Shard.parse(" 1/1 "));
        assertEquals("shard-0003-of-0008.json", Shard.parse("3/8").recordFile());
    }

    @Test
    void badShardValuesAreRefusedOnOneLineAndWriteNothing() throws Exception {
        Path out = home.resolve("array");
        for (String bad : List.of("0/4", "5/4", "4", "a/b", "-1/4", "1/0", "", "1/4/2", "3 / 4", "1/99999999999",
                "1/37")) {
            assertEquals(2, run("run", "du2018-table1", "-q", "--shard", bad, "--out", out.toString()), bad);
            String err = stderr().strip();
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.startsWith("onecnn: error: --shard: "), err);
            assertFalse(Files.exists(out), bad + ": nothing written");
            assertFalse(Files.exists(home.resolve("runs")), bad + ": nothing written");
        }
        assertTrue(stderr().contains("at most 36 shards have work"), stderr());
        // types that do not compute in cells, and --resume, are refused the same way
        assertEquals(2, run("run", "du2018-two-phase", "--shard", "1/2", "--out", out.toString()));
        assertTrue(stderr().contains("do not compute in cells"), stderr());
        assertEquals(2, run("run", "--resume", out.toString(), "--shard", "1/2"));
        assertEquals(1, stderr().strip().lines().count(), stderr());
        assertFalse(Files.exists(out));
        assertEquals(2, run("run", "du2018-table1", "--no-merge", "--out", out.toString()));
        assertTrue(stderr().startsWith("onecnn: error: --no-merge: only means something with --shard"), stderr());
        assertFalse(Files.exists(out));
        assertThrows(InvalidInputException.class, () -> Shard.parse(null));
    }

    @Test
    void mergeRefusesWhatIsNotAShardedRun() throws Exception {
        assertEquals(2, run("merge", home.resolve("none").toString()));
        assertTrue(stderr().startsWith("onecnn: error: RUN_FOLDER: no such run folder"), stderr());
        Files.createDirectories(home.resolve("empty"));
        assertEquals(2, run("merge", home.resolve("empty").toString()));
        assertTrue(stderr().contains("has no config.yaml"), stderr());
        assertEquals(1, stderr().strip().lines().count(), stderr());
    }
}
