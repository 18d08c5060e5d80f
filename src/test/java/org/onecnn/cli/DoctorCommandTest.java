package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.onecnn.backend.TestDevices.a100;
import static org.onecnn.backend.TestDevices.cpuBuild;
import static org.onecnn.backend.TestDevices.cudaBuild;
import static org.onecnn.backend.TestDevices.h100;
import static org.onecnn.backend.TestDevices.rtx4090;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onecnn.backend.BackendInfo;
import org.onecnn.backend.DeviceProbe;

/**
 * {@code onecnn doctor} on machines played by a stubbed probe: the verdict, the exit code and the one
 * error line come from the real check.
 */
class DoctorCommandTest extends CliFixture {
    private static final String MAX_BYTES = "org.bytedeco.javacpp.maxbytes";

    private DeviceProbe oldProbe;
    private String oldMaxBytes;

    @BeforeEach
    void capture() {
        oldMaxBytes = System.getProperty(MAX_BYTES);
    }

    @AfterEach
    void restore() {
        if (oldProbe != null) {
            DoctorCommand.useProbe(oldProbe);
        }
        if (oldMaxBytes == null) {
            System.clearProperty(MAX_BYTES);
        }
    }

    private int doctor(BackendInfo machine, String... args) {
        DeviceProbe old = DoctorCommand.useProbe(() -> machine);
        if (oldProbe == null) {
            oldProbe = old;
        }
        console.reset();
        String[] argv = new String[args.length + 1];
        argv[0] = "doctor";
        System.arraycopy(args, 0, argv, 1, args.length);
        return Main.execute(argv);
    }

    /** Exit 2 with exactly one line on standard error, {@code onecnn: error: <expected...>}. */
    private void refused(String expectedStart) {
        String e = stderr();
        assertEquals(1, e.strip().split("\n").length, "one line: " + e);
        // doctor's refusals name the option that chose the profile
        assertTrue(e.startsWith("onecnn: error: --profile: " + expectedStart), e);
        assertFalse(e.contains("\tat "), e);
        assertTrue(stdout().contains("verdict: not ready"), stdout());
    }

    @Test
    void cpuBuildAndCpuProfileIsReadyAndInitialisesNd4j() {
        assumeTrue(getClass().getClassLoader().getResource("org/nd4j/linalg/cpu/nativecpu/CpuBackend.class") != null,
                "initialises the real ND4J: needs the CPU backend on the class path (not a -Pcuda build)");
        assertEquals(0, doctor(cpuBuild()), stderr());
        String o = stdout();
        assertTrue(o.contains("nd4j backend") && o.contains("nd4j-native (CPU)"), o);
        assertTrue(o.contains("dl4j / nd4j") && o.contains("1.0.0-M2.1"), o);
        assertTrue(o.contains("java") && o.contains(System.getProperty("java.version")), o);
        assertTrue(o.contains("profile cpu (") && o.contains("data_type") && o.contains("double"), o);
        assertTrue(o.contains("gpu") && o.contains("none (nvidia-smi not found"), o);
        assertTrue(o.contains("verdict: ready"), o);
        // ND4J, once, after the check: what it reports
        assertTrue(o.contains("nd4j (initialised with profile cpu)"), o);
        assertTrue(o.contains("org.nd4j.linalg.cpu.nativecpu.CpuBackend"), o);
        assertTrue(o.contains("blas vendor"), o);
        assertFalse(stderr().contains("onecnn: error"), stderr()); // ND4J's own log lines go to standard error
    }

    @Test
    void cpuBuildAndCudaProfileNamesTheProfileAndTheFix() {
        assertEquals(2, doctor(cpuBuild(), "--profile", "cuda-ampere"));
        refused("profile cuda-ampere needs the CUDA backend, but this build is CPU-only: rebuild with "
                + "ONECNN_MAVEN_ARGS=-Pcuda ./onecnn ... or use --profile cpu");
        assertFalse(stdout().contains("nd4j (initialised"), stdout());
    }

    @Test
    void hopperIsRefused() {
        assertEquals(2, doctor(cudaBuild(h100(0)), "--profile", "cuda-ampere"));
        refused("GPU 0 (NVIDIA H100 80GB HBM3) has compute capability 9.0; ND4J 1.0.0-M2.1's CUDA kernels cover "
                + "3.7–8.6 (8.9 also runs them) and no CUDA 12 build exists: use a profile of onecnn's own CUDA engine "
                + "(engine = cuda, no ND4J; e.g. --profile cuda-hopper), --profile cpu, or an Ampere/Ada GPU");
        String o = stdout();
        assertTrue(o.contains("gpu 0") && o.contains("NVIDIA H100 80GB HBM3, compute capability 9.0, 81559 MiB, driver "
                + "550.54.15: ND4J 1.0.0-M2.1 cannot run on it"), o);
        assertTrue(o.contains("nd4j-cuda-11.6 (CUDA 11.6)"), o);
    }

