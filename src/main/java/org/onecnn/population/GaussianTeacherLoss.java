package org.onecnn.population;

import org.onecnn.model.Teacher;

/**
 * What the exact population losses of a teacher under Gaussian input share: the teacher's scalars
 * ({@code c = ‖w*‖}, {@code 1ᵀa*}, {@code ‖a*‖²}), its directions, and the angle of a filter to
 * {@code w*}. The losses themselves ({@link NonOverlappingGaussian}, {@link OverlappingGaussian})
 * differ only in how patches share coordinates.
 */
public abstract sealed class GaussianTeacherLoss implements PopulationLoss
        permits NonOverlappingGaussian, OverlappingGaussian {
    /** Number of patches. */
    final int k;
    /** Filter size. */
    final int p;
    /** {@code c = ‖w*‖}. */
    final double c;
    /** {@code 1ᵀa*}. */
    final double s1;
    /** {@code ‖a*‖²}. */
    final double n2;
    /** {@code w* / c}. */
    final double[] wHat;
    final double[] aStar;

    GaussianTeacherLoss(Teacher teacher) {
        this.k = teacher.k();
        this.p = teacher.r();
        this.c = teacher.c();
        this.s1 = teacher.sumA();
        this.n2 = teacher.normA2();
        this.wHat = teacher.wStarUnit();
        this.aStar = teacher.aStar();
    }

    @Override
    public int k() {
        return k;
    }

    @Override
    public double c() {
        return c;
    }

    /** {@code 1ᵀa*}. */
    public double sumAStar() {
        return s1;
    }

    /** {@code ‖a*‖²}. */
    public double normAStar2() {
        return n2;
    }

    /** The teacher's output weights {@code a*} (a copy). */
    @Override
    public double[] aStar() {
        return aStar.clone();
    }

    /** The teacher's unit filter direction {@code w* / c} (a copy). */
    @Override
    public double[] wStarUnit() {
        return wHat.clone();
    }

    /** The global minimum's output weights {@code c a*}. */
    @Override
    public double[] globalA() {
        double[] a = aStar.clone();
        for (int i = 0; i < k; i++) {
            a[i] *= c;
        }
        return a;
    }

    /** The angle {@code φ = ∠(v, w*) ∈ [0, π]}, as {@code atan2(‖v − (ŵᵀv)ŵ‖, ŵᵀv)}. */
    @Override
    public double angle(double[] v) {
        double x = dot(v, wHat);
        double y2 = 0;
        for (int i = 0; i < p; i++) {
            double e = v[i] - x * wHat[i];
            y2 += e * e;
        }
        return Math.atan2(Math.sqrt(y2), x);
    }

    /** {@code e = scale·a − c a*}, the deviation of (effective) output weights from the teacher's. */
    double[] deviation(double[] a, double scale) {
        double[] e = new double[k];
        for (int i = 0; i < k; i++) {
            e[i] = scale * a[i] - c * aStar[i];
        }
        return e;
    }

    /** {@code xᵀy}, summed in index order. */
    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    /** {@code 1ᵀx}, summed in index order. */
    static double sum(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s;
    }
}
