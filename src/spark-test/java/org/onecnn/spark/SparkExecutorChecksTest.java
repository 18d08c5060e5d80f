package org.onecnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.backend.ComputeProfile;
import org.onecnn.cli.Main;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.util.InvalidInputException;

/**
 * Bad Spark options are one line and exit 2 with nothing written; which device a task uses, from the config (the
 * GPU path checked on the CPU: what a task does with the addresses Spark assigns).
 */
class SparkExecutorChecksTest {
    @TempDir
    Path home;

    private PrintStream err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void open() {
        System.setProperty("onecnn.home", home.toString());
        err = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void close() {
        System.setErr(err);
        System.clearProperty("onecnn.home");
    }

    private String refused(String... args) throws Exception {
        captured.reset();
        assertEquals(2, Main.execute(args), captured.toString(StandardCharsets.UTF_8));
        String e = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, e.lines().count(), e);
        assertTrue(!Files.exists(home.resolve("runs")) || Files.list(home.resolve("runs")).findAny().isEmpty(),
                "nothing written");
        return e;
    }

    @Test
    void badSparkOptionsAreOneLineAndLeaveNothing() throws Exception {
        assertTrue(refused("run", "du2018-table1", "--spark", "nonsense").startsWith("onecnn: error: --spark: "));
        assertTrue(refused("run", "du2018-table1", "--cell-uri", "file:///tmp/x").contains("--cell-uri"));
        assertTrue(refused("run", "du2018-table1", "--spark", "local[2]", "--cell-uri", "relative/cells")
                .contains("--cell-uri: 'relative/cells' is not an absolute URI"));
        assertTrue(refused("run", "sample-size-quick", "--spark", "local[2]", "--set", "empirical.save_datasets=true")
                .contains("empirical.save_datasets: cannot be combined with --spark"));
        assertTrue(refused("run", "du2018-table1", "--spark", "local[2]", "--shard", "1/2")
                .startsWith("onecnn: error: --spark: cannot be combined with --shard"));
    }

    /** A loopback port that nothing listens on (just released by this JVM). */
    private static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private String refusedMaster(String master) throws Exception {
        String e = refused("run", "du2018-table1", "--spark", master, "-q");
        assertTrue(e.startsWith("onecnn: error: --spark: "), e);
        return e;
    }

    /**
     * Masters that Spark's own syntax check passes but that cannot work: refused before the run folder exists, with
     * no SparkContext (each would otherwise end in Spark's stack traces after up to a minute). Only loopback is
     * contacted.
     */
    @Test
    void mastersThatCannotWorkAreRefusedUpFront() throws Exception {
        assertTrue(refusedMaster("spark://127.0.0.1").contains("'spark://127.0.0.1' names no port: give it, e.g. "
                + "spark://127.0.0.1:7077"));
        assertTrue(refusedMaster("spark://127.0.0.1:99999").contains("port 99999 is not 1 to 65535"));
        assertTrue(refusedMaster("spark://127.0.0.1:0").contains("port 0 is not 1 to 65535"));
        assertTrue(refusedMaster("spark://127.0.0.1:99999999999").contains("port 99999999999 is not 1 to 65535"));
        assertTrue(refusedMaster("spark://127.0.0.1:7077/path").contains("is not HOST:PORT"));
        int port = closedPort();
        String closed = refusedMaster("spark://127.0.0.1:" + port);
        assertTrue(closed.contains("cannot connect to the master spark://127.0.0.1:" + port + ": 127.0.0.1:" + port
                + " (ConnectException"), closed);
        int other = closedPort();
        String standby = refusedMaster("spark://127.0.0.1:" + port + ",127.0.0.1:" + other);
        assertTrue(standby.contains("127.0.0.1:" + port + " (") && standby.contains("127.0.0.1:" + other + " ("),
                "every master of a standby list is named: " + standby);
        assertTrue(refusedMaster("yarn").contains("yarn needs Spark's spark-yarn module, which is not on the class "
                + "path"));
        assertTrue(refusedMaster("mesos://x:5050").contains("mesos needs Spark's spark-mesos module"));
        assertTrue(refusedMaster("k8s://https://127.0.0.1:" + port).contains("k8s needs Spark's spark-kubernetes "
                + "module"));
        assertTrue(refusedMaster("local-cluster[2,1,512]").contains("is Spark's own test mode"));
        assertTrue(refusedMaster("local[99999]").contains("threads must be 1 to 4096, got 99999"));
        assertTrue(refusedMaster("local[0]").contains("threads must be 1 to 4096, got 0"));
        assertTrue(refusedMaster("local[2,123456789012]").contains("attempts per task must be 1 to 4096"));
        assertTrue(refusedMaster("spark:/127.0.0.1:7077").contains("is not a Spark master"));
        assertTrue(refusedMaster("local[ 2 ]").contains("is not a Spark master"), "Spark's own syntax refuses it");
        // the bound on the wait for the master is checked as well
        System.setProperty(SparkChecks.TIMEOUT_PROPERTY, "soon");
        try {
            assertTrue(refused("run", "du2018-table1", "--spark", "local[2]", "-q").startsWith("onecnn: error: "
                    + "spark.onecnn.connectTimeout: 'soon' is not a number of seconds"));
        } finally {
            System.clearProperty(SparkChecks.TIMEOUT_PROPERTY);
        }
    }

