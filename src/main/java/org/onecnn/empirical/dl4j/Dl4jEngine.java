package org.onecnn.empirical.dl4j;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.onecnn.empirical.EmpiricalEngine;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EngineCapabilities;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.model.InitialPoint;

/**
 * The students as one DL4J network of onecnn's layers ({@link org.onecnn.empirical.layers.EnsembleNetwork}), the
 * gradients from DL4J's backpropagation through them: every regime, any input distribution, overlapping patches,
 * float and double, any leaky slope.
 *
 * <p>Determinism: the layers add each block of {@code reductionBlock} samples' gradient into the gradient view in
 * sample order; within a block the sums are ND4J's and OpenBLAS's, whose order depends on the array shapes and the
 * CPU's kernels. On one machine the same spec and data give identical bits on every run; across chunk sizes or
 * CPUs the values agree within the rounding of those sums (the tests' {@code RoundingTolerance}).
 */
public final class Dl4jEngine implements EmpiricalEngine {
    /** The name configs select it by. */
    public static final String NAME = "dl4j";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EngineCapabilities capabilities() {
        return EngineCapabilities.everything();
    }

    @Override
    public StudentEnsemble open(EmpiricalSpec spec, List<InitialPoint> inits, INDArray x, INDArray y,
            CounterSamples online) {
        return new Dl4jEnsemble(spec, inits, x, y, online);
    }
}
