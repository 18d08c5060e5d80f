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
 * A layer whose only parameter is one row-major {@code [R, m]} matrix, row ρ belonging to student ρ (no
 * bias): the shape shared by {@link WeightNormConvParams} ({@code v}) and {@link EnsembleOutputParams}
 * ({@code a}). Fresh rows are drawn as {@code N(0, scale²)} from ND4J's generator, which the network seeds
 * from its configuration; experiments overwrite them with their recorded initial points.
 */
abstract class StudentMatrixParams implements ParamInitializer {
    private final String key;

    StudentMatrixParams(String key) {
        this.key = key;
    }

    /** R, the students of the layer. */
    int rows(Layer layer) {
        return ((EnsembleLayerConf) layer).getStudents();
    }

    /** m, the parameters per student. */
    abstract int cols(Layer layer);

    /** The standard deviation of freshly drawn entries. */
    abstract double scale(Layer layer);

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return (long) rows(layer) * cols(layer);
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return Collections.singletonList(key);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return Collections.singletonList(key);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return Collections.emptyList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String k) {
        return key.equals(k);
    }

    @Override
    public boolean isBiasParam(Layer layer, String k) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Layer l = conf.getLayer();
        INDArray m = paramsView.reshape('c', rows(l), cols(l));
        if (initializeParams) {
            m.assign(Nd4j.randn(m.dataType(), rows(l), cols(l)).muli(scale(l)));
        }
        return Collections.singletonMap(key, m);
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        Layer l = conf.getLayer();
        return Collections.singletonMap(key, gradientView.reshape('c', rows(l), cols(l)));
    }
}
