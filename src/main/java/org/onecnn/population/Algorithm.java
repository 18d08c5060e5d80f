package org.onecnn.population;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import org.onecnn.util.InvalidInputException;
import org.onecnn.util.Keyed;

/** The training algorithms whose population dynamics onecnn runs, each defined once (docs/algorithms.md). */
public enum Algorithm implements Keyed {
    /** Algorithm 1 of Du et al.: gradient descent with weight normalization on {@code (v, a)}. */
    WN_GD("wn-gd"),
    /** Brutzkus &amp; Globerson: the output layer fixed at {@code a = 1}, plain gradient descent on {@code w}. */
    FIXED_OUTPUT("fixed-output");

    private final String key;

    Algorithm(String key) {
        this.key = key;
    }

    @Override
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
        return Keyed.parse(Algorithm.class, "algorithm", "algorithm", name);
    }
}
