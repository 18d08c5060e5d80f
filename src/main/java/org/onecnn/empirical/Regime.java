package org.onecnn.empirical;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.onecnn.util.InvalidInputException;

/**
 * How the students see the data: the update is {@code θ ← θ − (η/b) Σ_{m ∈ batch} ∇ℓ_m} in every regime;
 * they differ in which samples form the batch of step {@code t}.
 */
public enum Regime implements org.onecnn.util.Keyed {
    /** Gradient descent on {@code L_n}: every step uses the whole training set (Algorithm 1 on the empirical loss). */
    FULL_BATCH("full-batch"),
    /**
     * SGD over a fixed training set: batches of {@code batch_size} consecutive entries of a permutation of the
     * set, a new permutation each epoch (a tail shorter than a batch is dropped).
     */
    MINIBATCH("minibatch"),
    /**
     * SGD with {@code batch_size} fresh samples every step: there is no training set, so stationarity and the
     * loss are judged by the exact population gradient and loss.
     */
    ONLINE("online");

    private final String key;

    Regime(String key) {
        this.key = key;
    }

    /** The name in configs and output: {@code full-batch}, {@code minibatch} or {@code online}. */
    @Override
    @com.fasterxml.jackson.annotation.JsonValue
    public String key() {
        return key;
    }

    /** Whether the students train on a fixed set of {@code n} samples (full-batch and minibatch). */
    public boolean usesTrainingSet() {
        return this != ONLINE;
    }

    @Override
    public String toString() {
        return key;
    }

    /**
     * The regime called {@code name} (exactly its {@link #key()}: configs have always been matched exactly).
     *
     * @throws InvalidInputException naming the parameter {@code regime}, listing the allowed names
     */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static Regime parse(String name) {
        Regime r = org.onecnn.util.Keyed.find(Regime.class, name);
        if (r != null) {
            return r;
        }
        throw new InvalidInputException("regime", "must be one of " + allowed() + ", got '" + name + "'");
    }

    /** The allowed names, comma-separated, in declaration order. */
    public static String allowed() {
        return Arrays.stream(values()).map(Regime::key).collect(Collectors.joining(", "));
    }
}
