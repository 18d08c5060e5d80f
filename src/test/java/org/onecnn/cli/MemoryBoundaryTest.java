package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory check is right at its own boundary: in a child JVM with a small heap ({@value #HEAP}), a size far
 * too large is refused naming the largest value that fits; that value runs to the end (no
 * {@link OutOfMemoryError}: the estimate covers every allocation, the data set's double fill included), and the
 * next value is refused with exit 2, in one line, with nothing written. For {@code run sample-size} (empirical.n)
 * and {@code bench empirical} (--n).
 */
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class MemoryBoundaryTest {
    /** Small, so that the boundary is a data set of a few tens of MB and the runs at it take seconds. */
    private static final String HEAP = "-Xmx256m";
    private static final Pattern LARGEST = Pattern.compile("the largest (\\S+) that fits is ([0-9]+)");

    @TempDir
    Path home;

    private record Result(int exit, String output) {
    }

    /** onecnn in a child JVM ({@link Child}) with {@link #HEAP}, to the end; its output, no incubator notice. */
    private Result onecnn(List<String> args) throws IOException, InterruptedException {
        Child c = Child.in(home).jvmFlag(HEAP).singleOmpThread().start(args);
        int exit = c.end(300);
        return new Result(exit, c.output().replace(Child.INCUBATOR_NOTICE, ""));
    }

    /** Every path under the home, with its size. */
    private List<String> snapshot() throws IOException {
        try (Stream<Path> s = Files.walk(home)) {
            return s.map(p -> home.relativize(p) + (Files.isRegularFile(p) ? " " + p.toFile().length() : "/"))
                    .sorted().toList();
        }
    }

    /** Refused with exit 2 in one line naming {@code field}, nothing written; returns the largest value that fits. */
    private long refused(List<String> args, String field) throws IOException, InterruptedException {
        List<String> before = snapshot();
        Result r = onecnn(args);
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().startsWith("onecnn: error: " + field + ": ") && r.output().indexOf('\n')
                == r.output().length() - 1, r.output());
        assertFalse(r.output().contains("OutOfMemoryError"), r.output());
        assertEquals(before, snapshot(), "nothing written: " + r.output());
        Matcher m = LARGEST.matcher(r.output());
        assertTrue(m.find(), r.output());
        assertEquals(field, m.group(1), r.output());
        return Long.parseLong(m.group(2));
    }

    private static List<String> sampleSize(Path out, long n) {
        return List.of("run", "sample-size", "-q", "--out", out.toString(), "--threads", "1", "--set",
                "empirical.n=[" + n + "]", "--set", "empirical.datasets=1", "--set", "init.count=2", "--set",
                "empirical.max_steps=2", "--set", "empirical.check_every=1", "--set", "stop.max_steps=200");
    }

    @Test
    void sampleSizeRunsAtTheLargestSizeTheEstimateAllowsAndRefusesTheNext() throws Exception {
        Path out = home.resolve("runs").resolve("big");
        long fits = refused(sampleSize(out, 7_000_000), "empirical.n");
        assertTrue(fits > 1000 && fits < 7_000_000, "a boundary inside the range: " + fits);
        assertEquals(fits, refused(sampleSize(out, fits + 1), "empirical.n"), "the same boundary from just above");
        assertFalse(Files.exists(out));
        Result r = onecnn(sampleSize(out, fits));
        assertEquals(0, r.exit(), r.output());
        assertTrue(Files.isRegularFile(out.resolve("results.csv")));
    }

    private static List<String> bench(long n) {
        return List.of("bench", "empirical", "--n", Long.toString(n), "--students", "1", "--steps", "1",
                "--threads", "1");
    }

    @Test
    void benchEmpiricalRunsAtTheLargestSizeTheEstimateAllowsAndRefusesTheNext() throws Exception {
        long fits = refused(bench(7_000_000), "--n");
        assertTrue(fits > 1000 && fits < 7_000_000, "a boundary inside the range: " + fits);
        assertEquals(fits, refused(bench(fits + 1), "--n"));
        Result r = onecnn(bench(fits));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("sample_gradients_per_s="), r.output());
    }
}
