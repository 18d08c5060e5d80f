package org.onecnn.report;

import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

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
     * The slope of the {@linkplain #leastSquares least-squares line} with its Student-t confidence interval:
     * {@code slope ± t(m − 2) · se}, {@code se² = Σ residual² / (m − 2) / Σ (x − x̄)²}, the textbook interval for
     * points whose scatter about the line is independent with equal variance. On log-log axes (an exponent) the
     * points are {@code (log x, log y)}. Fewer than three points leave no degree of freedom: the bounds are
     * {@code NaN} (two points give the slope alone).
     *
     * @param points     the points, each {@code {x, y}}
     * @param confidence the confidence level, in (0, 1)
     * @return the slope and its interval
     */
    public static Interval slopeInterval(List<double[]> points, double confidence) {
        Line line = leastSquares(points);
        int m = points.size();
        if (m < 3 || !line.defined()) {
            return new Interval(line.slope(), Double.NaN, Double.NaN);
        }
        double mx = 0;
        for (double[] p : points) {
            mx += p[0];
        }
        mx /= m;
        double sxx = 0;
        double sse = 0;
        for (double[] p : points) {
            sxx += (p[0] - mx) * (p[0] - mx);
            double r = p[1] - (line.intercept() + line.slope() * p[0]);
            sse += r * r;
        }
        double se = Math.sqrt(sse / (m - 2) / sxx);
        double t = new TDistribution(null, m - 2).inverseCumulativeProbability(1 - (1 - confidence) / 2);
        return new Interval(line.slope(), line.slope() - t * se, line.slope() + t * se);
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
        return wilson(successes / (double) n, n, z(confidence));
    }

    /**
     * The Wilson interval of the formula above for a proportion {@code p} observed on a (possibly fractional)
     * number of trials {@code nd} and a quantile {@code z}; {@code p = 0} pins the lower end at 0 and
     * {@code p = 1} the upper end at 1 (both exact consequences of the formula).
     */
    private static Interval wilson(double p, double nd, double z) {
        double z2n = z * z / nd;
        double denom = 1 + z2n;
        double centre = (p + z2n / 2) / denom;
        double half = z / denom * Math.sqrt(p * (1 - p) / nd + z2n / (4 * nd));
        double lower = p == 0 ? 0 : Math.max(0, centre - half);
        double upper = p == 1 ? 1 : Math.min(1, centre + half);
        return new Interval(p, lower, upper);
    }

    // ------------------------------------------------------------------------------------------
    // Crossed designs: initializations × data sets

    /**
     * The two-way random-effects decomposition of a complete table {@code y[r][c]} of R rows × C columns —
     * in sample-size, R initializations × C data sets, every data set trained from the same initializations —
     * and the variance of its grand mean.
     *
     * <p>Model {@code y_rc = μ + a_r + b_c + e_rc} with independent row, column and residual effects of
     * variances σ²_a, σ²_b, σ²_e. Runs are crossed, not nested: run r on data set c and run r on data set c'
     * share their initialization, so neither the runs nor the data sets are independent draws on their own,
     * and {@code Var(ȳ) = σ²_a/R + σ²_b/C + σ²_e/(RC)}. With the row, column and grand means ȳ_r, ȳ_c, ȳ
     * (sums in index order):
     *
     * <pre>
     *   MS_rows    = C Σ_r (ȳ_r − ȳ)² / (R − 1)                       E = σ²_e + C σ²_a
     *   MS_columns = R Σ_c (ȳ_c − ȳ)² / (C − 1)                       E = σ²_e + R σ²_b
     *   MS_resid   = Σ_rc (y_rc − ȳ_r − ȳ_c + ȳ)² / ((R − 1)(C − 1))  E = σ²_e
     *   V̂ = (MS_rows + MS_columns − MS_resid) / (RC)                 E = Var(ȳ)   (unbiased)
     *   ν = (MS_rows + MS_columns − MS_resid)² / (MS_rows²/(R−1) + MS_columns²/(C−1) + MS_resid²/((R−1)(C−1)))
     * </pre>
     *
     * ({@code ν}: Satterthwaite's degrees of freedom of V̂.) A mean square whose degrees of freedom are 0 is
     * 0 and drops out of ν: with one column (one data set) {@code V̂ = s²_rows / R}, the ordinary variance of
     * a mean of R independent values, which cannot see a data-set effect ({@link #columnVarianceEstimable});
     * with one row symmetrically {@code V̂ = s²_columns / C}. V̂ can come out negative by chance (the moment
     * estimate is unbiased, not positive); callers floor it (see {@link #crossedProportion}).
     *
     * @param rows        R
     * @param columns     C
     * @param mean        ȳ
     * @param msRows      MS_rows (0 when R = 1)
     * @param msColumns   MS_columns (0 when C = 1)
     * @param msResidual  MS_resid (0 when R = 1 or C = 1)
     * @param variance    V̂, the estimated variance of ȳ
     * @param df          ν (NaN when every term is 0)
     */
    public record Crossed(int rows, int columns, double mean, double msRows, double msColumns, double msResidual,
            double variance, double df) {
        /** Whether the data had more than one column, so that σ²_b enters V̂. */
        public boolean columnVarianceEstimable() {
            return columns > 1;
        }

        /**
         * The intraclass correlation of the columns, {@code σ̂²_b / (σ̂²_a + σ̂²_b + σ̂²_e)} with the moment
         * estimates {@code σ̂²_a = max(0, (MS_rows − MS_resid)/C)}, {@code σ̂²_b = max(0, (MS_columns −
         * MS_resid)/R)}, {@code σ̂²_e = MS_resid}: the share of the variance of one run that is due to its
         * data set. NaN unless R ≥ 2 and C ≥ 2 (otherwise the components are confounded) or when all are 0.
         */
        public double columnIcc() {
            return icc(false);
        }

        /** The intraclass correlation of the rows (the initialization's share), as {@link #columnIcc}. */
        public double rowIcc() {
            return icc(true);
        }

        private double icc(boolean ofRows) {
            if (rows < 2 || columns < 2) {
                return Double.NaN;
            }
            double sa = Math.max(0, (msRows - msResidual) / columns);
            double sb = Math.max(0, (msColumns - msResidual) / rows);
            double total = sa + sb + msResidual;
            return total > 0 ? (ofRows ? sa : sb) / total : Double.NaN;
        }
    }

    /**
     * The {@linkplain Crossed two-way decomposition} of a complete R × C table.
     *
     * @param y {@code y[r][c]}, every row of the same length C ≥ 1, R ≥ 1
     * @throws IllegalArgumentException if the table is empty or ragged
     */
    public static Crossed crossed(double[][] y) {
        int r = y.length;
        if (r == 0 || y[0].length == 0) {
            throw new IllegalArgumentException("a crossed table needs at least one row and one column");
        }
        int c = y[0].length;
        double[] rowMean = new double[r];
        double[] colMean = new double[c];
        double grand = 0;
        for (int i = 0; i < r; i++) {
            if (y[i].length != c) {
                throw new IllegalArgumentException("row " + i + " has " + y[i].length + " columns, row 0 has " + c);
            }
            for (int j = 0; j < c; j++) {
                rowMean[i] += y[i][j];
                colMean[j] += y[i][j];
                grand += y[i][j];
            }
        }
        for (int i = 0; i < r; i++) {
            rowMean[i] /= c;
        }
        for (int j = 0; j < c; j++) {
            colMean[j] /= r;
        }
        grand /= (double) r * c;
        double ssRows = 0;
        for (int i = 0; i < r; i++) {
            ssRows += (rowMean[i] - grand) * (rowMean[i] - grand);
        }
        double ssCols = 0;
        for (int j = 0; j < c; j++) {
            ssCols += (colMean[j] - grand) * (colMean[j] - grand);
        }
        double ssRes = 0;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                double e = y[i][j] - rowMean[i] - colMean[j] + grand;
                ssRes += e * e;
            }
        }
        double msRows = r > 1 ? c * ssRows / (r - 1) : 0;
        double msCols = c > 1 ? r * ssCols / (c - 1) : 0;
        double dfRes = (double) (r - 1) * (c - 1);
        double msRes = dfRes > 0 ? ssRes / dfRes : 0;
        double sum = msRows + msCols - msRes;
        double denom = (r > 1 ? msRows * msRows / (r - 1) : 0) + (c > 1 ? msCols * msCols / (c - 1) : 0)
                + (dfRes > 0 ? msRes * msRes / dfRes : 0);
        double df = denom > 0 ? sum * sum / denom : Double.NaN;
        return new Crossed(r, c, grand, msRows, msCols, msRes, sum / ((double) r * c), df);
    }

    /**
     * A proportion estimated from a crossed R × C table of 0/1 outcomes, with its interval and what the
     * design does to it.
     *
     * @param interval      the estimate {@code p̂ = ȳ} and the interval of {@link #crossedProportion}
     * @param crossed       the two-way decomposition
     * @param designEffect  {@code V / (p̂(1 − p̂)/N)} with {@code N = RC} and V the variance used (≥ 1); 1 when
     *                      {@code p̂} is 0 or 1
     * @param effectiveSize {@code n* = N / designEffect · (z / t_ν)²}, the number of independent trials whose
     *                      Wilson interval is the one given
     */
    public record CrossedProportion(Interval interval, Crossed crossed, double designEffect, double effectiveSize) {
    }

    /**
     * The proportion of ones in a crossed R × C table of 0/1 outcomes (R initializations × C data sets), with a
     * confidence interval that accounts for the design: the Wilson interval on an effective number of trials
     * (Korn &amp; Graubard 1998, Survey Methodology 24:193, their design-effect and degrees-of-freedom adjusted
     * interval, here with Wilson's score interval in place of Clopper–Pearson):
     *
     * <pre>
     *   p̂ = ȳ,  N = RC,  V_bin = p̂(1 − p̂)/N
     *   V = max(V̂, V_bin)          (V̂ of {@link #crossed}; design effect deff = V / V_bin ≥ 1)
     *   q = z                       if V = V_bin (no evidence of clustering: the binomial variance, known given p̂)
     *     = t_ν                     otherwise (V̂ is estimated on ν Satterthwaite degrees of freedom, ν ≥ 1)
     *   n* = p̂(1 − p̂) / V · (z/q)²   and the interval is Wilson's for p̂ on n* trials at quantile z
     * </pre>
     *
     * <p>Why this and not a bootstrap: every data set is trained from the same initializations, so runs are
     * crossed, not nested. A cluster bootstrap that resamples data sets (and then runs within them) treats the
     * initializations as fresh draws in every data set and misses their shared effect; the bootstrap that
     * resamples rows and columns independently (Owen 2007, "the pigeonhole bootstrap", Ann. Appl. Stat. 1:246)
     * is valid but conservative, overstating the variance by up to a factor 3 when the row and column effects
     * are weak, and a percentile bootstrap at a proportion of 0 returns [0, 0]. The moment estimate is
     * unbiased for this design, deterministic (no resampling seed), and keeps Wilson's behaviour at the
     * boundaries. With C = 1 it cannot see a data-set effect ({@link Crossed#columnVarianceEstimable}); the
     * report says so.
     *
     * <p>Reference cases (tested): one row (one initialization, C data sets) gives {@code V̂ = p̂(1−p̂)/(C−1)},
     * ν = C − 1, so n* = (C − 1)(z/t_{C−1})²; a table whose row and column means all equal ȳ gives V̂ ≤ V_bin,
     * hence exactly {@link #wilson}(successes, N); a table whose columns are identical (no data-set effect)
     * gives V̂ = p̂(1−p̂)/(R−1), the binomial variance of the R initializations.
     *
     * <p>Edge cases: p̂ = 0 or 1: every V is 0 and the interval is Wilson's on N trials (deff = 1), as Korn and
     * Graubard do: with no variation there is nothing to estimate a design effect from; the per-data-set
     * spread in the report shows the rest.
     *
     * @param y          0/1 values {@code y[r][c]}, complete
     * @param confidence in (0, 1)
     * @throws IllegalArgumentException for an empty or ragged table, a value other than 0 or 1, or a bad confidence
     */
    public static CrossedProportion crossedProportion(double[][] y, double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        for (double[] row : y) {
            for (double v : row) {
                if (v != 0 && v != 1) {
                    throw new IllegalArgumentException("a proportion's table holds 0 and 1 only, got " + v);
                }
            }
        }
        Crossed x = crossed(y);
        double n = (double) x.rows() * x.columns();
        double p = x.mean();
        double z = z(confidence);
        if (p == 0 || p == 1) {
            return new CrossedProportion(wilson(p, n, z), x, 1, n);
        }
        double vBin = p * (1 - p) / n;
        if (!(x.variance() > vBin)) {
            return new CrossedProportion(wilson(p, n, z), x, 1, n);
        }
        double q = t(confidence, Math.max(1, x.df()));
        double nStar = p * (1 - p) / x.variance() * (z / q) * (z / q);
        return new CrossedProportion(wilson(p, nStar, z), x, x.variance() / vBin, nStar);
    }

    /**
     * A t interval for the grand mean of a crossed table of any values, {@code ȳ ± t_ν √V̂} ({@link #crossed};
     * ν ≥ 1), for instance the paired difference (empirical outcome − population outcome of the same
     * initialization) on every run. {@code V̂ ≤ 0} (no variation, or a negative moment estimate) gives the
     * point {@code [ȳ, ȳ]}: read it with the spread. The ends are not clipped.
     */
    public static Interval crossedMean(double[][] y, double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        Crossed x = crossed(y);
        if (!(x.variance() > 0)) {
            return new Interval(x.mean(), x.mean(), x.mean());
        }
        double half = t(confidence, Math.max(1, x.df())) * Math.sqrt(x.variance());
        return new Interval(x.mean(), x.mean() - half, x.mean() + half);
    }

    /** The two-sided Student t quantile {@code t_ν} with {@code P(|T| ≤ t) = confidence}, ν > 0 real. */
    static double t(double confidence, double df) {
        return new TDistribution(null, df).inverseCumulativeProbability(1 - (1 - confidence) / 2);
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
