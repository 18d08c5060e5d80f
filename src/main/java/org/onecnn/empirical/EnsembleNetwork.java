package org.onecnn.empirical;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.onecnn.model.Architecture;

/**
 * The DL4J network of an ensemble of students: now {@link org.onecnn.empirical.layers.EnsembleNetwork}, which this
 * class delegates to until its callers are switched.
 */
// MERGE: switch callers to org.onecnn.empirical.layers.EnsembleNetwork and delete this class
public final class EnsembleNetwork {
    private EnsembleNetwork() {
    }

    /** See {@link org.onecnn.empirical.layers.EnsembleNetwork#configuration}. */
    public static MultiLayerConfiguration configuration(Architecture arch, int students, double leakySlope,
            DataType dataType, long seed, int reductionBlock) {
        return org.onecnn.empirical.layers.EnsembleNetwork.configuration(arch, students, leakySlope, dataType, seed,
                reductionBlock);
    }

    /** See {@link org.onecnn.empirical.layers.EnsembleNetwork#create}. */
    public static MultiLayerNetwork create(Architecture arch, int students, double leakySlope, DataType dataType,
            long seed, int reductionBlock) {
        return org.onecnn.empirical.layers.EnsembleNetwork.create(arch, students, leakySlope, dataType, seed,
                reductionBlock);
    }

    /** See {@link org.onecnn.empirical.layers.EnsembleNetwork#filters}. */
    public static INDArray filters(MultiLayerNetwork net) {
        return org.onecnn.empirical.layers.EnsembleNetwork.filters(net);
    }

    /** See {@link org.onecnn.empirical.layers.EnsembleNetwork#outputWeights}. */
    public static INDArray outputWeights(MultiLayerNetwork net) {
        return org.onecnn.empirical.layers.EnsembleNetwork.outputWeights(net);
    }

    /** See {@link org.onecnn.empirical.layers.EnsembleNetwork#accumulate}. */
    public static void accumulate(MultiLayerNetwork net, boolean on) {
        org.onecnn.empirical.layers.EnsembleNetwork.accumulate(net, on);
    }
}
