package org.onecnn.population;

import java.util.List;

/**
 * The fixed-output-layer setting of Brutzkus and Globerson (2017): the output weights {@code a} stay
 * at their initial value (all ones in the paper) and only the filter is learned, as a plain,
 * unnormalised {@code w}, by gradient descent {@code w ← w − η ∂L/∂w} on the exact population loss
 * ({@link NonOverlappingGaussian#gradientPlain}). The initial point's {@code v} is the initial
 * {@code w}.
 *
 * <p>Runs are judged on the effective weight-normalised student {@code (w, ‖w‖ a)}: the angle of
 * {@code w} and the effective output weights {@code ‖w‖ a}, whose target is {@code c a*}. The basin
 * certificate of Algorithm 1 does not apply to these dynamics, so runs stop on the target loss,
 * stationarity or the budget.
 */
public final class FixedOutputEngine extends BatchEngine {
    private double[][] w;
    private double[][] a;
    private int[] ids;
    private int n;
    private double[] aSpurious;
    private double[] gw;
    private double[] ga;

    @Override
    public String name() {
        return "fixed-output";
    }

    @Override
    BasinCertificate certificate(PopulationJob job) {
        return null;
    }

    @Override
    void load(PopulationJob job) {
        n = job.inits().size();
        w = new double[n][];
        a = new double[n][];
        ids = new int[n];
        for (int i = 0; i < n; i++) {
            w[i] = job.inits().get(i).v();
            a[i] = job.inits().get(i).a();
            ids[i] = i;
        }
        aSpurious = f.spuriousA();
        gw = new double[f.p()];
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
            double[] wi = w[i];
            for (long it = 0; it < m; it++) {
                loss.gradientPlain(wi, a[i], gw, ga);
                for (int j = 0; j < wi.length; j++) {
                    wi[j] -= eta * gw[j];
                }
            }
        }
    }

    @Override
    void scalars(int j, double[] out) {
        double[] wi = w[j];
        double[] ai = a[j];
        out[LOSS] = loss.gradientPlain(wi, ai, gw, ga);
        double nw = Math.sqrt(NonOverlappingGaussian.dot(wi, wi));
        double[] e = f.deviation(ai, nw);
        out[PHI] = f.angle(wi);
        out[NV] = nw;
        out[U] = NonOverlappingGaussian.sum(e);
        out[PE] = f.dot(e);
        out[D2] = NonOverlappingGaussian.dot(e, e);
        // the spurious point of docs/model.md §3 is that of non-overlapping patches
        out[DS] = overlapping ? Double.NaN : NonOverlappingGaussian.distance(ai, nw, aSpurious);
        out[GRAD] = Math.sqrt(NonOverlappingGaussian.dot(gw, gw));
    }

    @Override
    void compact(boolean[] keep) {
        int m = 0;
        for (int j = 0; j < n; j++) {
            if (keep[j]) {
                w[m] = w[j];
                a[m] = a[j];
                ids[m] = ids[j];
                m++;
            }
        }
        n = m;
    }
}
