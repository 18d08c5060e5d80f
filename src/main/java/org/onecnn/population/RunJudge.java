package org.onecnn.population;

import org.onecnn.model.Outcome;
import org.onecnn.model.OutcomeClassifier;
import org.onecnn.model.StopReason;

/**
 * The stop decision and the final classification of a run from the scalars of its state, shared by
 * every population engine so that full-dimensional and reduced runs are judged identically.
 *
 * <p>The scalars are {@code φ}, {@code ‖v‖} and, for the deviation {@code e = a − c a*} of the
 * effective output weights (for a plain filter {@code w} these are {@code ‖w‖ a}), {@code u = 1ᵀe},
 * {@code pe = a*ᵀe}, {@code d2 = ‖e‖²}, and {@code ds = ‖a − a_sp‖}; the gradient norm is supplied by the
 * engine, since it depends on what is trained.
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

    static boolean finite(double phi, double nv, double u, double pe, double d2) {
        return Double.isFinite(phi) && Double.isFinite(nv) && Double.isFinite(u) && Double.isFinite(pe)
                && Double.isFinite(d2);
    }

    /** The reason to stop now, or {@code null} to continue. */
    StopReason check(double phi, double nv, double u, double pe, double d2, double ds, double loss, double gradNorm) {
        if (!finite(phi, nv, u, pe, d2) || !Double.isFinite(gradNorm)) {
            return StopReason.NON_FINITE;
        }
        if (stop.hasTargetLoss() && loss <= stop.targetLoss()) {
            return StopReason.TARGET_LOSS;
        }
        if (certificate != null) {
            double s = u + f.c() * f.sumAStar();
            double pa = pe + f.c() * f.normAStar2();
            Outcome o = certificate.settled(phi, nv, s, pa, Math.sqrt(d2) / scaleA, ds / scaleA);
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
    RunResult finish(int index, long seed, StopReason reason, long iterations, double phi, double nv, double u,
            double pe, double d2, double ds, double lossAt, double gradNorm) {
        boolean finite = finite(phi, nv, u, pe, d2) && Double.isFinite(gradNorm);
        double dG = finite ? Math.sqrt(d2) : Double.NaN;
        double dS = finite ? ds : Double.NaN;
        double loss = finite ? lossAt : Double.NaN;
        Outcome outcome = switch (reason) {
            case NON_FINITE -> Outcome.DIVERGED;
            case SETTLED_GLOBAL -> Outcome.GLOBAL;
            case SETTLED_SPURIOUS -> Outcome.SPURIOUS;
            default -> classifier.classify(finite, phi, dG / scaleA, dS / scaleA,
                    gradNorm <= classifier.gradTol());
        };
        StopReason r = finite ? reason : StopReason.NON_FINITE;
        return new RunResult(index, seed, outcome, r, iterations, phi, loss, gradNorm, dG, dS, nv,
                pe + f.c() * f.normAStar2());
    }
}
