package org.onecnn.population;

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
public final class FixedOutputEngine extends FullDimensionEngine {
    @Override
    public String name() {
        return "fixed-output";
    }

    @Override
    BasinCertificate certificate(PopulationJob job) {
        return null;
    }

    @Override
    void advance(long m) {
        for (int i = 0; i < n; i++) {
            double[] wi = v[i]; // the plain filter w
            for (long it = 0; it < m; it++) {
                loss.gradientPlain(wi, a[i], gv, ga);
                for (int j = 0; j < wi.length; j++) {
                    wi[j] -= eta * gv[j];
                }
            }
        }
    }

    @Override
    void scalars(int j, double[] out) {
        double[] wi = v[j];
        double[] ai = a[j];
        out[LOSS] = loss.gradientPlain(wi, ai, gv, ga);
        double nw = Math.sqrt(NonOverlappingGaussian.dot(wi, wi));
        out[PHI] = f.angle(wi);
        out[NV] = nw;
        // the effective output weights ‖w‖ a
        outputScalars(ai, nw, out);
        out[GRAD] = Math.sqrt(NonOverlappingGaussian.dot(gv, gv));
    }
}
