package org.onecnn.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A saved data set checked from outside onecnn: python3 with numpy loads {@code X.npy}, {@code y.npy} and
 * {@code manifest.json} and recomputes the labels from the manifest alone,
 * {@code f(x) = Σ_i a*_i σ(w*ᵀ Z_i(x))}, {@code Z_i(x) = x[i s : i s + r]}, {@code σ(z) = max(z, α z)}
 * (docs/model.md §1), in double precision.
 *
 * <h2>Tolerance</h2>
 * onecnn labels through its network layers in the data type T of the data set (unit roundoff {@code u_T}): w*
 * and {@code c a*} are rounded to T, the filter is normalised ({@code ‖w*‖}: r products and r − 1 additions,
 * a square root, a division per entry), each patch activation is an r-term dot product, the leaky activation one
 * product, each output term one product, and the output a k-term sum. Every term {@code a*_i w*_j x_ij} of the
 * exact sum thus passes through at most {@code m₁ = 2r + k + 8} roundings, and σ is 1-Lipschitz, so (Higham,
 * §3.1, any summation order, with or without fused multiply-add) onecnn's label is within
 * {@code γ_{m₁}(u_T) S} of the exact {@code f}, with {@code S = Σ_i |a*_i| Σ_j |w*_j x_ij|} per row. numpy's
 * own double computation ({@code r}-term dots, a product, a {@code k}-term sum: {@code m₂ = r + k + 2}) adds
 * {@code γ_{m₂}(2⁻⁵³) S}. The check is {@code |y − f| ≤ (γ_{m₁}(u_T) + γ_{m₂}(2⁻⁵³)) S} on every row, for data
 * without label noise. It is not vacuous: the same check with one entry of a* changed by a relative 10⁻³ fails
 * (the tests assert both).
 */
public final class NumpyTeacher {
    private NumpyTeacher() {
    }

    private static final String SCRIPT = String.join("\n",
            "import sys, json, numpy as np",
            "folder, scale = sys.argv[1], float(sys.argv[2])",
            "X = np.load(folder + '/X.npy', allow_pickle=False)",
            "y = np.load(folder + '/y.npy', allow_pickle=False)",
            "m = json.load(open(folder + '/manifest.json'))",
            "assert m['noise_sigma'] == 0.0, 'the check needs data without label noise'",
            "n, d, r, s, k = m['n'], m['d'], m['r'], m['s'], m['k']",
            "assert X.shape == (n, d) and y.shape == (n, 1), (X.shape, y.shape)",
            "assert X.dtype == {'FLOAT': np.float32, 'DOUBLE': np.float64}[m['data_type']], X.dtype",
            "w = np.array(m['w_star'], dtype=np.float64)",
            "a = np.array(m['a_star'], dtype=np.float64)",
            "a[0] *= scale",
            "alpha = m['leaky_slope']",
            "Xd = X.astype(np.float64)",
            "Z = np.stack([Xd[:, i * s:i * s + r] for i in range(k)], axis=1)",  // [n, k, r]
            "z = Z @ w",                                                          // [n, k]
            "f = np.maximum(z, alpha * z) @ a",
            "S = np.abs(Z * w).sum(axis=2) @ np.abs(a)",
            "u = {'FLOAT': 2.0 ** -24, 'DOUBLE': 2.0 ** -53}[m['data_type']]",
            "def gamma(mm, uu): return mm * uu / (1 - mm * uu)",
            "bound = (gamma(2 * r + k + 8, u) + gamma(r + k + 2, 2.0 ** -53)) * S",
            "err = np.abs(y[:, 0].astype(np.float64) - f)",
            "print(repr(float(np.max(err / bound))), repr(float(np.std(f))))");

    /**
     * The largest ratio {@code |y − f| / bound} over the rows of the data set in {@code folder}, with a*_0
     * multiplied by {@code scale} in f (1: the manifest's teacher). Fails the test, with what to install, when
     * python3 or numpy is missing: this check must not pass by being skipped.
     */
    public static double worstRatio(Path folder, double scale) {
        requireNumpy();
        List<String> out = python(SCRIPT, folder.toString(), Double.toString(scale));
        assertEquals(1, out.size(), String.join("\n", out));
        String[] parts = out.get(0).split(" ");
        double spread = Double.parseDouble(parts[1]);
        assertTrue(spread > 0.01, "labels vary (std " + spread + "): the check compares something");
        return Double.parseDouble(parts[0]);
    }

    /** Asserts that numpy's labels from the manifest's teacher match y, and that a perturbed teacher's do not. */
    public static void assertLabelsAreTheTeachers(Path folder) {
        double ok = worstRatio(folder, 1.0);
        assertTrue(ok <= 1, folder + ": |y − f| exceeds the rounding bound, worst ratio " + ok);
        double off = worstRatio(folder, 1.001);
        assertTrue(off > 1, folder + ": a teacher with a*_0 off by 1e-3 passes the check (ratio " + off
                + "): the bound is too loose to test anything");
    }

    /** Fails, naming what to install, when {@code python3 -c "import numpy"} does not succeed. */
    public static void requireNumpy() {
        String why;
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
            why = "python3 -c 'import numpy' failed: " + out.strip();
        } catch (IOException e) {
            why = "python3 not found: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        fail("this test loads a saved data set with numpy and needs python3 with numpy (Debian: apt-get install "
                + "python3-numpy; .ci/run installs it): " + why);
    }

    private static List<String> python(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
            assertEquals(0, p.exitValue(), out);
            return out.lines().toList();
        } catch (IOException e) {
            throw new AssertionError("cannot run python3: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
