package org.onecnn.algorithms;

import java.util.Arrays;

import org.onecnn.util.InvalidInputException;

/**
 * Double Convotron's stage 1 at recorded steps: {@code outputAngle[i]} is the angle between {@code a_t} and the
 * line of {@code a*}, {@code acos(|aᵀa*| / (‖a‖ ‖a*‖))} in {@code [0, π/2]}, after {@code steps[i]} updates, and
 * {@code filterAngle[i]} the same for {@code w_non} and {@code w*_non} (stage 1 learns the pair up to a common
 * sign). Immutable: the arrays are copied in and out.
 */
public record AngleTrace(long[] steps, double[] outputAngle, double[] filterAngle) {

    public AngleTrace {
        if (steps == null || outputAngle == null || filterAngle == null) {
            throw new InvalidInputException("trace", "steps, output_angle and filter_angle are required");
        }
        if (outputAngle.length != steps.length || filterAngle.length != steps.length) {
            throw new InvalidInputException("trace", "steps and angles must have the same length");
        }
        steps = steps.clone();
        outputAngle = outputAngle.clone();
        filterAngle = filterAngle.clone();
    }

    @Override
    public long[] steps() {
        return steps.clone();
    }

    @Override
    public double[] outputAngle() {
        return outputAngle.clone();
    }

    @Override
    public double[] filterAngle() {
        return filterAngle.clone();
    }

    public int size() {
        return steps.length;
    }

    /** The angle of {@code a} at the end of stage 1. */
    public double finalOutputAngle() {
        return outputAngle[outputAngle.length - 1];
    }

    /** The angle of {@code w_non} at the end of stage 1. */
    public double finalFilterAngle() {
        return filterAngle[filterAngle.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AngleTrace t && Arrays.equals(steps, t.steps) && Arrays.equals(outputAngle, t.outputAngle)
                && Arrays.equals(filterAngle, t.filterAngle);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(steps) + Arrays.hashCode(outputAngle)) + Arrays.hashCode(filterAngle);
    }

    @Override
    public String toString() {
        return "AngleTrace[" + steps.length + " points, final a angle=" + finalOutputAngle() + ", w_non angle="
                + finalFilterAngle() + "]";
    }
}