    /** Host names are looked up before the run (a test resolver here: no traffic to a name server). */
    @Test
    void aMasterWhoseHostDoesNotResolveOrAnswerIsRefused() {
        SparkChecks.Resolver unknown = h -> {
            throw new java.net.UnknownHostException(h);
        };
        SparkChecks.Prober never = (a, t) -> {
            throw new AssertionError("no connection to a host that does not resolve");
        };
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> SparkChecks.checkMaster(
                "spark://master.example.invalid:7077", 5, unknown, never));
        assertEquals("--spark: 'spark://master.example.invalid:7077': the host master.example.invalid does not "
                + "resolve (unknown host): check its name, or give its IP address", e.getMessage());
        // a host that drops the connection attempt: the timeout is named
        SparkChecks.Resolver loopback = h -> java.net.InetAddress.getLoopbackAddress();
        int[] asked = new int[1];
        SparkChecks.Prober silent = (a, t) -> {
            asked[0] = t;
            throw new java.net.SocketTimeoutException("Connect timed out");
        };
        e = assertThrows(InvalidInputException.class, () -> SparkChecks.checkMaster("spark://master:7077", 7, loopback,
                silent));
        assertEquals(7000, asked[0], "the connection is tried for the configured timeout");
        assertTrue(e.getMessage().contains("(SocketTimeoutException: Connect timed out after 7 s, "
                + "spark.onecnn.connectTimeout)"), e.getMessage());
        // a master that accepts the connection passes
        SparkChecks.checkMaster("spark://master:7077", 7, loopback, (a, t) -> { });
    }

    /**
     * Cell URIs that cannot keep cells are refused before any work, naming --cell-uri (otherwise every task fails,
     * after Spark started, in hundreds of lines of traces). Only loopback is contacted.
     */
    @Test
    void cellUrisThatCannotWorkAreRefusedUpFront() throws Exception {
        java.util.function.Function<String, String> cellUri = uri -> {
            try {
                String e = refused("run", "du2018-table1", "--spark", "local[2]", "--cell-uri", uri, "-q");
                assertTrue(e.startsWith("onecnn: error: --cell-uri: "), e);
                return e;
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        };
        assertTrue(cellUri.apply("ftp://127.0.0.1/cells").contains("ftp:// cannot keep cells"));
        assertTrue(cellUri.apply("https://127.0.0.1/cells").contains("https:// cannot keep cells"));
        assertTrue(cellUri.apply("nosuchfs://x/cells").contains("no Hadoop file system for nosuchfs:// is on the "
                + "class path"));
        assertTrue(cellUri.apply("s3a://bucket/cells").contains("s3a:// needs hadoop-aws"));
        String hdfs = cellUri.apply("hdfs://127.0.0.1:" + closedPort() + "/cells");
        assertTrue(hdfs.contains("cannot reach it: ") && hdfs.contains("Connection refused"), hdfs);
        assertTrue(cellUri.apply("file:///proc/self/cells").contains("cannot create folders in file:/proc/self"));
        Path file = Files.writeString(home.resolve("a-file"), "x");
        assertTrue(cellUri.apply(file.toUri().toString()).contains("is a file, not a folder"));
        assertTrue(cellUri.apply(file.toUri() + "/cells").contains(file.toUri().getPath() + " is a file, not a "
                + "folder"));
    }

    @Test
    void aTaskUsesItsAssignedGpuOnlyWithACudaProfile() {
        assertEquals(1, SparkDevices.device(ComputeProfile.Backend.CUDA, new String[] {"1", "2"}));
        assertEquals(-1, SparkDevices.device(ComputeProfile.Backend.CUDA, new String[0]));
        assertEquals(-1, SparkDevices.device(ComputeProfile.Backend.CPU, new String[] {"0"}));
        assertEquals(-1, SparkDevices.device(null, new String[] {"0"}), "an experiment that trains nothing on ND4J");
        assertThrows(InvalidInputException.class, () -> SparkDevices.device(ComputeProfile.Backend.CUDA,
                new String[] {"GPU-5f2c"}));
        // the backend comes from the config's profile, as on one machine
        assertEquals(ComputeProfile.Backend.CPU, SparkDevices.backend(ConfigLoader.load("sample-size-quick",
                List.of()).config()));
        assertEquals(ComputeProfile.Backend.CUDA, SparkDevices.backend(ConfigLoader.load("sample-size-quick",
                List.of("empirical.profile=cuda-ampere")).config()));
        assertNull(SparkDevices.backend(ConfigLoader.load("du2018-table1", List.of()).config()));
        assertEquals("GPU(s) 0 assigned by Spark, not used: the fused engine computes on the CPU", SparkDevices.use(
                ConfigLoader.load("sample-size-quick", List.of()).config(), new String[] {"0"}));
        assertEquals("GPU(s) 0 assigned by Spark, not used: this experiment trains nothing on a GPU", SparkDevices.use(
                ConfigLoader.load("du2018-table1", List.of()).config(), new String[] {"0"}));
        // the cuda engine: its device (read when the engine loads) becomes the first assigned GPU, unless given
        String before = System.clearProperty(SparkDevices.CUDA_DEVICE);
        try {
            var cuda = ConfigLoader.load("sample-size-quick", List.of("empirical.profile=cuda-hopper")).config();
            assertEquals("cuda", SparkDevices.engine(cuda));
            assertEquals("the cuda engine computes on GPU 2 (Spark assigned 2,3)", SparkDevices.use(cuda,
                    new String[] {"2", "3"}));
            assertEquals("2", System.getProperty(SparkDevices.CUDA_DEVICE));
            assertEquals("the cuda engine computes on GPU 2 (Spark assigned 3)", SparkDevices.use(cuda,
                    new String[] {"3"}), "an executor's engine keeps its device");
            assertNull(SparkDevices.use(cuda, new String[0]));
        } finally {
            if (before == null) {
                System.clearProperty(SparkDevices.CUDA_DEVICE);
            } else {
                System.setProperty(SparkDevices.CUDA_DEVICE, before);
            }
        }
        assertNull(SparkDevices.use(ConfigLoader.load("sample-size-quick", List.of()).config(), new String[0]));
    }
}
