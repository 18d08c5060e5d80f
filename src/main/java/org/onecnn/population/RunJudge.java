package org.onecnn.population;

import org.onecnn.model.ArcCosine;
import org.onecnn.model.Outcome;
import org.onecnn.model.OutcomeClassifier;
import org.onecnn.model.StopReason;

/**
 * The stop decision and the final classification of a run from the scalars of its state, shared by
 * every population engine so that full-dimensional and reduced runs are judged identically.
 *
 * <p>The scalars are {@code φ}, {@code ‖v‖} and the effective output weights' {@code S = 1ᵀa},
 * {@code P = aᵀa*}, {@code Q = ‖a‖²} (for a plain filter {@code w} the effective weights are
 * {@code ‖w‖ a}); the gradient norm is supplied by the engine, since it depends on what is trained, and
 * so are the distances {@code ‖a − c a*‖}, {@code ‖a − a_sp‖}: computed from {@code Q, S, P} they would
 * cancel near the minima and keep only the square root of the rounding error.
 */
final class RunJudge {
    private final NonOverlappingGaussian f;
    private final BasinCertificate certificate;
    private final OutcomeClassifier classifier;
    private final StopSpec stop;
    private final double scaleA;

    /**
     * @param certificate the basin certificate of the engine's dynamics, or {@code null} if none
     */
    RunJudge(NonOverlappingGaussian f, BasinCertificate certificate, OutcomeClassifier classifier, StopSpec stop) {
        this.f = f;
        this.certificate = stop.settled() ? certificate : null;
        this.classifier = classifier;
        this.stop = stop;
        double scale = f.c() * Math.sqrt(f.normAStar2());
        this.scaleA = scale > 0 ? scale : 1.0;
    }

    StopSpec stop() {
        return stop;
    }

    static boolean finite(double phi, double nv, double s, double pa, double q) {
        return Double.isFinite(phi) && Double.isFinite(nv) && Double.isFinite(s) && Double.isFinite(pa)
                && Double.isFinite(q);
    }

    /** The reason to stop now, or {@code null} to continue. */
    StopReason check(double phi, double nv, double s, double pa, double q, double dG, double dS, double gradNorm) {
        if (!finite(phi, nv, s, pa, q) || !Double.isFinite(gradNorm)) {
            return StopReason.NON_FINITE;
        }
        if (stop.hasTargetLoss() && f.loss(q, s, pa, ArcCosine.g(phi)) <= stop.targetLoss()) {
            return StopReason.TARGET_LOSS;
        }
        if (certificate != null) {
            Outcome o = certificate.settled(phi, nv, s, pa, dG / scaleA, dS / scaleA);
            if (o == Outcome.GLOBAL) {
                return StopReason.SETTLED_GLOBAL;
            }
            if (o == Outcome.SPURIOUS) {
                return StopReason.SETTLED_SPURIOUS;
            }
        }
        if (stop.stationary() && gradNorm <= classifier.gradTol()) {
            return StopReason.STATIONARY;
        }
        return null;
    }

    /** The result of a run stopped for {@code reason} after {@code iterations} steps. */
    RunResult finish(int index, long seed, StopReason reason, long iterations, double phi, double nv, double s,
            double pa, double q, double distGlobal, double distSpurious, double gradNorm) {
        boolean finite = finite(phi, nv, s, pa, q) && Double.isFinite(gradNorm);
        double dG = finite ? distGlobal : Double.NaN;
        double dS = finite ? distSpurious : Double.NaN;
        double loss = finite ? f.loss(q, s, pa, ArcCosine.g(phi)) : Double.NaN;
        Outcome outcome = switch (reason) {
            case NON_FINITE -> Outcome.DIVERGED;
            case SETTLED_GLOBAL -> Outcome.GLOBAL;
            case SETTLED_SPURIOUS -> Outcome.SPURIOUS;
            default -> classifier.classify(finite, phi, dG / scaleA, dS / scaleA,
                    gradNorm <= classifier.gradTol());
        };
        StopReason r = finite ? reason : StopReason.NON_FINITE;
        return new RunResult(index, seed, outcome, r, iterations, phi, loss, gradNorm, dG, dS, nv, pa);
    }
}
