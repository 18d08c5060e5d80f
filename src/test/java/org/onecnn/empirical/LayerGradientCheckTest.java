package org.onecnn.empirical;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.onecnn.empirical.layers.EnsembleNetwork;
import org.onecnn.model.Architecture;

/**
 * DL4J's {@link GradientCheckUtil} on the ensemble layers, double precision: central differences of the
 * network score against the analytic gradients of {@code v} and {@code a}, for non-overlapping and
 * overlapping patches, ReLU and leaky ReLU, {@code R ∈ {1, 3}}, and an input gradient when the
 * convolution is not the first layer.
 */
class LayerGradientCheckTest {

    static Stream<Arguments> cases() {
        return Stream.of(
            Arguments.of(Architecture.of(12, 4, 4), 1, 0.0),
            Arguments.of(Architecture.of(12, 4, 4), 3, 0.0),
            Arguments.of(Architecture.of(13, 5, 2), 1, 0.0),
            Arguments.of(Architecture.of(13, 5, 2), 3, 0.0),
            Arguments.of(Architecture.of(16, 4, 3), 3, 0.2),
            Arguments.of(Architecture.of(10, 6, 1), 3, 0.1));
    }

    /**
     * Step 1e−6; a component fails when its relative error exceeds 1e−6 and its absolute error 1e−8. In
     * double precision the central difference of a smooth score has truncation error ~1e−12 and rounding
     * error ~ε|score|/h ≈ 1e−16·4/1e−6 ≈ 4e−10, so 1e−8 absolute is 25 times the noise; the ReLU kinks are avoided by drawing the data so
     * that no pre-activation lies within 1e−3 of 0 (checked; a ±1e−6 step cannot cross a kink then), so a
     * check can only fail on a wrong gradient. Three samples per reduction block, eight samples: the
     * blocked accumulation is exercised.
     */
    @ParameterizedTest(name = "{0} R={1} alpha={2}")
    @MethodSource("cases")
    void gradientsPass(Architecture arch, int students, double alpha) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerConfiguration conf = EnsembleNetwork.configuration(arch, students, alpha, DataType.DOUBLE, 7, 3);
        check(conf, arch, students, 0);
    }

    /**
     * The input gradient of the convolution: with a dense layer in front, that layer's parameter
     * gradients are the convolution's input gradient carried back, so the check covers it (overlapping
     * patches are summed back onto the shared input coordinates).
     */
    @ParameterizedTest(name = "{0} R={1} alpha={2}")
    @MethodSource("cases")
    void inputGradientPasses(Architecture arch, int students, double alpha) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerConfiguration base = EnsembleNetwork.configuration(arch, students, alpha, DataType.DOUBLE, 7, 3);
        NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .updater(new Sgd(1.0)).list()
                .layer(new DenseLayer.Builder().nIn(arch.d()).nOut(arch.d()).activation(Activation.IDENTITY).build());
        for (NeuralNetConfiguration c : base.getConfs()) {
            lb.layer(c.getLayer().clone());
        }
        check(lb.build(), arch, students, 1);
    }

    private static void check(MultiLayerConfiguration conf, Architecture arch, int students, int convIndex) {
        for (NeuralNetConfiguration c : conf.getConfs()) {
            if (c.getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer bl) {
                bl.setIUpdater(new Sgd(1.0));
            }
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Nd4j.getRandom().setSeed(11);
        int n = 8;
        INDArray x = Nd4j.randn(DataType.DOUBLE, n, arch.d());
        INDArray y = Nd4j.randn(DataType.DOUBLE, n, students);
        // keep away from the ReLU kink: every pre-activation at least 1e-3 from 0, else the data are redrawn
        for (int attempt = 0; minAbsPreActivation(net, x, arch, students, convIndex) < 1e-3; attempt++) {
            assertTrue(attempt < 50, "could not draw data away from the kinks");
            x = Nd4j.randn(DataType.DOUBLE, n, arch.d());
        }
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                .epsilon(1e-6).maxRelError(1e-6).minAbsoluteError(1e-8)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false)));
    }

    /** min |w_ρᵀ Z_i| over samples, students and patches, computed directly from the parameters. */
    private static double minAbsPreActivation(MultiLayerNetwork net, INDArray x, Architecture arch, int students,
            int convIndex) {
        INDArray in = convIndex == 0 ? x : net.feedForwardToLayer(convIndex - 1, x).get(convIndex);
        double[][] v = net.getLayer(convIndex).getParam("v").toDoubleMatrix();
        double min = Double.POSITIVE_INFINITY;
        for (int m = 0; m < in.size(0); m++) {
            for (int rho = 0; rho < students; rho++) {
                double nv = 0;
                for (double q : v[rho]) {
                    nv += q * q;
                }
                for (int i = 0; i < arch.k(); i++) {
                    double p = 0;
                    for (int b = 0; b < arch.r(); b++) {
                        p += in.getDouble(m, (long) i * arch.s() + b) * v[rho][b];
                    }
                    min = Math.min(min, Math.abs(p) / Math.sqrt(nv));
                }
            }
        }
        return min;
    }
}
