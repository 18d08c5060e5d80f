package org.onecnn.empirical;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.onecnn.model.Architecture;

/**
 * Moved to {@link org.onecnn.empirical.layers.EnsembleNetwork}; this forwarder keeps its callers compiling.
 */
// MERGE: switch callers (empirical/data/TeacherNetwork, DatasetGeneratorTest, LayerGradientCheckTest,
// SerializationTest, TrainerTest) to org.onecnn.empirical.layers.EnsembleNetwork, then delete this class: it is
// the last edge from empirical.data to empirical (a package cycle)
@Deprecated
public final class EnsembleNetwork {
    private EnsembleNetwork() {
    }

    public static MultiLayerConfiguration configuration(Architecture arch, int students, double leakySlope,
            DataType dataType, long seed, int reductionBlock) {
        return org.onecnn.empirical.layers.EnsembleNetwork.configuration(arch, students, leakySlope, dataType, seed,
                reductionBlock);
    }

    public static MultiLayerNetwork create(Architecture arch, int students, double leakySlope, DataType dataType,
            long seed, int reductionBlock) {
        return org.onecnn.empirical.layers.EnsembleNetwork.create(arch, students, leakySlope, dataType, seed,
                reductionBlock);
    }

    public static INDArray filters(MultiLayerNetwork net) {
        return org.onecnn.empirical.layers.EnsembleNetwork.filters(net);
    }

    public static INDArray outputWeights(MultiLayerNetwork net) {
        return org.onecnn.empirical.layers.EnsembleNetwork.outputWeights(net);
    }

    public static void accumulate(MultiLayerNetwork net, boolean on) {
        org.onecnn.empirical.layers.EnsembleNetwork.accumulate(net, on);
    }
}
