package org.onecnn.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Cells joined into one CSV: one column line, the rows of every cell in order, cells without a part skipped. */
class CellStoreConcatTest {
    @Test
    void joinsUnderOneColumnLine() {
        assertEquals("a,b\n1,2\n3,4\n5,6\n", CellStore.concat(List.of("a,b\n1,2\n", "a,b\n3,4\n5,6\n")));
    }

    @Test
    void skipsMissingPartsAndKeepsAnEmptyCell() {
        assertEquals("a\n1\n2\n", CellStore.concat(Arrays.asList(null, "a\n1\n", null, "a\n", "a\n2\n")));
        assertEquals("", CellStore.concat(Arrays.asList(null, null)));
        assertEquals("", CellStore.concat(List.of()));
    }
}
