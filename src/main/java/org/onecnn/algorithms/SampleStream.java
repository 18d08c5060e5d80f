package org.onecnn.algorithms;

import org.onecnn.model.InputSampler;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.SeedStream;

/**
 * A stream of fresh inputs {@code x ∈ R^d} for one online run, one sample per step, drawn by the distribution
 * (the ND4J-backed ones run on the ND4J backend).
 *
 * <p>The inputs come in chunks of {@code rows = max(1, ⌊2¹⁶ / d⌋)} samples (512 KiB of doubles; 409 samples for
 * {@code d = 160}): chunk {@code c} is {@code distribution.draw(rows, d, CHUNK.derive(seed, c))} ({@link #CHUNK}),
 * a Java array that the steps then read. So the stream is a pure function of {@code (distribution, d, seed)}: it does
 * not depend on how many other runs are stepped beside it, on the order runs are stepped in, or on what else used
 * ND4J before. Why chunks: one ND4J op costs 10–60 µs of fixed overhead here (a new generator about 30–100 µs),
 * more than the whole arithmetic of a one-sample update; in chunks a value costs what the generator needs,
 * measured about 13 ns (Gaussian) and 2.5 ns (uniform) in double precision plus about 2 ns to copy out. The chunk
 * length is part of the stream's definition: changing {@link #CHUNK_VALUES} changes the samples.
 *
 * <p>Not thread-safe; one stream per run.
 */
public final class SampleStream {
    /** Values per ND4J draw: a chunk holds {@code max(1, CHUNK_VALUES / d)} samples. */
    public static final int CHUNK_VALUES = 1 << 16;

    /** The seed of chunk {@code c} of a stream with seed {@code S}: {@code CHUNK.derive(S, c)}. */
    public static final SeedStream CHUNK = SeedStream.perItem("chunk", "the inputs of one chunk of an online "
            + "sample stream (Convotron, Double Convotron stage 1)", "chunk");

    private final InputSampler distribution;
    private final int d;
    private final long seed;
    private final int rows;
    private double[] buffer;
    private long chunk = -1;
    private int next;

    /**
     * The stream of {@code distribution} in {@code R^d} with seed {@code seed}.
     *
     * @throws InvalidInputException if {@code distribution} is null or {@code d < 1}
     */
    public SampleStream(InputSampler distribution, int d, long seed) {
        if (distribution == null) {
            throw new InvalidInputException("distribution", "is required");
        }
        this.distribution = distribution;
        this.d = InvalidInputException.requirePositive("d", d);
        this.seed = seed;
        this.rows = rowsPerChunk(d);
        this.next = rows;
    }

    /** Samples per chunk in dimension {@code d}, {@code max(1, CHUNK_VALUES / d)}. */
    public static int rowsPerChunk(int d) {
        return Math.max(1, CHUNK_VALUES / d);
    }

    /**
     * The next sample: its first coordinate is at the returned offset of {@link #buffer()}, which must be read
     * after this call (a call may replace the buffer).
     */
    public int next() {
        if (next == rows) {
            chunk++;
            buffer = draw(distribution, rows, d, CHUNK.derive(seed, chunk));
            next = 0;
        }
        return d * next++;
    }

    /** The current chunk, {@code rowsPerChunk(d) × d} values in row-major order (not a copy). */
    double[] buffer() {
        return buffer;
    }

    /** Copies the next sample into {@code out} (length {@code d}) and returns it. */
    public double[] next(double[] out) {
        int off = next();
        System.arraycopy(buffer, off, out, 0, d);
        return out;
    }

    /**
     * {@code n} samples, row-major {@code n × d}: {@code distribution.draw(n, d, seed)} (for the ND4J-backed
     * distributions one ND4J draw with a generator seeded with {@code seed}), a fixed test or validation set.
     *
     * @throws InvalidInputException if {@code n < 1} or {@code d < 1}
     */
    public static double[] draw(InputSampler distribution, int n, int d, long seed) {
        if (distribution == null) {
            throw new InvalidInputException("distribution", "is required");
        }
        InvalidInputException.requirePositive("n", n);
        InvalidInputException.requirePositive("d", d);
        if ((long) n * d > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("n", "n·d = " + (long) n * d + " values do not fit one Java array");
        }
        double[] v = distribution.draw(n, d, seed);
        if (v == null || v.length != n * d) {
            throw new IllegalStateException("distribution " + distribution.name() + " drew "
                    + (v == null ? "nothing" : v.length + " values") + " for n·d = " + n * d);
        }
        return v;
    }

    public InputSampler distribution() {
        return distribution;
    }

    public int dimension() {
        return d;
    }

    public long seed() {
        return seed;
    }
}
