package org.onecnn.empirical;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.empirical.layers.EnsembleNetwork;
import org.onecnn.model.Architecture;

/** The ensemble configuration round-trips through DL4J's JSON and YAML; a network saves and loads. */
class SerializationTest {

    @Test
    void configRoundTripsThroughJsonAndYaml() {
        MultiLayerConfiguration conf = EnsembleNetwork.configuration(Architecture.of(13, 5, 2), 3, 0.2, DataType.DOUBLE,
                9, 64);
        MultiLayerConfiguration fromJson = MultiLayerConfiguration.fromJson(conf.toJson());
        MultiLayerConfiguration fromYaml = MultiLayerConfiguration.fromYaml(conf.toYaml());
        assertEquals(conf, fromJson);
        assertEquals(conf, fromYaml);
        assertEquals(conf.toJson(), fromJson.toJson());
    }

    @Test
    void trainedNetworkSavesAndLoads(@TempDir Path dir) throws Exception {
        Architecture arch = Architecture.of(12, 4, 4);
        MultiLayerNetwork net = EnsembleNetwork.create(arch, 3, 0.0, DataType.DOUBLE, 9, 2048);
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(3), 10, arch.d()).castTo(DataType.DOUBLE);
        INDArray y = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(4), 10, 1).castTo(DataType.DOUBLE);
        for (int i = 0; i < 5; i++) {
            net.setInput(x);
            net.setLabels(y.repeat(1, 3));
            net.computeGradientAndScore();
            net.params().subi(net.getGradientsViewArray().reshape(net.params().shape()).mul(0.01));
        }
        File f = dir.resolve("net.zip").toFile();
        ModelSerializer.writeModel(net, f, false);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, false);
        assertEquals(net.getLayerWiseConfigurations(), back.getLayerWiseConfigurations());
        assertEquals(net.params(), back.params());
        assertEquals(net.output(x), back.output(x));
    }
}
