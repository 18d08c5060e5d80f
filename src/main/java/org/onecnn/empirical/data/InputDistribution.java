package org.onecnn.empirical.data;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.model.InputSampler;
import org.onecnn.util.InvalidInputException;

/**
 * A distribution of inputs {@code x ∈ R^d}, i.i.d. across samples, drawn on the ND4J backend: the one definition
 * of each distribution, used by the empirical engine ({@link #sample}) and, through {@link InputSampler#draw},
 * by the pure-Java Convotron family.
 *
 * <p>A new distribution is one small class: implement {@link #sample} (fill {@link #allocate} with one ND4J
 * random op executed with the given generator, so it runs on the active backend), {@link #name} and the
 * properties of {@link InputSampler}, and add it to {@link #known()}, the single registration.
 */
public interface InputDistribution extends InputSampler {

    /**
     * {@code n} independent samples as a new row-major {@code [n, d]} array of {@code type}, drawn with
     * {@code rng} (a generator from {@link NdRandom#of(long)}): the same generator state gives the same bits.
     *
     * @throws InvalidInputException if {@code n < 1}, {@code d < 1} or {@code type} is not FLOAT or DOUBLE
     */
    INDArray sample(long n, int d, DataType type, Random rng);

    /**
     * Two independent coordinates from two independent uniforms {@code u1, u2} on {@code [0, 1)} (multiples of
     * {@code 2⁻⁵³}), written to {@code out[at]} and {@code out[at + 1]}: the transform of the counter-based
     * samples ({@link CounterSamples}), a pure function of its arguments computed with {@link StrictMath}, so
     * that every JVM (and a device that ports the same formulas) turns the same uniforms into the same values.
     */
    void pair(double u1, double u2, double[] out, int at);

    /** The name {@link #named(String)} accepts, also written to data set manifests. */
    @Override
    String name();

    /**
     * {@link #sample} in double precision with a new generator seeded with {@code seed} ({@link NdRandom#draw}),
     * copied into a Java array: row-major {@code n × d}.
     *
     * @throws InvalidInputException if {@code n < 1}, {@code d < 1} or {@code n·d} values do not fit one Java array
     */
    @Override
    default double[] draw(int n, int d, long seed) {
        InvalidInputException.requirePositive("n", n);
        InvalidInputException.requirePositive("d", d);
        if ((long) n * d > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("n", "n·d = " + (long) n * d + " values do not fit one Java array");
        }
        INDArray x = NdRandom.draw(seed, rng -> sample(n, d, DataType.DOUBLE, rng));
        if (x.ordering() != 'c' || x.isView() || x.data().length() != (long) n * d) {
            // sample promises a fresh row-major array; anything else is copied into one first
            x = x.dup('c');
        }
        double[] v = new double[n * d];
        x.data().asNioDouble().get(v);
        return v;
    }

    /**
     * The known distributions by name, in this order: {@code gaussian}, {@code uniform}, {@code rademacher}. The
     * single registration: configs, manifests and the capability checks of the engines all read it.
     */
    static Map<String, InputDistribution> known() {
        Map<String, InputDistribution> m = new LinkedHashMap<>();
        m.put(Gaussian.INSTANCE.name(), Gaussian.INSTANCE);
        m.put(Uniform.INSTANCE.name(), Uniform.INSTANCE);
        m.put(Rademacher.INSTANCE.name(), Rademacher.INSTANCE);
        return m;
    }

    /**
     * The distribution called {@code name} (case-insensitive).
     *
     * @throws InvalidInputException naming the field {@code distribution} when the name is unknown
     */
    static InputDistribution named(String name) {
        Map<String, InputDistribution> known = known();
        InputDistribution d = name == null ? null : known.get(name.trim().toLowerCase(Locale.ROOT));
        if (d == null) {
            throw new InvalidInputException("distribution", "unknown input distribution '" + name + "'; known: "
                    + String.join(", ", known.keySet()));
        }
        return d;
    }

    /** A new uninitialised row-major {@code [n, d]} array of {@code type}, after checking the arguments. */
    static INDArray allocate(long n, int d, DataType type) {
        Checks.samples("n", n);
        if (d < 1) {
            throw new InvalidInputException("d", "input dimension must be >= 1, got " + d);
        }
        Checks.floating("data_type", type);
        return Nd4j.createUninitialized(type, new long[] {n, d}, 'c');
    }
}
