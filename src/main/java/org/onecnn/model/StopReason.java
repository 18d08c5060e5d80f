package org.onecnn.model;

/** Why a run stopped. */
public enum StopReason {
    /** Proved to stay in the global basin within the GLOBAL thresholds (see {@code BasinCertificate}). */
    SETTLED_GLOBAL,
    /** Proved to stay in the spurious basin within the SPURIOUS thresholds. */
    SETTLED_SPURIOUS,
    /** Gradient norm below the tolerance. */
    STATIONARY,
    /** Loss below the target loss. */
    TARGET_LOSS,
    /** The step budget was used up. */
    BUDGET,
    /** A non-finite value appeared. */
    NON_FINITE
}
