package org.onecnn.population;

/**
 * Algorithm 1 (Du et al. 2018) written in the full dimensions: {@code v ← v − η ∂L/∂v},
 * {@code a ← a − η ∂L/∂a} with the gradients of {@link NonOverlappingGaussian#gradient}. O(k + p) per
 * step; the reference that {@link ReducedEngine} is tested against.
 */
public final class FullEngine extends FullDimensionEngine {
    @Override
    public String name() {
        return "full";
    }

    @Override
    BasinCertificate certificate(PopulationJob job) {
        return new BasinCertificate(f, job.eta(), job.classifier());
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
        out[PHI] = f.angle(vi);
        out[NV] = Math.sqrt(NonOverlappingGaussian.dot(vi, vi));
        outputScalars(ai, 1.0, out);
        out[GRAD] = Math.sqrt(NonOverlappingGaussian.dot(gv, gv) + NonOverlappingGaussian.dot(ga, ga));
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
