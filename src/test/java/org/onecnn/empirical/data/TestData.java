package org.onecnn.empirical.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Helpers of this package's tests. */
final class TestData {
    private TestData() {
    }

    /** The values of {@code a} in row-major order, as doubles (exact for FLOAT and DOUBLE). */
    static double[] values(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    /** Row {@code m} of a row-major {@code [n, d]} value array. */
    static double[] row(double[] x, int d, int m) {
        double[] r = new double[d];
        System.arraycopy(x, m * d, r, 0, d);
        return r;
    }

    /**
     * The teacher {@code Σ_i a*_i σ_α(w*ᵀ Z_i)} on input {@code x} by plain loops (docs/model.md §1), and in
     * {@code out[1]} the scale {@code Σ_i |a*_i| ‖w*‖ ‖Z_i‖} that bounds every term and every partial sum.
     */
    static double[] teacher(double[] w, double[] a, int s, double alpha, double[] x) {
        int r = w.length;
        double y = 0;
        double scale = 0;
        double wn = 0;
        for (double v : w) {
            wn += v * v;
        }
        wn = Math.sqrt(wn);
        for (int i = 0; i < a.length; i++) {
            double p = 0;
            double zn = 0;
            for (int b = 0; b < r; b++) {
                double z = x[i * s + b];
                p += w[b] * z;
                zn += z * z;
            }
            y += a[i] * Math.max(p, alpha * p);
            scale += Math.abs(a[i]) * wn * Math.sqrt(zn);
        }
        return new double[] {y, scale};
    }
}
