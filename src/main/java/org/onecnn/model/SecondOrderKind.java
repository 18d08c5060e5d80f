package org.onecnn.model;

/**
 * What the Hessian of a loss on the tangent space says of a stationary point ({@link SecondOrderClassifier};
 * docs/outcomes.md). The CSV names are {@link #label()}.
 */
public enum SecondOrderKind {
    /** Every tangent eigenvalue {@code > tol}: a strict local minimum. */
    STRICT_MINIMUM("strict-min", true),
    /** No eigenvalue {@code < −tol}, some {@code |λ| ≤ tol}, and the loss rises along every null direction. */
    DEGENERATE_MINIMUM("degenerate-min", true),
    /** An eigenvalue {@code < −tol}: a direction of negative curvature. */
    SADDLE("saddle", false),
    /** No eigenvalue {@code < −tol}, but the loss falls along some null direction (e.g. a cubic term). */
    DEGENERATE_SADDLE("degenerate-saddle", false),
    /**
     * No eigenvalue {@code < −tol}, no fall beyond the unresolved margin, and the loss rises beyond its rounding
     * somewhere along every null direction, but not at half the probes on each side: nothing descends at the
     * test's resolution, and the loss is rough at the probes' scale. On {@code L_n} that roughness is its kinks:
     * at {@code n = 4000} the far-side points of {@code sample-size} sit on a floor whose sign pattern of
     * {@code R(t)} changes with the step and the probe distances (docs/outcomes.md), so this kind and
     * {@link #DEGENERATE_MINIMUM} trade points when they change. A minimum at the test's resolution.
     */
    ROUGH_MINIMUM("rough-min", true),
    /**
     * No eigenvalue {@code < −tol}, and along some null direction the loss neither rises nor falls beyond its
     * rounding error at any probed distance: flat as far as the probe can tell, not certified a minimum.
     */
    DEGENERATE_FLAT("degenerate-flat", false);

    private final String label;
    private final boolean minimum;

    SecondOrderKind(String label, boolean minimum) {
        this.label = label;
        this.minimum = minimum;
    }

    /** The name in CSV files and reports. */
    public String label() {
        return label;
    }

    /** Whether this kind certifies a local minimum (strict, degenerate, or at the test's resolution: rough). */
    public boolean isMinimum() {
        return minimum;
    }
}
