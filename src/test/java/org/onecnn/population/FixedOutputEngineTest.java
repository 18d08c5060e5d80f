package org.onecnn.population;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.OutcomeClassifier;
import org.onecnn.model.StopReason;
import org.onecnn.model.Teacher;
import org.onecnn.testutil.Gaussians;
import org.onecnn.testutil.Vec;

/**
 * The fixed-output-layer setting of Brutzkus and Globerson (2017): {@code a = a* = 1} fixed, plain (unnormalised)
 * filter {@code w}, gradient descent on the exact population loss with {@code η = 2π/(k(k+π−1))}, the inverse of
 * the largest curvature of {@code L_plain} in {@code w} (the radial one, {@code k(k+π−1)/2π} at the teacher).
 */
class FixedOutputEngineTest {
    static final int INITS = 10;

    static Teacher teacher(int k, int p, double c, long seed) {
        double[] w = Vec.scale(c, new Gaussians(seed).unit(p));
        return Teacher.of(w, Vec.ones(k));
    }

    static List<InitialPoint> inits(int k, int p, long seed) {
        Gaussians g = new Gaussians(seed);
        List<InitialPoint> ps = new ArrayList<>();
        for (int i = 0; i < INITS; i++) {
            // random direction and norm in [0.2, 2]
            double[] w = Vec.scale(0.2 + 1.8 * g.uniform(), g.unit(p));
            ps.add(InitialPoint.of(w, Vec.ones(k), i));
        }
        return ps;
    }

    /**
     * From random {@code w}, plain GD reaches the target loss 1e−8 within the budget and the run is classified
     * GLOBAL by both Du's angle rule and the a-checking rule. (A loss of 1e−8 forces φ ≲ 1e−4 and
     * {@code ‖‖w‖1 − c1‖ ≲ 1e−4}, far inside either threshold.)
     */
    @ParameterizedTest(name = "k={0} p={1} c={2}")
    @CsvSource({"4, 5, 1.0", "4, 25, 1.4", "16, 5, 0.8", "16, 25, 1.0"})
    void plainGradientDescentReachesTheTeacher(int k, int p, double c) {
        Teacher t = teacher(k, p, c, 90 + k + p);
        double eta = 2 * Math.PI / (k * (k + Math.PI - 1));
        StopSpec stop = new StopSpec(200_000, false, false, 1e-8, 10);
        for (OutcomeClassifier cls : new OutcomeClassifier[] {OutcomeClassifier.duDefault(),
                new OutcomeClassifier(0.1, 0.1, 0.05, 1e-10)}) {
            List<RunResult> rs = new FixedOutputEngine().run(new PopulationJob(t, inits(k, p, 91 + k + p), eta, stop,
                    cls, RecordPlan.NONE), TrajectorySink.NONE);
            for (RunResult r : rs) {
                String ctx = "k=" + k + " p=" + p + " c=" + c + " run " + r.index() + " " + cls;
                assertEquals(StopReason.TARGET_LOSS, r.reason(), ctx);
                assertTrue(r.loss() <= 1e-8, ctx + " loss " + r.loss());
                assertTrue(r.iterations() < 200_000, ctx);
                assertEquals(Outcome.GLOBAL, r.outcome(), ctx);
                assertTrue(r.phi() < 1e-3, ctx + " phi " + r.phi());
                assertEquals(c, r.normV(), 1e-3, ctx + " ‖w‖ → c = ‖w*‖");
            }
        }
    }

    /**
     * The gradient the engine uses, {@link NonOverlappingGaussian#gradientPlain}, against central differences of
     * {@code lossPlain} in {@code w} with {@code a = 1}. Tolerance as in {@link PopulationFiniteDifferenceTest}: the
     * Richardson estimate {@code |D(2h) − D(h)|} of the truncation error (≥ 3× the error itself) plus
     * {@code 3δ/h} for rounding, {@code δ = (k + p + 20) u·scale}; and the tolerance must stay below 1e−6 of the
     * gradient's scale so that the check has power.
     */
    @Test
    void gradientMatchesCentralDifferencesOfThePlainLoss() {
        for (int[] kp : new int[][] {{4, 5}, {16, 25}, {16, 5}}) {
            int k = kp[0];
            int p = kp[1];
            Teacher t = teacher(k, p, 1.3, 92 + k);
            NonOverlappingGaussian f = new NonOverlappingGaussian(t);
            double[] a = Vec.ones(k);
            for (InitialPoint x : inits(k, p, 93 + k)) {
                double[] w = x.v();
                double[] gw = new double[p];
                f.gradientPlain(w, a, gw, new double[k]);
                double delta = (k + p + 20) * Vec.U
                        * PopulationFiniteDifferenceTest.lossScale(f, Vec.scale(Vec.norm(w), a));
                List<String> bad = new ArrayList<>();
                PopulationFiniteDifferenceTest.checkFd("dLplain/dw", y -> f.lossPlain(y, a), w, gw, delta,
                        Vec.norm(gw) + 1e-3, bad);
                assertTrue(bad.isEmpty(), "k=" + k + " p=" + p + ": " + bad);
            }
        }
    }

    /**
     * The engine is exactly {@code w ← w − η ∂L_plain/∂w} with {@code a} untouched: after 1 and 50 steps its
     * {@code φ}, {@code ‖w‖} and loss equal those of an own loop over {@code gradientPlain} bit for bit (the same
     * arithmetic in the same order), and {@code aᵀa* = ‖w‖ 1ᵀa*} (effective weights {@code ‖w‖ a} with {@code a = 1})
     * to rounding.
     */
    @Test
    void engineStepIsPlainGradientDescent() {
        int k = 16;
        int p = 5;
        Teacher t = teacher(k, p, 1.2, 94);
        NonOverlappingGaussian f = new NonOverlappingGaussian(t);
        double eta = 2 * Math.PI / (k * (k + Math.PI - 1));
        List<InitialPoint> in = inits(k, p, 95);
        for (long steps : new long[] {1, 50}) {
            List<RunResult> rs = new FixedOutputEngine().run(new PopulationJob(t, in, eta, StopSpec.fixed(steps),
                    OutcomeClassifier.duDefault(), RecordPlan.NONE), TrajectorySink.NONE);
            for (int i = 0; i < in.size(); i++) {
                double[] w = in.get(i).v();
                double[] a = Vec.ones(k);
                double[] gw = new double[p];
                for (long s = 0; s < steps; s++) {
                    f.gradientPlain(w, a, gw, new double[k]);
                    for (int j = 0; j < p; j++) {
                        w[j] -= eta * gw[j];
                    }
                }
                RunResult r = rs.get(i);
                assertEquals(steps, r.iterations());
                assertEquals(f.angle(w), r.phi(), 0.0, "phi after " + steps);
                assertEquals(Vec.norm(w), r.normV(), 0.0, "‖w‖ after " + steps);
                assertEquals(f.lossPlain(w, a), r.loss(), 1e-14 * r.loss(), "loss after " + steps);
                assertEquals(r.normV() * k, r.aDotAStar(), 1e-14 * r.aDotAStar(), "a stays 1");
            }
        }
    }
}
