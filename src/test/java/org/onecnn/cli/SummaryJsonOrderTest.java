package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

/**
 * {@code summary.json} keeps one key order (issue 7: sample-size and paired-trajectories wrote their fit
 * through {@code Map.of}, whose iteration order changes from one JVM to the next, so two identical runs
 * gave different bytes). The order is the one written in the code; a {@code Map.of} would almost never
 * give it. (Sample-size's summary.json is compared byte for byte between two JVMs in ResumeFaultTest.)
 */
class SummaryJsonOrderTest extends CliFixture {
    private static final String[] TINY = {"--set", "init.count=2", "--set", "empirical.n=[64,128]", "--set",
        "empirical.datasets=1", "--set", "empirical.max_steps=50", "--threads", "1", "-q"};

    private JsonNode runJson(String experiment, String... more) throws Exception {
        Path out = home.resolve(experiment);
        List<String> args = new ArrayList<>(List.of("run", experiment, "--out", out.toString()));
        args.addAll(List.of(TINY));
        args.addAll(List.of(more));
        console.reset();
        assertEquals(0, Main.execute(args.toArray(new String[0])), console.output());
        return new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void pairedTrajectoriesWritesItsKeysInOneOrder() throws Exception {
        JsonNode p = runJson("paired-trajectories", "--set", "empirical.every=10");
        assertEquals(List.of("experiment", "teacher", "initializations", "fit", "summary"), keys(p));
        assertEquals(List.of("slope", "intercept", "model", "expected_slope"), keys(p.get("fit")));
    }
}
