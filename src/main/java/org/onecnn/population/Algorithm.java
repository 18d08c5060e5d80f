package org.onecnn.population;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import org.onecnn.util.InvalidInputException;

/** The training algorithms whose population dynamics onecnn runs, each defined once (docs/algorithms.md). */
public enum Algorithm {
    /** Algorithm 1 of Du et al.: gradient descent with weight normalization on {@code (v, a)}. */
    WN_GD("wn-gd"),
    /** Brutzkus &amp; Globerson: the output layer fixed at {@code a = 1}, plain gradient descent on {@code w}. */
    FIXED_OUTPUT("fixed-output");

    private final String key;

    Algorithm(String key) {
        this.key = key;
    }

    /** The name in configs and output. */
    @JsonValue
    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return key;
    }

    /**
     * The algorithm called {@code name}.
     *
     * @throws InvalidInputException naming the parameter {@code algorithm}, listing the known names
     */
    @JsonCreator
    public static Algorithm parse(String name) {
        for (Algorithm a : values()) {
            if (a.key.equals(name)) {
                return a;
            }
        }
        throw new InvalidInputException("algorithm", "unknown algorithm '" + name + "'; allowed: "
                + Arrays.stream(values()).map(Algorithm::key).sorted().collect(Collectors.joining(", ")));
    }
}
