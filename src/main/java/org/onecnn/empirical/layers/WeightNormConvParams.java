package org.onecnn.empirical.layers;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parameter {@code v} ({@code [R, r]}, row ρ the filter parameter of student ρ) of
 * {@link WeightNormConv}. Freshly initialised rows are standard Gaussian (their direction is uniform on
 * the sphere, which is all weight normalisation sees), drawn from ND4J's generator, which the network
 * seeds from its configuration; experiments overwrite them with their recorded initial points.
 */
public final class WeightNormConvParams implements ParamInitializer {
    public static final String V = "v";
    public static final WeightNormConvParams INSTANCE = new WeightNormConvParams();

    private WeightNormConvParams() {
    }

    private static WeightNormConv conf(Layer l) {
        return (WeightNormConv) l;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        WeightNormConv c = conf(layer);
        return (long) c.getStudents() * c.getFilterSize();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return Collections.singletonList(V);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return Collections.singletonList(V);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return Collections.emptyList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return V.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        WeightNormConv c = conf(conf.getLayer());
        INDArray v = paramsView.reshape('c', c.getStudents(), c.getFilterSize());
        if (initializeParams) {
            v.assign(Nd4j.randn(v.dataType(), c.getStudents(), c.getFilterSize()));
        }
        return Collections.singletonMap(V, v);
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        WeightNormConv c = conf(conf.getLayer());
        return Collections.singletonMap(V, gradientView.reshape('c', c.getStudents(), c.getFilterSize()));
    }
}
