package org.onecnn.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The memory refusal: the field to blame and the largest value that fits, exactly. */
class MemoryBudgetTest {
    private static final MemoryBudget KIB = MemoryBudget.of(1024, "1 KiB");

    @Test
    void fittingValuesPass() {
        KIB.require("n", 128, 1, x -> 8.0 * x, "n doubles");
        KIB.require("n", 0, 0, x -> 1024.0 + x, "exactly the budget");
    }

    @Test
    void refusalNamesTheLargestValueThatFits() {
        // 8 bytes per unit plus 100 fixed: 115 units fit (1020 bytes), 116 do not (1028)
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> KIB.require("n", 2_000_000_000L, 1, x -> 100 + 8.0 * x, "n doubles"));
        assertEquals("n", e.field());
        assertTrue(e.getMessage().contains("the largest n that fits is 115"), e.getMessage());
    }

    @Test
    void blameGoesToTheFieldNeedingTheSmallestRelativeChange() {
        // bytes = count · k · 8: count = 1e9 with k = 4 needs the count cut to 32 (share 3e-8), k = 4 cannot
        // fit at all with that count: count is named
        long count = 1_000_000_000L;
        long k = 4;
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> KIB.require("the runs",
            new MemoryBudget.Candidate("k", k, 1, x -> 8.0 * count * x),
            new MemoryBudget.Candidate("count", count, 1, x -> 8.0 * x * k)));
        assertEquals("count", e.field());
        assertTrue(e.getMessage().contains("the largest count that fits is 32"), e.getMessage());
        // count = 8, k = 100: k needs to shrink to 16 (share 0.16), count to 1 (share 0.125): k is named
        e = assertThrows(InvalidInputException.class, () -> KIB.require("the runs",
            new MemoryBudget.Candidate("count", 8, 1, x -> 8.0 * x * 100),
            new MemoryBudget.Candidate("k", 100, 1, x -> 8.0 * 8 * x)));
        assertEquals("k", e.field());
        assertTrue(e.getMessage().contains("the largest k that fits is 16"), e.getMessage());
    }

    @Test
    void whenNothingFitsTheOtherSizesAreBlamed() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> KIB.require("n", 10, 1, x -> 5000 + x, "n"));
        assertTrue(e.getMessage().contains("not even n = 1 fits with the other settings"), e.getMessage());
    }
    @Test
    void anEstimateJustOverALimitNeverReadsAsLessThanIt() {
        double gib = 1024.0 * 1024 * 1024;
        // the -Xmx256m boundary: 0.1875 GiB of heap, an estimate a little above it (was "0.19 GiB ..., more than
        // the 0.2 GiB")
        assertEquals("0.19 GiB", MemoryBudget.gib(0.18751 * gib));
        assertEquals("0.18 GiB", MemoryBudget.gibDown(0.1875 * gib));
        assertEquals("0.07 GiB", MemoryBudget.gib(0.07 * gib)); // a whole number of hundredths stays as it is
        assertEquals("0.07 GiB", MemoryBudget.gibDown(0.07 * gib));
        assertEquals("12 GiB", MemoryBudget.gib(11.2 * gib));
        assertEquals("11 GiB", MemoryBudget.gibDown(11.8 * gib));
        MemoryBudget heapLike = MemoryBudget.of(0.1875 * gib, "the " + MemoryBudget.gibDown(0.1875 * gib) + " of heap");
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> heapLike.require("n", 2, 1, x -> x * 0.1 * gib, "n"));
        assertTrue(e.getMessage().contains("needs about 0.20 GiB of memory for n, more than the 0.18 GiB of heap"),
            e.getMessage());
    }
}
