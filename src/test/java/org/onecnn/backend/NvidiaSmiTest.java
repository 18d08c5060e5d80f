package org.onecnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.backend.BackendInfo.Build;
import org.onecnn.backend.BackendInfo.Gpu;

/** Parsing {@code nvidia-smi}, {@code CUDA_VISIBLE_DEVICES}, and the real probe with a fake {@code nvidia-smi}. */
class NvidiaSmiTest {
    @TempDir
    Path dir;

    @Test
    void parsesOneOrSeveralGpus() {
        NvidiaSmi.Parsed p = NvidiaSmi.parse("NVIDIA A100-SXM4-80GB, 8.0, 81920, 535.104.05\n");
        assertEquals(List.of(Gpu.of(0, "NVIDIA A100-SXM4-80GB", ComputeCapability.of(8, 0), 81920, "535.104.05")),
                p.gpus());
        assertEquals(List.of(), p.ignored());
        p = NvidiaSmi.parse("NVIDIA H100 80GB HBM3, 9.0, 81559, 550.54.15\r\nNVIDIA GeForce RTX 4090,8.9,24564,550.54.14\n"
                + "NVIDIA B200, 10.0, 183359, 570.86.10\n\n");
        assertEquals(3, p.gpus().size());
        assertEquals("NVIDIA H100 80GB HBM3", p.gpus().get(0).name());
        assertEquals(ComputeCapability.of(9, 0), p.gpus().get(0).computeCapability());
        assertEquals(1, p.gpus().get(1).index());
        assertEquals(ComputeCapability.of(8, 9), p.gpus().get(1).computeCapability());
        assertEquals(24564, p.gpus().get(1).memoryMib());
        assertEquals(ComputeCapability.of(10, 0), p.gpus().get(2).computeCapability());
        assertEquals("570.86.10", p.gpus().get(2).driverVersion());
    }

    @Test
    void emptyAndGarbageGiveNoGpu() {
        assertEquals(List.of(), NvidiaSmi.parse("").gpus());
        assertEquals(List.of(), NvidiaSmi.parse("  \n\n").gpus());
        assertEquals(List.of(), NvidiaSmi.parse(null).gpus());
        NvidiaSmi.Parsed p = NvidiaSmi.parse("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA "
                + "driver. Make sure that the latest NVIDIA driver is installed and running.\n");
        assertEquals(List.of(), p.gpus());
        assertEquals(1, p.ignored().size());
        p = NvidiaSmi.parse("a,b,c,d\nTesla T4, [N/A], 15360, 470.1\n,7.5,15360,470\n\u0000\u0001,,,\n");
        assertEquals(List.of(), p.gpus());
        assertEquals(4, p.ignored().size());
    }

    @Test
    void oddButMeaningfulLines() {
        // a comma in the name, unknown memory, a warning line before the CSV
        NvidiaSmi.Parsed p = NvidiaSmi.parse("WARNING: infoROM is corrupted at gpu 0000:01:00.0\n"
                + "Quadro RTX 8000, rev. B, 7.5, [N/A], 525.60.13\n Tesla V100-SXM2-32GB , 7.0 , 32768 , 525.60.13 \n");
        assertEquals(2, p.gpus().size());
        assertEquals("Quadro RTX 8000, rev. B", p.gpus().get(0).name());
        assertEquals(0, p.gpus().get(0).memoryMib());
        assertEquals(0, p.gpus().get(0).index());
        assertEquals("Tesla V100-SXM2-32GB", p.gpus().get(1).name());
        assertEquals(1, p.gpus().get(1).index());
        assertEquals(1, p.ignored().size());
    }

    private static List<Integer> visible(NvidiaSmi.Visibility v) {
        return v.gpus().stream().filter(Gpu::visible).map(Gpu::index).toList();
    }

    @Test
    void cudaVisibleDevices() {
        List<Gpu> mixed = List.of(TestDevices.h100(0), TestDevices.a100(1), TestDevices.a100(2));
        List<Gpu> alike = List.of(TestDevices.a100(0), TestDevices.a100(1));
        assertEquals(List.of(0, 1, 2), visible(NvidiaSmi.visibility(mixed, null, null)));
        assertEquals("", NvidiaSmi.visibility(mixed, null, null).note());
        assertEquals(List.of(), visible(NvidiaSmi.visibility(mixed, "", null)));
        assertTrue(NvidiaSmi.visibility(mixed, "", null).note().contains("hides every GPU"));
        assertEquals(List.of(), visible(NvidiaSmi.visibility(mixed, "-1", "PCI_BUS_ID")));
        assertEquals(List.of(1, 2), visible(NvidiaSmi.visibility(mixed, "1,2", "PCI_BUS_ID")));
        assertEquals(List.of(1), visible(NvidiaSmi.visibility(mixed, "1,7,2", "PCI_BUS_ID")), "stops at an invalid index");
        assertEquals(List.of(1), visible(NvidiaSmi.visibility(mixed, "1,1,2", "PCI_BUS_ID")), "stops at a repeat");
        // fastest-first numbering on unlike GPUs: cannot tell, every GPU is checked
        NvidiaSmi.Visibility v = NvidiaSmi.visibility(mixed, "1", null);
        assertEquals(List.of(0, 1, 2), visible(v));
        assertTrue(v.note().contains("CUDA_DEVICE_ORDER=PCI_BUS_ID"), v.note());
        // alike GPUs: any numbering selects the same kind
        assertEquals(List.of(1), visible(NvidiaSmi.visibility(alike, "1", null)));
        assertEquals(List.of(0, 1), visible(NvidiaSmi.visibility(alike, "GPU-3b5e1d3c-aaaa", "PCI_BUS_ID")));
    }

