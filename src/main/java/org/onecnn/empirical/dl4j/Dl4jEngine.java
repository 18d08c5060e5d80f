package org.onecnn.empirical.dl4j;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.backend.Precision;
import org.onecnn.empirical.data.TrainingSet;
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

    /** DL4J's layers on ND4J arrays. */
    @Override
    public boolean usesNd4j() {
        return true;
    }

    /**
     * Also refuses, in one line, where DL4J/ND4J is not on the class path (a bundle without them, docs/gpu.md):
     * checked by the class files, so nothing is loaded.
     */
    @Override
    public void require(EmpiricalSpec spec, String distribution) {
        requireOnClassPath();
        EmpiricalEngine.super.require(spec, distribution);
    }

    /** {@link org.onecnn.backend.BackendCheck} on what the probe found: ND4J's build, its GPUs, their memory. */
    @Override
    public java.util.Optional<org.onecnn.empirical.EngineProblem> problem(org.onecnn.backend.ComputeProfile p,
            org.onecnn.empirical.EngineHost host) {
        return org.onecnn.backend.BackendCheck.problem(p, host.devices())
                .map(l -> new org.onecnn.empirical.EngineProblem(false, l));
    }

    @Override
    public void requireRunnable() {
        requireOnClassPath();
    }

    /**
     * @throws org.onecnn.util.InvalidInputException naming {@code engine} when DL4J or ND4J is absent
     */
    public static void requireOnClassPath() {
        ClassLoader l = Dl4jEngine.class.getClassLoader();
        if (l.getResource("org/nd4j/linalg/factory/Nd4j.class") == null
                || l.getResource("org/deeplearning4j/nn/multilayer/MultiLayerNetwork.class") == null) {
            throw new org.onecnn.util.InvalidInputException("engine", "engine dl4j needs DL4J/ND4J, which this "
                    + "installation does not contain (a bundle without them): choose engine fused or cuda");
        }
    }

    /** Converts the training set to ND4J arrays ({@link #features}, {@link #labels}) and builds the network. */
    @Override
    public StudentEnsemble open(EmpiricalSpec spec, List<InitialPoint> inits, TrainingSet data,
            CounterSamples online) {
        requireOnClassPath();
        return new Dl4jEnsemble(spec, inits, data == null ? null : features(data),
                data == null ? null : labels(data), online);
    }

    /** {@code X} as an ND4J array {@code [n, d]}, row-major, in the set's precision (a copy). */
    public static INDArray features(TrainingSet data) {
        long[] shape = {data.n(), data.d()};
        return data.precision() == Precision.FLOAT ? Nd4j.create(data.xFloats().clone(), shape, 'c')
                : Nd4j.create(data.xDoubles().clone(), shape, 'c');
    }

    /** {@code y} as an ND4J array {@code [n, 1]} in the set's precision (a copy). */
    public static INDArray labels(TrainingSet data) {
        long[] shape = {data.n(), 1};
        return data.precision() == Precision.FLOAT ? Nd4j.create(data.yFloats().clone(), shape, 'c')
                : Nd4j.create(data.yDoubles().clone(), shape, 'c');
    }
}
