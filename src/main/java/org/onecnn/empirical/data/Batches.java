package org.onecnn.empirical.data;

import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.SeedStream;

/** Samples for stochastic training: fresh batches for online SGD, index orders for minibatch SGD. */
public final class Batches {
    /** The minibatch order of epoch {@code e}: {@code PERMUTATION.derive(S, e)}. */
    public static final SeedStream PERMUTATION = SeedStream.perItem("permutation",
            "the order of one epoch of minibatch SGD (Fisher–Yates)", "epoch");

    private Batches() {
    }

    /** The largest data set {@link #permutation} can order (the length limit of a Java array). */
    public static final long MAX_PERMUTATION = Integer.MAX_VALUE - 8;

    /**
     * Fresh batches of {@code batchSize} samples from a ReLU teacher; see {@link FreshBatches}.
     *
     * @throws InvalidInputException naming the offending argument
     */
    public static FreshBatches fresh(Architecture arch, Teacher teacher, InputDistribution dist, double noiseSigma,
            long seed, int batchSize, DataType type) {
        return fresh(arch, teacher, 0.0, dist, noiseSigma, seed, batchSize, type);
    }

    /** Fresh batches from a teacher with activation {@code max(z, αz)}, {@code α = leakySlope}. */
    public static FreshBatches fresh(Architecture arch, Teacher teacher, double leakySlope, InputDistribution dist,
            double noiseSigma, long seed, int batchSize, DataType type) {
        return new FreshBatches(TeacherNetwork.of(arch, teacher, leakySlope, type), dist, noiseSigma, seed,
                batchSize);
    }

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
