package org.onecnn.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.cli.Main;
import org.onecnn.experiment.toy.ToySpec;
import org.onecnn.report.Table;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.SeedStream;

/**
 * The registry of experiment types: every built-in's type is registered with its spec class, and a type
 * registered only by the test class path ({@code toy}, in package {@code org.onecnn.experiment.toy} and one line
 * of src/test/resources/META-INF/services) is bound, resolved, overridden, validated and run like the built-in
 * ones without any other change to onecnn.
 */
class ExperimentTypesTest {
    @TempDir
    Path home;

    @Test
    void everyBuiltInTypeIsRegisteredWithItsSpec() {
        for (String name : ConfigLoader.builtIns()) {
            ConfigLoader.Loaded l = ConfigLoader.load(name, List.of());
            Experiment e = ExperimentTypes.get(l.config().type());
            assertEquals(e.specClass(), l.config().getClass(), name);
        }
        assertTrue(ExperimentTypes.names().containsAll(List.of("population-sweep", "two-phase", "sample-size",
                "paired-trajectories", "double-convotron", "overlap-landscape", "toy")), ExperimentTypes.names()
                .toString());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ExperimentTypes.get("nope"));
        assertEquals("type", e.field());
        assertTrue(e.getMessage().contains("population-sweep"), e.getMessage());
    }

    @Test
    void aTypeAddedOnlyByItsPackageAndRegistrationRuns() throws Exception {
        Path cfg = home.resolve("toy.yaml");
        Files.writeString(cfg, "name: toy-run\ntype: toy\nseed: 7\ntoy:\n  draws: 4\n");
        ConfigLoader.Loaded l = ConfigLoader.load(cfg.toString(), List.of("modulus=10"));
        ToySpec spec = (ToySpec) l.config();
        assertEquals(4, spec.toy().draws());
        assertEquals(10L, spec.toy().modulus(), "a bare field name resolves within the type's own sections");
        // only its own sections are resolved and accepted
        JsonNode tree = ConfigLoader.parse(ConfigLoader.toYaml(spec), "resolved");
        List<String> keys = new ArrayList<>();
        tree.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("name", "type", "description", "seed", "toy"), keys);
        InvalidInputException bad = assertThrows(InvalidInputException.class, () -> ConfigLoader.load(cfg.toString(),
                List.of("train.eta=0.1")));
        assertEquals("train.eta", bad.field());
        assertEquals("toy.modulus", assertThrows(InvalidInputException.class, () -> ConfigLoader.load(cfg.toString(),
                List.of("toy.modulus=1"))).field());

        PrintStream oldErr = System.err;
        System.setProperty("onecnn.home", home.toString());
        try {
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            Path out = home.resolve("out");
            assertEquals(0, Main.execute(new String[] {"run", cfg.toString(), "-q", "--out", out.toString()}));
            Table t = Table.readCsv(out.resolve("results.csv"));
            assertEquals(4, t.size());
            for (int i = 0; i < 4; i++) {
                long expected = Math.floorMod(SeedStream.of("toy-draw", "", "draw").derive(7, i), 1000L);
                assertEquals(expected, t.getLong(i, "value"));
            }
            assertTrue(Files.readString(out.resolve("provenance.json")).contains("toy-draw"), "its seed stream is "
                    + "recorded in provenance");
            assertTrue(Files.readString(out.resolve("config.yaml")).contains("draws: 4"));
            // provenance names the grid's size for what it is (a type without a grid has one point)
            com.fasterxml.jackson.databind.JsonNode prov = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(out.resolve("provenance.json").toFile());
            assertEquals(1, prov.path("grid_points").asInt(-1));
            assertTrue(prov.path("cells").isMissingNode(), "'cells' was the grid size under another name");
        } finally {
            System.setErr(oldErr);
            System.clearProperty("onecnn.home");
        }
    }
}
