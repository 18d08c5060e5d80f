package org.onecnn.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * The ledger records each stream once, with its parent and the declaration of the component that draws it (index
 * names, purpose), and nothing when closed.
 */
class SeedLedgerTest {
    // declared as the components declare theirs (here without purposes, except init's)
    private static final SeedStream DATA = SeedStream.of("data", "", "n", "dataset");
    private static final SeedStream X = SeedStream.perItem("x", "");
    private static final SeedStream ONLINE = SeedStream.perItem("online", "", "step");
    private static final SeedStream NOISE = SeedStream.perItem("noise", "");
    private static final SeedStream INIT = SeedStream.perItem("init", "one initial point", "cell", "run");
    private static final SeedStream CHUNK = SeedStream.perItem("chunk", "", "chunk");

    @Test
    void recordsStreamsWithTheirParents() {
        long master = 42;
        Map<String, String> streams;
        try (SeedLedger l = SeedLedger.open(master)) {
            assertThrows(IllegalStateException.class, () -> SeedLedger.open(1), "one ledger at a time");
            long data = DATA.derive(master, 100, 0);
            DATA.derive(master, 100, 1);
            X.derive(data);
            for (int t = 0; t < 3; t++) {
                long online = ONLINE.derive(data, t);
                X.derive(online);
                NOISE.derive(online);
            }
            for (int i = 0; i < 1000; i++) {
                INIT.derive(master, 0, i);
            }
            CHUNK.derive(123456789L, 0);
            SeedLedger.note("teacher", "teacher.seed of the config (7), not derived");
            streams = l.streams();
        }
        Map<String, String> expected = new TreeMap<>();
        expected.put("chunk", "Seeds.derive(a seed from outside the run, \"chunk\", chunk)");
        expected.put("data", "Seeds.derive(master, \"data\", n, dataset)");
        expected.put("init", "Seeds.derive(master, \"init\", cell, run): one initial point");
        expected.put("noise", "Seeds.derive(online, \"noise\")");
        expected.put("online", "Seeds.derive(data, \"online\", step)");
        expected.put("teacher", "teacher.seed of the config (7), not derived");
        expected.put("x", "Seeds.derive(data, \"x\") or Seeds.derive(online, \"x\")");
        assertEquals(expected, streams);
        // closed: nothing is recorded, and a new ledger starts empty
        Seeds.derive(master, "late");
        try (SeedLedger l = SeedLedger.open(master)) {
            assertEquals(Map.of(), l.streams());
        }
    }

    @Test
    void aStreamTakesTheIndicesItDeclares() {
        assertThrows(IllegalArgumentException.class, () -> INIT.derive(1, 2));
        assertEquals(Seeds.derive(9, "init", 1, 2), INIT.derive(9, 1, 2), "the label alone is hashed");
    }

    @Test
    void derivationDoesNotDependOnTheLedger() {
        long without = Seeds.derive(5, "init", 1, 2);
        try (SeedLedger l = SeedLedger.open(5)) {
            assertEquals(without, Seeds.derive(5, "init", 1, 2));
        }
    }
}
