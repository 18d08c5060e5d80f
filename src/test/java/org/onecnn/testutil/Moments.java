package org.onecnn.testutil;

/**
 * Running mean and variance (Welford) of a vector-valued sample, per coordinate, and the standard error
 * of each mean, {@code sd/√n}: the Monte Carlo tests compare a closed form with the sample mean within
 * {@code z} standard errors (central limit theorem).
 */
public final class Moments {
    private final double[] mean;
    private final double[] m2;
    private long n;

    public Moments(int dim) {
        mean = new double[dim];
        m2 = new double[dim];
    }

    public void add(double[] x) {
        n++;
        double inv = 1.0 / n;
        for (int i = 0; i < mean.length; i++) {
            double d = x[i] - mean[i];
            mean[i] += d * inv;
            m2[i] += d * (x[i] - mean[i]);
        }
    }

    public long count() {
        return n;
    }

    public double mean(int i) {
        return mean[i];
    }

    /** Sample standard deviation of coordinate {@code i}. */
    public double sd(int i) {
        return Math.sqrt(m2[i] / (n - 1));
    }

    /** Standard error of the mean of coordinate {@code i}. */
    public double se(int i) {
        return sd(i) / Math.sqrt(n);
    }

    public int dim() {
        return mean.length;
    }
}
