package org.onecnn.empirical.data;

import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.Philox4x32;
import org.onecnn.util.SeedStream;

/**
 * The fresh samples of online SGD, from a counter-based generator ({@link Philox4x32}): sample {@code m} of the
 * batch of step {@code t} is a pure function of {@code (seed, t, m)}, so any thread, any chunk of rows, any engine
 * (a GPU kernel included) can produce it where it is used, in any order, and get the same bits. Pure Java.
 *
 * <h2>The bits</h2>
 * Key {@code (k0, k1)}: the low and high 32 bits of {@code KEY.derive(seed)} (stream {@code online}). Block {@code j} of sample {@code m} at step
 * {@code t} is {@code Philox4x32-10(key, (j, m, lo(t), hi(t)))}; its four words give two uniforms on
 * {@code [0, 1)} ({@link Philox4x32#uniform}: words 0–1 and 2–3), which the input distribution turns into two
 * coordinates ({@link InputDistribution#pair}: Box–Muller for the Gaussian). Coordinates {@code 2j} and
 * {@code 2j + 1} of {@code x_m} come from block {@code j} ({@code j = 0 … ⌈d/2⌉ − 1}; with odd {@code d} the
 * last second value is unused); the label noise {@code ξ_m ~ N(0, 1)} is the first value of the Box–Muller pair
 * of block {@code ⌈d/2⌉}, whatever the input distribution.
 *
 * <h2>The labels</h2>
 * {@code y_m = Σ_i a*_i σ(w*ᵀ Z_i(x_m)) + σ_noise ξ_m}, {@code σ(z) = max(z, αz)}, patches
 * {@code Z_i = x[i·s … i·s + r − 1]}, summed in double in patch order (the teacher's own filter, not normalised:
 * the teacher is {@code c·a*} on {@code w* / c}, the same function). The float batch is the double batch rounded
 * to float (labels computed from the double inputs), so a float and a double run see the same draws.
 *
 * <p>Immutable and stateless: thread-safe.
 */
public final class CounterSamples {
    /** The generator's key, derived once from the seed of the samples (so provenance lists the stream). */
    public static final SeedStream KEY = SeedStream.of("online",
            "the Philox4x32 key of the fresh samples of online SGD (every step and sample from it by counter)");
    /**
     * The key of a fixed data set: its {@code n} samples are the batch of step 0 of the generator keyed by
     * {@code DATASET.derive(seed)} ({@link #dataset}), so a GPU regenerates them from the key words alone.
     */
    public static final SeedStream DATASET = SeedStream.of("dataset",
            "the Philox4x32 key of a fixed data set (its samples = the batch of step 0 under this key)");

    private final Architecture arch;
    private final double[] wStar;
    private final double[] aStar;
    private final double leakySlope;
    private final InputDistribution dist;
    private final double noiseSigma;
    private final long seed;
    private final int k0;
    private final int k1;
    private final int batchSize;

    private CounterSamples(Architecture arch, Teacher teacher, double leakySlope, InputDistribution dist,
            double noiseSigma, long seed, int batchSize, SeedStream keyStream) {
        this.arch = arch;
        this.wStar = teacher.wStar();
        this.aStar = teacher.aStar();
        this.leakySlope = leakySlope;
        this.dist = dist;
        this.noiseSigma = noiseSigma;
        this.seed = seed;
        long key = keyStream.derive(seed);
        this.k0 = (int) key;
        this.k1 = (int) (key >>> 32);
        this.batchSize = batchSize;
    }

    /**
     * Batches of {@code batchSize} samples of {@code dist}, labelled by {@code teacher} with activation
     * {@code max(z, αz)}, {@code α = leakySlope}, plus Gaussian noise of standard deviation {@code noiseSigma}.
     *
     * @throws InvalidInputException naming the offending argument
     */
    public static CounterSamples of(Architecture arch, Teacher teacher, double leakySlope, InputDistribution dist,
            double noiseSigma, long seed, int batchSize) {
        Checks.notNull("architecture", arch);
        Checks.notNull("teacher", teacher).requireFits(arch, "teacher");
        Checks.leakySlope("leaky_slope", leakySlope);
        Checks.notNull("distribution", dist);
        Checks.noise("noise_sigma", noiseSigma);
        InvalidInputException.requirePositive("batch_size", batchSize);
        return new CounterSamples(arch, teacher, leakySlope, dist, noiseSigma, seed, batchSize, KEY);
    }

