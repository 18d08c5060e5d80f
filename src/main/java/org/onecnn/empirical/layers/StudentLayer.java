package org.onecnn.empirical.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What the two ensemble layers share: no bias, no layer norm, no weight noise, no pretraining, and the
 * accumulate mode of the gradient (see {@link #setAccumulate}).
 */
abstract class StudentLayer<C extends org.deeplearning4j.nn.conf.layers.BaseLayer> extends BaseLayer<C> {
    private static final long serialVersionUID = 1L;

    /** Add the gradient to the gradient view instead of replacing it (see {@link #setAccumulate}). */
    protected transient boolean accumulate;

    StudentLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * In accumulate mode a layer's gradient is added to its gradient view instead of replacing it, one block
     * of {@code reductionBlock} samples at a time in sample order: a trainer that zeroes the view once per step
     * and feeds the batch in chunks (multiples of the block) adds the same block sums in the same order as one
     * pass over the whole batch. (Each block sum itself is a GEMM whose internal order is ND4J's.)
     */
    public void setAccumulate(boolean accumulate) {
        this.accumulate = accumulate;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no weight noise
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }

    @Override
    public boolean hasBias() {
        return false;
    }

    @Override
    public boolean hasLayerNorm() {
        return false;
    }
}
