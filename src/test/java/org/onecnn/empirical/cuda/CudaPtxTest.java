package org.onecnn.empirical.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
     * The functions {@code entry} calls in the PTX ({@code call.uni ... NAME,} in its body), transitively.
     */
    static List<String> callees(String ptx, String entry) {
        List<String> out = new ArrayList<>();
        List<String> todo = new ArrayList<>(List.of(entry));
        while (!todo.isEmpty()) {
            String name = todo.remove(0);
            Matcher head = Pattern.compile("^\\.(visible \\.entry|func|visible \\.func) (\\([^)]*\\) )?"
                    + Pattern.quote(name) + "\\(", Pattern.MULTILINE).matcher(ptx);
            if (!head.find()) {
                continue;
            }
            int open = ptx.indexOf("\n{", head.end());
            int close = ptx.indexOf("\n}", open);
            Matcher call = Pattern.compile("call(?:\\.uni)?\\s*(?:\\([^)]*\\),\\s*)?([A-Za-z_$][\\w$]*),")
                    .matcher(ptx.substring(open, close));
            while (call.find()) {
                String f = call.group(1);
                if (!out.contains(f) && !f.equals(entry)) {
                    out.add(f);
                    todo.add(f);
                }
            }
        }
        return out;
    }

    /**
     * ptxas -v's "spill stores" line of {@code entry} and of every function whose properties it prints while
     * compiling it (its .func callees), by name: the lines after "Compiling entry function 'ENTRY'" up to the next
     * entry.
     */
    static Map<String, String> spills(String log, String entry) {
        Map<String, String> out = new LinkedHashMap<>();
        int at = log.indexOf("Compiling entry function '" + entry + "'");
        if (at < 0) {
            return out;
        }
        int end = log.indexOf("Compiling entry function '", at + 1);
        List<String> lines = log.substring(at, end < 0 ? log.length() : end).lines().toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            Matcher m = Pattern.compile("Function properties for (\\S+)").matcher(lines.get(i));
            if (m.find() && lines.get(i + 1).contains("spill stores")) {
                out.put(m.group(1), lines.get(i + 1).strip());
            }
        }
        return out;
    }

    /** The parsing above on ptxas's own words (sm_90, CUDA 13): the .func's line is the one that counts. */
    @Test
    void theSpillLineIsTheFunctionsThatHoldTheWork() {
        String log = """
                ptxas info    : Compiling entry function 'onecnn_grad_6x25_f_mb3' for 'sm_90'
                ptxas info    : Function properties for onecnn_grad_6x25_f_mb3
                    456 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
                ptxas info    : Used 168 registers, used 1 barriers, 456 bytes cumulative stack size
                ptxas info    : Function properties for _ZL9gradFixed
                    0 bytes stack frame, 712 bytes spill stores, 580 bytes spill loads
                ptxas info    : Compiling entry function 'onecnn_grad_6x25_f' for 'sm_90'
                ptxas info    : Function properties for onecnn_grad_6x25_f
                    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
                ptxas info    : Used 255 registers, used 1 barriers
                ptxas info    : Function properties for _ZL9gradFixed
                    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
                """;
        Map<String, String> mb3 = spills(log, "onecnn_grad_6x25_f_mb3");
        assertTrue(mb3.get("onecnn_grad_6x25_f_mb3").contains(" 0 bytes spill stores"));
        assertTrue(mb3.get("_ZL9gradFixed").contains("712 bytes spill stores"), mb3.toString());
        assertTrue(spills(log, "onecnn_grad_6x25_f").get("_ZL9gradFixed").contains(" 0 bytes spill stores"));
        List<String> called = callees(Ptx.bundled().text(), "onecnn_grad_6x25_f");
        assertEquals(1, called.size(), called.toString());
        assertTrue(called.get(0).startsWith("_ZL9gradFixedIfLi6ELi25E"), called.toString());
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
                // the register kernels must not spill in float (onecnn.cu: the launch bounds); the work of
                // 6 × 25 is in a .func the entry calls, so the line to read is that function's
                for (String entry : List.of("onecnn_grad_6x25_f", "onecnn_grad_4x4_f")) {
                    Map<String, String> spills = spills(log, entry);
                    List<String> callees = callees(Ptx.bundled().text(), entry);
                    assertTrue(spills.containsKey(entry), arch + " " + entry + ": " + spills);
                    for (String f : callees) {
                        assertTrue(spills.containsKey(f), arch + " " + entry + ": no line for its .func " + f + ": "
                                + spills);
                    }
                    if (entry.equals("onecnn_grad_6x25_f")) {
                        assertFalse(callees.isEmpty(), "onecnn_grad_6x25_f calls no .func: read the entry's line");
                    }
                    for (var e : spills.entrySet()) {
                        assertTrue(e.getValue().contains(" 0 bytes spill stores"), arch + " " + entry + " → "
                                + e.getKey() + ": " + e.getValue());
                    }
                }
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
