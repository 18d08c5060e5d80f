package org.onecnn.model;

/** Where a run ended (docs/outcomes.md). */
public enum Outcome {
    /** At the teacher: φ near 0 (and, if checked, {@code a} near {@code c a*}). */
    GLOBAL,
    /** At the spurious local minimum: φ near π (and, if checked, {@code a} near its point). */
    SPURIOUS,
    /** The budget ran out away from both minima. */
    NOT_CONVERGED,
    /** A non-finite value appeared. */
    DIVERGED,
    /** Stationary somewhere else (for example {@code aᵀa* = 0}). */
    OTHER
}
