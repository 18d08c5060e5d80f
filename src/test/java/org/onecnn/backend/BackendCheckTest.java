package org.onecnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onecnn.backend.TestDevices.a100;
import static org.onecnn.backend.TestDevices.a100Pcie40;
import static org.onecnn.backend.TestDevices.b200;
import static org.onecnn.backend.TestDevices.cpuBuild;
import static org.onecnn.backend.TestDevices.cudaBuild;
import static org.onecnn.backend.TestDevices.h100;
import static org.onecnn.backend.TestDevices.k20;
import static org.onecnn.backend.TestDevices.rtx3070;
import static org.onecnn.backend.TestDevices.rtx4090;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.onecnn.backend.BackendInfo.Build;
import org.onecnn.backend.BackendInfo.Gpu;
import org.onecnn.backend.ComputeProfile.Backend;
import org.onecnn.util.InvalidInputException;

/** Every verdict of the check, with the exact one-line messages a user reads. */
class BackendCheckTest {
    private static String oldHome;

    @BeforeAll
    static void builtInProfilesOnly() {
        // suggestions come from the shipped profiles; read them from the jar's copy, as an installed onecnn would
        oldHome = System.getProperty("onecnn.home");
        System.setProperty("onecnn.home", "/nonexistent-onecnn-home");
    }

    @AfterAll
    static void restore() {
        if (oldHome == null) {
            System.clearProperty("onecnn.home");
        } else {
            System.setProperty("onecnn.home", oldHome);
        }
    }

    private static ComputeProfile p(String name) {
        return ComputeProfile.load(name);
    }

