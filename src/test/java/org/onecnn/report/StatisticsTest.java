package org.onecnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.WilsonScoreInterval;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Reference values of {@link Statistics}.
 *
 * <p>Wilson interval.
 *
 * <p>With z = Φ⁻¹(0.975) = 1.959963984540054235524594... and z² = 3.841458820694124..., the
 * Wilson interval is centre ± half with centre = (p̂ + z²/2n)/(1 + z²/n) and
 * half = z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²). The expected values below were evaluated from
 * that formula with 40-digit arithmetic (Python mpmath, {@code mp.dps = 40},
 * {@code z = sqrt(2)*erfinv(0.95)}); the closed forms of the special cases are:
 * <ul>
 *   <li>0 of n: centre = half = (z²/2n)/(1 + z²/n), so [0, (z²/n)/(1 + z²/n)]; for n = 10,
 *       upper = 0.3841458820694124/1.3841458820694124 = 0.277532799862889252...</li>
 *   <li>n of n: the mirror image, [1 − 0.277532799862889252..., 1] for n = 10.</li>
 *   <li>5 of 10: centre = 1/2 exactly, half = z/(1 + z²/10) · √(1/40 + z²/400).</li>
 * </ul>
 */
class StatisticsTest {
    private static final double TOL = 1e-13;

    @Test
    void wilsonZeroOfTen() {
        Statistics.Interval i = Statistics.wilson(0, 10, 0.95);
        assertEquals(0.0, i.estimate());
        assertEquals(0.0, i.lower()); // exactly, by construction
        assertEquals(0.27753279986288925272, i.upper(), TOL);
    }

    @Test
    void wilsonFiveOfTen() {
        Statistics.Interval i = Statistics.wilson(5, 10, 0.95);
        assertEquals(0.5, i.estimate());
        assertEquals(0.23659309051256397769, i.lower(), TOL);
        assertEquals(0.76340690948743602231, i.upper(), TOL);
    }

    @Test
    void wilsonTenOfTen() {
        Statistics.Interval i = Statistics.wilson(10, 10, 0.95);
        assertEquals(1.0, i.estimate());
        assertEquals(0.72246720013711074728, i.lower(), TOL);
        assertEquals(1.0, i.upper()); // exactly, by construction
    }

    @Test
    void wilsonOneOfThousand() {
        Statistics.Interval i = Statistics.wilson(1, 1000, 0.95);
        assertEquals(0.001, i.estimate());
        assertEquals(0.00017654637062607801483, i.lower(), 1e-16);
        assertEquals(0.0056425585979579358687, i.upper(), 1e-15);
    }

    @Test
    void wilsonOtherConfidence() {
        // z = Φ⁻¹(0.995) = 2.575829303548900760978..., same mpmath evaluation.
        Statistics.Interval i = Statistics.wilson(3, 7, 0.99);
        assertEquals(0.1163736805161381325, i.lower(), TOL);
        assertEquals(0.81028509591161249436, i.upper(), TOL);
        assertEquals(2.5758293035489007610, Statistics.z(0.99), 1e-12);
        assertEquals(1.9599639845400542355, Statistics.z(0.95), 1e-12);
    }

    @Test
    void wilsonAgreesWithCommonsMath() {
        WilsonScoreInterval reference = new WilsonScoreInterval();
        for (int n : new int[] {1, 2, 7, 10, 33, 100, 1000, 123457}) {
            for (int s : new int[] {0, 1, 2, n / 3, n / 2, n - 1, n}) {
                if (s < 0 || s > n) {
                    continue;
                }
                for (double conf : new double[] {0.5, 0.9, 0.95, 0.99}) {
                    Statistics.Interval mine = Statistics.wilson(s, n, conf);
                    ConfidenceInterval theirs = reference.createInterval(n, s, conf);
                    String what = s + " of " + n + " at " + conf;
                    assertEquals(theirs.getLowerBound(), mine.lower(), 1e-12, what);
                    assertEquals(theirs.getUpperBound(), mine.upper(), 1e-12, what);
                    assertTrue(mine.lower() <= mine.estimate() && mine.estimate() <= mine.upper(), what);
                    assertTrue(mine.lower() >= 0 && mine.upper() <= 1, what);
                }
            }
        }
    }

