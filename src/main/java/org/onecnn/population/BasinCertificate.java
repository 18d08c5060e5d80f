package org.onecnn.population;

import static org.onecnn.model.ArcCosine.PI;
import static org.onecnn.model.ArcCosine.TWO_PI;

import org.onecnn.model.ArcCosine;
import org.onecnn.model.Outcome;
import org.onecnn.model.OutcomeClassifier;

/**
 * A proof, from the current state alone, that Algorithm 1 (step η, non-overlapping Gaussian
 * population loss) stays in the GLOBAL or the SPURIOUS class for every later step. A run so
 * certified can stop: its outcome at any later budget is the one it has now.
 *
 * <h2>Derivation</h2>
 * Write {@code P = aᵀa*}, {@code U = (1ᵀa*)(1ᵀa)}, {@code S1 = 1ᵀa*}, {@code N2 = ‖a*‖²},
 * {@code θ = 1 − η(π−1)/2π}, {@code θ_k = 1 − η(k+π−1)/2π}. Projecting the {@code a}-update on
 * {@code a*} and {@code 1}:
 * <pre>
 *   U' = θ_k U + (1 − θ_k) c (k + g − 1) S1² / (k + π − 1)
 *   P' = θ P − (η/2π) U + (η c/2π) [S1² + (g − 1) N2]
 * </pre>
 * The {@code v}-update is orthogonal to {@code v}, so {@code ‖v‖} never decreases and {@code v}
 * turns in the plane of {@code (v, w*)} by {@code δ = atan(η P (π−φ) c sin φ / (2π‖v‖²))}, towards
 * {@code w*} when {@code P > 0}: the sign of {@code P} decides the direction of φ.
 * With {@code θ_k ≥ 0} (that is {@code η ≤ 2π/(k+π−1)}) and {@code g ∈ [0, π]}, {@code U} stays in
 * {@code [min(U_t, c(k−1)S1²/(k+π−1)), max(U_t, c S1²)]}.
 *
 * <p><b>Global.</b> If {@code P_t > 0} and
 * {@code P_lb = [c(S1² + (g(φ_t) − 1)N2) − max(U_t, cS1²)]/(π−1) > 0}, then by induction
 * {@code P_s ≥ min(P_t, P_lb) > 0}, φ is non-increasing and {@code g(φ_s) ≥ g(φ_t)}: each step
 * {@code P' ≥ θP + (1−θ)P_lb}. φ cannot overshoot past 0 ({@code δ ≤ 2φ}) when
 * {@code η c P_hi ≤ 4‖v_t‖²}, {@code P_hi} an upper bound of P from the same recurrences with
 * {@code g = π}. With the output weights checked, {@code e = a − c a*} obeys
 * {@code e' = B e − ηc(π − g)/2π a*} with {@code ‖B‖ = θ}, so
 * {@code ‖e_s‖ ≤ max(‖e_t‖, c(π − g(φ_t))‖a*‖/(π−1))}.
 *
 * <p><b>Spurious.</b> Symmetrically, if {@code P_t < 0} and
 * {@code P_ub = [c(S1² + (g(φ_t) − 1)N2) − min(U_t, c(k−1)S1²/(k+π−1))]/(π−1) < 0}, φ is
 * non-decreasing (never past π when {@code η c |P_lo| ≤ 4‖v_t‖²}) and, with {@code e = a − a_sp},
 * {@code ‖e_s‖ ≤ max(‖e_t‖, c g(φ_t)‖a*‖/(π−1))}.
 *
 * <p>The certificate is only issued once the current state already lies inside the class
 * thresholds, so it never changes an outcome; it is what lets a 40,000-step sweep stop most runs
 * after a few thousand steps. Runs heading for the spurious minimum approach π like {@code 1/t}, so
 * they are stopped only once they cross {@code π − phiSpurious}: no extrapolation of that slow
 * approach is made. Tested against full-budget runs in {@code StoppingRuleTest}.
 */
public final class BasinCertificate {
    private final double k;
    private final double c;
    private final double s1;
    private final double s1sq;
    private final double n2;
    private final double eta;
    private final OutcomeClassifier classifier;
    private final boolean applicable;
    private final double uHighFixed;
    private final double uLowFixed;

    public BasinCertificate(NonOverlappingGaussian loss, double eta, OutcomeClassifier classifier) {
        this.k = loss.k();
        this.c = loss.c();
        this.s1 = loss.sumAStar();
        this.s1sq = s1 * s1;
        this.n2 = loss.normAStar2();
        this.eta = eta;
        this.classifier = classifier;
        double thetaK = 1 - eta * (k + PI - 1) / TWO_PI;
        this.applicable = thetaK >= 0 && eta > 0;
        this.uHighFixed = c * s1sq;
        this.uLowFixed = c * (k - 1) * s1sq / (k + PI - 1);
    }

    /** Whether the step is small enough for the proof ({@code η ≤ 2π/(k+π−1)}). */
    public boolean applicable() {
        return applicable;
    }

    /**
     * The class the run is proved to keep for every later step, or {@code null}.
     *
     * @param phi           angle φ
     * @param nv            {@code ‖v‖}
     * @param s             {@code 1ᵀa}
     * @param pa            {@code aᵀa*}
     * @param distGlobalRel {@code ‖a − c a*‖/(c‖a*‖)} (used only when the classifier checks {@code a})
     * @param distSpurRel   {@code ‖a − a_sp‖/(c‖a*‖)} (likewise)
     */
    public Outcome settled(double phi, double nv, double s, double pa, double distGlobalRel,
            double distSpurRel) {
        if (!applicable || !(nv > 0)) {
            return null;
        }
        double u = s1 * s;
        double uHigh = Math.max(u, uHighFixed);
        double uLow = Math.min(u, uLowFixed);
        double g = ArcCosine.g(phi);
        double drive = c * (s1sq + (g - 1) * n2);
        double room = 4 * nv * nv / (eta * c);
        if (phi < classifier.phiGlobal() && pa > 0) {
            double pLow = (drive - uHigh) / (PI - 1);
            double pHigh = Math.max(pa, (c * (s1sq + (PI - 1) * n2) - uLow) / (PI - 1));
            boolean aOk = !classifier.checksA()
                    || (distGlobalRel <= classifier.aTol() && (PI - g) / (PI - 1) <= classifier.aTol());
            if (pLow > 0 && pHigh <= room && aOk) {
                return Outcome.GLOBAL;
            }
        }
        if (phi > PI - classifier.phiSpurious() && pa < 0) {
            double pUp = (drive - uLow) / (PI - 1);
            double pLo = Math.min(pa, (c * (s1sq - n2) - uHigh) / (PI - 1));
            boolean aOk = !classifier.checksA()
                    || (distSpurRel <= classifier.aTol() && g / (PI - 1) <= classifier.aTol());
            if (pUp < 0 && -pLo <= room && aOk) {
                return Outcome.SPURIOUS;
            }
        }
        return null;
    }
}
