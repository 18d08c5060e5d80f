package org.onecnn.empirical.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.onecnn.model.Architecture;

/**
 * The DL4J network of an ensemble of {@code R} students: {@link WeightNormConv} (filters
 * {@code v ∈ R^{R×r}}) → {@link EnsembleOutput} (output weights {@code a ∈ R^{R×k}}) → DL4J's
 * {@link LossLayer} with {@link HalfSquaredLoss}. The teacher is the same network with {@code R = 1},
 * {@code v = w*} and {@code a = c a*} (σ is positively homogeneous, so {@code c a*_i σ(ŵ*ᵀ Z_i) =
 * a*_i σ(w*ᵀ Z_i)}): labels come from the same layers as the students' outputs.
 *
 * <p>In this package (not beside the trainer) because both the trainer and the data package's teacher network
 * build it: the dependency then points one way, {@code empirical → empirical.data → empirical.layers}.
 */
public final class EnsembleNetwork {
    private EnsembleNetwork() {
    }

    /** The configuration; {@code updater} none: onecnn applies its own gradient steps. */
    public static MultiLayerConfiguration configuration(Architecture arch, int students, double leakySlope,
            DataType dataType, long seed, int reductionBlock) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(dataType).updater(new NoOp())
                .trainingWorkspaceMode(WorkspaceMode.ENABLED).inferenceWorkspaceMode(WorkspaceMode.ENABLED).list()
                .layer(new WeightNormConv.Builder().nIn(arch.d()).filterSize(arch.r()).stride(arch.s())
                        .students(students).leakySlope(leakySlope).reductionBlock(reductionBlock)
                        .activation(Activation.IDENTITY).build())
                .layer(new EnsembleOutput.Builder().students(students).patches(arch.k()).reductionBlock(reductionBlock)
                        .activation(Activation.IDENTITY).build())
                .layer(new LossLayer.Builder(new HalfSquaredLoss()).activation(Activation.IDENTITY).build())
                .build();
    }

    /** A new initialised network. */
    public static MultiLayerNetwork create(Architecture arch, int students, double leakySlope, DataType dataType,
            long seed, int reductionBlock) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(arch, students, leakySlope, dataType, seed,
                reductionBlock));
        net.init();
        return net;
    }

    /** The filter parameters {@code v} ({@code [R, r]}, a view). */
    public static INDArray filters(MultiLayerNetwork net) {
        return net.getLayer(0).getParam(WeightNormConvParams.V);
    }

    /** The output weights {@code a} ({@code [R, k]}, a view). */
    public static INDArray outputWeights(MultiLayerNetwork net) {
        return net.getLayer(1).getParam(EnsembleOutputParams.A);
    }

    /** Switch both layers' gradient accumulation (see {@link StudentLayer#setAccumulate}). */
    public static void accumulate(MultiLayerNetwork net, boolean on) {
        for (Layer l : net.getLayers()) {
            if (l instanceof WeightNormConvLayer w) {
                w.setAccumulate(on);
            } else if (l instanceof EnsembleOutputLayer o) {
                o.setAccumulate(on);
            }
        }
    }
}
