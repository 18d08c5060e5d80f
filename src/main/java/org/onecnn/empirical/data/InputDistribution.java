package org.onecnn.empirical.data;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.util.InvalidInputException;

/**
 * A distribution of inputs {@code x ∈ R^d}, i.i.d. across samples.
 *
 * <p>A new distribution is one small class: implement {@link #sample} (fill {@link #allocate} with one ND4J
 * random op executed with the given generator, so it runs on the active backend) and {@link #name}, and add
 * it to {@link #named(String)}.
 */
public interface InputDistribution {

    /**
     * {@code n} independent samples as a new row-major {@code [n, d]} array of {@code type}, drawn with
     * {@code rng} (a generator from {@link NdRandom#of(long)}): the same generator state gives the same bits.
     *
     * @throws InvalidInputException if {@code n < 1}, {@code d < 1} or {@code type} is not FLOAT or DOUBLE
     */
    INDArray sample(long n, int d, DataType type, Random rng);

    /** The name {@link #named(String)} accepts, also written to data set manifests. */
    String name();

    /** The known distributions by name: {@code gaussian}, {@code uniform}. */
    static Map<String, InputDistribution> known() {
        Map<String, InputDistribution> m = new LinkedHashMap<>();
        m.put(Gaussian.INSTANCE.name(), Gaussian.INSTANCE);
        m.put(Uniform.INSTANCE.name(), Uniform.INSTANCE);
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
