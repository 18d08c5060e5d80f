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

    /** Below this argument the odd series of {@link #sinMinusXCos} is used (error below 1e−17 relative). */
    private static final double SERIES = 0.25;

    /**
     * {@code g(θ) = (π − θ) cos θ + sin θ}, θ in [0, π]. Near π, with {@code ψ = π − θ},
     * {@code g = sin ψ − ψ cos ψ ≈ ψ³/3} is summed as a series so that it keeps full relative accuracy
     * (the direct formula cancels to absolute rounding error there).
     */
    public static double g(double theta) {
        double psi = PI - theta;
        if (psi < SERIES) {
            return sinMinusXCos(psi);
        }
        return psi * Math.cos(theta) + Math.sin(theta);
    }

    /** {@code g} when cos θ and sin θ are already known (avoids two transcendental calls). */
    public static double g(double theta, double cos, double sin) {
        return (PI - theta) * cos + sin;
    }

    /**
     * {@code π − g(θ) = 2π sin²(θ/2) − (sin θ − θ cos θ) ≈ πθ²/2}, with full relative accuracy for small θ
     * (the direct formula {@code π − g} cancels there). Non-negative on [0, π].
     */
    public static double piMinusG(double theta) {
        double h = Math.sin(0.5 * theta);
        if (theta < SERIES) {
            return 2 * PI * h * h - sinMinusXCos(theta);
        }
        return PI - g(theta);
    }

    /**
     * {@code sin x − x cos x = Σ_{n≥1} (−1)^{n+1} 2n x^{2n+1}/(2n+1)! = x³/3 − x⁵/30 + x⁷/840 − ...},
     * summed to x¹³ for {@code x < 1/4} (next term below 1e−18 relative), directly otherwise.
     */
    static double sinMinusXCos(double x) {
        if (x >= SERIES) {
            return Math.sin(x) - x * Math.cos(x);
        }
        double x2 = x * x;
        // coefficients 2n/(2n+1)! for n = 1..6
        double s = 12.0 / 6227020800.0;
        s = 10.0 / 39916800.0 - x2 * s;
        s = 8.0 / 362880.0 - x2 * s;
        s = 6.0 / 5040.0 - x2 * s;
        s = 4.0 / 120.0 - x2 * s;
        s = 2.0 / 6.0 - x2 * s;
        return x * x2 * s;
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
