package org.onecnn.algorithms;

import org.onecnn.model.Architecture;
import org.onecnn.model.InputSampler;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;

/** Argument checks of this package; every failure names the field. */
final class Checks {
    private Checks() {
    }

    static Architecture architecture(Architecture arch) {
        if (arch == null) {
            throw new InvalidInputException("architecture", "is required");
        }
        return arch;
    }

    static InputSampler distribution(InputSampler dist) {
        if (dist == null) {
            throw new InvalidInputException("distribution", "is required");
        }
        return dist;
    }

    static Teacher teacher(Architecture arch, Teacher teacher) {
        if (teacher == null) {
            throw new InvalidInputException("teacher", "is required");
        }
        return teacher.requireFits(arch, "teacher");
    }

    static double leakySlope(double alpha) {
        if (!(alpha >= 0 && alpha < 1)) {
            throw new InvalidInputException("leaky_slope", "leaky slope α must satisfy 0 <= α < 1, got " + alpha);
        }
        return alpha;
    }

    static double eta(String field, double eta) {
        return InvalidInputException.requirePositive(field, eta);
    }

    static long steps(String field, long steps) {
        if (steps < 1) {
            throw new InvalidInputException(field, "must be an integer >= 1, got " + steps);
        }
        return steps;
    }

    static double[] vector(String field, double[] v, int length) {
        if (v == null) {
            throw new InvalidInputException(field, "is required");
        }
        if (v.length != length) {
            throw new InvalidInputException(field, "must have length " + length + ", got " + v.length);
        }
        InvalidInputException.requireFinite(field, v);
        return v;
    }

    /** Whether every entry is finite. */
    static boolean allFinite(double[] x) {
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
