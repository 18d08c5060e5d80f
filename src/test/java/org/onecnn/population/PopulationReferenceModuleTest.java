package org.onecnn.population;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.testutil.NumpyTeacher;

/**
 * The documented numpy module python/onecnn_population.py (docs/python.md) is the one the Java closed forms are
 * checked against: src/test/resources/reference/population_reference.py, which imports it, regenerates
 * population_reference.csv (the file {@link PopulationReferenceValuesTest} reads) with the same values.
 *
 * <p>Tolerance: on x86-64 the regenerated file is byte-identical (the same code in the same 80-bit long double);
 * where numpy's long double is another format the central-difference gradients (h = 1e−7) may differ by about
 * ε_longdouble / h ≈ 1e−12 relative, so values are compared to 1e−12 relative rather than as bytes.
 */
class PopulationReferenceModuleTest {

    @Test
    void theModuleRegeneratesTheReferenceValues(@TempDir Path dir) throws Exception {
        NumpyTeacher.requireNumpy();
        Path script = Path.of("src/test/resources/reference/population_reference.py").toAbsolutePath();
        Process p = new ProcessBuilder("python3", script.toString()).directory(dir.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), out);
        List<String> want = Files.readAllLines(Path.of("src/test/resources/reference/population_reference.csv"));
        List<String> got = Files.readAllLines(dir.resolve("population_reference.csv"));
        assertEquals(want.size(), got.size());
        assertEquals(want.get(0), got.get(0));
        for (int row = 1; row < want.size(); row++) {
            String[] w = want.get(row).split(",");
            String[] g = got.get(row).split(",");
            assertEquals(w.length, g.length);
            for (int c = 0; c < w.length; c++) {
                String[] wv = w[c].split(" ");
                String[] gv = g[c].split(" ");
                assertEquals(wv.length, gv.length);
                for (int i = 0; i < wv.length; i++) {
                    double a = Double.parseDouble(wv[i]);
                    double b = Double.parseDouble(gv[i]);
                    assertTrue(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)),
                            "row " + row + " column " + c + ": " + a + " vs " + b);
                }
            }
        }
    }
}
