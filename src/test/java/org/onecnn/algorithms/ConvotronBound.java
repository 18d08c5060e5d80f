package org.onecnn.algorithms;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.onecnn.empirical.data.Gaussian;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.data.Rademacher;
import org.onecnn.empirical.data.Uniform;
import org.onecnn.model.Architecture;

/**
 * A mean-square convergence bound for Convotron with the right output layer, from which the recovery tests take
 * their step size, run length and thresholds (no guessed constants).
 *
 * <p>Let the student use {@code a} and let the labels be realisable with it: {@code y = Σ_i a_i σ_α(w̃ᵀP_i x)}
 * ({@code a = a*}, {@code w̃ = w*}; or {@code a = λ a*}, {@code λ > 0}, {@code w̃ = w* / λ}). With {@code e = w − w̃}
 * and the update {@code u = (y − f) Σ_i a_i P_i x}:
 * <ul>
 * <li>{@code E[u] = −(1+α)/2 · M e} with {@code M = Σ_ij a_i a_j P_i P_jᵀ}: write
 * {@code σ_α(t) = (1+α)/2 t + (1−α)/2 |t|}; the even part times the odd factor {@code Σ a_i P_i x} has mean 0
 * (symmetric input), the linear part gives {@code E[P_i x xᵀ P_jᵀ] = P_i P_jᵀ} (identity covariance);</li>
 * <li>{@code E‖u‖² <= K ‖e‖²}: {@code σ_α} is 1-Lipschitz, so {@code |y − f| <= Σ_i |a_i| |eᵀP_i x|
 * <= ‖a‖ (Σ_i (eᵀP_i x)²)^½} and {@code ‖Σ a_i P_i x‖² <= ‖a‖² Σ_j ‖P_j x‖²}; hence
 * {@code E‖u‖² <= ‖a‖⁴ Σ_ij E[(eᵀP_i x)² ‖P_j x‖²]}. Uniform on {@code [−√3, √3]}: {@code ‖P_j x‖² <= 3r}, so
 * {@code K = 3 r k² ‖a‖⁴}; Rademacher ({@code ±1}): {@code ‖P_j x‖² = r} exactly and
 * {@code E(eᵀP_i x)² = ‖e‖²}, so {@code K = r k² ‖a‖⁴}. Gaussian: Cauchy–Schwarz with {@code E(eᵀz)⁴ = 3‖e‖⁴} and
 * {@code E‖z‖⁴ = r² + 2r} gives {@code K = k² √(3 r (r+2)) ‖a‖⁴};</li>
 * <li>so, the sample being fresh, {@code E‖e_{t+1}‖² <= ρ E‖e_t‖²} with
 * {@code ρ = 1 − η (1+α) λ_min(M) + η² K}, minimal at {@code η* = (1+α) λ_min / (2K)}, where
 * {@code ρ = 1 − ((1+α) λ_min)² / (4K)};</li>
 * <li>from {@code w = 0}, {@code E‖e_T‖² <= ρ^T ‖w̃‖²}, and by Markov
 * {@code P(‖e_T‖ > ε ‖w̃‖) <= ρ^T / ε²}. A test that allows a false alarm with probability {@code δ} uses
 * {@code ε = (ρ^T / δ)^½}; the angle then satisfies {@code sin ∠(w, w̃) <= ε}.</li>
 * </ul>
 */
final class ConvotronBound {
    final double lambdaMin;
    final double k2;
    final double alpha;

    private ConvotronBound(double lambdaMin, double k2, double alpha) {
        this.lambdaMin = lambdaMin;
        this.k2 = k2;
        this.alpha = alpha;
    }

    static ConvotronBound of(Architecture arch, double[] a, InputDistribution dist, double alpha) {
        int r = arch.r();
        int k = arch.k();
        int s = arch.s();
        double[][] m = new double[r][r];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                // (P_i P_jᵀ)_{bc} = 1 when coordinate i s + b of x equals j s + c
                for (int b = 0; b < r; b++) {
                    int c = i * s + b - j * s;
                    if (c >= 0 && c < r) {
                        m[b][c] += a[i] * a[j];
                    }
                }
            }
        }
        double min = Double.POSITIVE_INFINITY;
        for (double ev : new EigenDecomposition(new Array2DRowRealMatrix(m)).getRealEigenvalues()) {
            min = Math.min(min, ev);
        }
        double a2 = 0;
        for (double v : a) {
            a2 += v * v;
        }
        double c;
        if (dist == Uniform.INSTANCE) {
            c = 3.0 * r;
        } else if (dist == Rademacher.INSTANCE) {
            c = r;
        } else if (dist == Gaussian.INSTANCE) {
            c = Math.sqrt(3.0 * r * (r + 2));
        } else {
            throw new IllegalArgumentException("no bound for " + dist.name());
        }
        return new ConvotronBound(min, (double) k * k * c * a2 * a2, alpha);
    }

    /** {@code η*}. */
    double bestEta() {
        return (1 + alpha) * lambdaMin / (2 * k2);
    }

    /** {@code ρ(η)}. */
    double contraction(double eta) {
        return 1 - eta * (1 + alpha) * lambdaMin + eta * eta * k2;
    }

    /** {@code ε = (ρ^T / δ)^½}. */
    double threshold(double eta, long steps, double delta) {
        return Math.sqrt(Math.exp(steps * Math.log(contraction(eta))) / delta);
    }

    /** The smallest {@code T} with {@code threshold(η, T, δ) <= eps}. */
    long stepsFor(double eta, double eps, double delta) {
        return (long) Math.ceil(Math.log(eps * eps * delta) / Math.log(contraction(eta)));
    }
}
