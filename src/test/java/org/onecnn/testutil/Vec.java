package org.onecnn.testutil;

/** Small dense-vector helpers for the tests (plain double arrays). */
public final class Vec {
    /** Unit roundoff of IEEE double, 2⁻⁵³. */
    public static final double U = 0x1.0p-53;

    private Vec() {
    }

    public static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    public static double norm(double[] x) {
        return Math.sqrt(dot(x, x));
    }

    public static double sum(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s;
    }

    public static double[] scale(double a, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = a * x[i];
        }
        return y;
    }

    /** {@code x + a y}. */
    public static double[] axpy(double[] x, double a, double[] y) {
        double[] z = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            z[i] = x[i] + a * y[i];
        }
        return z;
    }

    public static double[] minus(double[] x, double[] y) {
        return axpy(x, -1, y);
    }

    public static double dist(double[] x, double[] y) {
        return norm(minus(x, y));
    }

    public static double[] ones(int n) {
        double[] x = new double[n];
        java.util.Arrays.fill(x, 1.0);
        return x;
    }

    /** A unit vector orthogonal to the unit vector {@code u}, from a Gaussian draw. */
    public static double[] unitOrthogonal(double[] u, Gaussians g) {
        while (true) {
            double[] x = g.vector(u.length);
            double[] y = axpy(x, -dot(x, u), u);
            double n = norm(y);
            if (n > 1e-3) {
                return scale(1 / n, y);
            }
        }
    }
}
