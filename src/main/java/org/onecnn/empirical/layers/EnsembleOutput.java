package org.onecnn.empirical.layers;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
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
 * Configuration of the learnable output layer of an ensemble: student ρ has output weights
 * {@code a_ρ ∈ R^k} (no bias, identity activation) and output {@code f_ρ = Σ_i a_{ρ,i} h_{ρ,i}}.
 * Input {@code [n, R, k]} (the output of {@link WeightNormConv}); parameters {@code a} as
 * {@code [R, k]}; output {@code [n, R]}. {@code nIn = R·k}, {@code nOut = R}.
 */
public class EnsembleOutput extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;

    private int students;
    private int patches;
    private int reductionBlock;

    /** For JSON. */
    public EnsembleOutput() {
    }

    private EnsembleOutput(Builder b) {
        super(b);
        this.students = b.students;
        this.patches = b.patches;
        this.reductionBlock = b.reductionBlock;
        this.nIn = (long) students * patches;
        this.nOut = students;
        validate();
    }

    void validate() {
        if (students < 1) {
            throw new InvalidInputException("students", "must be >= 1, got " + students);
        }
        if (patches < 1) {
            throw new InvalidInputException("model.k", "must be >= 1, got " + patches);
        }
        if (reductionBlock < 1) {
            throw new InvalidInputException("reduction_block", "must be >= 1, got " + reductionBlock);
        }
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray layerParamsView, boolean initializeParams,
            DataType networkDataType) {
        validate();
        EnsembleOutputLayer layer = new EnsembleOutputLayer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> table = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(table);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return EnsembleOutputParams.INSTANCE;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        return new LayerMemoryReport.Builder(layerName, EnsembleOutput.class, inputType, out)
                .standardMemory(initializer().numParams(this), 0).workingMemory(0, 0, 0, nIn)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS).build();
    }

    public int getStudents() {
        return students;
    }

    public void setStudents(int students) {
        this.students = students;
    }

    public int getPatches() {
        return patches;
    }

    public void setPatches(int patches) {
        this.patches = patches;
    }

    public int getReductionBlock() {
        return reductionBlock;
    }

    public void setReductionBlock(int reductionBlock) {
        this.reductionBlock = reductionBlock;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EnsembleOutput e) || !super.equals(o)) {
            return false;
        }
        return students == e.students && patches == e.patches && reductionBlock == e.reductionBlock;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(super.hashCode(), students, patches, reductionBlock);
    }

    /** Builder: {@code students(R)}, {@code patches(k)}. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private int students = 1;
        private int patches = 1;
        private int reductionBlock = WeightNormConv.DEFAULT_REDUCTION_BLOCK;

        public Builder students(int r) {
            this.students = r;
            return this;
        }

        public Builder patches(int k) {
            this.patches = k;
            return this;
        }

        public Builder reductionBlock(int samples) {
            this.reductionBlock = samples;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public EnsembleOutput build() {
            return new EnsembleOutput(this);
        }
    }
}
