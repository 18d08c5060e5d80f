package org.onecnn.empirical.layers;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.nd4j.linalg.api.buffer.DataType;
import org.onecnn.util.InvalidInputException;

/**
 * Configuration of the learnable output layer of an ensemble: student ρ has output weights
 * {@code a_ρ ∈ R^k} (no bias, identity activation) and output {@code f_ρ = Σ_i a_{ρ,i} h_{ρ,i}}.
 * Input {@code [n, R, k]} (the output of {@link WeightNormConv}); parameters {@code a} as
 * {@code [R, k]}; output {@code [n, R]}. {@code nIn = R·k}, {@code nOut = R}.
 */
public class EnsembleOutput extends EnsembleLayerConf {
    private static final long serialVersionUID = 1L;

    private int patches;

    /** For JSON. */
    public EnsembleOutput() {
    }

    private EnsembleOutput(Builder b) {
        super(b);
        this.patches = b.patches;
        this.nIn = (long) getStudents() * patches;
        this.nOut = getStudents();
        validate();
    }

    @Override
    void validate() {
        validateEnsemble();
        if (patches < 1) {
            throw new InvalidInputException("patches", "must be >= 1, got " + patches);
        }
    }

    @Override
    StudentLayer<?> newLayer(NeuralNetConfiguration conf, DataType networkDataType) {
        return new EnsembleOutputLayer(conf, networkDataType);
    }

    @Override
    public ParamInitializer initializer() {
        return EnsembleOutputParams.INSTANCE;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return memoryReport(inputType, 0, nIn);
    }

    public int getPatches() {
        return patches;
    }

    public void setPatches(int patches) {
        this.patches = patches;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EnsembleOutput e) || !super.equals(o)) {
            return false;
        }
        return patches == e.patches;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(super.hashCode(), patches);
    }

    /** Builder: {@code students(R)}, {@code patches(k)}. */
    public static class Builder extends EnsembleLayerConf.Builder<Builder> {
        private int patches = 1;

        public Builder patches(int k) {
            this.patches = k;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public EnsembleOutput build() {
            return new EnsembleOutput(this);
        }
    }
}
