package org.onecnn.examples;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.onecnn.empirical.layers.EnsembleOutput;
import org.onecnn.empirical.layers.WeightNormConv;

/**
 * Library example 3 (docs/library.md): onecnn's DL4J layers in a network of your own. {@link WeightNormConv} (the
 * weight-normalized shared filter over the patches, {@code students(1)}: one network) and {@link EnsembleOutput}
 * (the output weights {@code a}) under DL4J's own {@link LossLayer} with mean squared error, an SGD updater, trained
 * with DL4J's {@code fit} on a {@link DataSetIterator}, then saved and restored with {@link ModelSerializer}.
 * ExamplesTest runs it.
 */
public final class Dl4jLayersExample {
    private Dl4jLayersExample() {
    }

    /** What the example measured: the loss before and after training, and whether the restored network agrees. */
    public record Outcome(double lossBefore, double lossAfter, INDArray output, INDArray restoredOutput,
            INDArray params, INDArray restoredParams) {
    }

    public static Outcome run(File saveTo) throws IOException {
        int d = 20; // input dimension
        int r = 5; // filter size
        int s = 5; // stride (s = r: non-overlapping patches)
        int k = (d - r) / s + 1; // patches
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.DOUBLE)
                .updater(new Sgd(0.05)).list()
                .layer(new WeightNormConv.Builder().nIn(d).filterSize(r).stride(s).students(1).leakySlope(0.0)
                        .activation(Activation.IDENTITY).build())
                .layer(new EnsembleOutput.Builder().students(1).patches(k).activation(Activation.IDENTITY).build())
                .layer(new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();

        // data: Gaussian inputs labelled by a one-hidden-layer CNN teacher, in minibatches of 50
        Random rnd = new Random(3);
        double[] w = {1, -0.5, 0.25, 0.8, -0.3};
        double[] a = {1, 0.5, 0.8, 0.2};
        int n = 1000;
        double[][] x = new double[n][d];
        double[][] y = new double[n][1];
        for (int m = 0; m < n; m++) {
            for (int j = 0; j < d; j++) {
                x[m][j] = rnd.nextGaussian();
            }
            for (int i = 0; i < k; i++) {
                double z = 0;
                for (int q = 0; q < r; q++) {
                    z += w[q] * x[m][i * s + q];
                }
                y[m][0] += a[i] * Math.max(0, z);
            }
        }
        INDArray features = Nd4j.createFromArray(x);
        INDArray labels = Nd4j.createFromArray(y);
        List<DataSet> batches = new ArrayList<>(new DataSet(features, labels).asList());
        DataSetIterator train = new ListDataSetIterator<>(batches, 50);

        double before = net.score(new DataSet(features, labels));
        net.fit(train, 30); // 30 epochs of DL4J's own training loop
        double after = net.score(new DataSet(features, labels));

        ModelSerializer.writeModel(net, saveTo, true); // with the updater's state, to go on training later
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(saveTo, true);
        INDArray probe = features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 10),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        return new Outcome(before, after, net.output(probe), restored.output(probe), net.params(), restored.params());
    }

    public static void main(String[] args) throws IOException {
        File f = File.createTempFile("onecnn-example", ".zip");
        Outcome o = run(f);
        System.out.printf("MSE %.4g before, %.4g after training; saved to %s and restored: outputs %s%n",
                o.lossBefore(), o.lossAfter(), f, o.output().equals(o.restoredOutput()) ? "equal" : "DIFFER");
    }
}