    @Test
    void ampereAndAdaAreReady() {
        assertEquals(0, doctor(cudaBuild(a100(0)), "--profile", "cuda-ampere"), stderr());
        assertTrue(stdout().contains("verdict: ready"), stdout());
        assertTrue(stdout().contains("NVIDIA A100-SXM4-80GB, compute capability 8.0, 81920 MiB, driver 535.104.05: "
                + "ND4J 1.0.0-M2.1 runs on it"), stdout());
        assertTrue(stdout().contains("ND4J not initialised for a CUDA profile"), stdout());
        assertEquals(0, doctor(cudaBuild(rtx4090(0)), "--profile", "cuda-ada"), stderr());
        assertTrue(stdout().contains("verdict: ready"), stdout());
        assertTrue(stdout().contains("min_compute_capability") && stdout().contains("8.6"), stdout());
        assertTrue(stdout().contains("ND4J 1.0.0-M2.1 runs on it (kernels built for 8.6)"), stdout());
    }

    @Test
    void cpuProfileOnACudaBuildAndNoGpu() {
        // the cpu profile names no engine: the default, fused, needs no ND4J backend at all
        assertEquals(0, doctor(cudaBuild()), stderr());
        assertTrue(stdout().contains("engine: fused (the default") && stdout().contains("verdict: ready"), stdout());
        assertEquals(2, doctor(cudaBuild(), "--profile", "cuda-small"));
        refused("profile cuda-small needs an NVIDIA GPU, but none was found");
    }

    /**
     * doctor, run and bench empirical judge a profile on a machine in one place (ComputeContext.problem): on each
     * machine played here the three refuse with the same reason, each naming the option or field that chose the
     * profile, and the run writes nothing.
     */
    @Test
    void doctorRunAndBenchRefuseAProfileAlikeNamingTheField() throws Exception {
        Path big = Files.writeString(home.resolve("big.properties"), "backend = cpu\ndata_type = double\n"
                + "memory_limit_gb = 200\nmax_students_per_chunk = 64\nmax_samples_per_chunk = 8192\n"
                + "reduction_block = 2048\nengine = dl4j\n");
        Path bigFused = Files.writeString(home.resolve("big-fused.properties"), Files.readString(big)
                .replace("engine = dl4j\n", ""));
        String[][] cases = {
            {"cuda-ada", "profile cuda-ada needs the CUDA backend, but this build is CPU-only: rebuild with "
                + "ONECNN_MAVEN_ARGS=-Pcuda ./onecnn ... or use --profile cpu"},
            {big.toString(), "profile big may use 200 GiB, but this machine has 128 GiB of memory: lower "
                + "memory_limit_gb (" + big + ")"},
            {bigFused.toString(), "profile big-fused may use 200 GiB, but this machine has 128 GiB of memory: "
                + "lower memory_limit_gb (" + bigFused + ")"}};
        org.onecnn.backend.DeviceProbe oldRunProbe = org.onecnn.experiment.setup.ComputeContext.useProbe(() -> cpuBuild());
        try {
            for (String[] c : cases) {
                assertEquals(2, doctor(cpuBuild(), "--profile", c[0]), stdout());
                refused(c[1]);
                console.reset();
                assertEquals(2, Main.execute("bench", "empirical", "--profile", c[0]), console.stdout());
                assertEquals("onecnn: error: --profile: " + c[1] + "\n", stderr());
                console.reset();
                assertEquals(2, Main.execute("run", "sample-size", "-q", "--profile", c[0]), console.stdout());
                assertEquals("onecnn: error: empirical.profile: " + c[1] + "\n", stderr());
                assertFalse(Files.exists(home.resolve("runs")), "nothing written");
            }
        } finally {
            org.onecnn.experiment.setup.ComputeContext.useProbe(oldRunProbe);
        }
    }

    @Test
    void badProfilesAreBadInput() throws Exception {
        assertEquals(2, doctor(cpuBuild(), "--profile", "nope"));
        assertTrue(stderr().startsWith("onecnn: error: --profile: no profile named 'nope'"), stderr());
        Path f = Files.writeString(home.resolve("mine.properties"), "backend = cpu\n");
        assertEquals(2, doctor(cpuBuild(), "--profile", f.toString()));
        assertTrue(stderr().startsWith("onecnn: error: --profile: " + f + ": data_type: missing"), stderr());
        assertEquals(1, stderr().strip().split("\n").length, stderr());
    }
}
