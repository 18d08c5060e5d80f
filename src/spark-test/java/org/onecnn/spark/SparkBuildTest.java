package org.onecnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark is optional: the launcher's build ({@code -Dmaven.test.skip=true}) resolves no Spark artifact, since the
 * spark profile is active only when tests are not skipped; the test build (this one) and {@code -Pspark} do.
 * Checked with {@code mvn dependency:list} (offline: what is resolved, not what is downloaded, but an artifact that
 * is not resolved is not downloaded either).
 */
class SparkBuildTest {
    @TempDir
    Path dir;

    @Test
    void theLaunchersBuildResolvesNothingOfSpark() throws Exception {
        String launcher = list("launcher", "-Dmaven.test.skip=true");
        assertTrue(launcher.contains("org.deeplearning4j:deeplearning4j-nn"), "the list is complete: " + launcher);
        assertFalse(launcher.contains("org.apache.spark"), launcher);
        assertFalse(launcher.contains("scala-library"), launcher);
        // the same command sees Spark where the profile is on: the check above can fail
        assertTrue(list("tests").contains("org.apache.spark:spark-core_2.12"));
        assertTrue(list("explicit", "-Dmaven.test.skip=true", "-Pspark").contains("org.apache.spark:spark-core_2.12"));
    }

    private String list(String name, String... flags) throws Exception {
        Path out = dir.resolve(name + ".txt");
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-o", "-q", "dependency:list",
                "-DoutputFile=" + out, "-DappendOutput=false"));
        cmd.addAll(List.of(flags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "mvn dependency:list finished");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve(name + ".log")));
        return Files.readString(out);
    }
}