    /**
     * The generator of the fixed data set of seed {@code seed}: key {@code DATASET.derive(seed)}, one batch of
     * {@code n} samples, read as step 0 ({@link DatasetGenerator#generate}). Same bit layout as {@link #of}.
     *
     * @throws InvalidInputException naming the offending argument ({@code n} above {@code 2^31 − 1} included)
     */
    public static CounterSamples dataset(Architecture arch, Teacher teacher, double leakySlope,
            InputDistribution dist, double noiseSigma, long seed, long n) {
        Checks.samples("n", n);
        if (n > Integer.MAX_VALUE) {
            throw new InvalidInputException("n", "at most " + Integer.MAX_VALUE + " samples per data set, got " + n);
        }
        Checks.notNull("architecture", arch);
        Checks.notNull("teacher", teacher).requireFits(arch, "teacher");
        Checks.leakySlope("leaky_slope", leakySlope);
        Checks.notNull("distribution", dist);
        Checks.noise("noise_sigma", noiseSigma);
        return new CounterSamples(arch, teacher, leakySlope, dist, noiseSigma, seed, (int) n, DATASET);
    }

    /** {@code b}, the samples per step. */
    public int batchSize() {
        return batchSize;
    }

    /** The input dimension {@code d}. */
    public int d() {
        return arch.d();
    }

    /** The seed the generator's key derives from. */
    public long seed() {
        return seed;
    }

    public InputDistribution distribution() {
        return dist;
    }

    public double noiseSigma() {
        return noiseSigma;
    }

    /**
     * Samples {@code row0 … row0 + rows − 1} of the batch of {@code step}: {@code x} row-major
     * ({@code rows × d} values from index 0), {@code y} ({@code rows} values from index 0).
     *
     * @throws IllegalArgumentException if {@code step < 0}, the rows lie outside {@code 0 … b − 1} or the arrays are
     *         too short
     */
    public void fill(long step, int row0, int rows, double[] x, double[] y) {
        check(step, row0, rows, x.length, y.length);
        int d = arch.d();
        double[] row = new double[d + 2];
        int[] words = new int[4];
        for (int i = 0; i < rows; i++) {
            y[i] = sample(step, row0 + i, row, words);
            System.arraycopy(row, 0, x, i * d, d);
        }
    }

    /** {@link #fill(long, int, int, double[], double[])} rounded to float. */
    public void fill(long step, int row0, int rows, float[] x, float[] y) {
        check(step, row0, rows, x.length, y.length);
        int d = arch.d();
        double[] row = new double[d + 2];
        int[] words = new int[4];
        for (int i = 0; i < rows; i++) {
            y[i] = (float) sample(step, row0 + i, row, words);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) row[j];
            }
        }
    }

    private void check(long step, int row0, int rows, int xLength, int yLength) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (row0 < 0 || rows < 0 || row0 + rows > batchSize) {
            throw new IllegalArgumentException("rows " + row0 + " … " + (row0 + rows - 1) + " outside the batch of "
                    + batchSize);
        }
        if (xLength < (long) rows * arch.d() || yLength < rows) {
            throw new IllegalArgumentException("arrays too short for " + rows + " samples of dimension " + arch.d());
        }
    }

    /** Sample {@code m} of step {@code t}: its inputs into {@code row[0 … d−1]}, its label returned. */
    private double sample(long t, int m, double[] row, int[] words) {
        int d = arch.d();
        int tLo = (int) t;
        int tHi = (int) (t >>> 32);
        int pairs = (d + 1) / 2;
        for (int j = 0; j < pairs; j++) {
            Philox4x32.block(k0, k1, j, m, tLo, tHi, words, 0);
            dist.pair(Philox4x32.uniform(words[0], words[1]), Philox4x32.uniform(words[2], words[3]), row, 2 * j);
        }
        double label = teacher(row);
        if (noiseSigma > 0) {
            Philox4x32.block(k0, k1, pairs, m, tLo, tHi, words, 0);
            Gaussian.INSTANCE.pair(Philox4x32.uniform(words[0], words[1]), Philox4x32.uniform(words[2], words[3]),
                    row, d);
            label += noiseSigma * row[d];
        }
        return label;
    }

    /** {@code Σ_i a*_i σ(w*ᵀ Z_i)} in double, in patch order. */
    private double teacher(double[] x) {
        int r = arch.r();
        int s = arch.s();
        double f = 0;
        for (int i = 0; i < aStar.length; i++) {
            double z = 0;
            for (int b = 0; b < r; b++) {
                z += wStar[b] * x[i * s + b];
            }
            f += aStar[i] * (z > 0 ? z : leakySlope * z);
        }
        return f;
    }

    /**
     * The generator's key words {@code (k0, k1)}: what a GPU kernel needs to draw the same samples (the cuda
     * engine).
     */
    public int[] keyWords() {
        return new int[] {k0, k1};
    }

    /** The teacher's filter {@code w*} (a copy), as the labels use it. */
    public double[] teacherFilter() {
        return wStar.clone();
    }

    /** The teacher's output weights {@code a*} (a copy). */
    public double[] teacherOutput() {
        return aStar.clone();
    }

    /** The slope {@code α} of the labels' activation {@code max(z, αz)}. */
    public double leakySlope() {
        return leakySlope;
    }

    /** The architecture of the samples. */
    public Architecture architecture() {
        return arch;
    }
}
