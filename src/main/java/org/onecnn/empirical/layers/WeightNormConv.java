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
public class WeightNormConv extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;

    private int filterSize;
    private int stride;
    private int students;
    private double leakySlope;
    private int reductionBlock;

    /** For JSON. */
    public WeightNormConv() {
    }

    private WeightNormConv(Builder b) {
        super(b);
        this.filterSize = b.filterSize;
        this.stride = b.stride;
        this.students = b.students;
        this.leakySlope = b.leakySlope;
        this.reductionBlock = b.reductionBlock;
        this.nOut = (long) students * patches();
        validate();
    }

    void validate() {
        if (filterSize < 1) {
            throw new InvalidInputException("model.p", "filter size must be >= 1, got " + filterSize);
        }
        if (stride < 1 || stride > filterSize) {
            throw new InvalidInputException("model.s", "stride must satisfy 1 <= s <= r = " + filterSize + ", got "
                    + stride);
        }
        if (nIn < filterSize || (nIn - filterSize) % stride != 0) {
            throw new InvalidInputException("model.d", "(d - r) % s must be 0 with d >= r; got d=" + nIn + ", r="
                    + filterSize + ", s=" + stride);
        }
        if (students < 1) {
            throw new InvalidInputException("students", "must be >= 1, got " + students);
        }
        if (!(leakySlope >= 0 && leakySlope < 1)) {
            throw new InvalidInputException("model.alpha", "leaky slope must lie in [0, 1), got " + leakySlope);
        }
        if (reductionBlock < 1) {
            throw new InvalidInputException("reduction_block", "must be >= 1, got " + reductionBlock);
        }
    }

    /** Number of patches {@code k = (d − r)/s + 1}. */
    public int patches() {
        return (int) ((nIn - filterSize) / stride + 1);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray layerParamsView, boolean initializeParams,
            DataType networkDataType) {
        validate();
        WeightNormConvLayer layer = new WeightNormConvLayer(conf, networkDataType);
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
        return WeightNormConvParams.INSTANCE;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(layerName, WeightNormConv.class, inputType, out)
                .standardMemory(params, 0)
                .workingMemory(0, (long) patches() * filterSize, 0, (long) patches() * filterSize + nOut)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS).build();
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

    public int getStudents() {
        return students;
    }

    public void setStudents(int students) {
        this.students = students;
    }

    public double getLeakySlope() {
        return leakySlope;
    }

    public void setLeakySlope(double leakySlope) {
        this.leakySlope = leakySlope;
    }

    public int getReductionBlock() {
        return reductionBlock;
    }

    public void setReductionBlock(int reductionBlock) {
        this.reductionBlock = reductionBlock;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WeightNormConv w) || !super.equals(o)) {
            return false;
        }
        return filterSize == w.filterSize && stride == w.stride && students == w.students
                && Double.compare(leakySlope, w.leakySlope) == 0 && reductionBlock == w.reductionBlock;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(super.hashCode(), filterSize, stride, students, leakySlope, reductionBlock);
    }

    /** Builder: {@code nIn(d)}, {@code filterSize(r)}, {@code stride(s)}, {@code students(R)}. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private int filterSize = 1;
        private int stride = -1;
        private int students = 1;
        private double leakySlope;
        private int reductionBlock = DEFAULT_REDUCTION_BLOCK;

        public Builder filterSize(int r) {
            this.filterSize = r;
            return this;
        }

        public Builder stride(int s) {
            this.stride = s;
            return this;
        }

        public Builder students(int r) {
            this.students = r;
            return this;
        }

        public Builder leakySlope(double alpha) {
            this.leakySlope = alpha;
            return this;
        }

        public Builder reductionBlock(int samples) {
            this.reductionBlock = samples;
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
