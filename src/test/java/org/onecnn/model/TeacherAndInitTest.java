package org.onecnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.onecnn.testutil.Moments;
import org.onecnn.testutil.Vec;
import org.onecnn.util.InvalidInputException;

/**
 * The teacher family of docs/model.md §6, the Du et al. initialization, and {@link Architecture}.
 *
 * <p>Exact identities ({@code (1ᵀa*)²/‖a*‖² = ρ}, {@code ‖a*‖ = A}, {@code ‖w*‖ = c}, {@code ‖v‖ = 1}) are asserted
 * at relative 1e−12: they are built from ≤ 100-term sums and one square root, so rounding leaves
 * {@code ≲ (k + 10) u ≈ 1e−14}, and 1e−12 gives a 100-fold margin while a wrong construction is off at O(1).
 * Distributional properties are asserted within {@code Z} standard errors (CLT), {@code Z} Bonferroni-corrected over
 * the class's {@link #COMPARISONS} comparisons at a family-wise false-alarm rate 1e−3 (≈ 4.3).
 */
class TeacherAndInitTest {
    static final int DRAWS = 4000;
    /** Moment comparisons in {@link #duInitializationIsUniform}: 2 radial + k direction + 2p filter, two teachers. */
    static final int COMPARISONS = (2 + 25 + 2 * 6) + (2 + 4 + 2 * 3);
    static final double Z = new NormalDistribution().inverseCumulativeProbability(1 - 1e-3 / (2.0 * COMPARISONS));

