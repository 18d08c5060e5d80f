package org.onecnn.population;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.population.OverlapReference.Setup;
import org.onecnn.testutil.Gaussians;
import org.onecnn.testutil.Moments;
import org.onecnn.testutil.Vec;

/**
 * The closed forms of docs/model.md §4 ({@link OverlappingGaussian#loss}, {@link OverlappingGaussian#gradient},
 * {@link OverlappingGaussian#lossPlain}, {@link OverlappingGaussian#gradientPlain}) against Monte Carlo estimates over
 * {@code x ~ N(0, I_d)} with overlapping patches {@code Z_i = x[i s .. i s + r − 1]}, computed sample by sample from
 * the networks themselves:
 * <ul>
 * <li>loss {@code ½ (f − y)²}, {@code f = Σ_i a_i σ(wᵀZ_i)}, {@code y = Σ_i a*_i σ(w*ᵀZ_i)};</li>
 * <li>{@code ∂/∂a_i = (f − y) σ(wᵀZ_i)};</li>
 * <li>{@code ∂/∂v = (I − wwᵀ)/‖v‖ · (f − y) Σ_i a_i 1[wᵀZ_i > 0] Z_i} (chain rule through {@code w = v/‖v‖}; the
 * patches share coordinates, so the sum accumulates into overlapping positions);</li>
 * <li>plain filter {@code w} (here {@code w = v}): {@code f = Σ a_i σ(wᵀZ_i)}, {@code ∂/∂w = (f − y) Σ_i a_i 1[wᵀZ_i > 0] Z_i}.</li>
 * </ul>
 * Every coordinate is compared within {@code Z} standard errors of its sample mean (central limit theorem, the
 * standard error estimated from the same samples), with {@code Z = Φ⁻¹(1 − ALPHA/(2·COMPARISONS))}: Bonferroni over
 * every comparison of the class at family-wise false-alarm rate {@link #ALPHA} = 1e−3 (about 300 comparisons:
 * {@code Z ≈ 4.6}). Seeds are fixed, so the outcome is deterministic. Teachers have {@code ‖w*‖ ≠ 1}.
 */
class OverlappingMonteCarloTest {
    /** Samples per case. */
    static final int N = 200_000;
    /** Family-wise false-alarm rate of the whole class. */
    static final double ALPHA = 1e-3;

    record Case(String name, Setup setup, double[] v, double[] a) {
        int comparisons() {
            return 2 * (1 + setup.k() + setup.r());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        long seed = 700;
        for (Setup su : OverlapReference.shapes()) {
            double[][] pt = OverlapReference.randomPoint(su, 0.6 + 0.2 * (seed % 7), seed++);
            cs.add(new Case(su + " random", su, pt[0], pt[1]));
        }
        // φ near π and near 0
        List<Setup> ss = OverlapReference.shapes();
        Gaussians g = new Gaussians(777);
        Setup s0 = ss.get(0);
        cs.add(new Case(s0 + " phi = pi - 0.05", s0, OverlapReference.tilted(s0.teacher(), Math.PI - 0.05, 1.3, g),
                Vec.scale(0.8, g.vector(s0.k()))));
        Setup s1 = ss.get(1);
        cs.add(new Case(s1 + " phi = 0.03", s1, OverlapReference.tilted(s1.teacher(), 0.03, 0.8, g),
                Vec.scale(0.8, g.vector(s1.k()))));
        return cs;
    }

    static Stream<Case> caseStream() {
        return cases().stream();
    }

    /** Total number of comparisons of the class (+2 for the power check). */
    static final int COMPARISONS = cases().stream().mapToInt(Case::comparisons).sum() + 2;
    /** Bonferroni-corrected z. */
    static final double Z = new NormalDistribution().inverseCumulativeProbability(1 - ALPHA / (2.0 * COMPARISONS));

    /**
     * Sample means laid out as {@code [loss, ∂a (k), ∂v (r), lossPlain, ∂a plain (k), ∂w plain (r)]}.
     */
    static Moments sample(Setup su, double[] v, double[] a, int n, long seed) {
        Architecture arch = su.arch();
        int k = arch.k();
        int r = arch.r();
        int s = arch.s();
        double nv = Vec.norm(v);
        double[] w = Vec.scale(1 / nv, v);
        double[] ws = su.teacher().wStar();
        double[] as = su.teacher().aStar();
        int dim = 2 * (1 + k + r);
        Moments m = new Moments(dim);
        Gaussians g = new Gaussians(seed);
        double[] x = new double[arch.d()];
        double[] h = new double[k];
        double[] raw = new double[r];
        double[] out = new double[dim];
        int oA = 1;
        int oV = 1 + k;
        int oL2 = 1 + k + r;
        int oA2 = oL2 + 1;
        int oW2 = oA2 + k;
        for (int it = 0; it < n; it++) {
            g.fill(x);
            double f = 0;
            double y = 0;
            Arrays.fill(raw, 0);
            for (int i = 0; i < k; i++) {
                int o = i * s;
                double zw = 0;
                double zs = 0;
                for (int j = 0; j < r; j++) {
                    zw += w[j] * x[o + j];
                    zs += ws[j] * x[o + j];
                }
                h[i] = zw > 0 ? zw : 0;
                f += a[i] * h[i];
                y += as[i] * (zs > 0 ? zs : 0);
                if (zw > 0) {
                    for (int j = 0; j < r; j++) {
                        raw[j] += a[i] * x[o + j];
                    }
                }
            }
            double res = f - y;
            out[0] = 0.5 * res * res;
            for (int i = 0; i < k; i++) {
                out[oA + i] = res * h[i];
            }
            double wr = Vec.dot(w, raw);
            for (int j = 0; j < r; j++) {
                out[oV + j] = res * (raw[j] - w[j] * wr) / nv;
            }
            // plain student with filter v: σ(vᵀZ_i) = ‖v‖ σ(wᵀZ_i)
            double rp = nv * f - y;
            out[oL2] = 0.5 * rp * rp;
            for (int i = 0; i < k; i++) {
                out[oA2 + i] = rp * nv * h[i];
            }
            for (int j = 0; j < r; j++) {
                out[oW2 + j] = rp * raw[j];
            }
            m.add(out);
        }
        return m;
    }

