package org.onecnn.empirical.layers;

import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * The parameter {@code a} ({@code [R, k]}, row ρ the output weights of student ρ) of
 * {@link EnsembleOutput}; fresh entries {@code N(0, 1/k)}.
 */
public final class EnsembleOutputParams extends StudentMatrixParams {
    public static final String A = "a";
    public static final EnsembleOutputParams INSTANCE = new EnsembleOutputParams();

    private EnsembleOutputParams() {
        super(A);
    }

    @Override
    int cols(Layer layer) {
        return ((EnsembleOutput) layer).getPatches();
    }

    @Override
    double scale(Layer layer) {
        return 1 / Math.sqrt(((EnsembleOutput) layer).getPatches());
    }
}
