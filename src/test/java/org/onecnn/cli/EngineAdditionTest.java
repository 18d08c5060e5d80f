package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onecnn.backend.TestDevices.cpuBuild;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.onecnn.backend.ComputeProfile;
import org.onecnn.backend.DeviceProbe;
import org.onecnn.backend.ProfileEngines;
import org.onecnn.empirical.EmpiricalEngines;
import org.onecnn.empirical.testbed.TestbedEngine;
import org.onecnn.util.InvalidInputException;

/**
 * Adding an engine is one class and one services line: the test engine ({@link TestbedEngine}, registered in
 * {@code src/test/resources/META-INF/services/org.onecnn.empirical.EmpiricalEngine}, with no other edit) is known
 * to compute profiles, judged and reported by {@code doctor}, benchmarked by {@code bench empirical} and trains a
 * run.
 */
class EngineAdditionTest extends CliFixture {
    /** A CPU profile that selects the test engine, in the home's cuda-profiles/ (where doctor and run look). */
    private void testbedProfile() throws Exception {
        Path dir = home.resolve(ComputeProfile.FOLDER);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("testbed-cpu.properties"), "backend = cpu\ndata_type = double\n"
                + "memory_limit_gb = 4\nmax_students_per_chunk = 1024\nmax_samples_per_chunk = 8192\n"
                + "reduction_block = 4096\nengine = testbed\n");
    }

    @Test
    void theTestEngineIsInstalledAfterTheShippedOnesAndProfilesMayNameIt() throws Exception {
        assertEquals(List.of("fused", "dl4j", "cuda", TestbedEngine.NAME), EmpiricalEngines.names());
        assertEquals(EmpiricalEngines.names(), ProfileEngines.names());
        testbedProfile();
        ComputeProfile p = ComputeProfile.load("testbed-cpu");
        assertEquals(TestbedEngine.NAME, p.engine());
        // the list a profile's engine is checked against is the registry's
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ComputeProfile.fromMap("x", "x",
                java.util.Map.of("backend", "cpu", "data_type", "float", "memory_limit_gb", "1",
                        "max_students_per_chunk", "1", "max_samples_per_chunk", "1", "reduction_block", "1",
                        "engine", "tpu")));
        assertEquals("x: engine: must be one of fused | dl4j | cuda | testbed, got 'tpu'", e.getMessage());
    }

    @Test
    void doctorReportsAndJudgesTheTestEngineWhenTheProfileSelectsIt() throws Exception {
        testbedProfile();
        DeviceProbe old = DoctorCommand.useProbe(() -> cpuBuild());
        try {
            assertEquals(0, run("doctor", "--profile", "testbed-cpu"), stderr());
            String o = console.stdout();
            assertTrue(o.contains("\ntestbed engine (the test engine: fused arithmetic, one thread)\n  cpu cores"), o);
            assertTrue(o.contains("engine: testbed (the profile's)\n"), o);
            assertTrue(o.contains("verdict: ready"), o);
            // a section it has only for a profile that selects it
            assertEquals(0, run("doctor"), stderr());
            assertFalse(console.stdout().contains("testbed"), console.stdout());
        } finally {
            DoctorCommand.useProbe(old);
        }
    }

    @Test
    void benchEmpiricalRunsTheTestEngineAndListsIt() {
        int before = TestbedEngine.OPENED.get();
        assertEquals(0, run("bench", "empirical", "--engine", "testbed", "--n", "64", "--k", "4", "--p", "3",
                "--students", "4", "--steps", "2", "--data-type", "double"), stderr());
        String o = console.stdout();
        // no threads of its own: none printed; its own report line before the figure of merit
        assertTrue(o.contains("type=double engine=testbed s=3\n"), o);
        assertTrue(TestbedEngine.OPENED.get() > before);
        assertTrue(o.matches("(?s).*\ntestbed_opened=\\d+\nsample_gradients_per_s=[0-9.e+]+\n"), o);
        // --threads is refused for it as for any engine without threads of its own
        assertEquals(2, run("bench", "empirical", "--engine", "testbed", "--threads", "2"));
        assertEquals("onecnn: error: --threads: only the fused engine has threads of its own; the testbed engine "
                + "would ignore it: remove --threads or add --engine fused", stderr().strip());
        assertEquals(0, run("bench", "empirical", "--help"));
        assertTrue(console.stdout().contains("Empirical engine: fused, dl4j, cuda, testbed"), console.stdout());
    }

    @Test
    void aRunTrainsOnTheTestEngineWithTheFusedEnginesBits() throws Exception {
        String[] small = {"--set", "init.count=4", "--set", "empirical.n=[64]", "--set", "empirical.datasets=1",
            "--set", "empirical.max_steps=100", "--set", "empirical.check_every=50", "-q"};
        Path fused = home.resolve("fused");
        Path testbed = home.resolve("testbed");
        assertEquals(0, run(join(small, "run", "sample-size", "--out", fused.toString())), stderr());
        int before = TestbedEngine.OPENED.get();
        assertEquals(0, run(join(small, "run", "sample-size", "--out", testbed.toString(), "--set",
                "empirical.engine=testbed")), stderr());
        assertTrue(TestbedEngine.OPENED.get() > before, "the run trained on the test engine");
        // the test engine computes with the fused engine's kernels: the same students, the same bits
        assertArrayEquals(Files.readAllBytes(fused.resolve("results.csv")),
                Files.readAllBytes(testbed.resolve("results.csv")));
        assertTrue(Files.readString(testbed.resolve("provenance.json")).contains("testbed"));
    }

    private static String[] join(String[] tail, String... head) {
        String[] out = new String[head.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }
}
