package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's Maven build writes no terminal colour codes into a log: Maven 3.8.7 wrote {@code ESC[0m} through
 * jansi even with {@code -B -Dstyle.color=never}. The launcher script is copied next to a POM that Maven cannot
 * read (its version is missing), so the "build" is Maven's error output alone: a second or two, nothing downloaded,
 * and the very lines where colour codes appeared.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherBuildTest {
    @TempDir
    Path tmp;

    @Test
    void theBuildLogHasNoColourCodes() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("sh", "-c", "command -v mvn").start().waitFor() == 0,
                "needs Maven on the PATH, as the launcher does");
        Path launcher = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "onecnn");
        Files.copy(launcher, tmp.resolve("onecnn"));
        assertTrue(tmp.resolve("onecnn").toFile().setExecutable(true));
        Files.writeString(tmp.resolve("pom.xml"), "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">"
                + "<modelVersion>4.0.0</modelVersion><groupId>x</groupId><artifactId>y</artifactId>"
                + "<packaging>pom</packaging></project>\n");
        Path err = tmp.resolve("stderr");
        ProcessBuilder pb = new ProcessBuilder(tmp.resolve("onecnn").toString(), "--version")
                .redirectOutput(tmp.resolve("stdout").toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("ONECNN_CLASSPATH");
        pb.environment().remove("ONECNN_MAVEN_ARGS");
        pb.environment().remove("MAVEN_OPTS");
        Process p = pb.start();
        assertTrue(p.waitFor(100, TimeUnit.SECONDS));
        byte[] bytes = Files.readAllBytes(err);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), text);
        assertTrue(text.contains("[ERROR]") && text.contains("onecnn: build failed"), text);
        for (byte b : bytes) {
            assertTrue(b != 0x1b, "an escape (colour) code in the build's output:\n" + text.replace("\u001b", "ESC"));
        }
    }
}
