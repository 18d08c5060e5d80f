package org.onecnn.population;

import org.onecnn.model.Architecture;

/**
 * An exact population loss {@code L = E_x ½ (f − y)²} of a one-hidden-layer CNN student against a
 * fixed teacher, for {@code x ~ N(0, I_d)}, with its gradients: docs/model.md §2 ({@link NonOverlappingGaussian})
 * and §4 ({@link OverlappingGaussian}). Implementations are immutable and thread-safe.
 *
 * <p>Two parametrisations of the student's filter:
 * <ul>
 * <li>weight normalisation, {@code f = Σ_i a_i σ(wᵀZ_i)} with {@code w = v/‖v‖} ({@link #loss}, {@link #gradient}),
 * Algorithm 1; the gradient in {@code v} is orthogonal to {@code v};</li>
 * <li>a plain filter {@code w} ({@link #lossPlain}, {@link #gradientPlain}), for the fixed output layer;
 * {@code L_plain(w, a) = L(w, ‖w‖ a)}.</li>
 * </ul>
 * Gradient arrays are written in place; they must have the lengths of the inputs ({@code p} and {@code k}).
 */
public interface PopulationLoss {
    /** Number of patches (length of {@code a}). */
    int k();

    /** Filter size {@code r} (length of {@code v}); the papers' {@code p} when patches do not overlap. */
    int p();

    /** {@code c = ‖w*‖}. */
    double c();

    /** The shape {@code (d, r, s)}. */
    Architecture architecture();

    /** The teacher's output weights {@code a*} (a copy). */
    double[] aStar();

    /** The teacher's unit filter direction {@code w* / c} (a copy). */
    double[] wStarUnit();

    /** The global minimum's output weights {@code c a*} (with {@code v ∝ w*}). */
    double[] globalA();

    /** {@code φ = ∠(v, w*) ∈ [0, π]}. */
    double angle(double[] v);

    /** {@code L(v, a)}, weight-normalised filter {@code w = v/‖v‖}. */
    double loss(double[] v, double[] a);

    /** Both gradients of {@code L(v, a)} into {@code gv}, {@code ga}; returns the loss. */
    double gradient(double[] v, double[] a, double[] gv, double[] ga);

    /** {@code L_plain(w, a)}, unnormalised filter {@code w}. */
    double lossPlain(double[] w, double[] a);

    /** Both gradients of {@code L_plain(w, a)} into {@code gw}, {@code ga}; returns the loss. */
    double gradientPlain(double[] w, double[] a, double[] gw, double[] ga);
}
