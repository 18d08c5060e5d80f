package org.onecnn.empirical.layers;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.onecnn.util.InvalidInputException;

/**
 * What the configurations of the two ensemble layers ({@link WeightNormConv}, {@link EnsembleOutput})
 * share: the number of students {@code R}, the block of samples per partial sum of a gradient, and the
 * DL4J wiring that turns a configuration into its layer with its parameter table.
 */
public abstract class EnsembleLayerConf extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;

    private int students;
    private int reductionBlock;

    /** For JSON. */
    protected EnsembleLayerConf() {
    }

    protected EnsembleLayerConf(Builder<?> b) {
        super(b);
        this.students = b.students;
        this.reductionBlock = b.reductionBlock;
    }

    /** Refuses a student count or reduction block below 1. */
    void validateEnsemble() {
        if (students < 1) {
            throw new InvalidInputException("students", "must be >= 1, got " + students);
        }
        if (reductionBlock < 1) {
            throw new InvalidInputException("reduction_block", "must be >= 1, got " + reductionBlock);
        }
    }

    /** Checks the whole configuration (called when built and again when instantiated, after JSON). */
    abstract void validate();

    /** The layer of this configuration, without its parameters yet. */
    abstract StudentLayer<?> newLayer(NeuralNetConfiguration conf, DataType networkDataType);

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray layerParamsView, boolean initializeParams,
            DataType networkDataType) {
        validate();
        StudentLayer<?> layer = newLayer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> table = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(table);
        layer.setConf(conf);
        return layer;
    }

    /**
     * The memory report of a layer whose working memory per sample is {@code variableInference} values in
     * inference and {@code variableTrain} in training, with no fixed working memory and no cache.
     */
    LayerMemoryReport memoryReport(InputType inputType, long variableInference, long variableTrain) {
        InputType out = getOutputType(-1, inputType);
        return new LayerMemoryReport.Builder(layerName, getClass(), inputType, out)
                .standardMemory(initializer().numParams(this), 0)
                .workingMemory(0, variableInference, 0, variableTrain)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS).build();
    }

    public int getStudents() {
        return students;
    }

    public void setStudents(int students) {
        this.students = students;
    }

    public int getReductionBlock() {
        return reductionBlock;
    }

    public void setReductionBlock(int reductionBlock) {
        this.reductionBlock = reductionBlock;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EnsembleLayerConf e) || !super.equals(o)) {
            return false;
        }
        return students == e.students && reductionBlock == e.reductionBlock;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), students, reductionBlock);
    }

    /** Builder of the shared settings: {@code students(R)}, {@code reductionBlock(samples)}. */
    public abstract static class Builder<T extends Builder<T>> extends FeedForwardLayer.Builder<T> {
        private int students = 1;
        private int reductionBlock = WeightNormConv.DEFAULT_REDUCTION_BLOCK;

        @SuppressWarnings("unchecked")
        public T students(int r) {
            this.students = r;
            return (T) this;
        }

        @SuppressWarnings("unchecked")
        public T reductionBlock(int samples) {
            this.reductionBlock = samples;
            return (T) this;
        }
    }
}