    static double[] exact(OverlappingGaussian f, double[] v, double[] a) {
        int k = f.k();
        int r = f.r();
        double[] out = new double[2 * (1 + k + r)];
        double[] gv = new double[r];
        double[] ga = new double[k];
        out[0] = f.gradient(v, a, gv, ga);
        System.arraycopy(ga, 0, out, 1, k);
        System.arraycopy(gv, 0, out, 1 + k, r);
        int o = 1 + k + r;
        out[o] = f.gradientPlain(v, a, gv, ga);
        System.arraycopy(ga, 0, out, o + 1, k);
        System.arraycopy(gv, 0, out, o + 1 + k, r);
        return out;
    }

    static String label(int k, int r, int i) {
        int half = 1 + k + r;
        String pre = i < half ? "" : "plain ";
        int j = i % half;
        if (j == 0) {
            return pre + "loss";
        }
        if (j <= k) {
            return pre + "dL/da[" + (j - 1) + "]";
        }
        return pre + (i < half ? "dL/dv[" : "dL/dw[") + (j - 1 - k) + "]";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseStream")
    void closedFormsAgreeWithMonteCarlo(Case cs) {
        Setup su = cs.setup();
        Moments m = sample(su, cs.v(), cs.a(), N, 0xBEEF + cs.name().hashCode());
        double[] ex = exact(su.loss(), cs.v(), cs.a());
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < ex.length; i++) {
            double se = m.se(i);
            double dev = Math.abs(m.mean(i) - ex[i]);
            if (!(dev <= Z * se)) {
                bad.add(String.format("%s: exact %.6g, MC %.6g ± %.2g (%.1f SE)", label(su.k(), su.r(), i), ex[i],
                        m.mean(i), se, dev / se));
            }
        }
        assertTrue(bad.isEmpty(), cs + " (z = " + Z + "): " + bad);
    }

    /**
     * The comparison has the power to see the overlap: with a teacher filter of positive entries (neighbouring patches
     * strongly correlated) the lag-0 formula of docs/model.md §2 ({@link NonOverlappingGaussian}, all lags dropped) is
     * rejected at the same {@code Z} in the loss and in {@code ∂L/∂a}, while the overlapping form is accepted.
     */
    @Test
    void monteCarloRejectsTheNonOverlappingFormula() {
        Gaussians g = new Gaussians(790);
        double[] ws = new double[6];
        double[] as = new double[6];
        for (int i = 0; i < 6; i++) {
            ws[i] = 0.3 + Math.abs(g.next());
            as[i] = 0.2 + Math.abs(g.next());
        }
        Setup su = OverlapReference.setup(16, 6, 2, Teacher.of(ws, as));
        double[] v = Vec.scale(1.2, g.unit(6));
        double[] a = Vec.scale(0.5, Vec.ones(6));
        OverlappingGaussian f = su.loss();
        NonOverlappingGaussian lag0 = new NonOverlappingGaussian(su.teacher());
        Moments m = sample(su, v, a, N, 791);
        double l = f.loss(v, a);
        double l0 = lag0.loss(v, a);
        assertTrue(Math.abs(m.mean(0) - l) <= Z * m.se(0), "overlapping loss accepted");
        assertTrue(Math.abs(m.mean(0) - l0) > Z * m.se(0),
                "lag-0 loss must be rejected: " + l0 + " vs MC " + m.mean(0) + " ± " + m.se(0));
        double[] ga = new double[6];
        double[] ga0 = new double[6];
        f.gradient(v, a, new double[6], ga);
        lag0.gradient(v, a, new double[6], ga0);
        assertTrue(Math.abs(m.mean(1) - ga[0]) <= Z * m.se(1), "overlapping dL/da[0] accepted");
        assertTrue(Math.abs(m.mean(1) - ga0[0]) > Z * m.se(1),
                "lag-0 dL/da[0] must be rejected: " + ga0[0] + " vs MC " + m.mean(1) + " ± " + m.se(1));
    }
}
