package org.onecnn.empirical.layers;

import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * The parameter {@code v} ({@code [R, r]}, row ρ the filter parameter of student ρ) of
 * {@link WeightNormConv}. Fresh rows are standard Gaussian: their direction is uniform on the sphere, which
 * is all weight normalisation sees.
 */
public final class WeightNormConvParams extends StudentMatrixParams {
    public static final String V = "v";
    public static final WeightNormConvParams INSTANCE = new WeightNormConvParams();

    private WeightNormConvParams() {
        super(V);
    }

    @Override
    int cols(Layer layer) {
        return ((WeightNormConv) layer).getFilterSize();
    }

    @Override
    double scale(Layer layer) {
        return 1.0;
    }
}
