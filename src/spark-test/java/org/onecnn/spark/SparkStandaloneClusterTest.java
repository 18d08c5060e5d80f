package org.onecnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on localhost: a master and two workers, each its own JVM started from the Spark
 * jars Maven provides ({@code org.apache.spark.deploy.master.Master}, {@code org.apache.spark.deploy.worker.Worker},
 * one core each, so each launches an executor JVM of its own), with this JVM as the driver ({@code onecnn run ...
 * --spark spark://127.0.0.1:PORT}). A population sweep runs while one worker and its executor are killed
 * ({@code SIGKILL}, like a machine lost) once the first cells are in: Spark reruns the lost tasks on the other
 * worker, and the run folder is byte for byte the local runner's. Then a small sample-size on the worker left,
 * again byte for byte. The workers offer a GPU each (a discovery script; Spark's resource scheduling, on the CPU)
 * and the tasks ask for one: the executors log that the configs' CPU engines leave it unused.
 *
 * <p>A standalone worker builds its executors' command line from {@code SPARK_HOME/jars}; the test makes a
 * {@code SPARK_HOME} whose {@code jars/} links the jars of this test's class path (Spark's and onecnn's
 * dependencies), and gives onecnn's classes as {@code spark.executor.extraClassPath}.
 */
class SparkStandaloneClusterTest {
    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    /** JVM options of the workers started next. */
    private List<String> workerOptions = List.of();

    @AfterEach
    void stop() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (String k : List.of("spark.executor.extraClassPath", "spark.driver.host", "spark.driver.bindAddress",
                "spark.ui.enabled", "spark.executor.memory", "spark.executor.resource.gpu.amount",
                "spark.task.resource.gpu.amount", "onecnn.home", SparkChecks.TIMEOUT_PROPERTY)) {
            System.clearProperty(k);
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aClusterThatLosesAWorkerStillGivesTheLocalRunsBytes() throws Exception {
        System.setProperty("onecnn.home", dir.toString());
        // 12 cells of 600 runs: long enough that a worker is lost while tasks are running
        List<String> sweep = SparkRuns.sweep(600, "[25,36,49]", "[1,4,9,16]");
        Path localSweep = SparkRuns.localReference(sweep);

        Path home = sparkHome();
        int port = freePort();
        int ui = freePort();
        start("master", home, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--webui-port", String.valueOf(ui));
        String master = "spark://127.0.0.1:" + port;
        // Spark's GPU scheduling, on the CPU: each worker offers one GPU that a discovery script reports, each task
        // asks for one; the configs' profiles compute on the CPU, so tasks log the GPU and leave it unused
        Path script = dir.resolve("gpus.sh");
        Files.writeString(script, "#!/bin/sh\necho '{\"name\":\"gpu\",\"addresses\":[\"0\"]}'\n");
        script.toFile().setExecutable(true);
        workerOptions = List.of("-Dspark.worker.resource.gpu.amount=1",
                "-Dspark.worker.resource.gpu.discoveryScript=" + script);
        Process lost = start("worker-1", home, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                "--cores", "1", "--memory", "2g", "--webui-port", "0", "--work-dir", dir.resolve("work-1").toString(),
                master);
        start("worker-2", home, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                "--memory", "2g", "--webui-port", "0", "--work-dir", dir.resolve("work-2").toString(), master);
        awaitWorkers(ui, 2);

        System.setProperty("spark.executor.extraClassPath", classDirs());
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        System.setProperty("spark.ui.enabled", "false");
        System.setProperty("spark.executor.memory", "1g");
        System.setProperty("spark.executor.resource.gpu.amount", "1");
        System.setProperty("spark.task.resource.gpu.amount", "1");
        ExecutorService driver = Executors.newSingleThreadExecutor();
        try {
            Path out = dir.resolve("spark-sweep");
            Future<Integer> run = driver.submit(() -> SparkRuns.run(sweep, out, "--spark", master));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (cellsWritten(SparkRuns.folder(out)) < 1) {
                if (run.isDone()) {
                    fail("the run ended (exit " + run.get() + ") before a cell was written: " + logs());
                }
                if (System.nanoTime() > deadline) {
                    fail("no cell written after 5 minutes: " + logs());
                }
                Thread.sleep(100);
            }
            lost.descendants().forEach(ProcessHandle::destroyForcibly);
            lost.destroyForcibly();
            assertTrue(cellsWritten(SparkRuns.folder(out)) < 12 && !run.isDone(), "the worker was lost while cells were still running");
            assertEquals(0, run.get(), logs());
            SparkRuns.assertSameOutputs(localSweep, out);

            Path ss = dir.resolve("spark-sample-size");
            assertEquals(0, driver.submit(() -> SparkRuns.run(SparkRuns.SAMPLE_SIZE, ss, "--spark", master)).get(),
                    logs());
            SparkRuns.assertSameOutputs(SparkRuns.localReference(SparkRuns.SAMPLE_SIZE), ss);
            String executorLogs = executorLogs(dir.resolve("work-2"));
            assertTrue(executorLogs.contains(": GPU(s) 0 assigned by Spark, not used: this experiment trains nothing "
                    + "on a GPU"), executorLogs);
            assertTrue(executorLogs.contains("n=200, dataset 0: GPU(s) 0 assigned by Spark, not used: the fused "
                    + "engine computes on the CPU"), executorLogs);
        } finally {
            driver.shutdownNow();
        }
    }

    /**
     * A master with no worker accepts the application but never starts an executor: the driver gives up after
     * {@code spark.onecnn.connectTimeout} (20 s here; Spark alone would wait for ever) naming the cause, the folder
     * is marked failed with it, and it resumes (here on {@code local[2]}) to the local run's bytes.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aMasterWithoutWorkersFailsWithinTheTimeoutAndTheRunResumes() throws Exception {
        System.setProperty("onecnn.home", dir.toString());
        int port = freePort();
        int ui = freePort();
        start("master", sparkHome(), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--webui-port", String.valueOf(ui));
        awaitWorkers(ui, 0);
        String master = "spark://127.0.0.1:" + port;
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        System.setProperty("spark.ui.enabled", "false");
        // long enough for this JVM's first Spark context to start on a busy machine; then as long for an executor
        System.setProperty(SparkChecks.TIMEOUT_PROPERTY, "20");
        Path out = dir.resolve("no-workers");
        assertEquals(1, SparkRuns.run(SparkRuns.SWEEP, out, "--spark", master), logs());
        String status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(SparkRuns.folder(out).resolve(
                "provenance.json").toFile()).path("status").asText();
        assertTrue(status.startsWith("failed: Spark (" + master + "): no executor registered within 20 s "
                + "(spark.onecnn.connectTimeout): are workers alive"), status);
        assertEquals(0, org.onecnn.cli.Main.execute("run", "--resume", SparkRuns.folder(out).toString(), "--spark",
                "local[2]", "-q"));
        SparkRuns.assertSameOutputs(SparkRuns.localReference(SparkRuns.SWEEP), out);
    }

    /** The standard error of every executor a worker started (its work folder's {@code app-…/N/stderr}). */
    private static String executorLogs(Path work) throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : s.filter(p -> p.getFileName().toString().equals("stderr")).sorted().toList()) {
                b.append(Files.readString(p));
            }
        }
        return b.toString();
    }

    private static long cellsWritten(Path run) throws IOException {
        Path cells = run.resolve("cells");
        if (!Files.isDirectory(cells)) {
            return Files.isRegularFile(run.resolve("results.csv")) ? Long.MAX_VALUE : 0;
        }
        try (Stream<Path> s = Files.list(cells)) {
            return s.filter(p -> p.getFileName().toString().matches("cell-\\d+\\.csv")).count();
        }
    }

    /** The test's class path: the {@code surefire.test.class.path} surefire records (else this JVM's). */
    private static List<String> classPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(e);
            }
        }
        return entries;
    }

    private static String classDirs() {
        return String.join(File.pathSeparator, classPath().stream().filter(e -> Files.isDirectory(Path.of(e))).toList());
    }

    /** A SPARK_HOME whose jars/ links every jar of the test's class path. */
    private Path sparkHome() throws IOException {
        Path home = dir.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        int i = 0;
        for (String e : classPath()) {
            Path p = Path.of(e);
            if (Files.isRegularFile(p) && e.endsWith(".jar")) {
                Files.createSymbolicLink(jars.resolve(String.format("%03d-%s", i++, p.getFileName())), p.toAbsolutePath());
            }
        }
        return home;
    }

    private Process start(String name, Path home, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m"));
        cmd.addAll(List.of(JavaModuleOptions.defaultModuleOptions().split(" ")));
        if (mainClass.endsWith(".Worker")) {
            cmd.addAll(workerOptions);
        }
        cmd.addAll(List.of("-cp", String.join(File.pathSeparator, classPath()), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Waits until the master's status page lists {@code n} alive workers. */
    private void awaitWorkers(int ui, int n) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui + "/json/")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = alive.matcher(body);
                if (m.find() && Integer.parseInt(m.group(1)) >= n) {
                    return;
                }
            } catch (IOException notYet) {
                // the master is still starting
            }
            Thread.sleep(250);
        }
        fail(n + " workers did not register within 3 minutes: " + logs());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The ends of the master's and workers' logs, for a failure message. */
    private String logs() {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("master", "worker-1", "worker-2")) {
            try {
                List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
                b.append("\n--- ").append(name).append(".log (end)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            } catch (IOException e) {
                b.append("\n--- ").append(name).append(".log: ").append(e.getMessage());
            }
        }
        return b.toString();
    }
}
