package org.onecnn.model;

/**
 * What {@link SecondOrderClassifier} found at a point: the kind, the tangent-space Hessian's eigenvalues (sorted
 * ascending; {@code v}-coordinates in radians), the extreme eigenvalues of its {@code v}-block (the {@code p−1}
 * filter directions on the sphere) and of its {@code a}-block, the tolerance and its parts, and the growth exponents
 * of the probes (one per null direction; empty unless the point was degenerate). Arrays are copied in and out.
 *
 * @param kind          the classification
 * @param eigenvalues   all {@code p − 1 + k} eigenvalues, ascending
 * @param vBlockMin     smallest eigenvalue of the {@code v}-block (NaN when {@code p = 1})
 * @param vBlockMax     largest eigenvalue of the {@code v}-block (NaN when {@code p = 1})
 * @param aBlockMin     smallest eigenvalue of the {@code a}-block
 * @param aBlockMax     largest eigenvalue of the {@code a}-block
 * @param tol           the tolerance {@code tol_fd + tol_stat} below which {@code |λ|} counts as zero
 * @param tolFd         its finite-difference part (truncation + rounding)
 * @param tolStat       its part from the point being stationary only to {@code gradNorm}
 * @param gradNorm      the norm of the chart gradient at the point
 * @param thirdDerivative the estimate {@code M₃} of the third derivative used in {@code tolStat}
 * @param loss          the loss at the point
 * @param probeExponents the fitted growth exponents along the null directions (NaN for a direction with fewer
 *                      than two rising probes)
 */
public record SecondOrderResult(SecondOrderKind kind, double[] eigenvalues, double vBlockMin, double vBlockMax,
        double aBlockMin, double aBlockMax, double tol, double tolFd, double tolStat, double gradNorm,
        double thirdDerivative, double loss, double[] probeExponents) {

    public SecondOrderResult {
        eigenvalues = eigenvalues.clone();
        probeExponents = probeExponents.clone();
    }

    @Override
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    @Override
    public double[] probeExponents() {
        return probeExponents.clone();
    }

    /** The smallest tangent eigenvalue. */
    public double minEigenvalue() {
        return eigenvalues[0];
    }

    /** {@code max |λ|} over the {@code v}-block (NaN when {@code p = 1}). */
    public double vBlockMaxAbs() {
        return Math.max(Math.abs(vBlockMin), Math.abs(vBlockMax));
    }

    /** The smallest probe exponent (the slowest rise), NaN when nothing was probed. */
    public double probeExponent() {
        double min = Double.NaN;
        for (double e : probeExponents) {
            min = Double.isNaN(min) ? e : Math.min(min, e);
        }
        return min;
    }

    @Override
    public String toString() {
        return kind.label() + ": eigenvalues " + java.util.Arrays.toString(eigenvalues) + ", v-block [" + vBlockMin
                + ", " + vBlockMax + "], a-block [" + aBlockMin + ", " + aBlockMax + "], tol " + tol + " (fd " + tolFd
                + ", stat " + tolStat + "), |G| " + gradNorm + ", M3 " + thirdDerivative + ", loss " + loss
                + ", probe exponents " + java.util.Arrays.toString(probeExponents);
    }
}
