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
