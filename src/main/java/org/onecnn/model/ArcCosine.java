package org.onecnn.model;

/**
 * The degree-1 arc-cosine kernel: every closed form in onecnn goes through here.
 *
 * <p>For standard normals {@code u, u'} with correlation {@code cos θ}:
 * {@code E[σ(u)σ(u')] = g(θ)/2π} with {@code g(θ) = (π − θ) cos θ + sin θ}, σ = ReLU.
 * Special values: {@code g(0) = π} (so {@code E[σ(u)²] = 1/2}), {@code g(π/2) = 1}
 * (independent: {@code E σ(u) E σ(u') = 1/2π}), {@code g(π) = 0}. {@code g} is decreasing on
 * {@code [0, π]} with {@code g'(θ) = −(π − θ) sin θ}. Near the ends:
 * {@code π − g(θ) ≈ πθ²/2} and {@code g(π − ε) ≈ ε³/3}.
 */
public final class ArcCosine {
    public static final double PI = Math.PI;
    public static final double TWO_PI = 2 * Math.PI;
    /** {@code E[σ(u)] E[σ(u')] = 1/2π} for independent standard normals. */
    public static final double INDEPENDENT = 1 / TWO_PI;

    private ArcCosine() {
    }

    /** {@code g(θ) = (π − θ) cos θ + sin θ}, θ in [0, π]. */
    public static double g(double theta) {
        return (PI - theta) * Math.cos(theta) + Math.sin(theta);
    }

    /** {@code g} when cos θ and sin θ are already known (avoids two transcendental calls). */
    public static double g(double theta, double cos, double sin) {
        return (PI - theta) * cos + sin;
    }

    /** {@code dg/dθ = −(π − θ) sin θ}. */
    public static double dg(double theta) {
        return -(PI - theta) * Math.sin(theta);
    }

    /**
     * {@code E[σ(u)σ(u')]} for centred jointly Gaussian {@code u, u'} with standard deviations
     * {@code su, su'} and covariance {@code cov}: {@code su su' g(θ)/2π}, {@code cos θ = cov/(su su')}.
     * Zero when either standard deviation is zero.
     */
    public static double reluCovariance(double su, double sv, double cov) {
        double ss = su * sv;
        if (ss == 0) {
            return 0;
        }
        double cos = Math.max(-1, Math.min(1, cov / ss));
        double theta = Math.acos(cos);
        return ss * g(theta, cos, Math.sqrt(Math.max(0, 1 - cos * cos))) / TWO_PI;
    }
}
