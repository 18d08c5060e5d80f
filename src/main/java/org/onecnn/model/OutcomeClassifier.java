package org.onecnn.model;

import org.onecnn.util.InvalidInputException;

/**
 * The outcome classes of docs/outcomes.md for the exact population dynamics, with their thresholds.
 *
 * <ul>
 * <li>{@code DIVERGED}: a non-finite value;</li>
 * <li>{@code GLOBAL}: {@code φ < phiGlobal} and, when {@code aTol} is set,
 * {@code ‖a − c a*‖ ≤ aTol · c‖a*‖};</li>
 * <li>{@code SPURIOUS}: {@code φ > π − phiSpurious} and, when {@code aTol} is set,
 * {@code ‖a − a_sp‖ ≤ aTol · c‖a*‖};</li>
 * <li>{@code OTHER}: stationary ({@code ‖∇L‖ ≤ gradTol}) but neither of the above;</li>
 * <li>{@code NOT_CONVERGED}: otherwise (the budget ran out).</li>
 * </ul>
 * With {@code aTol} unset the rule is Du et al.'s angle-only rule. With {@code spuriousAnyAngle}, a
 * stationary point on the far side ({@code φ > π/2}) that is not GLOBAL counts as SPURIOUS wherever it
 * sits: with overlapping patches the non-global minima leave φ = π (docs/model.md §4), so an angle threshold
 * would miss them, as it does for finite samples (docs/outcomes.md).
 *
 * @param phiGlobal   angle threshold of GLOBAL, in (0, π)
 * @param phiSpurious distance of φ from π for SPURIOUS, in (0, π)
 * @param aTol        relative distance of {@code a} from its target, or {@code null} for angle only
 * @param gradTol     gradient norm under which a point counts as stationary, >= 0
 * @param spuriousAnyAngle whether a stationary non-global point with φ > π/2 is SPURIOUS at any angle
 */
public record OutcomeClassifier(double phiGlobal, double phiSpurious, Double aTol, double gradTol,
        boolean spuriousAnyAngle) {

    /** The angle-threshold rule (the spurious minimum near φ = π). */
    public OutcomeClassifier(double phiGlobal, double phiSpurious, Double aTol, double gradTol) {
        this(phiGlobal, phiSpurious, aTol, gradTol, false);
    }

    public OutcomeClassifier {
        if (!(phiGlobal > 0 && phiGlobal < Math.PI)) {
            throw new InvalidInputException("phi_global", "must lie in (0, π), got " + phiGlobal);
        }
        if (!(phiSpurious > 0 && phiSpurious < Math.PI)) {
            throw new InvalidInputException("phi_spurious", "must lie in (0, π), got " + phiSpurious);
        }
        if (phiGlobal + phiSpurious >= Math.PI) {
            throw new InvalidInputException("phi_global",
                    "phi_global + phi_spurious must be < π so the two classes cannot overlap");
        }
        if (aTol != null && !(aTol > 0 && Double.isFinite(aTol))) {
            throw new InvalidInputException("a_tol", "must be a finite number > 0 or null (angle only), got "
                    + aTol);
        }
        if (!(gradTol >= 0 && Double.isFinite(gradTol))) {
            throw new InvalidInputException("grad_tol", "must be a finite number >= 0, got " + gradTol);
        }
    }

    /** Du et al.'s rule: GLOBAL if φ < 0.1, SPURIOUS if φ > π − 0.1; stationary at 1e-10. */
    public static OutcomeClassifier duDefault() {
        return new OutcomeClassifier(0.1, 0.1, null, 1e-10);
    }

    /** True when the output weights are checked as well as the angle. */
    public boolean checksA() {
        return aTol != null;
    }

    /**
     * Classify a point.
     *
     * @param finite        whether every value of the state is finite
     * @param phi           angle between the student filter and {@code w*}
     * @param distGlobalRel {@code ‖a − c a*‖ / (c‖a*‖)}
     * @param distSpurRel   {@code ‖a − a_sp‖ / (c‖a*‖)}
     * @param stationary    whether {@code ‖∇L‖ ≤ gradTol}
     */
    public Outcome classify(boolean finite, double phi, double distGlobalRel, double distSpurRel,
            boolean stationary) {
        if (!finite) {
            return Outcome.DIVERGED;
        }
        if (phi < phiGlobal && (aTol == null || distGlobalRel <= aTol)) {
            return Outcome.GLOBAL;
        }
        if (phi > Math.PI - phiSpurious && (aTol == null || distSpurRel <= aTol)) {
            return Outcome.SPURIOUS;
        }
        if (spuriousAnyAngle && stationary && phi > Math.PI / 2) {
            return Outcome.SPURIOUS;
        }
        return stationary ? Outcome.OTHER : Outcome.NOT_CONVERGED;
    }
}
