package org.onecnn.empirical.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The committed PTX: what it requires (ISA 6.0, sm_70: drivers from CUDA 9.0 on), that it holds every kernel the
 * engine launches, that it is what scripts/build-ptx.sh makes of the source (regenerated and compared byte for
 * byte where the recorded clang is installed), and that NVIDIA's assembler accepts it for Volta and Hopper (where
 * ptxas is installed: the same compilation the driver's JIT does).
 */
class CudaPtxTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void requirementsAreReadFromThePtx() {
        Ptx ptx = Ptx.bundled();
        assertEquals(60, ptx.isa());
        assertEquals(70, ptx.target());
        assertEquals(9000, ptx.minimumDriver());
        assertEquals(12050, Ptx.minimumDriver(85));
        assertEquals(12080, Ptx.minimumDriver(87));
        assertEquals(11000, Ptx.minimumDriver(70));
        assertEquals(13000, Ptx.minimumDriver(90));
        assertEquals("12.6", Ptx.versionString(12060));
        assertThrows(IllegalArgumentException.class, () -> Ptx.parse("not ptx"));
    }

    /** Every kernel name the engine and the readiness check launch is an entry of the PTX. */
    @Test
    void everyLaunchedKernelIsInThePtx() {
        String text = Ptx.bundled().text();
        List<String> names = new ArrayList<>(List.of(CudaReadiness.PROBE, "onecnn_philox", "onecnn_fdlibm"));
        for (String t : new String[] {"f", "d"}) {
            for (String k : new String[] {"gen", "prepare", "grad", "reduce", "update"}) {
                names.add("onecnn_" + k + "_" + t);
            }
            for (int[] f : CudaPlan.FIXED) {
                names.add(new CudaPlan(f[0], f[1], f[1] * f[0], 1, t.equals("f") ? 4 : 8, 16, 16, 16, false)
                        .gradKernel());
            }
        }
        for (int mb : new int[] {3, 4}) {
            names.add(new CudaPlan(6, 25, 150, 1, 4, 16, 16, 16, false).gradKernel(mb));
        }
        for (String n : names) {
            assertTrue(text.contains(".entry " + n + "("), n + " is not in the PTX");
        }
    }

    private static String run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + cmd);
        if (p.exitValue() != 0) {
            throw new IOException(cmd + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }

    private static boolean onPath(String tool) {
        try {
            return new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** scripts/build-ptx.sh with the clang recorded in src/main/cuda/onecnn.ptx.compiler gives the committed bytes. */
    @Test
    void committedPtxIsRegeneratedFromItsSource() throws Exception {
        String recorded = Files.readString(ROOT.resolve("src/main/cuda/onecnn.ptx.compiler")).trim();
        Assumptions.assumeTrue(onPath("clang++"), "clang++ not installed: the PTX cannot be regenerated here");
        String here = run(List.of("clang++", "--version"), ROOT).lines().findFirst().orElse("").trim();
        Assumptions.assumeTrue(here.equals(recorded), "clang here is '" + here + "', the PTX was made by '" + recorded
                + "'");
        Path out = Files.createTempFile("onecnn", ".ptx");
        try {
            run(List.of("bash", "scripts/build-ptx.sh", out.toString()), ROOT);
            assertEquals(Files.readString(ROOT.resolve("src/main/resources/cuda/onecnn.ptx")), Files.readString(out),
                    "the committed PTX is not what scripts/build-ptx.sh makes of src/main/cuda: run it and commit");
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * NVIDIA's assembler (the driver's JIT compiler, offline) takes the PTX for Turing, Hopper and Blackwell (ptxas of
     * CUDA 13 no longer targets Volta, sm_70; the CUDA 12 drivers that do JIT the same PTX).
     */
    @Test
    void ptxasAcceptsThePtxForTuringHopperAndBlackwell() throws Exception {
        Path ptxas = Path.of("/usr/local/cuda/bin/ptxas");
        String tool = Files.isExecutable(ptxas) ? ptxas.toString() : "ptxas";
        Assumptions.assumeTrue(Files.isExecutable(ptxas) || onPath("ptxas"), "ptxas not installed");
        Path dir = Files.createTempDirectory("onecnn-ptxas");
        try {
            Path src = dir.resolve("onecnn.ptx");
            Files.writeString(src, Ptx.bundled().text());
            for (String arch : new String[] {"sm_75", "sm_90", "sm_100"}) {
                String log = run(List.of(tool, "-arch=" + arch, "-v", "-o", dir.resolve(arch + ".cubin").toString(),
                        src.toString()), dir);
                // the register kernels must not spill in float (onecnn.cu: the launch bounds)
                assertTrue(log.contains("onecnn_grad_6x25_f"), log);
                String after = log.substring(log.indexOf("Compiling entry function 'onecnn_grad_6x25_f'"));
                String line = after.lines().filter(l -> l.contains("spill stores")).findFirst().orElse("");
                assertTrue(line.contains("0 bytes spill stores"), arch + ": " + line);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
