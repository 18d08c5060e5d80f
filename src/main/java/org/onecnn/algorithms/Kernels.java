package org.onecnn.algorithms;

/**
 * The arithmetic shared by the Convotron family, on plain double arrays with offsets (a batch of runs keeps its
 * vectors in one flat array, run {@code b} at offset {@code b·len}).
 *
 * <p>A "patch" of length {@code m} starting at {@code start} with stride {@code s}: patch {@code j} is
 * {@code x[start + j s .. start + j s + m − 1]}. The full patches of the model have {@code start = xo},
 * {@code m = r}; the non-overlapping parts of Double Convotron have {@code start = xo + r − s}, {@code m = 2s − r}.
 */
final class Kernels {
    private Kernels() {
    }

    /** {@code σ_α(z) = max(z, αz)} for {@code 0 <= α < 1}. */
    static double leaky(double z, double alpha) {
        return z >= 0 ? z : alpha * z;
    }

    /** {@code wᵀ x[start .. start + m − 1]} with {@code w} at offset {@code wo}. */
    static double dot(double[] w, int wo, int m, double[] x, int start) {
        double z = 0;
        for (int c = 0; c < m; c++) {
            z += w[wo + c] * x[start + c];
        }
        return z;
    }

    /**
     * {@code Σ_j a_j σ_α(wᵀ patch_j)} over {@code k} patches of length {@code m}; the pre-activations
     * {@code wᵀ patch_j} are written to {@code pre[0..k−1]} when {@code pre} is not null.
     */
    static double output(double[] w, int wo, int m, double[] a, int ao, int k, double[] x, int start, int s,
            double alpha, double[] pre) {
        double f = 0;
        for (int j = 0; j < k; j++) {
            double z = dot(w, wo, m, x, start + j * s);
            if (pre != null) {
                pre[j] = z;
            }
            f += a[ao + j] * leaky(z, alpha);
        }
        return f;
    }

    /** {@code out[0..m−1] = Σ_j a_j patch_j}. */
    static void combine(double[] a, int ao, int k, double[] x, int start, int s, int m, double[] out) {
        java.util.Arrays.fill(out, 0, m, 0.0);
        for (int j = 0; j < k; j++) {
            double aj = a[ao + j];
            int p = start + j * s;
            for (int c = 0; c < m; c++) {
                out[c] += aj * x[p + c];
            }
        }
    }

    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    static double norm2(double[] x, int off, int len) {
        double s = 0;
        for (int i = off; i < off + len; i++) {
            s += x[i] * x[i];
        }
        return s;
    }

    /** The angle between {@code x} and {@code y} in {@code [0, π]}; {@code π/2} when either is zero. */
    static double angle(double[] x, double[] y) {
        double nx = Math.sqrt(norm2(x, 0, x.length));
        double ny = Math.sqrt(norm2(y, 0, y.length));
        if (nx == 0 || ny == 0) {
            return Math.PI / 2;
        }
        return Math.acos(Math.max(-1, Math.min(1, dot(x, y) / (nx * ny))));
    }

    /** The angle between the lines of {@code x} and {@code y}, {@code acos(|xᵀy|/(‖x‖‖y‖))} in {@code [0, π/2]}. */
    static double lineAngle(double[] x, double[] y) {
        double nx = Math.sqrt(norm2(x, 0, x.length));
        double ny = Math.sqrt(norm2(y, 0, y.length));
        if (nx == 0 || ny == 0) {
            return Math.PI / 2;
        }
        return Math.acos(Math.min(1, Math.abs(dot(x, y)) / (nx * ny)));
    }

    static double[] slice(double[] x, int off, int len) {
        double[] y = new double[len];
        System.arraycopy(x, off, y, 0, len);
        return y;
    }
}
