package org.onecnn.population;

import java.util.List;

import org.onecnn.model.ArcCosine;

/**
 * Algorithm 1 (Du et al. 2018) written in the full dimensions: {@code v ← v − η ∂L/∂v},
 * {@code a ← a − η ∂L/∂a} with the gradients of {@link NonOverlappingGaussian#gradient}. O(k + p) per
 * step; the reference that {@link ReducedEngine} is tested against.
 */
public final class FullEngine extends BatchEngine {
    private double[][] v;
    private double[][] a;
    private int[] ids;
    private int n;
    private double[] gv;
    private double[] ga;
    private double[] aGlobal;
    private double[] aSpurious;

    @Override
    public String name() {
        return "full";
    }

    @Override
    BasinCertificate certificate(PopulationJob job) {
        return new BasinCertificate(f, job.eta(), job.classifier());
    }

    @Override
    void load(PopulationJob job) {
        n = job.inits().size();
        v = new double[n][];
        a = new double[n][];
        ids = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = job.inits().get(i).v();
            a[i] = job.inits().get(i).a();
            ids[i] = i;
        }
        gv = new double[f.p()];
        ga = new double[f.k()];
        aGlobal = f.globalA();
        aSpurious = f.spuriousA();
    }

    @Override
    int active() {
        return n;
    }

    @Override
    int id(int slot) {
        return ids[slot];
    }

    @Override
    void advance(long m) {
        for (int i = 0; i < n; i++) {
            double[] vi = v[i];
            double[] ai = a[i];
            for (long it = 0; it < m; it++) {
                f.gradient(vi, ai, gv, ga);
                for (int j = 0; j < vi.length; j++) {
                    vi[j] -= eta * gv[j];
                }
                for (int j = 0; j < ai.length; j++) {
                    ai[j] -= eta * ga[j];
                }
            }
        }
    }

    @Override
    void scalars(int j, double[] out) {
        double[] vi = v[j];
        double[] ai = a[j];
        double loss = f.gradient(vi, ai, gv, ga);
        out[PHI] = f.angle(vi);
        out[NV] = Math.sqrt(NonOverlappingGaussian.dot(vi, vi));
        out[S] = NonOverlappingGaussian.sum(ai);
        out[P] = f.dot(ai);
        out[Q] = NonOverlappingGaussian.dot(ai, ai);
        out[GRAD] = Math.sqrt(NonOverlappingGaussian.dot(gv, gv) + NonOverlappingGaussian.dot(ga, ga));
        out[DG] = distance(ai, 1, aGlobal);
        out[DS] = distance(ai, 1, aSpurious);
        assert Double.isNaN(loss) || Math.abs(loss - f.loss(out[Q], out[S], out[P], ArcCosine.g(out[PHI]))) < 1e-9;
    }

    @Override
    void compact(boolean[] keep) {
        int m = 0;
        for (int j = 0; j < n; j++) {
            if (keep[j]) {
                v[m] = v[j];
                a[m] = a[j];
                ids[m] = ids[j];
                m++;
            }
        }
        n = m;
    }

    /** {@code ‖scale·a − b‖}, from the vectors. */
    static double distance(double[] a, double scale, double[] b) {
        double d2 = 0;
        for (int i = 0; i < a.length; i++) {
            double e = scale * a[i] - b[i];
            d2 += e * e;
        }
        return Math.sqrt(d2);
    }

    /** The current {@code v} of the run in a slot (tests). */
    double[] v(int slot) {
        return v[slot].clone();
    }

    /** The current {@code a} of the run in a slot (tests). */
    double[] a(int slot) {
        return a[slot].clone();
    }
}
