package org.onecnn.model;

import org.onecnn.util.InvalidInputException;

/**
 * The shape of a one-hidden-layer convolutional network: input dimension {@code d}, filter size
 * {@code r}, stride {@code s}; the number of patches {@code k = (d - r)/s + 1} is derived.
 *
 * <p>Patch {@code i = 0..k-1} is {@code x[i*s .. i*s + r - 1]}. Non-overlapping means {@code s = r}
 * (the papers then write {@code p} for the patch size and {@code d = k p}).
 *
 * @param d input dimension, {@code d >= r}
 * @param r filter (patch) size, {@code r >= 1}
 * @param s stride, {@code 1 <= s <= r}, with {@code (d - r) % s == 0}
 */
public record Architecture(int d, int r, int s) {

    public Architecture {
        if (r < 1) {
            throw new InvalidInputException("r", "filter size must be >= 1, got " + r);
        }
        if (s < 1 || s > r) {
            throw new InvalidInputException("s", "stride must satisfy 1 <= s <= r = " + r + ", got " + s);
        }
        if (d < r) {
            throw new InvalidInputException("d", "input dimension must be >= r = " + r + ", got " + d);
        }
        if ((d - r) % s != 0) {
            throw new InvalidInputException("d", "(d - r) % s must be 0 so the patches tile the input, got d=" + d
                    + ", r=" + r + ", s=" + s + "; use d = r + m*s, e.g. d=" + (r + ((d - r) / s) * s) + " or "
                    + (r + ((d - r) / s + 1) * s));
        }
    }

    /** Validated factory. */
    public static Architecture of(int d, int r, int s) {
        return new Architecture(d, r, s);
    }

    /** {@code k} non-overlapping patches of size {@code p}: {@code d = k p}, {@code r = s = p}. */
    public static Architecture nonOverlapping(int k, int p) {
        if (k < 1) {
            throw new InvalidInputException("k", "number of patches must be >= 1, got " + k);
        }
        if (p < 1) {
            throw new InvalidInputException("p", "patch size must be >= 1, got " + p);
        }
        return new Architecture(k * p, p, p);
    }

    /** Number of patches {@code (d - r)/s + 1}. */
    public int k() {
        return (d - r) / s + 1;
    }

    /** True when {@code s < r}, i.e. neighbouring patches share coordinates. */
    public boolean overlapping() {
        return s < r;
    }

    /** Patch size under its non-overlapping name. */
    public int p() {
        return r;
    }
}
