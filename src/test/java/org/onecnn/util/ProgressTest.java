package org.onecnn.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The plain-log progress (no terminal): lines only when the count moved, the final line exactly once. */
class ProgressTest {
    private static final Pattern COUNT = Pattern.compile(" (\\d+)/(\\d+) student-steps \\(elapsed [0-9:]+, ETA ");

    @Test
    void plainLinesMoveAndTheFinalLineIsPrintedOnce() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        // an hour's interval: only the explicit ticks print, so the test does not depend on timing
        try (Progress p = Progress.plain("task", 1000, "student-steps", out, 3_600_000)) {
            for (int i = 0; i < 10; i++) {
                p.step(100);
                p.tick();
                p.tick(); // nothing moved since the last line: no line
            }
        }
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        List<Long> counts = new ArrayList<>();
        for (String l : lines) {
            Matcher m = COUNT.matcher(l);
            assertTrue(l.startsWith("task ") && m.find(), l);
            assertEquals(1000, Long.parseLong(m.group(2)));
            counts.add(Long.parseLong(m.group(1)));
        }
        assertEquals(List.of(0L, 100L, 200L, 300L, 400L, 500L, 600L, 700L, 800L, 900L, 1000L), counts,
                "one line per move, the final line once: " + lines);
        assertTrue(lines.get(lines.size() - 1).startsWith("task 100% 1000/1000"), lines.toString());
        assertTrue(lines.get(lines.size() - 1).endsWith("ETA 0:00:00)"), lines.toString());
    }

    @Test
    void theTimerPrintsOnlyWhenTheCountMoved() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (Progress p = Progress.plain("t", 10, "runs", new PrintStream(buf, true, StandardCharsets.UTF_8), 5)) {
            p.step(4);
            Thread.sleep(200); // forty intervals, one move
        }
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString()); // 0, then 4 (by the timer or at close), once
        assertTrue(lines.get(lines.size() - 1).startsWith("t  40% 4/10 runs"), lines.toString());
        assertEquals(lines.size(), new java.util.HashSet<>(lines).size(), lines.toString());
    }

    @Test
    void closeWithoutWorkPrintsTheStartOnly() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (Progress p = Progress.plain("t", 5, "runs", new PrintStream(buf, true, StandardCharsets.UTF_8), 10_000)) {
            assertTrue(p != null);
        }
        assertEquals(List.of("t   0% 0/5 runs (elapsed 0:00:00, ETA ?)"), buf.toString(StandardCharsets.UTF_8).lines()
                .toList());
    }

    /** Large counts are read at a glance (4.28e10, not 42783000000); runs and small counts stay integers. */
    @Test
    void largeCountsInThreeSignificantDigitsSmallOnesAsIntegers() {
        assertEquals("1200", Progress.count(1200, 1200));
        assertEquals("999999", Progress.count(999_999, 999_999));
        assertEquals("1.00e6", Progress.count(1_000_000, 1_000_000));
        assertEquals("4.28e10", Progress.count(42_783_000_000L, 47_616_000_000L));
        assertEquals("4.76e10", Progress.count(47_616_000_000L, 47_616_000_000L));
        assertEquals("1.00e10", Progress.count(9_996_000_000L, 47_616_000_000L), "rounds up to the next power of ten");
        assertEquals("9.99e9", Progress.count(9_994_000_000L, 47_616_000_000L));
        assertEquals("0", Progress.count(0, 47_616_000_000L));
        assertEquals("512", Progress.count(512, 47_616_000_000L));
        // the ETA is the linear extrapolation of the raw counts: 180 s × 4833/42783 = 20.3 s
        assertEquals("sample-size  89% 4.28e10/4.76e10 sample-gradients (elapsed 0:03:00, ETA 0:00:20)",
                Progress.line("sample-size", 42_783_000_000L, 47_616_000_000L, "sample-gradients", 180));
        assertEquals("t  99% 999/1000 runs (elapsed 0:00:10, ETA 0:00:00)", Progress.line("t", 999, 1000, "runs", 10),
                "99.9% is not shown as done");
    }

    /** The live bar shows the same text with a bar that fits the terminal, and none on a narrow one. */
    @Test
    void theLiveBarHasThePlainLinesText() {
        String line = Progress.line("sample-size", 42_783_000_000L, 47_616_000_000L, "sample-gradients", 180);
        String bar = Progress.render("sample-size", 42_783_000_000L, 47_616_000_000L, "sample-gradients", 180, 140);
        // as long as the terminal allows, so that a redraw blanks what a longer line left
        assertEquals(140, bar.length(), bar);
        assertTrue(bar.startsWith("sample-size  89% [====") && bar.strip().endsWith(line.substring(line.indexOf('%')
                + 1)), bar);
        assertEquals(line, Progress.render("sample-size", 42_783_000_000L, 47_616_000_000L, "sample-gradients", 180,
                60));
        String start = Progress.render("t", 0, 5, "runs", 0, 140);
        assertEquals(140, start.length(), start);
        assertTrue(start.startsWith("t   0% [          ") && start.contains("] 0/5 runs (elapsed 0:00:00, ETA ?)"),
                start);
    }

    @Test
    void quietPrintsNothing() {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try (Progress p = Progress.start("t", 5, "runs", true)) {
            p.step(5);
        } finally {
            System.setErr(old);
        }
        assertEquals("", buf.toString(StandardCharsets.UTF_8));
    }
}
