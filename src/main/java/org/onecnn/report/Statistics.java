package org.onecnn.report;

import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The summary statistics that onecnn's reports use, each defined once: median, mean, sample standard
 * deviation, maximum, a least-squares line (used on log-log axes for power laws in {@code n}), and the
 * Wilson score interval of a binomial proportion.
 *
 * <p>The arithmetic of each method is fixed (the order of every floating-point operation is given
 * below and never changes), because run folders are compared byte for byte across versions: a
 * "mathematically equal" rewrite, such as a one-pass variance, would change the last digit of
 * {@code summary.csv}.
 *
 * <p>Undefined values are {@code NaN}, never an exception: a median over no spurious runs is
 * written as an empty cell by {@link Table}, not a crash of a finished run.
 */
public final class Statistics {
    private Statistics() {
    }

    /**
     * The median: the middle element of the sorted values for an odd count, else the mean of the
     * two middle ones computed as {@code 0.5 · (a + b)}.
     *
     * <p>Sorting follows {@link java.util.Arrays#sort(double[])}: {@code -0.0 < 0.0} and {@code NaN}
     * above {@code +∞}, so NaN entries count as the largest values (one NaN among three values gives
     * the larger of the other two; two NaNs among three give NaN).
     *
     * @param xs the values (not modified; {@code null} elements are not allowed)
     * @return the median, or {@code NaN} for no values
     */
    public static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : 0.5 * (a[a.length / 2 - 1] + a[a.length / 2]);
    }

    /**
     * The arithmetic mean as {@link java.util.stream.DoubleStream#average()} computes it (a
     * compensated sum divided by the count).
     *
     * @return the mean, {@code NaN} for no values or if any value is {@code NaN}
     */
    public static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(x -> x).average().orElse(Double.NaN);
    }

    /**
     * The sample standard deviation about a given mean, {@code √(Σ (x − mean)² / (m − 1))} with the
     * sum taken by {@link java.util.stream.DoubleStream#sum()} in list order.
     *
     * @param xs   the values
     * @param mean their mean, normally {@link #mean(List)} of the same values
     * @return the standard deviation, {@code NaN} for fewer than two values
     */
    public static double sampleStandardDeviation(List<Double> xs, double mean) {
        return xs.size() < 2 ? Double.NaN
                : Math.sqrt(xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / (xs.size() - 1));
    }

    /**
     * The largest value, as {@link java.util.stream.DoubleStream#max()} finds it.
     *
     * @return the maximum, {@code NaN} for no values or if any value is {@code NaN}
     */
    public static double max(List<Double> xs) {
        return xs.stream().mapToDouble(x -> x).max().orElse(Double.NaN);
    }

    /**
     * A straight line {@code y = intercept + slope · x}.
     *
     * @param slope     the slope (an exponent when fitted on log-log axes)
     * @param intercept the value at {@code x = 0}
     */
    public record Line(double slope, double intercept) {
        /** The line when nothing can be fitted. */
        public static final Line UNDEFINED = new Line(Double.NaN, Double.NaN);

        /** Whether both coefficients are finite numbers. */
        public boolean defined() {
            return Double.isFinite(slope) && Double.isFinite(intercept);
        }

        /**
         * For a line fitted on log-log axes, the power law it stands for at {@code x}:
         * {@code exp(intercept + slope · log x)}.
         */
        public double powerLaw(double x) {
            return Math.exp(intercept + slope * Math.log(x));
        }
    }

    /**
     * The ordinary least-squares line through points {@code (x, y)}:
     *
     * <pre>
     *   x̄ = Σx / m,  ȳ = Σy / m            (sums in list order)
     *   slope = Σ (x − x̄)(y − ȳ) / Σ (x − x̄)²,  intercept = ȳ − slope · x̄
     * </pre>
     *
     * <p>Edge cases: fewer than two points give {@link Line#UNDEFINED}; points that all share one
     * {@code x} give a slope of {@code NaN} or {@code ±∞} (the formula's division by zero, or by
     * rounding noise); a {@code NaN} or infinite coordinate makes both coefficients {@code NaN}.
     *
     * @param points the points, each {@code {x, y}}
     * @return the fitted line
     */
    public static Line leastSquares(List<double[]> points) {
        if (points.size() < 2) {
            return Line.UNDEFINED;
        }
        double mx = 0;
        double my = 0;
        for (double[] p : points) {
            mx += p[0];
            my += p[1];
        }
        mx /= points.size();
        my /= points.size();
        double sxy = 0;
        double sxx = 0;
        for (double[] p : points) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        double m = sxy / sxx;
        return new Line(m, my - m * mx);
    }

    /**
     * The power law {@code y ≈ e^intercept · x^slope}: the {@linkplain #leastSquares least-squares
     * line} through {@code (log x, log y)}. Points are taken as given; the caller drops those with
     * {@code y ≤ 0} (whose logarithm is {@code -∞} or {@code NaN}).
     *
     * @param points the points, each {@code {x, y}} with {@code x > 0} and {@code y > 0}
     * @return the line on log-log axes ({@link Line#powerLaw} evaluates it); undefined for fewer than two points
     */
    public static Line logLogFit(List<double[]> points) {
        return leastSquares(points.stream().map(p -> new double[] {Math.log(p[0]), Math.log(p[1])}).toList());
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
     * <p>With {@code p̂ = s/n} and {@code z} the {@code 1 − (1 − confidence)/2} quantile of the
     * standard normal distribution (1.959964 for 95%), the interval is
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
     *
     * @param successes  number of successes, {@code 0 ≤ successes ≤ n}
     * @param n          number of trials, {@code n ≥ 0}
     * @param confidence confidence level in the open interval (0, 1), e.g. 0.95
     * @return the estimate and interval; for {@code n = 0}, {@code (NaN, 0, 1)}
     * @throws IllegalArgumentException if the counts are inconsistent or the confidence is not in (0, 1)
     */
    public static Interval wilson(long successes, long n, double confidence) {
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