    static void assertRel(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void ratioFamilyHasThePrescribedRatioAndNorms() {
        int[] ks = {1, 2, 4, 25, 36, 100};
        for (int k : ks) {
            double[] ratios = k == 1 ? new double[] {1} : new double[] {0, 0.5, 1, k / 2.0, k - 0.25, k};
            for (double ratio : ratios) {
                for (double aNorm : new double[] {0.5, 2.0}) {
                    for (double wNorm : new double[] {0.7, 1.0, 1.5}) {
                        for (int p : new int[] {1, 6}) {
                            long seed = 1000L * k + 7 * p + (long) (10 * ratio);
                            Teacher t = Teacher.ratioFamily(k, p, ratio, aNorm, wNorm, seed);
                            String ctx = t.toString();
                            double[] as = t.aStar();
                            double[] ws = t.wStar();
                            assertEquals(k, as.length, ctx);
                            assertEquals(p, ws.length, ctx);
                            assertEquals(k, t.k());
                            assertEquals(p, t.r());
                            double s = Vec.sum(as);
                            double n2 = Vec.dot(as, as);
                            // ratio from the vector itself, and as reported
                            assertRel(ratio, s * s / n2, ctx + " (1ᵀa*)²/‖a*‖²");
                            assertRel(ratio, t.ratio(), ctx + " ratio()");
                            assertRel(aNorm, Math.sqrt(n2), ctx + " ‖a*‖");
                            assertRel(wNorm, Vec.norm(ws), ctx + " ‖w*‖");
                            assertRel(wNorm, t.c(), ctx + " c");
                            assertRel(s, t.sumA(), ctx + " sumA");
                            assertRel(n2, t.normA2(), ctx + " normA2");
                            assertRel(1.0, Vec.norm(t.wStarUnit()), ctx + " ‖w*/c‖");
                            // sign: 1ᵀa* = +A√ρ
                            assertRel(aNorm * Math.sqrt(ratio), s, ctx + " 1ᵀa* = A√ρ");
                        }
                    }
                }
            }
        }
        // the seed moves the directions, not the invariants; the same seed gives the same teacher
        Teacher t1 = Teacher.ratioFamily(25, 6, 4, 0.5, 1.5, 1);
        Teacher t2 = Teacher.ratioFamily(25, 6, 4, 0.5, 1.5, 2);
        assertFalse(Arrays.equals(t1.aStar(), t2.aStar()));
        assertFalse(Arrays.equals(t1.wStar(), t2.wStar()));
        assertArrayEquals(t1.aStar(), Teacher.ratioFamily(25, 6, 4, 0.5, 1.5, 1).aStar(), 0.0);
        assertArrayEquals(t1.wStar(), Teacher.ratioFamily(25, 6, 4, 0.5, 1.5, 1).wStar(), 0.0);
    }

    static void assertInvalid(String field, Executable call) {
        InvalidInputException e = assertThrows(InvalidInputException.class, call, "expected an error about " + field);
        assertEquals(field, e.field(), "field named by: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(field + ": "), "message names the field: " + e.getMessage());
    }

    @Test
    void badTeacherInputsAreRejectedNamingTheField() {
        assertInvalid("ratio", () -> Teacher.ratioFamily(25, 6, -0.1, 0.5, 1, 1));
        assertInvalid("ratio", () -> Teacher.ratioFamily(25, 6, 25.01, 0.5, 1, 1));
        assertInvalid("ratio", () -> Teacher.ratioFamily(25, 6, Double.NaN, 0.5, 1, 1));
        assertInvalid("ratio", () -> Teacher.ratioFamily(25, 6, Double.POSITIVE_INFINITY, 0.5, 1, 1));
        assertInvalid("ratio", () -> Teacher.ratioFamily(1, 6, 0.5, 0.5, 1, 1));
        assertInvalid("a_norm", () -> Teacher.ratioFamily(25, 6, 4, 0, 1, 1));
        assertInvalid("a_norm", () -> Teacher.ratioFamily(25, 6, 4, -0.5, 1, 1));
        assertInvalid("a_norm", () -> Teacher.ratioFamily(25, 6, 4, Double.NaN, 1, 1));
        assertInvalid("a_norm", () -> Teacher.ratioFamily(25, 6, 4, Double.POSITIVE_INFINITY, 1, 1));
        assertInvalid("w_norm", () -> Teacher.ratioFamily(25, 6, 4, 0.5, 0, 1));
        assertInvalid("w_norm", () -> Teacher.ratioFamily(25, 6, 4, 0.5, -1, 1));
        assertInvalid("w_norm", () -> Teacher.ratioFamily(25, 6, 4, 0.5, Double.NaN, 1));
        assertInvalid("k", () -> Teacher.ratioFamily(0, 6, 0, 0.5, 1, 1));
        assertInvalid("p", () -> Teacher.ratioFamily(25, 0, 4, 0.5, 1, 1));
        assertInvalid("w_star", () -> Teacher.of(new double[] {0, 0}, new double[] {1}));
        assertInvalid("w_star", () -> Teacher.of(new double[0], new double[] {1}));
        assertInvalid("w_star", () -> Teacher.of(new double[] {1, Double.NaN}, new double[] {1}));
        assertInvalid("a_star", () -> Teacher.of(new double[] {1}, new double[0]));
        assertInvalid("a_star", () -> Teacher.of(new double[] {1}, new double[] {Double.POSITIVE_INFINITY}));
        // the boundary values are accepted
        Teacher.ratioFamily(25, 6, 0, 0.5, 1, 1);
        Teacher.ratioFamily(25, 6, 25, 0.5, 1, 1);
    }

    @Test
    void duInitializationHasUnitFilterAndOutputWeightsInTheBall() {
        Teacher t = Teacher.ratioFamily(25, 6, 4, 0.5, 1.5, 3);
        double radius = DuInitialization.ballRadius(t);
        assertRel(Math.abs(t.sumA()) * t.c() / Math.sqrt(t.k()), radius, "radius |1ᵀa*| c/√k");
        assertRel(0.5 * 2 * 1.5 / 5, radius, "radius = A√ρ c/√k = 0.5·2·1.5/5");
        for (long seed = 0; seed < 500; seed++) {
            InitialPoint x = DuInitialization.draw(t, seed);
            assertEquals(seed, x.seed());
            assertEquals(6, x.v().length);
            assertEquals(25, x.a().length);
            assertRel(1.0, Vec.norm(x.v()), "‖v‖ = 1");
            assertTrue(Vec.norm(x.a()) <= radius * (1 + 1e-15), "‖a‖ ≤ R");
        }
        // same seed, same point; different seeds, different points
        InitialPoint x1 = DuInitialization.draw(t, 42);
        InitialPoint x2 = DuInitialization.draw(t, 42);
        assertArrayEquals(x1.v(), x2.v(), 0.0);
        assertArrayEquals(x1.a(), x2.a(), 0.0);
        assertFalse(Arrays.equals(x1.a(), DuInitialization.draw(t, 43).a()));
        // 1ᵀa* = 0 (ratio 0): radius 0, a = 0
        Teacher t0 = Teacher.ratioFamily(25, 6, 0, 0.5, 1.5, 4);
        assertEquals(0.0, DuInitialization.ballRadius(t0), 1e-15);
        assertEquals(0.0, Vec.norm(DuInitialization.draw(t0, 5).a()), 1e-15);
        // sign restarts
        InitialPoint neg = x1.withSigns(true, false);
        assertArrayEquals(Vec.scale(-1, x1.v()), neg.v(), 0.0);
        assertArrayEquals(x1.a(), neg.a(), 0.0);
    }

    /**
     * {@code a} is uniform in the ball of radius R in R^k: then {@code U = (‖a‖/R)^k} is Uniform(0, 1)
     * ({@code E U = 1/2}, {@code E U² = 1/3}) and the direction {@code a/‖a‖} has mean 0. (Uniform on the sphere
     * would give {@code U ≡ 1}; a uniform radius would give {@code E U = 1/(k+1)}.) {@code v} is uniform on the
     * sphere: mean 0, {@code E v_j² = 1/p}. Each comparison: |sample mean − exact| ≤ Z·SE.
     */
    @Test
    void duInitializationIsUniform() {
        for (int[] kp : new int[][] {{25, 6}, {4, 3}}) {
            int k = kp[0];
            int p = kp[1];
            Teacher t = Teacher.ratioFamily(k, p, Math.min(k, 4), 0.5, 1.5, 5);
            double radius = DuInitialization.ballRadius(t);
            Moments m = new Moments(2 + k + 2 * p);
            double[] row = new double[2 + k + 2 * p];
            for (long seed = 0; seed < DRAWS; seed++) {
                InitialPoint x = DuInitialization.draw(t, 10_000 + seed);
                double[] a = x.a();
                double[] v = x.v();
                double na = Vec.norm(a);
                double u = Math.pow(na / radius, k);
                row[0] = u;
                row[1] = u * u;
                for (int i = 0; i < k; i++) {
                    row[2 + i] = a[i] / na;
                }
                for (int j = 0; j < p; j++) {
                    row[2 + k + j] = v[j];
                    row[2 + k + p + j] = v[j] * v[j];
                }
                m.add(row);
            }
            double[] exact = new double[row.length];
            exact[0] = 0.5;
            exact[1] = 1.0 / 3;
            for (int j = 0; j < p; j++) {
                exact[2 + k + p + j] = 1.0 / p;
            }
            for (int i = 0; i < exact.length; i++) {
                double dev = Math.abs(m.mean(i) - exact[i]);
                assertTrue(dev <= Z * m.se(i), String.format("k=%d p=%d moment %d: exact %.5f, sample %.5f ± %.5f (%.1f SE, Z=%.2f)",
                        k, p, i, exact[i], m.mean(i), m.se(i), dev / m.se(i), Z));
            }
        }
    }

    @Test
    void architectureDerivesTheNumberOfPatches() {
        int[][] ok = {{10, 3, 1, 8}, {10, 4, 2, 4}, {12, 3, 3, 4}, {7, 7, 1, 1}, {150, 6, 6, 25}, {11, 5, 3, 3}};
        for (int[] c : ok) {
            Architecture a = Architecture.of(c[0], c[1], c[2]);
            assertEquals(c[3], a.k(), Arrays.toString(c));
            assertEquals((c[0] - c[1]) / c[2] + 1, a.k());
            assertEquals(c[2] < c[1], a.overlapping());
            assertEquals(c[1], a.p());
        }
        Architecture n = Architecture.nonOverlapping(25, 6);
        assertEquals(150, n.d());
        assertEquals(25, n.k());
        assertEquals(6, n.p());
        assertFalse(n.overlapping());
    }

    @Test
    void badArchitecturesAreRejectedNamingTheField() {
        assertInvalid("d", () -> Architecture.of(10, 3, 2)); // (d − r) % s = 1
        assertInvalid("d", () -> Architecture.of(12, 5, 4)); // (d − r) % s = 3
        assertInvalid("s", () -> Architecture.of(10, 3, 4)); // s > r
        assertInvalid("s", () -> Architecture.of(10, 3, 0)); // s < 1
        assertInvalid("d", () -> Architecture.of(2, 3, 1)); // d < r
        assertInvalid("r", () -> Architecture.of(10, 0, 1)); // r < 1
        assertInvalid("k", () -> Architecture.nonOverlapping(0, 6));
        assertInvalid("p", () -> Architecture.nonOverlapping(25, 0));
    }
}
