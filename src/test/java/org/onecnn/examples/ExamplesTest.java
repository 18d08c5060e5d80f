package org.onecnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.empirical.EmpiricalResult;
import org.onecnn.model.Outcome;

/**
 * The three library examples of docs/library.md run, and do what the page says they do: so that the page's code
 * compiles against the API it documents and keeps working.
 */
class ExamplesTest {

    @Test
    void populationDynamicsFromJava() {
        Map<Outcome, Integer> reduced = PopulationDynamicsExample.outcomes("reduced", 40);
        assertEquals(40, reduced.values().stream().mapToInt(Integer::intValue).sum(), reduced.toString());
        // the reduced O(1)-per-step engine and the full-dimensional one agree run by run on the outcome counts
        assertEquals(reduced, PopulationDynamicsExample.outcomes("full", 40));
        assertTrue(reduced.getOrDefault(Outcome.GLOBAL, 0) > 0, reduced.toString());
    }

    @Test
    void fusedEngineOnYourOwnData() {
        List<EmpiricalResult> results = FusedEngineExample.train(1000, 8);
        assertEquals(8, results.size());
        long global = results.stream().filter(r -> r.outcome() == Outcome.GLOBAL).count();
        assertTrue(global > 0, results.toString());
        for (EmpiricalResult r : results) {
            if (r.outcome() == Outcome.GLOBAL) {
                assertTrue(r.phi() < 0.1, "a GLOBAL student is near the teacher: " + r);
            }
        }
        // the fused engine is deterministic: the same bytes again
        assertEquals(results, FusedEngineExample.train(1000, 8));
    }

    @Test
    void dl4jLayersInYourOwnNetwork(@TempDir Path dir) throws Exception {
        Dl4jLayersExample.Outcome o = Dl4jLayersExample.run(dir.resolve("net.zip").toFile());
        assertTrue(o.lossAfter() < 0.1 * o.lossBefore(), "DL4J's fit trains onecnn's layers: MSE " + o.lossBefore()
                + " -> " + o.lossAfter());
        assertEquals(o.params(), o.restoredParams());
        assertEquals(o.output(), o.restoredOutput());
    }
}
