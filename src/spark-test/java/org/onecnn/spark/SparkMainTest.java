package org.onecnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entry point for {@code spark-submit}, started as {@code spark-submit} starts a client-mode driver: a JVM
 * with Spark's Java 17 flags, the application's class path and the master in the system property {@code
 * spark.master}, calling {@link SparkMain#main} with {@code onecnn run}'s arguments.
 */
class SparkMainTest {
    @TempDir
    Path dir;

    @BeforeEach
    void home() {
        System.setProperty("onecnn.home", dir.toString());
    }

    @AfterEach
    void clearHome() {
        System.clearProperty("onecnn.home");
    }

    private Process driver(String log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Donecnn.home=" + dir));
        cmd.addAll(List.of(JavaModuleOptions.defaultModuleOptions().split(" ")));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
    }

    private static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    @Test
    void sparkSubmitsDriverRunsTheCellsOnItsMaster() throws Exception {
        List<String> run = new ArrayList<>(SparkRuns.SWEEP);
        run.addAll(List.of("--out", SparkRuns.folder(dir.resolve("submit")).toString(), "-q"));
        List<String> args = new ArrayList<>(List.of("-Dspark.master=local[2]", "-cp", classPath(),
                SparkMain.class.getName()));
        args.addAll(run);
        Process p = driver("submit.log", args.toArray(new String[0]));
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("submit.log")));
        assertTrue(Files.readString(SparkRuns.folder(dir.resolve("submit")).resolve("provenance.json"))
                .contains("\"spark, master local[2]\""));
        for (String f : List.of("results.csv", "summary.csv")) {
            assertArrayEquals(Files.readAllBytes(SparkRuns.folder(SparkRuns.localReference(SparkRuns.SWEEP)).resolve(f)),
                    Files.readAllBytes(SparkRuns.folder(dir.resolve("submit")).resolve(f)), f);
        }
    }

    /**
     * A driver killed ({@code kill -9}) while it writes cell 3 of 6 keeps cells 0–2; {@code run --resume DIR
     * --spark local[2]} computes the rest on Spark, and the run folder is the local run's, byte for byte.
     */
    @Test
    void aKilledDriverIsResumedOnSpark() throws Exception {
        Path folder = SparkRuns.folder(dir.resolve("killed"));
        List<String> args = new ArrayList<>(List.of("-Dspark.master=local[2]",
                "-Donecnn.test.pauseAt=write:cell-00003.csv", "-cp", classPath(), SparkMain.class.getName()));
        args.addAll(SparkRuns.SWEEP);
        args.addAll(List.of("--out", folder.toString(), "-q"));
        Process p = driver("killed.log", args.toArray(new String[0]));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!Files.readString(dir.resolve("killed.log")).contains("onecnn-test: paused at write:cell-00003.csv")) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, Files.readString(dir.resolve("killed.log")));
            Thread.sleep(100);
        }
        p.destroyForcibly().waitFor();
        try (var cells = Files.list(folder.resolve("cells"))) {
            assertEquals(List.of("cell-00000.csv", "cell-00001.csv", "cell-00002.csv"), cells.map(c -> c.getFileName()
                    .toString()).filter(f -> f.matches("cell-\\d+\\.csv")).sorted().toList());
        }
        assertEquals(0, org.onecnn.cli.Main.execute(new String[] {"run", "--resume", folder.toString(), "--spark",
            "local[2]", "-q"}));
        SparkRuns.assertSameOutputs(SparkRuns.localReference(SparkRuns.SWEEP), dir.resolve("killed"));
    }

    /**
     * A "master" that accepts connections and never answers (a loopback port of this test): the driver gives up
     * after {@code spark.onecnn.connectTimeout} (3 s here; Spark alone would try for a minute and end in a stopped
     * context's error) in one line naming the cause, with none of Spark's log lines on standard error; the run
     * folder is marked failed with that cause and resumes, here on {@code local[2]}, to the local run's bytes.
     */
    @Test
    void aMasterThatDoesNotAnswerFailsInOneLineWithinTheTimeoutAndTheRunResumes() throws Exception {
        Path folder = SparkRuns.folder(dir.resolve("silent"));
        List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // kept open, never read or answered
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            accept.setDaemon(true);
            accept.start();
            String master = "spark://127.0.0.1:" + silent.getLocalPort();
            List<String> args = new ArrayList<>(List.of("-Dspark.onecnn.connectTimeout=3", "-cp", classPath(),
                    "org.onecnn.cli.Main", "run"));
            args.addAll(SparkRuns.SWEEP);
            args.addAll(List.of("--out", folder.toString(), "-q", "--spark", master));
            Process p = driver("silent.log", args.toArray(new String[0]));
            assertTrue(p.waitFor(2, TimeUnit.MINUTES));
            List<String> lines = Files.readAllLines(dir.resolve("silent.log")).stream()
                    .filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
            assertEquals(1, p.exitValue(), String.join("\n", lines));
            String cause = "Spark (" + master + "): no answer from the master within 3 s (spark.onecnn.connectTimeout)";
            assertEquals(1, lines.size(), String.join("\n", lines));
            assertTrue(lines.get(0).startsWith("onecnn: failed: IllegalStateException: " + cause), lines.get(0));
            String status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(folder.resolve(
                    "provenance.json").toFile()).path("status").asText();
            assertTrue(status.startsWith("failed: " + cause), status);
        } finally {
            for (java.net.Socket s : held) {
                s.close();
            }
        }
        assertEquals(0, org.onecnn.cli.Main.execute(new String[] {"run", "--resume", folder.toString(), "--spark",
            "local[2]", "-q"}));
        SparkRuns.assertSameOutputs(SparkRuns.localReference(SparkRuns.SWEEP), dir.resolve("silent"));
    }

    /** A build with the Spark executor on a class path without Spark's jars: one line, exit 2, nothing written. */
    @Test
    void withoutSparksJarsItSaysSoInOneLine() throws Exception {
        String noSpark = String.join(java.io.File.pathSeparator, java.util.Arrays.stream(classPath().split(
                java.io.File.pathSeparator)).filter(e -> !e.contains("/org/apache/spark/")).toList());
        Process p = driver("nojars.log", "-cp", noSpark, "org.onecnn.cli.Main", "run", "du2018-table1", "--spark",
                "local[2]", "--out", dir.resolve("nojars").toString());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        List<String> lines = Files.readAllLines(dir.resolve("nojars.log")).stream()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(2, p.exitValue(), String.join("\n", lines));
        assertEquals(1, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("onecnn: error: --spark: Spark's jars are not on the class path"), lines.get(0));
        assertTrue(!Files.exists(dir.resolve("nojars")));
    }

    @Test
    void withoutAMasterItSaysSoInOneLine() throws Exception {
        Process p = driver("none.log", "-cp", classPath(), SparkMain.class.getName(), "du2018-table1",
                "--out", dir.resolve("none").toString());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(2, p.exitValue());
        List<String> lines = Files.readAllLines(dir.resolve("none.log")).stream()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(List.of("onecnn: error: --spark: no Spark master: start this class with spark-submit --master "
                + "MASTER, or give --spark MASTER"), lines);
        assertTrue(!Files.exists(dir.resolve("none")));
    }
}