    @Test
    void wilsonNoTrials() {
        Statistics.Interval i = Statistics.wilson(0, 0, 0.95);
        assertTrue(Double.isNaN(i.estimate()));
        assertEquals(0.0, i.lower());
        assertEquals(1.0, i.upper());
        assertEquals(1.0, i.width());
    }

    @Test
    void wilsonRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Statistics.wilson(-1, 10, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Statistics.wilson(11, 10, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Statistics.wilson(0, -1, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Statistics.wilson(1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> Statistics.wilson(1, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> Statistics.wilson(1, 10, Double.NaN));
    }

    @Test
    void largeCountsStayInsideUnitInterval() {
        Statistics.Interval i = Statistics.wilson(Long.MAX_VALUE / 2, Long.MAX_VALUE, 0.95);
        assertEquals(0.5, i.estimate(), 1e-15);
        assertTrue(i.lower() < 0.5 && i.upper() > 0.5 && i.width() < 1e-8);
    }

    // ---- median, mean, standard deviation, maximum

    @Test
    void medianOddEvenAndEmpty() {
        assertEquals(2.0, Statistics.median(List.of(3.0, 1.0, 2.0)));
        assertEquals(2.5, Statistics.median(List.of(4.0, 1.0, 3.0, 2.0)));
        assertEquals(7.0, Statistics.median(List.of(7.0)));
        assertTrue(Double.isNaN(Statistics.median(List.of())));
        // 0.5 * (a + b), not a + (b - a) / 2: with a = b = MAX_VALUE the sum overflows, as it always did
        assertEquals(Double.POSITIVE_INFINITY, Statistics.median(List.of(Double.MAX_VALUE, Double.MAX_VALUE)));
    }

    @Test
    void medianSortsNaNAboveInfinity() {
        assertEquals(2.0, Statistics.median(List.of(Double.NaN, 1.0, 2.0)));
        assertTrue(Double.isNaN(Statistics.median(List.of(Double.NaN, Double.NaN, 1.0))));
        assertEquals(Double.POSITIVE_INFINITY, Statistics.median(List.of(Double.NaN, Double.POSITIVE_INFINITY, 0.0)));
    }

    @Test
    void medianDoesNotModifyItsInput() {
        List<Double> xs = new ArrayList<>(List.of(3.0, 1.0, 2.0));
        Statistics.median(xs);
        assertEquals(List.of(3.0, 1.0, 2.0), xs);
    }

    @Test
    void meanStandardDeviationAndMax() {
        List<Double> xs = List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0);
        assertEquals(5.0, Statistics.mean(xs));
        // Σ(x − 5)² = 32, / 7
        assertEquals(Math.sqrt(32.0 / 7.0), Statistics.sampleStandardDeviation(xs, 5.0));
        assertEquals(9.0, Statistics.max(xs));
        assertTrue(Double.isNaN(Statistics.mean(List.of())));
        assertTrue(Double.isNaN(Statistics.max(List.of())));
        assertTrue(Double.isNaN(Statistics.sampleStandardDeviation(List.of(1.0), 1.0)));
        assertTrue(Double.isNaN(Statistics.max(List.of(1.0, Double.NaN))));
    }

    // ---- least squares

    @Test
    void leastSquaresExactLine() {
        Statistics.Line l = Statistics.leastSquares(List.of(new double[] {0, 1}, new double[] {1, 3},
                new double[] {2, 5}));
        assertEquals(2.0, l.slope());
        assertEquals(1.0, l.intercept());
        assertTrue(l.defined());
    }

    @Test
    void leastSquaresReferenceValue() {
        // (1,2), (2,3), (4,7): x̄ = 7/3, ȳ = 4, x − x̄ = (−4, −1, 5)/3, y − ȳ = (−2, −1, 3),
        // Sxy = (8 + 1 + 15)/3 = 8, Sxx = (16 + 1 + 25)/9 = 14/3 → slope = 12/7, intercept = 4 − 12/7 · 7/3 = 0
        Statistics.Line l = Statistics.leastSquares(List.of(new double[] {1, 2}, new double[] {2, 3},
                new double[] {4, 7}));
        assertEquals(12.0 / 7.0, l.slope(), 1e-15);
        assertEquals(0.0, l.intercept(), 1e-14);
    }

    @Test
    void leastSquaresUndefinedBelowTwoPoints() {
        assertEquals(Statistics.Line.UNDEFINED, Statistics.leastSquares(List.of()));
        Statistics.Line one = Statistics.leastSquares(List.<double[]>of(new double[] {1, 2}));
        assertTrue(Double.isNaN(one.slope()) && Double.isNaN(one.intercept()));
        assertFalse(one.defined());
        Statistics.Line sameX = Statistics.leastSquares(List.of(new double[] {1, 2}, new double[] {1, 3}));
        assertTrue(Double.isNaN(sameX.slope()));
    }

    @Test
    void logLogFitRecoversAPowerLaw() {
        // y = 3 · x^(−1/2) at x = 1, 4, 16, 64
        List<double[]> pts = new ArrayList<>();
        for (double x : new double[] {1, 4, 16, 64}) {
            pts.add(new double[] {x, 3 / Math.sqrt(x)});
        }
        Statistics.Line l = Statistics.logLogFit(pts);
        assertEquals(-0.5, l.slope(), 1e-15);
        assertEquals(Math.log(3), l.intercept(), 1e-15);
        assertEquals(3 / Math.sqrt(10), l.powerLaw(10), 1e-15);
    }

    /**
     * Bit for bit what the experiments computed before these helpers were moved here (the code of
     * {@code SampleSizeExperiment.median/ols} as of issue 8, copied verbatim): run folders are compared
     * byte for byte across versions.
     */
    @Test
    void sameBitsAsTheFormerExperimentCode() {
        SplittableRandom r = new SplittableRandom(8);
        for (int trial = 0; trial < 2000; trial++) {
            int m = 1 + r.nextInt(12);
            List<Double> xs = new ArrayList<>();
            List<double[]> pts = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                xs.add(Math.exp(r.nextDouble(-20, 20)));
                pts.add(new double[] {Math.log(1 + r.nextInt(100000)), r.nextDouble(-30, 5)});
            }
            assertEquals(Double.doubleToRawLongBits(formerMedian(xs)), Double.doubleToRawLongBits(Statistics.median(xs)));
            if (pts.size() >= 2) {
                double[] former = formerOls(pts);
                Statistics.Line now = Statistics.leastSquares(pts);
                assertEquals(Double.doubleToRawLongBits(former[0]), Double.doubleToRawLongBits(now.slope()));
                assertEquals(Double.doubleToRawLongBits(former[1]), Double.doubleToRawLongBits(now.intercept()));
                List<double[]> raw = pts.stream().map(p -> new double[] {Math.exp(p[0]), Math.exp(p[1])}).toList();
                List<double[]> logged = raw.stream().map(p -> new double[] {Math.log(p[0]), Math.log(p[1])}).toList();
                assertTrue(Arrays.equals(formerOls(logged), new double[] {Statistics.logLogFit(raw).slope(),
                        Statistics.logLogFit(raw).intercept()}));
            }
        }
    }

    private static double formerMedian(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : 0.5 * (a[a.length / 2 - 1] + a[a.length / 2]);
    }

    private static double[] formerOls(List<double[]> pts) {
        double mx = 0;
        double my = 0;
        for (double[] p : pts) {
            mx += p[0];
            my += p[1];
        }
        mx /= pts.size();
        my /= pts.size();
        double sxy = 0;
        double sxx = 0;
        for (double[] p : pts) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        double m = sxy / sxx;
        return new double[] {m, my - m * mx};
    }
    // ------------------------------------------------------------------------------------------
    // Crossed tables (initializations × data sets). Reference values from mpmath (mp.dps = 40), the t quantiles
    // from the regularized incomplete beta function (t_{0.975, 9} = 2.26215716279820554..., t_{0.975, 39} =
    // 2.02269092003676113..., t_{0.975, 1.5} = 6.01666310442793192...). Commons Math inverts the t distribution
    // to an absolute accuracy of 1e-9 in t (TDistribution's default solver accuracy); the interval ends below
    // move by less than that per unit of t, hence T_TOL.

    private static final double T_TOL = 1e-9;

    @Test
    void crossedMeanSquaresByHand() {
        // ȳ = 1/2; row means 1/2, 1, 0; column means 2/3, 1/3; residuals ±1/3, ∓1/6, ∓1/6:
        // MS_rows = 2·(1/2)/2 = 1/2, MS_columns = 3·(2/36)/1 = 1/6, MS_resid = (1/3)/2 = 1/6,
        // V̂ = (1/2 + 1/6 − 1/6)/6 = 1/12, ν = (1/4) / (1/8 + 1/36 + 1/72) = 3/2
        Statistics.Crossed x = Statistics.crossed(new double[][] {{1, 0}, {1, 1}, {0, 0}});
        assertEquals(0.5, x.mean(), TOL);
        assertEquals(0.5, x.msRows(), TOL);
        assertEquals(1.0 / 6, x.msColumns(), TOL);
        assertEquals(1.0 / 6, x.msResidual(), TOL);
        assertEquals(1.0 / 12, x.variance(), TOL);
        assertEquals(1.5, x.df(), TOL);
        Statistics.Interval m = Statistics.crossedMean(new double[][] {{1, 0}, {1, 1}, {0, 0}}, 0.95);
        assertEquals(0.5 - 1.73686103148237796358, m.lower(), T_TOL);
        assertEquals(0.5 + 1.73686103148237796358, m.upper(), T_TOL);
    }

    @Test
    void crossedWithOneRunPerDataSetIsTheVarianceOfCIndependentValues() {
        // one initialization, 10 data sets, 3 successes: V̂ = p̂(1 − p̂)/(C − 1) on C − 1 = 9 degrees of freedom,
        // so Wilson on n* = 9 (z/t_9)² = 6.75605448302405540... trials
        double[][] y = new double[1][10];
        y[0][1] = y[0][4] = y[0][7] = 1;
        Statistics.CrossedProportion c = Statistics.crossedProportion(y, 0.95);
        assertEquals(0.3 * 0.7 / 9, c.crossed().variance(), TOL);
        assertEquals(9, c.crossed().df(), TOL);
        assertEquals(6.75605448302405540611, c.effectiveSize(), 1e-8);
        assertEquals(0.3, c.interval().estimate());
        assertEquals(0.08722889556492239299, c.interval().lower(), T_TOL);
        assertEquals(0.65776582954087518110, c.interval().upper(), T_TOL);
        assertFalse(c.crossed().columnVarianceEstimable() && Double.isFinite(c.crossed().columnIcc()),
                "one row: the components are confounded");
    }

    @Test
    void crossedWithoutRowOrColumnEffectsIsWilson() {
        // every row and column mean is 1/4: MS_rows = MS_columns = 0, V̂ = −MS_resid/16 < V_bin, so exactly
        // the Wilson interval of 4 of 16
        double[][] y = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
        Statistics.CrossedProportion c = Statistics.crossedProportion(y, 0.95);
        assertEquals(Statistics.wilson(4, 16, 0.95), c.interval());
        assertEquals(1.0, c.designEffect());
        assertEquals(16.0, c.effectiveSize());
    }

    @Test
    void crossedWithIdenticalDataSetsCountsTheInitializations() {
        // 40 initializations, 8 data sets that all give the same outcome per initialization (10 of 40):
        // V̂ = p̂(1 − p̂)/(R − 1) on R − 1 = 39 degrees of freedom: the data sets add no information
        double[][] y = new double[40][8];
        for (int r = 0; r < 10; r++) {
            Arrays.fill(y[r], 1);
        }
        Statistics.CrossedProportion c = Statistics.crossedProportion(y, 0.95);
        assertEquals(0.25 * 0.75 / 39, c.crossed().variance(), TOL);
        assertEquals(39, c.crossed().df(), 1e-9);
        assertEquals(0.0, c.crossed().columnIcc(), TOL);
        assertEquals(320.0 / 39, c.designEffect(), 1e-12);
        assertEquals(0.13821677844638951979, c.interval().lower(), T_TOL);
        assertEquals(0.40925545601623451049, c.interval().upper(), T_TOL);
    }

    @Test
    void crossedAtZeroAndOneIsWilsonOnAllRuns() {
        assertEquals(Statistics.wilson(0, 24, 0.95), Statistics.crossedProportion(new double[6][4], 0.95).interval());
        double[][] ones = new double[6][4];
        for (double[] r : ones) {
            Arrays.fill(r, 1);
        }
        assertEquals(Statistics.wilson(24, 24, 0.95), Statistics.crossedProportion(ones, 0.95).interval());
        assertThrows(IllegalArgumentException.class, () -> Statistics.crossedProportion(new double[][] {{0.5}}, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Statistics.crossed(new double[][] {{1, 0}, {1}}));
        assertThrows(IllegalArgumentException.class, () -> Statistics.crossed(new double[0][]));
    }

    /**
     * A simulated study with initialization and data-set effects (a probit model: run r on data set c ends in
     * the outcome when μ + a_r + b_c + e_rc > 0 with Gaussian effects of variances 0.3, 0.1 and 0.6, so the
     * probability is exactly Φ(μ) = 1/4): 1000 studies of 64 initializations × 8 data sets. The pooled Wilson
     * interval over the 512 runs covers about 59% of the time (simulated in numpy: 0.588), the crossed interval
     * about 95% (0.949). The bounds allow four binomial standard errors of a coverage of 1000 studies
     * (4 √(0.95·0.05/1000) = 0.028) below 0.95, and put the pooled interval far below nominal.
     */
    @Test
    void crossedIntervalCoversWherePooledWilsonDoesNot() {
        java.util.Random rng = new java.util.Random(20261130L);
        double mu = -0.6744897501960817; // Φ⁻¹(1/4)
        double p = 0.25;
        int rows = 64;
        int cols = 8;
        int studies = 1000;
        int wilsonCovers = 0;
        int crossedCovers = 0;
        for (int s = 0; s < studies; s++) {
            double[] a = new double[rows];
            double[] b = new double[cols];
            for (int r = 0; r < rows; r++) {
                a[r] = Math.sqrt(0.3) * rng.nextGaussian();
            }
            for (int c = 0; c < cols; c++) {
                b[c] = Math.sqrt(0.1) * rng.nextGaussian();
            }
            double[][] y = new double[rows][cols];
            int k = 0;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    y[r][c] = mu + a[r] + b[c] + Math.sqrt(0.6) * rng.nextGaussian() > 0 ? 1 : 0;
                    k += (int) y[r][c];
                }
            }
            Statistics.Interval w = Statistics.wilson(k, rows * cols, 0.95);
            Statistics.Interval c = Statistics.crossedProportion(y, 0.95).interval();
            wilsonCovers += w.lower() <= p && p <= w.upper() ? 1 : 0;
            crossedCovers += c.lower() <= p && p <= c.upper() ? 1 : 0;
        }
        assertTrue(crossedCovers >= 922, "crossed interval covered " + crossedCovers + " of 1000");
        assertTrue(wilsonCovers <= 800, "pooled Wilson covered " + wilsonCovers + " of 1000");
    }

