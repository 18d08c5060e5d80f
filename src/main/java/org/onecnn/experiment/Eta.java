package org.onecnn.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import org.onecnn.util.InvalidInputException;

/**
 * A step size: a positive number, or {@code auto}. For the fixed output layer {@code auto} is the inverse
 * of the curvature of the loss along {@code w*} at the teacher, {@code η = 2π/((π−1)‖a‖² + (1ᵀa)²)}
 * ({@code 2π/(k(k+π−1))} for {@code a = 1}): one step removes an error in the norm of {@code w}, and
 * the angular error contracts by {@code 1 − π/(k+π−1)} per step.
 */
public record Eta(double value, boolean auto) {

    public static Eta of(double value) {
        Bounds.requireStep("train.eta", value);
        return new Eta(value, false);
    }

    public static final Eta AUTO = new Eta(Double.NaN, true);

    @JsonCreator
    public static Eta parse(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new InvalidInputException("train.eta", "must be a number > 0 or 'auto'");
        }
        if (node.isTextual() && node.asText().trim().equals("auto")) {
            return AUTO;
        }
        if (node.isNumber()) {
            return of(node.asDouble());
        }
        String nonFinite = node.isTextual() ? ConfigLoader.nonFiniteHint(node.asText()) : null;
        if (nonFinite != null) {
            // .inf and .nan are read as text (ConfigLoader.readYaml): say what they are, not only "got '.inf'"
            throw new InvalidInputException("train.eta", nonFinite + " > 0, or 'auto'");
        }
        // a number in quotes ('0.1') is text, refused as for every other number of a config
        throw new InvalidInputException("train.eta", "must be a number > 0 or 'auto', got " + (node.isTextual()
                ? "'" + node.asText() + "'" : node.toString()));
    }

    @JsonValue
    public Object json() {
        return auto ? "auto" : (Object) value;
    }

    @Override
    public String toString() {
        return auto ? "auto" : Double.toString(value);
    }
}
