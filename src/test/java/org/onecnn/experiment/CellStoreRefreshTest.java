package org.onecnn.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.util.InvalidInputException;

/**
 * {@link CellStore#refresh}: a store takes in the cells that other stores (other processes of a job array) wrote
 * into the same {@code cells/} after it was opened, verified like {@link CellStore#verify} does: intact ones are
 * done and read back, damaged ones are named and stay missing, a foreign file refuses; and {@link
 * CellStore#missing} lists what is still to come, in order.
 */
class CellStoreRefreshTest {
    @TempDir
    Path tmp;

    private static final List<String> COLUMNS = List.of("run", "x");

    private static List<CellKey> keys(int n) {
        List<CellKey> k = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            k.add(new CellKey("cell-" + i + ".csv", "cell " + i, COLUMNS, 2));
        }
        return k;
    }

    private static String csv(int i) {
        return "run,x\n0," + i + ".5\n1," + (i + 1) + ".25\n";
    }

    @Test
    void aStoreTakesInTheCellsOtherStoresWrote() throws Exception {
        RunFolder folder = RunFolder.create(tmp.resolve("run"));
        List<CellKey> keys = keys(4);
        CellStore mine = CellStore.verify(folder, "hash", keys, w -> {
        });
        CellStore other = CellStore.verify(folder, "hash", keys, w -> {
        });
        mine.write(keys.get(0), csv(0));
        other.write(keys.get(1), csv(1));
        other.write(keys.get(3), csv(3));
        assertEquals(List.of(keys.get(1), keys.get(2), keys.get(3)), mine.missing(), "not seen before a refresh");

        List<String> warnings = new ArrayList<>();
        mine.refresh(folder, warnings::add);
        assertEquals(List.of(), warnings);
        assertEquals(List.of(keys.get(2)), mine.missing());
        assertEquals(csv(1), mine.read(keys.get(1)));
        assertEquals(csv(3), mine.read(keys.get(3)));

        // a damaged cell (another process's, truncated) is named and stays missing
        other.write(keys.get(2), csv(2));
        Path two = folder.path(RunFolder.CELLS).resolve("cell-2.csv");
        String text = Files.readString(two);
        Files.writeString(two, text.substring(0, text.length() - 3));
        mine.refresh(folder, warnings::add);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("cell-2.csv fails its checksum"), warnings.get(0));
        assertEquals(List.of(keys.get(2)), mine.missing());
        assertFalse(mine.done(keys.get(2)));

        // a temporary file of a write in progress is not a cell; a foreign file refuses, naming it
        Files.writeString(folder.path(RunFolder.CELLS).resolve(".cell-2.csv.123.1.partial"), "half");
        mine.refresh(folder, w -> {
        });
        Files.writeString(folder.path(RunFolder.CELLS).resolve("stray.csv"), "x\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> mine.refresh(folder, w -> {
        }));
        assertTrue(e.getMessage().contains("cells/stray.csv is not a cell of this run"), e.getMessage());
    }

    @Test
    void aCellOfAnotherConfigRefuses() throws Exception {
        RunFolder folder = RunFolder.create(tmp.resolve("run"));
        List<CellKey> keys = keys(2);
        CellStore mine = CellStore.verify(folder, "hash", keys, w -> {
        });
        CellStore.verify(folder, "other", keys, w -> {
        }).write(keys.get(1), csv(1));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> mine.refresh(folder, w -> {
        }));
        assertTrue(e.getMessage().contains("written by a run of another config"), e.getMessage());
        assertEquals(keys, mine.missing());
    }
}
