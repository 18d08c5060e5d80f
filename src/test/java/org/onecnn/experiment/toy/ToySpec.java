package org.onecnn.experiment.toy;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import org.onecnn.experiment.ExperimentSpec;
import org.onecnn.experiment.Sections;
import org.onecnn.util.InvalidInputException;

/**
 * The spec of a test-only experiment type ({@code toy}), registered from src/test/resources: it shows that a
 * type is its own package plus one line of {@code META-INF/services/org.onecnn.experiment.Experiment}, with
 * its own section ({@code toy}) bound, defaulted, validated, overridden and resolved like the built-in ones.
 */
@JsonPropertyOrder({"name", "type", "description", "seed", "toy"})
public record ToySpec(String name, String type, String description, Long seed, Toy toy) implements ExperimentSpec {
    public static final String TYPE = "toy";

    public ToySpec {
        ExperimentSpec.requireHeader(name, description, seed);
    }

    /** {@code draws} seeds drawn from the master seed, each reduced modulo {@code modulus}. */
    @JsonPropertyOrder({"draws", "modulus"})
    public record Toy(Integer draws, Long modulus) {
        public Toy {
            draws = draws == null ? 3 : draws;
            modulus = modulus == null ? 1000L : modulus;
            InvalidInputException.requirePositive("toy.draws", draws);
            if (modulus < 2) {
                throw new InvalidInputException("toy.modulus", "must be >= 2, got " + modulus);
            }
        }
    }
}
