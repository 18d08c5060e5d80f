package org.onecnn.empirical.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.onecnn.util.InvalidInputException;

/** Argument checks shared by this package. */
final class Checks {
    private Checks() {
    }

    /** {@code FLOAT} or {@code DOUBLE}: the types the engine trains in and numpy reads as float32 / float64. */
    static DataType floating(String field, DataType type) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new InvalidInputException(field, "must be FLOAT or DOUBLE, got " + type);
        }
        return type;
    }

    static long samples(String field, long n) {
        if (n < 1) {
            throw new InvalidInputException(field, "number of samples must be >= 1, got " + n);
        }
        return n;
    }

    static double noise(String field, double sigma) {
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new InvalidInputException(field, "label noise σ must be a finite number >= 0, got " + sigma);
        }
        return sigma;
    }

    static double leakySlope(String field, double alpha) {
        if (!(alpha >= 0 && alpha < 1)) {
            throw new InvalidInputException(field, "leaky slope α must satisfy 0 <= α < 1, got " + alpha);
        }
        return alpha;
    }

    static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new InvalidInputException(field, "is required");
        }
        return value;
    }
}
