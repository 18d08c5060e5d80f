package org.onecnn.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** The ledger records each stream once, with its parent, and nothing when closed. */
class SeedLedgerTest {
    @Test
    void recordsStreamsWithTheirParents() {
        long master = 42;
        Map<String, String> streams;
        try (SeedLedger l = SeedLedger.open(master)) {
            assertThrows(IllegalStateException.class, () -> SeedLedger.open(1), "one ledger at a time");
            long data = Seeds.derive(master, "data", 100, 0);
            Seeds.derive(master, "data", 100, 1);
            Seeds.derive(data, "x");
            for (int t = 0; t < 3; t++) {
                long online = Seeds.derive(data, "online", t);
                Seeds.derive(online, "x");
                Seeds.derive(online, "noise");
            }
            for (int i = 0; i < 1000; i++) {
                Seeds.derive(master, "init", 0, i);
            }
            Seeds.derive(123456789L, "chunk", 0);
            SeedLedger.note("teacher", "teacher.seed of the config (7), not derived");
            streams = l.streams();
        }
        Map<String, String> expected = new TreeMap<>();
        expected.put("chunk", "Seeds.derive(a seed from outside the run, \"chunk\", chunk)");
        expected.put("data", "Seeds.derive(master, \"data\", n, dataset)");
        expected.put("init", "Seeds.derive(master, \"init\", cell, run)");
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
    void derivationDoesNotDependOnTheLedger() {
        long without = Seeds.derive(5, "init", 1, 2);
        try (SeedLedger l = SeedLedger.open(5)) {
            assertEquals(without, Seeds.derive(5, "init", 1, 2));
        }
    }
}
