package org.onecnn.empirical.data;

import java.time.Instant;
import java.util.Map;
import java.util.stream.IntStream;

import org.onecnn.backend.Precision;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.util.Installation;
import org.onecnn.util.InvalidInputException;

/**
 * Teacher–student data: {@code x_m ~ D} i.i.d., {@code y_m = Σ_i a*_i σ(w*ᵀ Z_i(x_m)) + σ_ε ε_m},
 * {@code ε_m ~ N(0, 1)} (docs/model.md §1), in pure Java.
 *
 * <p>The samples come from the same counter-based generator as online SGD's fresh samples ({@link CounterSamples},
 * Philox4x32-10): the data set of seed {@code S} is the batch of step 0 of the generator keyed by
 * {@code CounterSamples.DATASET.derive(S)} (stream {@code dataset}), {@code n} samples, with the bit layout
 * documented there (inputs by Box–Muller or the distribution's own pair map, labels in double in patch order,
 * the noise from the block after the inputs'). So a GPU regenerates a data set on the device from the two key
 * words, and the CPU the same values (bit-exact uniforms; transcendental functions within their last bits).
 * A float data set is the double one rounded to float (labels computed from the double inputs). The manifest
 * names the generator ({@link DatasetManifest#GENERATOR_PHILOX}).
 */
public final class DatasetGenerator {
    /** Rows generated per task when a large data set is generated on several cores (the values do not depend on it). */
    private static final int ROWS_PER_TASK = 4096;

    private DatasetGenerator() {
    }

    /** {@link #generate(Architecture, Teacher, double, InputDistribution, long, double, long, Precision)}, ReLU. */
    public static Dataset generate(Architecture arch, Teacher teacher, InputDistribution dist, long n,
            double noiseSigma, long seed, Precision type) {
        return generate(arch, teacher, 0.0, dist, n, noiseSigma, seed, type);
    }

    /**
     * {@code n} samples of the teacher {@code (w*, a*)} with activation {@code max(z, αz)} on inputs from
     * {@code dist}, plus Gaussian label noise of standard deviation {@code noiseSigma}.
     *
     * @param leakySlope α in {@code [0, 1)}, 0 for ReLU
     * @param n          number of samples, 1 … 2^31 − 1
     * @param noiseSigma σ >= 0 (0: exact teacher labels, no noise drawn)
     * @param seed       the data set's seed (see the class documentation)
     * @param type       float or double, the type of {@code X} and {@code y}
     * @throws InvalidInputException naming the offending argument
     */
    public static Dataset generate(Architecture arch, Teacher teacher, double leakySlope, InputDistribution dist,
            long n, double noiseSigma, long seed, Precision type) {
        return generate(arch, teacher, leakySlope, dist, n, noiseSigma, seed, type, Installation.versions());
    }

    static Dataset generate(Architecture arch, Teacher teacher, double leakySlope, InputDistribution dist, long n,
            double noiseSigma, long seed, Precision type, Map<String, Object> versions) {
        Checks.notNull("data_type", type);
        CounterSamples gen = CounterSamples.dataset(arch, teacher, leakySlope, dist, noiseSigma, seed, n);
        // drawn on the CPU when first read: the cuda engine regenerates it on the GPU from the generator instead
        TrainingSet set = TrainingSet.generated(gen, type, () -> draw(gen, type));
        return Dataset.of(set, manifest(arch, teacher, leakySlope, dist, n, noiseSigma, seed, type, versions));
    }

    /**
     * The manifest {@link #generate} gives the data set of these arguments, without drawing it: what a run that
     * saves its data sets compares a folder already on disk with before it starts.
     */
    public static DatasetManifest manifest(Architecture arch, Teacher teacher, double leakySlope,
            InputDistribution dist, long n, double noiseSigma, long seed, Precision type) {
        return manifest(arch, teacher, leakySlope, dist, n, noiseSigma, seed, type, Installation.versions());
    }

    private static DatasetManifest manifest(Architecture arch, Teacher teacher, double leakySlope,
            InputDistribution dist, long n, double noiseSigma, long seed, Precision type, Map<String, Object> versions) {
        return new DatasetManifest(DatasetManifest.FORMAT, seed, n, arch.d(), arch.r(), arch.s(),
                arch.k(), dist.name(), noiseSigma, leakySlope, type.name(), teacher.description(), teacher.wStar(),
                teacher.aStar(), DatasetManifest.BACKEND_JAVA, DatasetManifest.GENERATOR_PHILOX, versions,
                Instant.now().toString());
    }

    /**
     * The most heap bytes {@link #generate} holds at once for a data set of {@code n} samples of dimension
     * {@code d} in {@code type}: the double fill ({@code 8(n·d + n)}), and for a float set also its rounded
     * copy ({@code 4(n·d + n)}), made while the double one is still held; plus the row blocks in flight (one per
     * core, {@link #ROWS_PER_TASK} rows each).
     */
    public static double peakBytes(long n, int d, Precision type) {
        double elements = (double) n * d + n;
        double blocks = (double) Runtime.getRuntime().availableProcessors() * ROWS_PER_TASK * (d + 1.0) * 8;
        return elements * (8 + (type == Precision.FLOAT ? 4 : 0)) + blocks;
    }

    /**
     * Every sample of {@code gen}'s batch of step 0 in {@code type}: row blocks on the common pool (each sample is
     * a pure function of its index, so the bits do not depend on the split).
     */
    static TrainingSet draw(CounterSamples gen, Precision type) {
        int n = gen.batchSize();
        int d = gen.d();
        int tasks = (n + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        double[] x = new double[Math.multiplyExact(n, d)];
        double[] y = new double[n];
        IntStream.range(0, tasks).parallel().forEach(b -> {
            int lo = b * ROWS_PER_TASK;
            int rows = Math.min(ROWS_PER_TASK, n - lo);
            double[] bx = new double[rows * d];
            double[] by = new double[rows];
            gen.fill(0, lo, rows, bx, by);
            System.arraycopy(bx, 0, x, lo * d, rows * d);
            System.arraycopy(by, 0, y, lo, rows);
        });
        TrainingSet set = TrainingSet.ofDoubles(n, d, x, y);
        // the float set is the double one rounded to nearest, as CounterSamples' float fill defines it
        return type == Precision.FLOAT ? TrainingSet.ofFloats(n, d, set.xFloats(), set.yFloats()) : set;
    }
}
