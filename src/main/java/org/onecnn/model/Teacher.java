package org.onecnn.model;

import java.util.Arrays;

import org.onecnn.util.InvalidInputException;
import org.onecnn.util.SeededRandom;

/**
 * The teacher network {@code y = Σ_i a*_i σ(w*ᵀ Z_i)}: a filter {@code w* ∈ R^r} and output weights
 * {@code a* ∈ R^k}. Immutable; accessors return copies.
 *
 * <p>{@code c = ‖w*‖} need not be 1: the student's filter has unit norm, so the student equals the
 * teacher at {@code w = w* / c, a = c a*}. The scalars {@code S1 = 1ᵀa*} and {@code N2 = ‖a*‖²} are all
 * the exact non-overlapping dynamics need of {@code a*} (docs/model.md §7).
 */
public final class Teacher {
    private final double[] wStar;
    private final double[] aStar;
    private final double c;
    private final double s1;
    private final double n2;
    private final String description;

    private Teacher(double[] wStar, double[] aStar, String description) {
        this.wStar = wStar;
        this.aStar = aStar;
        this.c = norm(wStar);
        double s = 0;
        double q = 0;
        for (double x : aStar) {
            s += x;
            q += x * x;
        }
        this.s1 = s;
        this.n2 = q;
        this.description = description;
    }

    /** A teacher from explicit vectors ({@code w*} non-zero, all entries finite). */
    public static Teacher of(double[] wStar, double[] aStar) {
        if (wStar == null || wStar.length == 0) {
            throw new InvalidInputException("w_star", "must be a non-empty vector");
        }
        if (aStar == null || aStar.length == 0) {
            throw new InvalidInputException("a_star", "must be a non-empty vector");
        }
        InvalidInputException.requireFinite("w_star", wStar);
        InvalidInputException.requireFinite("a_star", aStar);
        if (norm(wStar) == 0) {
            throw new InvalidInputException("w_star", "must be non-zero");
        }
        return new Teacher(wStar.clone(), aStar.clone(), "explicit");
    }

    /**
     * The family of docs/model.md §6: {@code ‖w*‖ = wNorm} in a random direction, and
     * {@code a* = A (√ρ/k · 1 + √(1 − ρ/k) · u)} with {@code u} a random unit vector orthogonal to
     * {@code 1}, so that {@code (1ᵀa*)²/‖a*‖² = ρ} and {@code ‖a*‖ = A}. By rotational symmetry the
     * dynamics depend on {@code (k, p, ρ, A, ‖w*‖)} only, not on the directions drawn from {@code seed}.
     *
     * @param k     number of patches, >= 1
     * @param p     filter size, >= 1
     * @param ratio ρ in [0, k] (for k = 1 only ρ = 1 is possible)
     * @param aNorm A = ‖a*‖ > 0
     * @param wNorm c = ‖w*‖ > 0
     * @param seed  seed of the directions of {@code w*} and {@code u}
     */
    public static Teacher ratioFamily(int k, int p, double ratio, double aNorm, double wNorm, long seed) {
        if (k < 1) {
            throw new InvalidInputException("k", "must be >= 1, got " + k);
        }
        if (p < 1) {
            throw new InvalidInputException("p", "must be >= 1, got " + p);
        }
        if (!(ratio >= 0 && ratio <= k)) {
            throw new InvalidInputException("ratio", "must lie in [0, k] = [0, " + k + "], got " + ratio);
        }
        if (k == 1 && ratio != 1) {
            throw new InvalidInputException("ratio", "with k = 1 the ratio (1ᵀa*)²/‖a*‖² is always 1, got "
                    + ratio);
        }
        InvalidInputException.requirePositive("a_norm", aNorm);
        InvalidInputException.requirePositive("w_norm", wNorm);
        SeededRandom rng = new SeededRandom(seed);
        double[] w = rng.unitVector(p);
        for (int i = 0; i < p; i++) {
            w[i] *= wNorm;
        }
        double[] a = new double[k];
        double along = Math.sqrt(ratio) / k;
        double across = Math.sqrt(Math.max(0, 1 - ratio / k));
        double[] u = k > 1 ? unitOrthogonalToOnes(rng, k) : new double[k];
        for (int i = 0; i < k; i++) {
            a[i] = aNorm * (along + across * u[i]);
        }
        String d = String.format("ratio family: k=%d p=%d ratio=%s a_norm=%s w_norm=%s seed=%d", k, p, ratio, aNorm,
                wNorm, seed);
        return new Teacher(w, a, d);
    }

    /** A Gaussian teacher {@code w* ~ N(0, I_r)}, {@code a* ~ N(0, I_k)} (Du and Goel's setting). */
    public static Teacher gaussian(int k, int r, long seed) {
        SeededRandom rng = new SeededRandom(seed);
        double[] w = rng.gaussianVector(r);
        double[] a = rng.gaussianVector(k);
        return new Teacher(w, a, "gaussian: k=" + k + " r=" + r + " seed=" + seed);
    }

    private static double[] unitOrthogonalToOnes(SeededRandom rng, int k) {
        while (true) {
            double[] u = rng.gaussianVector(k);
            double mean = 0;
            for (double x : u) {
                mean += x;
            }
            mean /= k;
            double n = 0;
            for (int i = 0; i < k; i++) {
                u[i] -= mean;
                n += u[i] * u[i];
            }
            if (n > 1e-12) {
                double inv = 1 / Math.sqrt(n);
                for (int i = 0; i < k; i++) {
                    u[i] *= inv;
                }
                return u;
            }
        }
    }

    static double norm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    /** The filter {@code w*} (a copy). */
    public double[] wStar() {
        return wStar.clone();
    }

    /** The output weights {@code a*} (a copy). */
    public double[] aStar() {
        return aStar.clone();
    }

    /** The unit filter direction {@code w* / c}. */
    public double[] wStarUnit() {
        double[] u = wStar.clone();
        for (int i = 0; i < u.length; i++) {
            u[i] /= c;
        }
        return u;
    }

    /**
     * This teacher, checked against an architecture: {@code |w*| = r} and {@code |a*| = k}.
     *
     * @param name how the caller calls this teacher, for the message ({@code teacher}: fields
     *             {@code teacher.w_star}, {@code teacher.a_star})
     * @throws InvalidInputException if the lengths do not fit
     */
    public Teacher requireFits(Architecture arch, String name) {
        if (r() != arch.r()) {
            throw new InvalidInputException(name + ".w_star", "must have length r = " + arch.r() + ", got " + r());
        }
        if (k() != arch.k()) {
            throw new InvalidInputException(name + ".a_star", "must have length k = " + arch.k() + " (patches of "
                    + arch + "), got " + k());
        }
        return this;
    }

    /** {@code k}, the number of patches (length of {@code a*}). */
    public int k() {
        return aStar.length;
    }

    /** {@code r}, the filter size (length of {@code w*}). */
    public int r() {
        return wStar.length;
    }

    /** {@code c = ‖w*‖}. */
    public double c() {
        return c;
    }

    /** {@code S1 = 1ᵀa*}. */
    public double sumA() {
        return s1;
    }

    /** {@code N2 = ‖a*‖²}. */
    public double normA2() {
        return n2;
    }

    /** {@code ρ = (1ᵀa*)²/‖a*‖²}. */
    public double ratio() {
        return n2 == 0 ? 0 : s1 * s1 / n2;
    }

    /** How the teacher was made (for provenance). */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return "Teacher[" + description + ", c=" + c + ", 1ᵀa*=" + s1 + ", ‖a*‖²=" + n2 + ", w*="
                + Arrays.toString(wStar) + "]";
    }
}
