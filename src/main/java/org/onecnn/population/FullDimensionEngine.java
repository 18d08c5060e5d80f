package org.onecnn.population;

/**
 * The state shared by the engines that iterate in the full dimensions ({@link FullEngine},
 * {@link FixedOutputEngine}): per active slot a filter vector and output weights, updated in place,
 * and the job index of its run. Subclasses give the step ({@link #advance}) and the scalars.
 */
abstract class FullDimensionEngine extends BatchEngine {
    /** The filter of each slot: {@code v} (weight-normalised) or the plain {@code w}. */
    double[][] v;
    /** The output weights of each slot. */
    double[][] a;
    /** The spurious output weights of docs/model.md §3 (non-overlapping patches). */
    double[] aSpurious;
    /** Gradient buffers, reused by every step: filter, output weights. */
    double[] gv;
    double[] ga;

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

    /**
     * The scalars of the effective output weights {@code scale · a} of a slot into {@code out[U]},
     * {@code out[PE]}, {@code out[D2]} and {@code out[DS]}; {@code DS} is {@code NaN} for overlapping
     * patches, whose spurious point is not that of docs/model.md §3.
     */
    void outputScalars(double[] ai, double scale, double[] out) {
        double[] e = f.deviation(ai, scale);
        out[U] = NonOverlappingGaussian.sum(e);
        out[PE] = f.dot(e);
        out[D2] = NonOverlappingGaussian.dot(e, e);
        out[DS] = overlapping ? Double.NaN : NonOverlappingGaussian.distance(ai, scale, aSpurious);
    }
}
