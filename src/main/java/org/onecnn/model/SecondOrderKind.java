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
     * No eigenvalue {@code < −tol}, and along some null direction the loss neither rises nor falls beyond its
     * rounding error at every probed distance: flat as far as the probe can tell, not certified a minimum.
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

    /** Whether this kind certifies a local minimum (strict or degenerate). */
    public boolean isMinimum() {
        return minimum;
    }
}