    /** What the test class path holds: nd4j-native, or nd4j-cuda-11.6 under -Pcuda. */
    private static Build thisBuild() {
        return BackendInfo.CUDA_ARTIFACT.equals(org.onecnn.util.Installation.buildInfo().getProperty("nd4j.backend")) ? Build.CUDA
                : Build.CPU;
    }

    private Path script(String body) throws IOException {
        Path f = dir.resolve("fake-nvidia-smi");
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    private static BackendInfo probe(Path cmd, Duration timeout, Map<String, String> env) {
        return new SystemDeviceProbe(List.of(cmd.toString()), timeout, env).probe();
    }

    @Test
    void realProbeWithAFakeNvidiaSmi() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
        Path ok = script("echo 'NVIDIA H100 80GB HBM3, 9.0, 81559, 550.54.15'\necho 'NVIDIA A100-SXM4-80GB, 8.0, 81920, 550.54.15'");
        BackendInfo info = probe(ok, Duration.ofSeconds(10), Map.of());
        assertEquals(2, info.gpus().size());
        assertEquals("", info.gpuNote());
        assertEquals(thisBuild(), info.build());
        assertEquals(thisBuild() == Build.CUDA ? BackendInfo.CUDA_ARTIFACT : BackendInfo.CPU_ARTIFACT,
                info.buildArtifact());
        assertTrue(info.cpu().cores() >= 1);
        info = probe(ok, Duration.ofSeconds(10), Map.of("CUDA_VISIBLE_DEVICES", "1", "CUDA_DEVICE_ORDER", "PCI_BUS_ID"));
        assertEquals(List.of(TestDevices.a100(1).withVisible(true).name()),
                info.visibleGpus().stream().map(Gpu::name).toList());

        Path failing = script("echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\"\nexit 9");
        info = probe(failing, Duration.ofSeconds(10), Map.of());
        assertEquals(List.of(), info.gpus());
        assertTrue(info.gpuNote().contains("failed (exit 9): NVIDIA-SMI has failed"), info.gpuNote());

        Path old = script("echo 'Field \"compute_cap\" is not a valid field to query.' >&2\nexit 2");
        info = probe(old, Duration.ofSeconds(10), Map.of());
        assertTrue(info.gpuNote().contains("drivers before 510"), info.gpuNote());

        Path garbage = script("echo 'No devices were found'");
        info = probe(garbage, Duration.ofSeconds(10), Map.of());
        assertEquals(List.of(), info.gpus());
        assertTrue(info.gpuNote().contains("not understood: No devices were found"), info.gpuNote());

        info = probe(dir.resolve("no-such-nvidia-smi"), Duration.ofSeconds(10), Map.of());
        assertEquals(List.of(), info.gpus());
        assertTrue(info.gpuNote().contains("not found"), info.gpuNote());

        Path hanging = script("exec sleep 30");
        long t0 = System.nanoTime();
        info = probe(hanging, Duration.ofSeconds(1), Map.of());
        assertTrue((System.nanoTime() - t0) / 1e9 < 10, "the time limit holds");
        assertTrue(info.gpuNote().contains("did not answer within 1 s"), info.gpuNote());
    }

    @Test
    void buildIsReadFromClassFilesWithoutLoadingThem() throws IOException {
        assertEquals(thisBuild(), SystemDeviceProbe.build(getClass().getClassLoader()));
        Path cuda = dir.resolve("cuda");
        Path both = dir.resolve("both");
        for (Path p : List.of(cuda.resolve(SystemDeviceProbe.CUDA_BACKEND_CLASS),
                both.resolve(SystemDeviceProbe.CUDA_BACKEND_CLASS), both.resolve(SystemDeviceProbe.CPU_BACKEND_CLASS))) {
            Files.createDirectories(p.getParent());
            Files.write(p, new byte[0]); // not a class at all: it is never loaded, only found
        }
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null);
                URLClassLoader c = new URLClassLoader(new URL[] {cuda.toUri().toURL()}, null);
                URLClassLoader b = new URLClassLoader(new URL[] {both.toUri().toURL()}, null)) {
            assertEquals(Build.NONE, SystemDeviceProbe.build(empty));
            assertEquals(Build.CUDA, SystemDeviceProbe.build(c));
            assertEquals(Build.BOTH, SystemDeviceProbe.build(b));
        }
        assertFalse(SystemDeviceProbe.CUDA_BACKEND_CLASS.isEmpty());
    }
}
