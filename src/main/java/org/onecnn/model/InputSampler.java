package org.onecnn.model;

/**
 * A distribution of inputs {@code x ∈ R^d}, i.i.d. across samples, as the pure-Java algorithms see it: its name,
 * the properties that decide which analyses and engines apply to it, and a draw of {@code n} samples that is a
 * pure function of a seed.
 *
 * <p>Why an interface here: the Convotron family ({@code org.onecnn.algorithms}) and the population engines must not
 * depend on ND4J, while the inputs themselves are drawn by ND4J random ops (one implementation per distribution,
 * {@code org.onecnn.empirical.data.InputDistribution}, so the empirical engine and Convotron see the same draws).
 * Each distribution is defined once, as one class implementing this interface; its properties are declared there
 * and nowhere else, so callers ask {@link #gaussian()} instead of comparing names.
 */
public interface InputSampler {

    /** The name users write in a config ({@code gaussian}, {@code uniform}, ...), lower case; also in manifests. */
    String name();

    /**
     * {@code n} independent samples in {@code R^d}, row-major ({@code n × d} values; sample {@code m} at
     * {@code m·d}), a pure function of {@code (n, d, seed)}: the same arguments give the same bits, whatever ran
     * before and on whatever thread.
     *
     * @throws org.onecnn.util.InvalidInputException if {@code n < 1}, {@code d < 1} or {@code n·d} values do not
     *                                               fit one Java array
     */
    double[] draw(int n, int d, long seed);

    /**
     * Whether {@code x ~ N(0, I_d)} exactly. The exact population loss and gradient (docs/model.md §2–§4, Du et
     * al.) are closed forms under this distribution only; see {@link #populationClosedForm()}.
     */
    boolean gaussian();

    /**
     * Whether the population loss and its gradient have the closed form of docs/model.md (the arc-cosine kernel
     * of {@link ArcCosine}): true exactly for {@code N(0, I_d)}, since the formulas integrate a rotation invariant
     * Gaussian; experiments that compare with the population engines or use its loss as a reference need it.
     */
    default boolean populationClosedForm() {
        return gaussian();
    }

    /**
     * Whether {@code E[x] = 0} and {@code E[x xᵀ] = I_d}: the second moments Convotron's expected update and
     * Double Convotron's stage 1 rely on ({@code E[Δw] = η (1+α)/2 · M (w* − w)}).
     */
    boolean identityCovariance();

    /**
     * Whether {@code x} and {@code −x} have the same distribution: with identity covariance, what the Convotron
     * analyses (Goel, Klivans, Meka 2018; Du and Goel 2018) need for the even part of the activation to drop out
     * of the expected update.
     */
    boolean symmetric();
}