    private static String problem(String profile, BackendInfo info) {
        Optional<String> p = BackendCheck.problem(p(profile), info);
        assertTrue(p.isPresent(), profile + " should be refused on " + info);
        assertFalse(p.get().contains("\n"), "one line: " + p.get());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> BackendCheck.requireTrainable("--profile", p(profile), info));
        assertEquals("--profile: " + p.get(), e.getMessage());
        return p.get();
    }

    private static void ready(String profile, BackendInfo info) {
        assertEquals(Optional.empty(), BackendCheck.problem(p(profile), info), profile);
        BackendCheck.requireTrainable("--profile", p(profile), info);
    }

    @Test
    void theKnowledgeIsAboutTheNd4jOfThisBuild() {
        assertEquals(BackendCheck.ND4J_VERSION, org.onecnn.util.Installation.buildInfo().getProperty("dl4j.version"),
                "ND4J changed: revisit what its CUDA build runs on (BackendCheck) and the profiles' ranges");
    }

    @Test
    void cpuProfile() {
        ready("cpu", cpuBuild());
        ready("cpu", cpuBuild(h100(0)));
        assertEquals("profile cpu needs ND4J's CPU backend, but this build contains only the CUDA backend "
                + "(nd4j-cuda-11.6; ND4J's backend is fixed when onecnn is built, and a CUDA build runs every array on "
                + "the GPU): rebuild without -Pcuda (ONECNN_MAVEN_ARGS= ./onecnn ...) or use a cuda profile (e.g. "
                + "--profile cuda-small)", problem("cpu", cudaBuild(a100(0))));
        BackendInfo small = new BackendInfo(Build.CPU, "nd4j-native", false, List.of(), "",
                new BackendInfo.Cpu("x", 2, 2048, 512));
        String m = problem("cpu", small);
        assertTrue(m.startsWith("profile cpu may use 4 GiB, but this machine has 2 GiB of memory: lower "
                + "memory_limit_gb ("), m);
    }

    @Test
    void cudaProfileOnACpuBuild() {
        assertEquals("profile cuda-ampere needs the CUDA backend, but this build is CPU-only: rebuild with "
                + "ONECNN_MAVEN_ARGS=-Pcuda ./onecnn ... or use --profile cpu", problem("cuda-ampere", cpuBuild()));
        // even with a fine GPU in the machine
        assertEquals("profile cuda-ampere needs the CUDA backend, but this build is CPU-only: rebuild with "
                + "ONECNN_MAVEN_ARGS=-Pcuda ./onecnn ... or use --profile cpu", problem("cuda-ampere", cpuBuild(a100(0))));
    }

    @Test
    void cudaBuildWithoutAGpu() {
        assertEquals("profile cuda-small needs an NVIDIA GPU, but none was found (nvidia-smi not found (no NVIDIA "
                + "driver, or not on the PATH)): use --profile cpu", problem("cuda-small", cudaBuild()));
        NvidiaSmi.Visibility hidden = NvidiaSmi.visibility(List.of(a100(0)), "", null);
        BackendInfo info = new BackendInfo(Build.CUDA, "nd4j-cuda-11.6", false, hidden.gpus(), hidden.note(),
                TestDevices.HOST);
        assertEquals("profile cuda-ampere needs an NVIDIA GPU, but none was found (CUDA_VISIBLE_DEVICES=\"\" hides "
                + "every GPU): use --profile cpu", problem("cuda-ampere", info));
    }

    @Test
    void hopperAndBlackwellAreRefusedBeforeNd4jLoads() {
        String hopper = "GPU 0 (NVIDIA H100 80GB HBM3) has compute capability 9.0; ND4J 1.0.0-M2.1's CUDA kernels "
                + "cover 3.7–8.6 (8.9 also runs them) and no CUDA 12 build exists: use a profile of onecnn's own CUDA engine "
                + "(engine = cuda, no ND4J; e.g. --profile cuda-hopper), --profile cpu, or an Ampere/Ada GPU";
        for (String profile : List.of("cuda-ampere", "cuda-ada", "cuda-small")) {
            assertEquals(hopper, problem(profile, cudaBuild(h100(0))), profile);
        }
        assertTrue(problem("cuda-small", cudaBuild(b200(0))).startsWith(
                "GPU 0 (NVIDIA B200) has compute capability 10.0; ND4J 1.0.0-M2.1's CUDA kernels cover 3.7–8.6"));
        assertEquals("GPU 0 (Tesla K20Xm) has compute capability 3.5; ND4J 1.0.0-M2.1's CUDA kernels cover 3.7–8.6 "
                + "(8.9 also runs them): use --profile cpu, or a GPU of compute capability 3.7 to 8.9",
                problem("cuda-small", cudaBuild(k20(0))));
        // an H100 next to A100s: refused, with how to hide it
        assertEquals(hopper + " (or hide it: CUDA_DEVICE_ORDER=PCI_BUS_ID CUDA_VISIBLE_DEVICES=1,2)",
                problem("cuda-ampere", cudaBuild(h100(0), a100(1), a100(2))));
        // ... and once hidden, ready
        NvidiaSmi.Visibility v = NvidiaSmi.visibility(List.of(h100(0), a100(1), a100(2)), "1,2", "PCI_BUS_ID");
        ready("cuda-ampere", new BackendInfo(Build.CUDA, "nd4j-cuda-11.6", false, v.gpus(), v.note(), TestDevices.HOST));
    }

    @Test
    void ampereAndAdaAreReady() {
        ready("cuda-ampere", cudaBuild(a100(0)));
        ready("cuda-ampere", cudaBuild(a100(0), a100(1)));
        ready("cuda-ada", cudaBuild(rtx4090(0)));
        ready("cuda-small", cudaBuild(rtx4090(0)));
        ready("cuda-small", cudaBuild(rtx3070(0)));
        ready("cuda-small", cudaBuild(a100Pcie40(0)));
        assertTrue(BackendCheck.nd4jRuns(ComputeCapability.of(8, 9)));
        assertTrue(BackendCheck.nd4jRuns(ComputeCapability.of(3, 7)));
        assertFalse(BackendCheck.nd4jRuns(ComputeCapability.of(9, 0)));
        assertFalse(BackendCheck.nd4jRuns(ComputeCapability.of(3, 5)));
    }

    @Test
    void theProfileMustSuitTheGpu() {
        assertEquals("profile cuda-ampere is made for compute capability 8.0–8.6, but GPU 0 (NVIDIA GeForce RTX 4090) "
                + "has 8.9: use --profile cuda-ada or --profile cuda-small", problem("cuda-ampere", cudaBuild(rtx4090(0))));
        assertEquals("profile cuda-ampere may use 70 GiB, but GPU 0 (NVIDIA A100-PCIE-40GB) has 40 GiB: use "
                + "--profile cuda-small, or lower memory_limit_gb", problem("cuda-ampere", cudaBuild(a100Pcie40(0))));
        assertEquals("profile cuda-ada may use 20 GiB, but GPU 0 (NVIDIA GeForce RTX 3070) has 8 GiB: use "
                + "--profile cuda-small, or lower memory_limit_gb", problem("cuda-ada", cudaBuild(rtx3070(0))));
        ComputeProfile tiny = ComputeProfile.of("tiny", "test", Backend.CUDA, Precision.FLOAT, 1, 16, 2048, 2048,
                ComputeCapability.of(3, 7), ComputeCapability.of(3, 7), Map.of());
        String m = BackendCheck.problem(tiny, cudaBuild(a100(0))).orElseThrow();
        assertEquals("profile tiny is made for compute capability 3.7, but GPU 0 (NVIDIA A100-SXM4-80GB) has 8.0: use "
                + "--profile cuda-ampere or --profile cuda-small", m);
    }

    @Test
    void brokenBuilds() {
        assertTrue(problem("cpu", TestDevices.build(Build.NONE)).startsWith("this build contains no ND4J backend"));
        assertTrue(problem("cuda-ampere", TestDevices.build(Build.BOTH)).startsWith(
                "this build contains both ND4J backends (nd4j-native and nd4j-cuda-11.6)"));
    }

    @Test
    void gpuVerdicts() {
        assertEquals("ND4J 1.0.0-M2.1 runs on it", BackendCheck.gpuVerdict(a100(0)));
        assertEquals("ND4J 1.0.0-M2.1 runs on it (kernels built for 8.6)", BackendCheck.gpuVerdict(rtx4090(0)));
        assertTrue(BackendCheck.gpuVerdict(h100(0)).startsWith("ND4J 1.0.0-M2.1 cannot run on it"));
        Gpu hidden = a100(1).withVisible(false);
        assertTrue(BackendCheck.gpuVerdict(hidden).endsWith("hidden by CUDA_VISIBLE_DEVICES"));
    }
}
