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
 * The parameter {@code a} ({@code [R, k]}, row ρ the output weights of student ρ) of
 * {@link EnsembleOutput}; freshly initialised as {@code N(0, 1/k)}, drawn from ND4J's generator, which
 * the network seeds from its configuration; experiments overwrite it with their recorded initial points.
 */
public final class EnsembleOutputParams implements ParamInitializer {
    public static final String A = "a";
    public static final EnsembleOutputParams INSTANCE = new EnsembleOutputParams();

    private EnsembleOutputParams() {
    }

    private static EnsembleOutput conf(Layer l) {
        return (EnsembleOutput) l;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        EnsembleOutput c = conf(layer);
        return (long) c.getStudents() * c.getPatches();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return Collections.singletonList(A);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return Collections.singletonList(A);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return Collections.emptyList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return A.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        EnsembleOutput c = conf(conf.getLayer());
        INDArray a = paramsView.reshape('c', c.getStudents(), c.getPatches());
        if (initializeParams) {
            a.assign(Nd4j.randn(a.dataType(), c.getStudents(), c.getPatches()).divi(Math.sqrt(c.getPatches())));
        }
        return Collections.singletonMap(A, a);
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        EnsembleOutput c = conf(conf.getLayer());
        return Collections.singletonMap(A, gradientView.reshape('c', c.getStudents(), c.getPatches()));
    }
}
