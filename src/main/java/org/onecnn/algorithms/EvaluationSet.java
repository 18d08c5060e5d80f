package org.onecnn.algorithms;

import org.onecnn.model.Architecture;
import org.onecnn.model.InputSampler;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;

/**
 * A fixed set of {@code n} labelled samples (a test or validation set) for the Convotron family: inputs drawn once
 * by {@link SampleStream#draw}, labels {@code y = Σ_i a*_i σ_α(w*ᵀ P_i x)} from the teacher. Immutable.
 *
 * <p>{@link #meanSquaredError} is {@code (1/n) Σ_m (f(x_m) − y_m)²} with
 * {@code f = Σ_i a_i σ_α(wᵀ P_i x)} (no ½: the test error of Du and Goel), and {@link #meanSquaredLabel} is
 * {@code (1/n) Σ_m y_m²}, the error of the zero predictor, by which the relative error is normalised.
 */
public final class EvaluationSet {
    private final Architecture arch;
    private final double leakySlope;
    private final int n;
    private final double[] x;
    private final double[] y;
    private final double meanY2;

    private EvaluationSet(Architecture arch, double leakySlope, int n, double[] x, double[] y) {
        this.arch = arch;
        this.leakySlope = leakySlope;
        this.n = n;
        this.x = x;
        this.y = y;
        double q = 0;
        for (double v : y) {
            q += v * v;
        }
        this.meanY2 = q / n;
    }

    /**
     * {@code n} samples of {@code distribution} with seed {@code seed}, labelled by {@code teacher}.
     *
     * @throws InvalidInputException if an argument is missing, {@code n < 1}, {@code α ∉ [0, 1)}, or the teacher
     *                               does not fit the architecture
     */
    public static EvaluationSet draw(Architecture arch, Teacher teacher, double leakySlope,
            InputSampler distribution, int n, long seed) {
        Checks.architecture(arch);
        Checks.teacher(arch, teacher);
        Checks.leakySlope(leakySlope);
        InvalidInputException.requirePositive("samples", n);
        int d = arch.d();
        double[] x = SampleStream.draw(distribution, n, d, seed);
        double[] w = teacher.wStar();
        double[] a = teacher.aStar();
        double[] y = new double[n];
        for (int m = 0; m < n; m++) {
            y[m] = Kernels.output(w, 0, arch.r(), a, 0, arch.k(), x, m * d, arch.s(), leakySlope, null);
        }
        return new EvaluationSet(arch, leakySlope, n, x, y);
    }

    /**
     * {@code (1/n) Σ_m (f(w, a, x_m) − y_m)²}.
     *
     * @throws InvalidInputException if {@code |w| != r} or {@code |a| != k}
     */
    public double meanSquaredError(double[] w, double[] a) {
        Checks.vector("w", w, arch.r());
        Checks.vector("a", a, arch.k());
        return meanSquaredError(w, 0, a, 0);
    }

    /** {@link #meanSquaredError(double[], double[])} for vectors at offsets (no checks). */
    double meanSquaredError(double[] w, int wo, double[] a, int ao) {
        int d = arch.d();
        int r = arch.r();
        int k = arch.k();
        int s = arch.s();
        double sum = 0;
        for (int m = 0; m < n; m++) {
            double e = Kernels.output(w, wo, r, a, ao, k, x, m * d, s, leakySlope, null) - y[m];
            sum += e * e;
        }
        return sum / n;
    }

    /** {@code (1/n) Σ_m y_m²}. */
    public double meanSquaredLabel() {
        return meanY2;
    }

    /** The inputs, row-major {@code n × d} (a copy). */
    public double[] inputs() {
        return x.clone();
    }

    /** The labels (a copy). */
    public double[] labels() {
        return y.clone();
    }

    public int size() {
        return n;
    }

    public Architecture architecture() {
        return arch;
    }

    public double leakySlope() {
        return leakySlope;
    }
}
