package org.onecnn.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the shutdown hook does to a run (a SIGTERM's; LauncherSignalTest sends the real signals): marks it
 * interrupted once, after which the run writes provenance.json no more and does not complete (its cells stay for
 * the resume); a run that completed first is left alone. Each case calls its own run's {@code interrupt()}, not
 * {@link Interruption#interruptAll}, which would reach the runs of other tests in this JVM.
 */
class InterruptionTest {
    @TempDir
    Path tmp;

    private RunFolder folder(boolean withConfig) throws Exception {
        RunFolder f = RunFolder.create(tmp.resolve("run"));
        if (withConfig) {
            Files.writeString(f.path("config.yaml"), "name: x\n");
        }
        return f;
    }

    private static Map<String, Object> prov(String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", "x");
        m.put("status", status);
        return m;
    }

    @Test
    void theHookMarksTheRunInterruptedOnceAndTheRunWritesNoMore() throws Exception {
        RunFolder f = folder(true);
        try (Interruption.Active a = Interruption.begin(f, "resume with: ./onecnn run --resume " + f.dir(), true)) {
            a.writeProvenance(prov("running"));
            assertEquals("onecnn: interrupted; resume with: ./onecnn run --resume " + f.dir(), a.interrupt());
            String p = Files.readString(f.path("provenance.json"));
            assertTrue(p.contains("\"status\": \"interrupted\"") && p.contains("\"experiment\": \"x\"")
                    && p.contains("\"finished\""), p);
            assertTrue(a.interrupted());
            boolean[] completed = {false};
            a.complete(() -> completed[0] = true);
            assertFalse(completed[0], "an interrupted run does not complete: its cells stay for the resume");
            a.writeProvenance(prov("failed: stopped"));
            assertEquals(p, Files.readString(f.path("provenance.json")), "the hook's record stands");
            assertNull(a.interrupt(), "once");
        }
    }

    @Test
    void aRunThatCompletedFirstIsLeftAlone() throws Exception {
        RunFolder f = folder(true);
        try (Interruption.Active a = Interruption.begin(f, "resume with: …", true)) {
            a.writeProvenance(prov("running"));
            a.complete(() -> org.onecnn.report.Json.write(f.path("provenance.json"), prov("complete")));
            assertNull(a.interrupt());
            assertTrue(Files.readString(f.path("provenance.json")).contains("\"status\": \"complete\""));
        }
    }

    @Test
    void withoutAConfigThereIsNothingToResume() throws Exception {
        RunFolder f = folder(false);
        try (Interruption.Active a = Interruption.begin(f, "resume with: …", true)) {
            assertEquals("onecnn: interrupted before the run started; nothing to resume in " + f.dir()
                    + " (remove it)", a.interrupt());
            assertFalse(Files.exists(f.path("provenance.json")), "nothing written before the run wrote it");
        }
    }

    @Test
    void aShardsProvenanceIsNotTouched() throws Exception {
        RunFolder f = folder(true);
        try (Interruption.Active a = Interruption.begin(f, "run the same command again", false)) {
            a.writeProvenance(prov("running"));
            assertEquals("onecnn: interrupted; run the same command again", a.interrupt());
            assertTrue(Files.readString(f.path("provenance.json")).contains("\"status\": \"running\""));
        }
    }
}
