package org.onecnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.WilsonScoreInterval;
import org.junit.jupiter.api.Test;

/**
 * Reference values.
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
class WilsonTest {
    private static final double TOL = 1e-13;

    @Test
    void zeroOfTen() {
        Wilson.Interval i = Wilson.of(0, 10, 0.95);
        assertEquals(0.0, i.estimate());
        assertEquals(0.0, i.lower()); // exactly, by construction
        assertEquals(0.27753279986288925272, i.upper(), TOL);
    }

    @Test
    void fiveOfTen() {
        Wilson.Interval i = Wilson.of(5, 10, 0.95);
        assertEquals(0.5, i.estimate());
        assertEquals(0.23659309051256397769, i.lower(), TOL);
        assertEquals(0.76340690948743602231, i.upper(), TOL);
    }

    @Test
    void tenOfTen() {
        Wilson.Interval i = Wilson.of(10, 10, 0.95);
        assertEquals(1.0, i.estimate());
        assertEquals(0.72246720013711074728, i.lower(), TOL);
        assertEquals(1.0, i.upper()); // exactly, by construction
    }

    @Test
    void oneOfThousand() {
        Wilson.Interval i = Wilson.of(1, 1000, 0.95);
        assertEquals(0.001, i.estimate());
        assertEquals(0.00017654637062607801483, i.lower(), 1e-16);
        assertEquals(0.0056425585979579358687, i.upper(), 1e-15);
    }

    @Test
    void otherConfidence() {
        // z = Φ⁻¹(0.995) = 2.575829303548900760978..., same mpmath evaluation.
        Wilson.Interval i = Wilson.of(3, 7, 0.99);
        assertEquals(0.1163736805161381325, i.lower(), TOL);
        assertEquals(0.81028509591161249436, i.upper(), TOL);
        assertEquals(2.5758293035489007610, Wilson.z(0.99), 1e-12);
        assertEquals(1.9599639845400542355, Wilson.z(0.95), 1e-12);
    }

    @Test
    void agreesWithCommonsMath() {
        WilsonScoreInterval reference = new WilsonScoreInterval();
        for (int n : new int[] {1, 2, 7, 10, 33, 100, 1000, 123457}) {
            for (int s : new int[] {0, 1, 2, n / 3, n / 2, n - 1, n}) {
                if (s < 0 || s > n) {
                    continue;
                }
                for (double conf : new double[] {0.5, 0.9, 0.95, 0.99}) {
                    Wilson.Interval mine = Wilson.of(s, n, conf);
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
    void noTrials() {
        Wilson.Interval i = Wilson.of(0, 0, 0.95);
        assertTrue(Double.isNaN(i.estimate()));
        assertEquals(0.0, i.lower());
        assertEquals(1.0, i.upper());
        assertEquals(1.0, i.width());
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Wilson.of(-1, 10, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Wilson.of(11, 10, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Wilson.of(0, -1, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Wilson.of(1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> Wilson.of(1, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> Wilson.of(1, 10, Double.NaN));
    }

    @Test
    void largeCountsStayInsideUnitInterval() {
        Wilson.Interval i = Wilson.of(Long.MAX_VALUE / 2, Long.MAX_VALUE, 0.95);
        assertEquals(0.5, i.estimate(), 1e-15);
        assertTrue(i.lower() < 0.5 && i.upper() > 0.5 && i.width() < 1e-8);
    }
}
