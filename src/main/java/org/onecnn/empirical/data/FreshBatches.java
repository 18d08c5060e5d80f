package org.onecnn.empirical.data;

import java.util.Map;
import java.util.function.LongFunction;

import org.onecnn.experiment.Provenance;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.Seeds;

/**
 * Fresh samples for online SGD (Convotron, or SGD on the population loss): batch {@code t} is the data set of
 * {@code b} samples with seed {@code Seeds.derive(seed, "online", t)}, so it depends on {@code t} alone, not
 * on which batches were drawn before or in what order (a resumed or reordered run sees the same data).
 * Batch {@code t} equals {@code DatasetGenerator.generate(..., b, σ, seedOf(t), type)} bitwise.
 *
 * <p>The teacher network is built once and reused. Calls are serialised (a DL4J network is not thread-safe).
 * Made by {@link Batches#fresh}.
 */
public final class FreshBatches implements LongFunction<Dataset> {
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
        this.versions = Provenance.versions();
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

    /** The data set seed of batch {@code step}, {@code Seeds.derive(seed, "online", step)}. */
    public long seedOf(long step) {
        if (step < 0) {
            throw new InvalidInputException("step", "must be >= 0, got " + step);
        }
        return Seeds.derive(seed, "online", step);
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
