package org.onecnn.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Second-order classification of a stationary point of a loss {@code L(v, a)} that does not depend on {@code ‖v‖}
 * (weight normalisation), from the Hessian of its restriction to the tangent space: the sphere for {@code v}
 * (directions orthogonal to {@code v}) × {@code R^k} for {@code a} (docs/outcomes.md, "Second-order
 * classification").
 *
 * <h2>Chart and Hessian</h2>
 * With {@code e_1 … e_{p−1}} an orthonormal basis of {@code v⊥} and {@code f_1 … f_k} the standard basis of
 * {@code R^k}, the chart is {@code θ(ξ) = (v + ‖v‖ Σ_i ξ_i e_i, a + Σ_j ξ_{p−1+j} f_j)}: the {@code v}-coordinates
 * are angles (radians), so the eigenvalues do not depend on how far {@code ‖v‖} has drifted. Because
 * {@code vᵀ∂L/∂v = 0} (scale invariance), the Hessian of {@code L∘θ} at {@code ξ = 0} is the Riemannian Hessian of
 * {@code L} on {@code S^{p−1}(‖v‖) × R^k} (the curvature term of the sphere is proportional to {@code vᵀ∂L/∂v}),
 * at any point, stationary or not. The chart gradient is {@code G = (‖v‖ e_iᵀ ∂L/∂v, ∂L/∂a)}, and column
 * {@code j} of the Hessian is, for a filter direction, the central difference of the exact gradient,
 * <pre>  H_h[:, j] = (G(h e_j) − G(−h e_j)) / 2h,</pre>
 * computed at steps {@code h} and {@code 2h}; for an output direction the forward difference
 * {@code (G(h e_j) − G(0)) / h}, which is exact up to rounding because the loss is a quadratic polynomial in
 * {@code a} for fixed {@code v} ({@link LossOracle}: {@code f} is linear in {@code a}). The matrix is symmetrized
 * ({@code (H + Hᵀ)/2}) and its eigenvalues are those of {@code H_h} (Commons Math {@link EigenDecomposition}). With
 * {@code m = p − 1 + k} that is {@code 1 + 6(p − 1) + k} gradients (the {@code 2(p − 1)} at {@code ±t_max} are for
 * {@code M₃} below), and {@code 2J} more per probed direction.
 *
 * <h2>The tolerance</h2>
 * An eigenvalue is called zero when {@code |λ| ≤ tol}, with {@code tol = tol_fd + tol_stat}:
 * <ul>
 * <li>{@code tol_fd = ‖H_2h − H_h‖_F + m ε_G / h} bounds {@code ‖H_h − ∇²L‖₂} (Weyl: every eigenvalue moves by
 * at most that). The first term is the truncation error: if {@code H_h = ∇²L + C h^q + …} then
 * {@code H_2h − H_h ≈ (2^q − 1) C h^q}, which is at least the error {@code C h^q} for every order {@code q ≥ 1}. The
 * order is not assumed to be 2: at the population spurious point the loss is {@code ∝ |ξ|³} in the angle, whose
 * gradient {@code ∝ ξ|ξ|} is not twice differentiable, so the central difference is off by {@code O(h)} there
 * ({@code q = 1}, and the bound is attained). The term also measures whatever else differs between
 * the two steps, e.g. the kinks of a ReLU loss on finite samples. The second is the rounding: each gradient
 * component carries an absolute error {@code ≤ ε_G} (from the oracle: {@link LossOracle.Evaluation#gradError},
 * times {@code ‖v‖√p} for the {@code v}-coordinates), so each entry of {@code H_h} carries {@code ≤ ε_G / h}, and
 * the Frobenius norm of an {@code m × m} matrix of such entries is {@code ≤ m ε_G / h}.</li>
 * <li>{@code tol_stat = √(2 M₃ ‖G‖)} accounts for the point being stationary only to {@code ‖G‖} (the trainer stops
 * at {@code ‖∇L_n‖ ≤ grad_tol}, so {@code ‖G‖ ≤ grad_tol · max(‖v‖, 1)} up to rounding). Along a direction with
 * third derivative {@code M₃}, a point at distance {@code δ} from a stationary point with a zero eigenvalue has
 * gradient {@code M₃δ²/2} and eigenvalue {@code M₃δ}: an eigenvalue up to {@code √(2 M₃ ‖G‖)} can be an artefact of
 * not being exactly at the stationary point, and is not trusted to be non-zero. {@code M₃} is estimated over the
 * filter directions (where the degeneracies of these losses sit; the third derivative in {@code a} alone is zero)
 * at the probes' scale, one side at a time, {@code max_{j,±} 2‖G(±t_max e_j) − G(0) ∓ t_max H_h e_j‖ / t_max²}
 * (one-sided because the symmetric second difference cancels where the third derivative changes sign, as for the
 * {@code |ξ|³} of the population spurious point); at the scale {@code h} the
 * second difference of {@code L_n}'s gradient is dominated by the jumps at the kinks (their noise grows like
 * {@code h^{−3/2}}), which would inflate {@code M₃} by orders of magnitude. The tangent-space Hessian itself is
 * meaningful at a non-stationary point (it is chart-independent there, see above); only the decision between
 * "zero" and "non-zero" needs this margin. At an exact stationary point {@code tol_stat = 0}.</li>
 * </ul>
 *
 * <h2>Classification</h2>
 * {@code SADDLE} if {@code λ_min < −tol}; {@code STRICT_MINIMUM} if {@code λ_min > tol}; otherwise the point is
 * degenerate and is settled by probing the loss along every null eigenvector {@code u} ({@code |λ| ≤ tol}), on
 * both sides, at distances {@code t = t_max 2^{−j}}, {@code j = 0 … J−1}:
 * <pre>  R(t) = L(θ(t u)) − L(θ(0)) − t Gᵀu</pre>
 * (the first-order term is removed because the point is stationary only to {@code ‖G‖}: otherwise every direction
 * would fall on one side at small {@code t}). A rise counts beyond its rounding, {@code R > 2 ε_L + t √m ε_G}; a fall
 * only beyond the rounding and the quadratic term the Hessian could not resolve,
 * {@code R < −(2 ε_L + t √m ε_G + ½ tol t²)}: along a null direction the eigenvalue is only known to lie in
 * {@code [−tol, tol]}. On {@code L_n} this matters: its kinks (a sample's
 * pre-activation crossing 0) add to {@code R} terms of either sign of about that size (they are what makes
 * {@code ‖H_2h − H_h‖} large), and without this margin the probe "fell" at most far-side points to which gradient
 * descent had converged linearly, calling minima saddles. A genuine degenerate saddle still falls beyond it: with a
 * cubic {@code c t³} and the point at {@code δ} from the stationary point ({@code tol_stat ≈ 6cδ}), the fall
 * {@code |c(3δt² + t³)|} exceeds {@code 3cδt²} from {@code |t| ≈ 6δ} on. A fall at any probe → {@code DEGENERATE_SADDLE} (the loss
 * falls, e.g. through a cubic term); otherwise, if on each side of every null direction at least half of the
 * probes rise → {@code DEGENERATE_MINIMUM}, with the growth exponent of each direction the least-squares slope of
 * {@code log R} against {@code log t} over its rising probes (2 for a quadratic that the tolerance hid, 3 at the
 * population spurious point, where {@code g(φ) ≈ (π−φ)³/3}); else, if every null direction rises at some probe,
 * {@code ROUGH_MINIMUM} (nothing descends at the test's resolution, but the sign of {@code R} changes between the
 * distances: the kinks of {@code L_n}, whose contribution the margin {@code ½ tol t²} bounds, decide it there, and
 * which of the two minimum kinds a far-side point of {@code L_n} gets changes with {@code h} and {@code t_max}); else
 * {@code DEGENERATE_FLAT} (some direction flat to the probe's resolution: not certified). Over several null
 * directions the worst verdict wins (saddle, then flat, then rough).
 *
 * <p>Immutable and thread-safe; the oracle is called from the calling thread only.
 */
public final class SecondOrderClassifier {
    /** The default finite-difference step (radians for {@code v}). */
    public static final double DEFAULT_STEP = 1e-3;
    /** The default largest probe distance. */
    public static final double DEFAULT_PROBE_MAX = 0.05;
    /**
     * The default number of probe distances per side: 5, so the smallest, {@code 0.05/16 ≈ 3.1e−3}, stays above
     * {@code 2h}. Below the finite-difference scale {@code R(t)} of {@code L_n} is dominated by the gradient jumps
     * at the kinks crossed (random in sign, of order {@code J √(ρt) t} with {@code J ~ |r a x|/n} and
     * {@code ρ ~ n k/√(2π)} kinks per radian) and by the distance {@code ‖G‖/λ ~ 1e−3} to the exact stationary
     * point, not by the curvature: with 8 distances (down to {@code 4e−4}) the probe "fell" at empirical far-side
     * points whose smallest eigenvalue was positive.
     */
    public static final int DEFAULT_PROBES = 5;

    private final double h;
    private final double probeMax;
    private final int probes;

    /**
     * The default classifier: {@code h = 1e−3}, probes from {@code 0.05} down by halves, 5 per side. The step is
     * far above the optimum {@code ε^{1/3} ≈ 6e−6} of a smooth loss because {@code L_n} with ReLU units is only
     * piecewise smooth: its gradient jumps where a sample's pre-activation changes sign, at a rate of about
     * {@code n k / √(2π)} kinks per radian, and the central difference must span many of them to measure the
     * curvature rather than one jump; the step-doubling term of the tolerance measures what is left. For the
     * smooth population loss the truncation error at this step is {@code O(1e−6)} relative.
     */
    public SecondOrderClassifier() {
        this(DEFAULT_STEP, DEFAULT_PROBE_MAX, DEFAULT_PROBES);
    }

    /**
     * @param h        the finite-difference step in chart units ({@code > 0})
     * @param probeMax the largest probe distance ({@code > 0})
     * @param probes   probe distances per side ({@code ≥ 3})
     */
    public SecondOrderClassifier(double h, double probeMax, int probes) {
        if (!(h > 0) || !(probeMax > 0) || probes < 3) {
            throw new IllegalArgumentException("need h > 0, probeMax > 0, probes >= 3");
        }
        this.h = h;
        this.probeMax = probeMax;
        this.probes = probes;
    }

    /**
     * Classify the point {@code (v, a)} of {@code oracle}'s loss.
     *
     * @throws IllegalArgumentException if {@code v} is zero or the lengths do not match the oracle
     */
    public SecondOrderResult classify(LossOracle oracle, double[] v, double[] a) {
        int p = oracle.filterSize();
        int k = oracle.outputs();
        if (v.length != p || a.length != k) {
            throw new IllegalArgumentException("v, a must have lengths " + p + ", " + k);
        }
        Chart chart = new Chart(oracle, v, a);
        int m = chart.m;
        double[] zero = new double[m];
        Point origin = chart.at(zero);
        double[][] hh = new double[m][m];
        double[][] h2 = new double[m][m];
        double m3 = 0;
        for (int j = 0; j < p - 1; j++) {
            double[] gp = chart.at(unit(m, j, h)).grad;
            double[] gm = chart.at(unit(m, j, -h)).grad;
            double[] gp2 = chart.at(unit(m, j, 2 * h)).grad;
            double[] gm2 = chart.at(unit(m, j, -2 * h)).grad;
            double[] gp3 = chart.at(unit(m, j, probeMax)).grad;
            double[] gm3 = chart.at(unit(m, j, -probeMax)).grad;
            double right = 0;
            double left = 0;
            for (int i = 0; i < m; i++) {
                hh[i][j] = (gp[i] - gm[i]) / (2 * h);
                h2[i][j] = (gp2[i] - gm2[i]) / (4 * h);
                // one-sided: G(±t e_j) − G(0) ∓ t H e_j = ½ T(e_j, e_j, ·) t² + O(t³) on each side
                double r = 2 * (gp3[i] - origin.grad[i] - probeMax * hh[i][j]) / (probeMax * probeMax);
                double l = 2 * (gm3[i] - origin.grad[i] + probeMax * hh[i][j]) / (probeMax * probeMax);
                right += r * r;
                left += l * l;
            }
            m3 = Math.max(m3, Math.sqrt(Math.max(right, left)));
        }
        // the loss is quadratic in a (f is linear in a): a difference of the gradient in a is exact at any step
        for (int j = p - 1; j < m; j++) {
            double[] gp = chart.at(unit(m, j, h)).grad;
            for (int i = 0; i < m; i++) {
                hh[i][j] = (gp[i] - origin.grad[i]) / h;
                h2[i][j] = hh[i][j];
            }
        }
        symmetrize(hh);
        symmetrize(h2);
        double trunc = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double d = h2[i][j] - hh[i][j];
                trunc += d * d;
            }
        }
        double tolFd = Math.sqrt(trunc) + m * chart.gradError / h;
        double gNorm = norm(origin.grad);
        double tolStat = Math.sqrt(2 * m3 * gNorm);
        double tol = tolFd + tolStat;

        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(hh, false));
        double[] values = eig.getRealEigenvalues().clone();
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
        double[] sorted = new double[m];
        for (int i = 0; i < m; i++) {
            sorted[i] = values[order[i]];
        }
        double[] vBlock = blockEigenvalues(hh, 0, p - 1);
        double[] aBlock = blockEigenvalues(hh, p - 1, m);

        double min = sorted[0];
        SecondOrderKind kind;
        List<Double> exponents = new ArrayList<>();
        if (min < -tol) {
            kind = SecondOrderKind.SADDLE;
        } else if (min > tol) {
            kind = SecondOrderKind.STRICT_MINIMUM;
        } else {
            kind = SecondOrderKind.DEGENERATE_MINIMUM;
            for (int idx : order) {
                if (Math.abs(values[idx]) > tol) {
                    continue;
                }
                double[] u = eig.getEigenvector(idx).toArray();
                Probe probe = probe(chart, origin, u, tol);
                kind = worse(kind, probe.falls ? SecondOrderKind.DEGENERATE_SADDLE
                        : probe.rises ? SecondOrderKind.DEGENERATE_MINIMUM
                        : probe.risesSomewhere ? SecondOrderKind.ROUGH_MINIMUM : SecondOrderKind.DEGENERATE_FLAT);
                exponents.add(probe.exponent);
            }
        }
        double[] exps = exponents.stream().mapToDouble(Double::doubleValue).toArray();
        return new SecondOrderResult(kind, sorted, ends(vBlock)[0], ends(vBlock)[1], ends(aBlock)[0],
                ends(aBlock)[1], tol, tolFd, tolStat, gNorm, m3, origin.loss, exps);
    }

    /**
     * The verdict of a point whose null directions gave {@code a} and {@code b}: the worse of the two, in the order
     * degenerate minimum, rough minimum, flat, degenerate saddle (one descending direction makes a saddle, one
     * flat direction leaves the point uncertified).
     */
    private static SecondOrderKind worse(SecondOrderKind a, SecondOrderKind b) {
        List<SecondOrderKind> order = List.of(SecondOrderKind.DEGENERATE_MINIMUM, SecondOrderKind.ROUGH_MINIMUM,
                SecondOrderKind.DEGENERATE_FLAT, SecondOrderKind.DEGENERATE_SADDLE);
        return order.indexOf(a) >= order.indexOf(b) ? a : b;
    }

    /**
     * What a probe along one direction found: a fall beyond the margin; a rise at half the probes on each side;
     * a rise at some probe.
     */
    private record Probe(boolean falls, boolean rises, boolean risesSomewhere, double exponent) {
    }

    private Probe probe(Chart chart, Point origin, double[] u, double tol) {
        int m = u.length;
        double slope = dot(origin.grad, u);
        boolean falls = false;
        boolean rises = true;
        List<double[]> rising = new ArrayList<>();
        for (int sign = -1; sign <= 1; sign += 2) {
            int up = 0;
            for (int j = 0; j < probes; j++) {
                double t = sign * probeMax * Math.pow(2, -j);
                double[] xi = new double[m];
                for (int i = 0; i < m; i++) {
                    xi[i] = t * u[i];
                }
                double[] q = chart.lossAt(xi);
                double r = q[0] - origin.loss - t * slope;
                double noise = q[1] + origin.lossError + Math.abs(t) * Math.sqrt(m) * chart.gradError;
                // a fall must also exceed the quadratic term the Hessian left unresolved: along a null direction
                // the eigenvalue is only known to lie in [−tol, tol] (on L_n also about the size of the kinks'
                // contribution, which tol_fd measured); a rise beyond rounding counts as it is
                double unresolved = 0.5 * tol * t * t;
                if (r < -(noise + unresolved) || !Double.isFinite(r)) {
                    falls = true;
                } else if (r > noise) {
                    up++;
                    rising.add(new double[] {Math.log(Math.abs(t)), Math.log(r)});
                }
            }
            rises &= 2 * up >= probes;
        }
        return new Probe(falls, rises && !falls, !rising.isEmpty(), slope(rising));
    }

    /** Least-squares slope of the points {@code (x, y)}; NaN with fewer than two. */
    private static double slope(List<double[]> pts) {
        if (pts.size() < 2) {
            return Double.NaN;
        }
        double mx = 0;
        double my = 0;
        for (double[] q : pts) {
            mx += q[0];
            my += q[1];
        }
        mx /= pts.size();
        my /= pts.size();
        double sxy = 0;
        double sxx = 0;
        for (double[] q : pts) {
            sxy += (q[0] - mx) * (q[1] - my);
            sxx += (q[0] - mx) * (q[0] - mx);
        }
        return sxx > 0 ? sxy / sxx : Double.NaN;
    }

    /** The eigenvalues of the diagonal block {@code [lo, hi)} of a symmetric matrix (empty if the block is). */
    private static double[] blockEigenvalues(double[][] mat, int lo, int hi) {
        int n = hi - lo;
        if (n <= 0) {
            return new double[0];
        }
        double[][] b = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(mat[lo + i], lo, b[i], 0, n);
        }
        RealMatrix rm = new Array2DRowRealMatrix(b, false);
        return new EigenDecomposition(rm).getRealEigenvalues();
    }

    /** {min, max} of the values ({NaN, NaN} if none). */
    private static double[] ends(double[] x) {
        if (x.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double e : x) {
            lo = Math.min(lo, e);
            hi = Math.max(hi, e);
        }
        return new double[] {lo, hi};
    }

    private static double[] unit(int m, int j, double t) {
        double[] x = new double[m];
        x[j] = t;
        return x;
    }

    private static void symmetrize(double[][] x) {
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < i; j++) {
                double s = 0.5 * (x[i][j] + x[j][i]);
                x[i][j] = s;
                x[j][i] = s;
            }
        }
    }

    private static double norm(double[] x) {
        return Math.sqrt(dot(x, x));
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    /** The loss and the chart gradient at a chart point. */
    private record Point(double loss, double[] grad, double lossError) {
    }

    /** The chart {@code θ(ξ)} at {@code (v, a)} and the oracle seen through it. */
    private static final class Chart {
        final LossOracle oracle;
        final double[] v;
        final double[] a;
        final double nv;
        final double[][] basis;
        final int p;
        final int k;
        final int m;
        /** The rounding bound of a chart-gradient component (the larger of the v- and a-coordinates'). */
        double gradError;

        Chart(LossOracle oracle, double[] v, double[] a) {
            this.oracle = oracle;
            this.v = v.clone();
            this.a = a.clone();
            this.p = v.length;
            this.k = a.length;
            this.m = p - 1 + k;
            this.nv = norm(v);
            if (!(nv > 0) || !Double.isFinite(nv)) {
                throw new IllegalArgumentException("v must be finite and non-zero");
            }
            this.basis = orthonormalComplement(v);
        }

        /** The loss at chart point {@code xi} and its rounding bound ({@code {L, ε_L}}), without the gradient. */
        double[] lossAt(double[] xi) {
            double[][] va = point(xi);
            LossOracle.Evaluation e = oracle.evaluateLoss(va[0], va[1]);
            return new double[] {e.loss(), e.lossError()};
        }

        /** {@code (v, a)} of chart point {@code xi}. */
        private double[][] point(double[] xi) {
            double[] vv = v.clone();
            for (int i = 0; i < p - 1; i++) {
                for (int c = 0; c < p; c++) {
                    vv[c] += nv * xi[i] * basis[i][c];
                }
            }
            double[] aa = a.clone();
            for (int j = 0; j < k; j++) {
                aa[j] += xi[p - 1 + j];
            }
            return new double[][] {vv, aa};
        }

        Point at(double[] xi) {
            double[][] va = point(xi);
            LossOracle.Evaluation e = oracle.evaluate(va[0], va[1]);
            double[] g = new double[m];
            for (int i = 0; i < p - 1; i++) {
                g[i] = nv * dot(basis[i], e.gv());
            }
            System.arraycopy(e.ga(), 0, g, p - 1, k);
            gradError = Math.max(gradError, Math.max(nv * Math.sqrt(p), 1) * e.gradError());
            return new Point(e.loss(), g, e.lossError());
        }

        /**
         * An orthonormal basis of {@code v⊥}: Gram–Schmidt (twice, for orthogonality to rounding) of the standard
         * basis vectors against {@code v̂} and each other, taking them in the order of the smallest {@code |v̂_c|}
         * first and skipping the one most aligned with {@code v̂}.
         */
        static double[][] orthonormalComplement(double[] v) {
            int p = v.length;
            double nv = norm(v);
            double[] w = new double[p];
            for (int c = 0; c < p; c++) {
                w[c] = v[c] / nv;
            }
            Integer[] order = new Integer[p];
            for (int c = 0; c < p; c++) {
                order[c] = c;
            }
            Arrays.sort(order, (x, y) -> Double.compare(Math.abs(w[x]), Math.abs(w[y])));
            List<double[]> done = new ArrayList<>();
            done.add(w);
            double[][] out = new double[p - 1][];
            for (int n = 0; n < p - 1; n++) {
                double[] e = new double[p];
                e[order[n]] = 1;
                for (int pass = 0; pass < 2; pass++) {
                    for (double[] q : done) {
                        double d = dot(e, q);
                        for (int c = 0; c < p; c++) {
                            e[c] -= d * q[c];
                        }
                    }
                }
                double ne = norm(e);
                for (int c = 0; c < p; c++) {
                    e[c] /= ne;
                }
                done.add(e);
                out[n] = e;
            }
            return out;
        }
    }
}
