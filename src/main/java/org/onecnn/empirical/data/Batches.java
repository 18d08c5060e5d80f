package org.onecnn.empirical.data;

import java.util.SplittableRandom;

import org.onecnn.util.InvalidInputException;
import org.onecnn.util.SeedStream;

/** The index orders of minibatch SGD (online SGD draws its fresh samples from {@link CounterSamples}). */
public final class Batches {
    /** The minibatch order of epoch {@code e}: {@code PERMUTATION.derive(S, e)}. */
    public static final SeedStream PERMUTATION = SeedStream.perItem("permutation",
            "the order of one epoch of minibatch SGD (Fisher–Yates)", "epoch");

    private Batches() {
    }

    /** The largest data set {@link #permutation} can order (the length limit of a Java array). */
    public static final long MAX_PERMUTATION = Integer.MAX_VALUE - 8;

    /**
     * The order in which epoch {@code epoch} of minibatch SGD visits samples {@code 0..n−1}: a uniformly random
     * permutation by Fisher–Yates ({@code for i = n−1..1: swap(i, j), j uniform in 0..i}), driven by a
     * {@link SplittableRandom} seeded with {@code PERMUTATION.derive(seed, epoch)}. It depends only on
     * {@code (n, seed, epoch)}, so an epoch can be replayed without replaying the ones before it.
     *
     * @param n     number of samples, {@code 0 <= n <= } {@link #MAX_PERMUTATION}
     * @param epoch epoch index, >= 0
     * @return a new array holding each of {@code 0..n−1} once
     * @throws InvalidInputException if {@code n} or {@code epoch} is out of range
     */
    public static long[] permutation(long n, long seed, long epoch) {
        if (n < 0 || n > MAX_PERMUTATION) {
            throw new InvalidInputException("n", "must lie in [0, " + MAX_PERMUTATION + "], got " + n);
        }
        if (epoch < 0) {
            throw new InvalidInputException("epoch", "must be >= 0, got " + epoch);
        }
        long[] p = new long[(int) n];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(PERMUTATION.derive(seed, epoch));
        for (int i = p.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
