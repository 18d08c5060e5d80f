package org.onecnn.testutil;

/**
 * How far two runs of the empirical (DL4J/ND4J) engine may drift apart when nothing differs but the order
 * in which ND4J and OpenBLAS add up the terms of a sum: a different chunking of students or samples, or
 * another CPU whose BLAS kernels block a GEMM differently.
 *
 * <h2>Derivation</h2>
 * onecnn fixes the order of every sum <em>between</em> reduction blocks (blocks are added in sample order,
 * losses are summed in Java), but <em>within</em> a block the library sums: a patch activation {@code wᵀZᵢ}
 * ({@code r} terms), a network output ({@code k} terms) and, the longest, the block's contribution to the
 * filter gradient ({@code M = reductionBlock · k} terms). A sum of {@code m} floating-point terms in any order
 * is within {@code γ_m Σ|terms|} of the exact sum, {@code γ_m = m u / (1 − m u)} with unit roundoff {@code u}
 * (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, §4.2), so two orders differ by at most
 * {@code 2 γ_M Σ|terms|}. Per unit of the mean gradient that is {@code δ = 2 γ_M S}, where {@code S} bounds
 * the mean absolute per-sample gradient term. With weight normalisation ({@code ‖w‖ = 1}),
 * {@code |wᵀZᵢ| ≤ ‖x‖} and a teacher with {@code ‖w*‖ = 1} gives {@code |y| ≤ A* ‖x‖} ({@code A* = ‖c a*‖₁}); a
 * student with {@code ‖a‖₁ ≤ A} then has per-sample gradient terms at most
 * {@code ‖x‖ (A* + A) ‖x‖ (1 + A)}, so {@code S = (A* + A)(1 + A) E‖x‖²}, with {@code E‖x‖² = d} for standard
 * Gaussian inputs.
 *
 * <p>One step moves the parameters by {@code η} times the gradient; on a trajectory along which gradient
 * descent does not expand distances (runs that settle into a minimum or creep along a flat valley, as the
 * tests' runs do), the per-step perturbations add up at most linearly: {@code e_T ≤ T η δ}. A reported value
 * (φ, ‖v‖, ‖a − c a*‖, L_n, ‖∇L_n‖) is a function of the parameters with Lipschitz constant at most
 * {@code max(1, S)} on that region, and is itself computed with one more such sum, so it may differ by
 * {@code max(1, S) e_T + δ}. That is the absolute tolerance {@link #of} returns; it is ~1e−6 for the tests'
 * double-precision runs, while a wrong chunking (a block dropped or counted twice) moves values by ~1e−2.
 */
public final class RoundingTolerance {
    /** Unit roundoff of IEEE double. */
    public static final double DOUBLE_U = 0x1p-53;
    /** Unit roundoff of IEEE float. */
    public static final double FLOAT_U = 0x1p-24;

    private RoundingTolerance() {
    }

    /** {@code γ_m = m u / (1 − m u)}. */
    public static double gamma(long m, double u) {
        double mu = m * u;
        if (mu >= 1) {
            throw new IllegalArgumentException("sum too long for a rounding bound: m u = " + mu);
        }
        return mu / (1 - mu);
    }

    /**
     * The absolute tolerance for values after {@code steps} steps.
     *
     * @param steps          steps taken (T)
     * @param eta            step size η
     * @param reductionBlock samples per block summed inside ND4J
     * @param k              patches per sample
     * @param d              input dimension (E‖x‖² = d)
     * @param teacherL1      ‖c a*‖₁
     * @param studentL1      a bound A on ‖a‖₁ along the trajectories
     * @param u              unit roundoff
     */
    public static double of(long steps, double eta, int reductionBlock, int k, int d, double teacherL1,
            double studentL1, double u) {
        double s = (teacherL1 + studentL1) * (1 + studentL1) * d;
        double delta = 2 * gamma((long) reductionBlock * k, u) * s;
        return Math.max(1, s) * steps * eta * delta + delta;
    }

    /** {@code |x − y| ≤ tol}, with equal non-finite values (NaN, ±∞) counted as equal. */
    public static boolean close(double x, double y, double tol) {
        if (Double.isNaN(x) || Double.isNaN(y) || Double.isInfinite(x) || Double.isInfinite(y)) {
            return Double.compare(x, y) == 0;
        }
        return Math.abs(x - y) <= tol;
    }
}
