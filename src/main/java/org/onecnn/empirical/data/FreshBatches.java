package org.onecnn.empirical.data;

import java.util.Map;
import java.util.function.LongFunction;

import org.onecnn.util.Installation;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.SeedStream;

/**
 * Fresh samples for online SGD (Convotron, or SGD on the population loss): batch {@code t} is the data set of
 * {@code b} samples with seed {@code ONLINE.derive(seed, t)} (label {@code online}), so it depends on {@code t} alone, not
 * on which batches were drawn before or in what order (a resumed or reordered run sees the same data).
 * Batch {@code t} equals {@code DatasetGenerator.generate(..., b, σ, seedOf(t), type)} bitwise.
 *
 * <p>The teacher network is built once and reused. Calls are serialised (a DL4J network is not thread-safe).
 * Made by {@link Batches#fresh}.
 */
public final class FreshBatches implements LongFunction<Dataset> {
    /** The data set seed of online batch {@code t}: {@code ONLINE.derive(S, t)}. */
    public static final SeedStream ONLINE = SeedStream.perItem("online",
            "the data set of one online batch (fresh samples at one step)", "step");

    private final TeacherNetwork teacher;
    private final InputDistribution dist;
    private final double noiseSigma;
    private final long seed;
    private final int batchSize;
    private final Map<String, Object> versions;

    FreshBatches(TeacherNetwork teacher, InputDistribution dist, double noiseSigma, long seed, int batchSize) {
        this.teacher = teacher;
        this.dist = Checks.notNull("distribution", dist);
        this.noiseSigma = Checks.noise("noise_sigma", noiseSigma);
        this.seed = seed;
        this.batchSize = InvalidInputException.requirePositive("batch_size", batchSize);
        this.versions = Installation.versions();
    }

    /**
     * Batch {@code step}: {@code b} fresh samples.
     *
     * @throws InvalidInputException if {@code step < 0}
     */
    @Override
    public synchronized Dataset apply(long step) {
        return DatasetGenerator.generate(teacher, dist, batchSize, noiseSigma, seedOf(step), versions);
    }

    /** The data set seed of batch {@code step}, {@code ONLINE.derive(seed, step)}. */
    public long seedOf(long step) {
        if (step < 0) {
            throw new InvalidInputException("step", "must be >= 0, got " + step);
        }
        return ONLINE.derive(seed, step);
    }

    /** {@code b}, the samples per batch. */
    public int batchSize() {
        return batchSize;
    }

    /** The master seed of the batches. */
    public long seed() {
        return seed;
    }

    public double noiseSigma() {
        return noiseSigma;
    }

    public InputDistribution distribution() {
        return dist;
    }

    public TeacherNetwork teacher() {
        return teacher;
    }
}
