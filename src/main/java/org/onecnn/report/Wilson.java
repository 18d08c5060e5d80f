package org.onecnn.report;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The Wilson score interval for a binomial proportion.
 *
 * <p>With {@code s} successes in {@code n} trials, {@code p̂ = s/n} and {@code z} the
 * {@code 1 − (1 − confidence)/2} quantile of the standard normal distribution (1.959964 for 95%),
 * the interval is
 *
 * <pre>
 *   centre = (p̂ + z²/(2n)) / (1 + z²/n)
 *   half   = z / (1 + z²/n) · √( p̂(1 − p̂)/n + z²/(4n²) )
 *   [lower, upper] = [centre − half, centre + half]
 * </pre>
 *
 * the set of proportions {@code p} not rejected by the two-sided score test
 * {@code |p̂ − p| ≤ z √(p(1 − p)/n)}. Unlike the Wald interval {@code p̂ ± z√(p̂(1 − p̂)/n)} it
 * stays inside [0, 1] and does not collapse to a point at {@code s = 0} or {@code s = n}, which
 * matters here: a grid cell where no run reached the spurious minimum still gets an honest upper
 * bound (0 of 10 gives [0, 0.278] at 95%).
 *
 * <p>Edge cases:
 * <ul>
 *   <li>{@code s = 0}: {@code centre = half} mathematically, so {@code lower} is exactly 0
 *       (set, not computed, so that rounding cannot make it {@code ±1e-17}).</li>
 *   <li>{@code s = n}: symmetrically {@code upper} is exactly 1.</li>
 *   <li>{@code n = 0}: nothing is known; the result is {@code estimate = NaN},
 *       {@code lower = 0}, {@code upper = 1}.</li>
 * </ul>
 *
 * <p>The estimate reported is {@code p̂} itself; note that the interval's centre is pulled from
 * {@code p̂} towards 1/2.
 */
public final class Wilson {
    private Wilson() {
    }

    /**
     * A proportion with its confidence interval; {@code lower ≤ estimate ≤ upper} whenever the
     * estimate is defined.
     *
     * @param estimate the observed proportion {@code s/n} ({@code NaN} when {@code n = 0})
     * @param lower    the lower end, in [0, 1]
     * @param upper    the upper end, in [0, 1]
     */
    public record Interval(double estimate, double lower, double upper) {
        /** {@code upper − lower}. */
        public double width() {
            return upper - lower;
        }
    }

    /**
     * The Wilson score interval of {@code successes} out of {@code n} at the given confidence.
     *
     * @param successes  number of successes, {@code 0 ≤ successes ≤ n}
     * @param n          number of trials, {@code n ≥ 0}
     * @param confidence confidence level in the open interval (0, 1), e.g. 0.95
     * @return the estimate and interval; for {@code n = 0}, {@code (NaN, 0, 1)}
     * @throws IllegalArgumentException if the counts are inconsistent or the confidence is not in (0, 1)
     */
    public static Interval of(long successes, long n, double confidence) {
        if (n < 0 || successes < 0 || successes > n) {
            throw new IllegalArgumentException("need 0 <= successes <= n, got successes = " + successes + ", n = " + n);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        if (n == 0) {
            return new Interval(Double.NaN, 0, 1);
        }
        double z = z(confidence);
        double nd = n;
        double p = successes / nd;
        double z2n = z * z / nd;
        double denom = 1 + z2n;
        double centre = (p + z2n / 2) / denom;
        double half = z / denom * Math.sqrt(p * (1 - p) / nd + z2n / (4 * nd));
        double lower = successes == 0 ? 0 : Math.max(0, centre - half);
        double upper = successes == n ? 1 : Math.min(1, centre + half);
        return new Interval(p, lower, upper);
    }

    /**
     * The two-sided standard normal quantile {@code z} with {@code P(|Z| ≤ z) = confidence}, i.e.
     * {@code Φ⁻¹(1 − (1 − confidence)/2)}.
     */
    static double z(double confidence) {
        // A null random generator: only the quantile is needed, and the default constructor would
        // build (and seed from the clock) a Mersenne twister for nothing.
        NormalDistribution standard = new NormalDistribution(null, 0, 1);
        return standard.inverseCumulativeProbability(1 - (1 - confidence) / 2);
    }
}
