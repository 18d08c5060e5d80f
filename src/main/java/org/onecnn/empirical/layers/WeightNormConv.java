package org.onecnn.empirical.layers;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.nd4j.linalg.api.buffer.DataType;
import org.onecnn.util.InvalidInputException;

/**
 * Configuration of the shared-filter convolution with weight normalisation, for an ensemble of
 * {@code R} independent students: student ρ has its own filter parameter {@code v_ρ ∈ R^r}, its
 * filter is {@code w_ρ = v_ρ/‖v_ρ‖}, and its hidden units are {@code σ(w_ρᵀ Z_i)} for the {@code k}
 * patches {@code Z_i = x[i s .. i s + r − 1]} (overlapping when {@code s < r}); σ is the leaky ReLU
 * {@code max(z, αz)} ({@code α = 0}: ReLU).
 *
 * <p>Input {@code [n, d]}; parameters {@code v} as {@code [R, r]}; output {@code [n, R, k]} (a view of
 * a {@code [R, n, k]} row-major buffer, the layout in which the GEMM writes it and the output layer
 * contracts it). {@code nIn = d}, {@code nOut = R·k}.
 *
 * <p>Reductions over samples (the filter gradient) are accumulated in blocks of {@code reductionBlock}
 * samples, in sample order; a batch split into chunks that are multiples of the block adds the same
 * block sums in the same order as the whole batch (see {@link StudentLayer#setAccumulate}). Inside a block
 * the sum is ND4J's GEMM, whose order depends on the shapes (the number of students) and on the CPU's BLAS
 * kernels, so other chunkings agree to rounding, not to the bit.
 */
public class WeightNormConv extends EnsembleLayerConf {
    private static final long serialVersionUID = 1L;

    private int filterSize;
    private int stride;
    private double leakySlope;

    /** For JSON. */
    public WeightNormConv() {
    }

    private WeightNormConv(Builder b) {
        super(b);
        this.filterSize = b.filterSize;
        this.stride = b.stride;
        this.leakySlope = b.leakySlope;
        this.nOut = (long) getStudents() * patches();
        validate();
    }

    @Override
    void validate() {
        if (filterSize < 1) {
            throw new InvalidInputException("filter_size", "filter size must be >= 1, got " + filterSize);
        }
        if (stride < 1 || stride > filterSize) {
            throw new InvalidInputException("stride", "stride must satisfy 1 <= s <= r = " + filterSize + ", got "
                    + stride);
        }
        if (nIn < filterSize || (nIn - filterSize) % stride != 0) {
            throw new InvalidInputException("n_in", "(d - r) % s must be 0 with d >= r; got d=" + nIn + ", r="
                    + filterSize + ", s=" + stride);
        }
        if (!(leakySlope >= 0 && leakySlope < 1)) {
            throw new InvalidInputException("leaky_slope", "leaky slope must lie in [0, 1), got " + leakySlope);
        }
        validateEnsemble();
    }

    /** Number of patches {@code k = (d − r)/s + 1}. */
    public int patches() {
        return (int) ((nIn - filterSize) / stride + 1);
    }

    @Override
    StudentLayer<?> newLayer(NeuralNetConfiguration conf, DataType networkDataType) {
        return new WeightNormConvLayer(conf, networkDataType);
    }

    @Override
    public ParamInitializer initializer() {
        return WeightNormConvParams.INSTANCE;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return memoryReport(inputType, (long) patches() * filterSize, (long) patches() * filterSize + nOut);
    }

    public int getFilterSize() {
        return filterSize;
    }

    public void setFilterSize(int filterSize) {
        this.filterSize = filterSize;
    }

    public int getStride() {
        return stride;
    }

    public void setStride(int stride) {
        this.stride = stride;
    }

    public double getLeakySlope() {
        return leakySlope;
    }

    public void setLeakySlope(double leakySlope) {
        this.leakySlope = leakySlope;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WeightNormConv w) || !super.equals(o)) {
            return false;
        }
        return filterSize == w.filterSize && stride == w.stride && Double.compare(leakySlope, w.leakySlope) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(super.hashCode(), filterSize, stride, leakySlope);
    }

    /** Builder: {@code nIn(d)}, {@code filterSize(r)}, {@code stride(s)}, {@code students(R)}. */
    public static class Builder extends EnsembleLayerConf.Builder<Builder> {
        private int filterSize = 1;
        private int stride = -1;
        private double leakySlope;

        public Builder filterSize(int r) {
            this.filterSize = r;
            return this;
        }

        public Builder stride(int s) {
            this.stride = s;
            return this;
        }

        public Builder leakySlope(double alpha) {
            this.leakySlope = alpha;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public WeightNormConv build() {
            if (stride < 0) {
                stride = filterSize;
            }
            return new WeightNormConv(this);
        }
    }

    /** Samples per partial sum of the filter gradient unless configured otherwise. */
    public static final int DEFAULT_REDUCTION_BLOCK = 2048;
}
