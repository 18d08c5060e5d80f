package org.onecnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.SparkConf;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Java 17 flags Spark needs, where they belong: Spark's own list ({@link JavaModuleOptions}, which
 * spark-submit adds to its drivers and a SparkContext to its executors) is the one in the pom (surefire's argLine
 * for these tests) and in the launcher ({@code ./onecnn run ... --spark}), and this test JVM has it; executors
 * get onecnn's own flag (the Vector API) beside whatever the user gave.
 */
class SparkJavaOptionsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @AfterEach
    void clear() {
        System.clearProperty("spark.executor.extraJavaOptions");
    }

    @Test
    void thePomsArgLineIsSparksList() throws Exception {
        Matcher m = Pattern.compile("<spark\\.test\\.argLine>([^<]*)</spark\\.test\\.argLine>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(m.find() && m.find(), "the property's default (empty) and the spark profile's value");
        assertEquals(JavaModuleOptions.defaultModuleOptions(), m.group(1));
    }

    @Test
    void theLauncherGivesSparksListToADriver() throws Exception {
        String launcher = Files.readString(ROOT.resolve("onecnn"));
        assertTrue(launcher.contains("spark_java_opts=\"" + JavaModuleOptions.defaultModuleOptions() + "\""), launcher);
        assertTrue(launcher.contains("-Dmaven.test.skip=true"), "the launcher's build keeps the spark profile off");
    }

    @Test
    void thisTestJvmHasThem() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String flag : JavaModuleOptions.defaultModuleOptions().split(" ")) {
            assertTrue(args.contains(flag), flag + " in " + args);
        }
    }

    @Test
    void executorsGetTheVectorApiBesideTheUsersOptions() {
        SparkConf plain = SparkCellExecutor.conf("local[1]", "t");
        assertEquals("--add-modules jdk.incubator.vector", plain.get("spark.executor.extraJavaOptions"));
        System.setProperty("spark.executor.extraJavaOptions", "-Xss4m");
        assertEquals("--add-modules jdk.incubator.vector -Xss4m",
                SparkCellExecutor.conf("local[1]", "t").get("spark.executor.extraJavaOptions"));
        System.setProperty("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector");
        assertEquals("--add-modules=jdk.incubator.vector",
                SparkCellExecutor.conf("local[1]", "t").get("spark.executor.extraJavaOptions"), "not twice");
    }
}
