package org.onecnn.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The resolved config a run folder records ({@code config.yaml}) is an output format: a golden file per
 * built-in pins its keys, order and number formatting, and it holds exactly the sections its type reads
 * (nothing of other types). After an intended change, regenerate with
 * {@code mvn -B -q test -Dtest=ResolvedConfigGoldenTest -Donecnn.golden.update=true} and review the diff.
 */
class ResolvedConfigGoldenTest {
    static List<String> builtIns() {
        return ConfigLoader.builtIns();
    }

    @ParameterizedTest
    @MethodSource("builtIns")
    void resolvedConfigOfEachBuiltIn(String builtIn) throws IOException {
        ExperimentSpec spec = ConfigLoader.load(builtIn, List.of()).config();
        String yaml = ConfigLoader.toYaml(spec);
        String name = builtIn + ".resolved.yaml";
        if (Boolean.getBoolean("onecnn.golden.update")) {
            Files.writeString(Path.of("src/test/resources/golden", name), yaml);
        }
        try (InputStream in = getClass().getResourceAsStream("/golden/" + name)) {
            assertNotNull(in, "golden file " + name + " is missing; generate it (see the class comment)");
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), yaml);
        }
        // exactly the scalars and the sections of the type, in that order
        JsonNode tree = ConfigLoader.parse(yaml, name);
        List<String> keys = new ArrayList<>();
        tree.fieldNames().forEachRemaining(keys::add);
        List<String> expected = new ArrayList<>(ExperimentSpec.SCALARS);
        expected.addAll(ConfigLoader.sections(spec.type()));
        assertEquals(expected, keys);
    }
}
