package org.onecnn.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The resolved config a run folder records ({@code config.yaml}) is an output format: a golden file
 * pins its keys, order and number formatting. After an intended change, regenerate with
 * {@code mvn -B -q test -Dtest=ResolvedConfigGoldenTest -Donecnn.golden.update=true} and review the diff.
 */
class ResolvedConfigGoldenTest {
    @Test
    void du2018Table1Resolved() throws IOException {
        String yaml = ConfigLoader.toYaml(ConfigLoader.load("du2018-table1", List.of()).config());
        String name = "du2018-table1.resolved.yaml";
        if (Boolean.getBoolean("onecnn.golden.update")) {
            Files.writeString(Path.of("src/test/resources/golden", name), yaml);
        }
        try (InputStream in = getClass().getResourceAsStream("/golden/" + name)) {
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), yaml);
        }
    }
}
