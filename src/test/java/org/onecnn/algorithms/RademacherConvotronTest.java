package org.onecnn.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.onecnn.empirical.data.Rademacher;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.testutil.Vec;
import org.onecnn.util.InvalidInputException;

/**
 * Convotron and Double Convotron on Rademacher inputs ({@code ±1} coordinates): symmetric with identity
 * covariance, so both analyses apply, though the input is neither Gaussian nor continuous. The published setting
 * has no schedule for it and must say so.
 */
class RademacherConvotronTest {

    /**
     * Convotron with {@code a = a*}: step {@code η*} and run length from {@link ConvotronBound} (Rademacher case,
     * {@code K = r k² ‖a‖⁴}), so {@code ‖w − w*‖ <= ε ‖w*‖} except with probability 1e−6; the recorded relative
     * test error then falls from 1 (the zero predictor) to at most {@code k ‖a*‖² (ε ‖w*‖)² / mean(y²)}:
     * {@code |f(w) − f(w*)| <= Σ_i |a*_i| |(w − w*)ᵀP_i x| <= ‖a*‖ (Σ_i ((w − w*)ᵀP_i x)²)^½}, whose mean square is
     * {@code k ‖a*‖² ‖w − w*‖²} in expectation (identity covariance); the 2000-sample mean of the test set may exceed
     * that slightly, far less than the bound's slack (the run ends about 10⁻¹⁸, the bound is 0.03).
     */
    @Test
    void convotronRecoversTheFilter() {
        Architecture arch = Architecture.of(30, 6, 4);
        Teacher teacher = Teacher.gaussian(arch.k(), arch.r(), 44);
        ConvotronBound bound = ConvotronBound.of(arch, teacher.aStar(), Rademacher.INSTANCE, 0.0);
        double eta = bound.bestEta();
        long steps = bound.stepsFor(eta, ConvotronTest.EPS, ConvotronTest.DELTA);
        double eps = bound.threshold(eta, steps, ConvotronTest.DELTA);
        Convotron.Settings st = Convotron.Settings.of(arch, Rademacher.INSTANCE, 0.0, eta, steps, steps);
        EvaluationSet test = EvaluationSet.draw(arch, teacher, 0.0, Rademacher.INSTANCE, 2000, 3);
        Convotron.Result res = Convotron.run(st, new Convotron.Run(teacher, teacher.aStar(), 7, test));
        double rel = Vec.dist(res.w(), teacher.wStar()) / Vec.norm(teacher.wStar());
        assertTrue(rel <= eps, "‖w − w*‖/‖w*‖ = " + rel + " > " + eps + " after " + steps + " steps");
        assertEquals(1.0, res.trace().relative()[0]);
        double bound2 = arch.k() * Vec.dot(teacher.aStar(), teacher.aStar())
                * Math.pow(eps * Vec.norm(teacher.wStar()), 2) / test.meanSquaredLabel();
        assertTrue(res.trace().finalRelative() <= bound2, "relative test error " + res.trace().finalRelative()
                + " > " + bound2);
    }

    /**
     * Double Convotron, all three stages, on an easy teacher: non-overlapping patches ({@code s = r}, so stage 1
     * sees the whole filter) and an output layer of one sign and similar sizes (no small {@code a*_i} to slow stage
     * 1). The run is deterministic (onecnn orders all of Convotron's arithmetic), so the checks are on one fixed
     * outcome: stage 1 moves {@code a} from 1.0 rad to within 0.4 rad of {@code ±a*} (its angle then fluctuates
     * around 0.1–0.3 rad: the stochastic gradient's noise floor at {@code η₁ = 10⁻³}), stage 3 keeps the sign with
     * {@code a·a* > 0} and {@code w·w* > 0}, and the relative test error is below 0.05, a twentieth of the zero
     * predictor's. Measured: 0.12 rad and 0.005 (Gaussian inputs on the same teacher and settings: 0.21 rad and
     * 0.018), so a wrong input law (not symmetric, wrong variance) or a broken stage shows as a failure here.
     */
    @Test
    void doubleConvotronLearnsBothLayersOfAnEasyTeacher() {
        Architecture arch = Architecture.of(24, 6, 6);
        Teacher teacher = Teacher.of(new double[] {0.9, -0.4, 0.7, 0.2, -0.8, 0.5}, new double[] {1.0, 0.7, 1.2, 0.9});
        DoubleConvotron.Settings st = DoubleConvotron.Settings.of(arch, Rademacher.INSTANCE, 0.0, 20_000, 1e-3,
                5_000, 3e-3).withSamples(2000, 2000);
        DoubleConvotron.Result r = DoubleConvotron.run(st, new DoubleConvotron.Problem(teacher, 5));
        assertTrue(!r.diverged());
        assertTrue(r.stage1Trace().outputAngle()[0] > 0.9, "start " + r.stage1Trace().outputAngle()[0]);
        assertTrue(r.stage1Trace().finalOutputAngle() < 0.4, "stage-1 angle " + r.stage1Trace().finalOutputAngle());
        assertTrue(Vec.dot(r.a(), teacher.aStar()) > 0 && Vec.dot(r.w(), teacher.wStar()) > 0, r.choice().toString());
        assertEquals(1.0, r.chosenTrace().relative()[0]);
        assertTrue(r.chosenTrace().finalRelative() < 0.05, "relative test error " + r.chosenTrace().finalRelative());
    }

    @Test
    void thePublishedSettingRefusesRademacher() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DoubleConvotron.Settings.published(Rademacher.INSTANCE, 12));
        assertEquals("distribution", e.field());
        assertTrue(e.getMessage().contains("exists for gaussian and uniform only, got rademacher"), e.getMessage());
        assertEquals(List.of("gaussian", "uniform"), List.copyOf(DoubleConvotron.Settings.PUBLISHED_SCHEDULES.keySet()));
    }
}
