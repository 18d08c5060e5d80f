package org.onecnn.empirical.fused;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;

/**
 * {@link DoubleEnsemble} is {@link FloatEnsemble} with the element type and the lane count changed, made by
 * {@code scripts/gen-double-ensemble.sh}: the committed pair must be what the script makes, so an edit to one of the
 * two alone (which would let float and double compute differently) fails here.
 */
class FusedSourcesTest {
    private static final Path DIR = Path.of("src/main/java/org/onecnn/empirical/fused");

    @Test
    void theDoubleEnsembleIsTheScriptsTranslationOfTheFloatOne() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "scripts/gen-double-ensemble.sh", "--check").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    @Test
    void theCheckFailsWhenTheTwoDrift(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException,
            InterruptedException {
        // the same script on a copy of the tree in which DoubleEnsemble has one changed character
        Path fused = tmp.resolve("src/main/java/org/onecnn/empirical/fused");
        Files.createDirectories(fused);
        Files.createDirectories(tmp.resolve("scripts"));
        Files.copy(Path.of("scripts/gen-double-ensemble.sh"), tmp.resolve("scripts/gen-double-ensemble.sh"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(DIR.resolve("FloatEnsemble.java"), fused.resolve("FloatEnsemble.java"));
        String d = Files.readString(DIR.resolve("DoubleEnsemble.java")).replace("static final int L = 4;",
                "static final int L = 2;");
        Files.writeString(fused.resolve("DoubleEnsemble.java"), d);
        Process p = new ProcessBuilder("bash", tmp.resolve("scripts/gen-double-ensemble.sh").toString(), "--check")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(1, p.waitFor());
    }
}