    /**
     * The slope's t interval against the hand computation for (0, 0), (1, 1), (2, 1): slope 1/2, residuals −1/6, 1/3,
     * −1/6, so se² = (1/6)/1/2 = 1/12 and the half-width is t(0.975, 1) · √(1/12) = 12.7062 · 0.288675; exact points
     * give a zero-width interval, and two points no interval.
     */
    @Test
    void slopeIntervalIsTheTextbookOne() {
        Statistics.Interval i = Statistics.slopeInterval(java.util.List.of(new double[] {0, 0}, new double[] {1, 1},
                new double[] {2, 1}), 0.95);
        double half = 12.706204736174698 * Math.sqrt(1.0 / 12);
        assertEquals(0.5, i.estimate(), 1e-15);
        assertEquals(0.5 - half, i.lower(), 1e-9);
        assertEquals(0.5 + half, i.upper(), 1e-9);
        Statistics.Interval exact = Statistics.slopeInterval(java.util.List.of(new double[] {0, 1}, new double[] {1, 3},
                new double[] {2, 5}), 0.95);
        assertEquals(2, exact.lower(), 1e-12);
        assertEquals(2, exact.upper(), 1e-12);
        Statistics.Interval two = Statistics.slopeInterval(java.util.List.of(new double[] {0, 0}, new double[] {1, 2}),
                0.95);
        assertEquals(2, two.estimate(), 1e-15);
        assertTrue(Double.isNaN(two.lower()) && Double.isNaN(two.upper()));
    }
}
