package org.onecnn.population;

import java.util.List;

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
    private double[] aSpurious;
    private double[] gv;
    private double[] ga;

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
        aSpurious = f.spuriousA();
        gv = new double[f.p()];
        ga = new double[f.k()];
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
                loss.gradient(vi, ai, gv, ga);
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
        out[LOSS] = loss.gradient(vi, ai, gv, ga);
        double[] e = f.deviation(ai, 1.0);
        out[PHI] = f.angle(vi);
        out[NV] = Math.sqrt(NonOverlappingGaussian.dot(vi, vi));
        out[U] = NonOverlappingGaussian.sum(e);
        out[PE] = f.dot(e);
        out[D2] = NonOverlappingGaussian.dot(e, e);
        // the spurious point of docs/model.md §3 is that of non-overlapping patches
        out[DS] = overlapping ? Double.NaN : NonOverlappingGaussian.distance(ai, 1.0, aSpurious);
        out[GRAD] = Math.sqrt(NonOverlappingGaussian.dot(gv, gv) + NonOverlappingGaussian.dot(ga, ga));
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

    /** The current {@code v} of the run in a slot (tests). */
    double[] v(int slot) {
        return v[slot].clone();
    }

    /** The current {@code a} of the run in a slot (tests). */
    double[] a(int slot) {
        return a[slot].clone();
    }
}
