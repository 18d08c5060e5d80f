package org.onecnn.empirical.data;

import java.time.Instant;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.util.Installation;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.SeedStream;

/**
 * Teacher–student data: {@code x_m ~ D} i.i.d., {@code y_m = Σ_i a*_i σ(w*ᵀ Z_i(x_m)) + σ_ε ε_m},
 * {@code ε_m ~ N(0, 1)} (docs/model.md §1), with the labels computed by the students' own layers
 * ({@link TeacherNetwork}).
 *
 * <p>Seeds: {@code X} from {@code NdRandom.of(INPUTS.derive(seed))}, the noise from
 * {@code NdRandom.of(NOISE.derive(seed))} (labels {@code x} and {@code noise}). The two streams are independent,
 * so the same seed with another σ gives the same {@code X} and the same noise direction, only scaled.
 */
public final class DatasetGenerator {
    /** The inputs {@code X} of the data set with seed {@code S}: {@code INPUTS.derive(S)}. */
    public static final SeedStream INPUTS = SeedStream.perItem("x", "the inputs X of one data set or online batch");
    /** The label noise of the data set with seed {@code S}: {@code NOISE.derive(S)}. */
    public static final SeedStream NOISE = SeedStream.perItem("noise",
            "the label noise of one data set or online batch");

    private DatasetGenerator() {
    }

    /**
     * {@link #generate(Architecture, Teacher, double, InputDistribution, long, double, long, DataType)} with a
     * ReLU teacher ({@code α = 0}).
     */
    public static Dataset generate(Architecture arch, Teacher teacher, InputDistribution dist, long n,
            double noiseSigma, long seed, DataType type) {
        return generate(arch, teacher, 0.0, dist, n, noiseSigma, seed, type);
    }

    /**
     * {@code n} samples of the teacher {@code (w*, a*)} with activation {@code max(z, αz)} on inputs from
     * {@code dist}, plus Gaussian label noise of standard deviation {@code noiseSigma}.
     *
     * @param leakySlope α in {@code [0, 1)}, 0 for ReLU
     * @param n          number of samples, >= 1
     * @param noiseSigma σ >= 0 (0: exact teacher labels, no noise drawn)
     * @param seed       the data set's seed (see the class documentation)
     * @param type       FLOAT or DOUBLE, the type of {@code X}, {@code y} and the teacher's computation
     * @throws InvalidInputException naming the offending argument
     */
    public static Dataset generate(Architecture arch, Teacher teacher, double leakySlope, InputDistribution dist,
            long n, double noiseSigma, long seed, DataType type) {
        TeacherNetwork net = TeacherNetwork.of(arch, teacher, leakySlope, type);
        return generate(net, dist, n, noiseSigma, seed, Installation.versions());
    }

    /** The data set of seed {@code seed} labelled by an existing teacher network. */
    static Dataset generate(TeacherNetwork net, InputDistribution dist, long n, double noiseSigma, long seed,
            Map<String, Object> versions) {
        Checks.notNull("distribution", dist);
        Checks.samples("n", n);
        Checks.noise("noise_sigma", noiseSigma);
        Architecture arch = net.architecture();
        DataType type = net.dataType();
        INDArray x = NdRandom.draw(INPUTS.derive(seed), rng -> dist.sample(n, arch.d(), type, rng));
        INDArray y = net.labels(x);
        if (noiseSigma > 0) {
            INDArray e = NdRandom.draw(NOISE.derive(seed), rng -> Gaussian.INSTANCE.sample(n, 1, type, rng));
            y.addi(e.muli(noiseSigma));
        }
        Teacher t = net.teacher();
        DatasetManifest m = new DatasetManifest(DatasetManifest.FORMAT, seed, n, arch.d(), arch.r(), arch.s(),
                arch.k(), dist.name(), noiseSigma, net.leakySlope(), type.name(), t.description(), t.wStar(),
                t.aStar(), backendName(), versions, Instant.now().toString());
        return Dataset.wrap(x, y, m);
    }

    /** The active ND4J backend, e.g. {@code CpuBackend} or {@code JCublasBackend}. */
    public static String backendName() {
        return Nd4j.getBackend().getClass().getSimpleName();
    }

    /**
     * The labels of {@code data} for an ensemble of {@code R} students: {@code [n, R]}, every column {@code y},
     * in column-major order ('f'), the layout of the ensemble's output, so that {@link
     * org.onecnn.empirical.layers.HalfSquaredLoss} computes score and gradient with one plain op each instead of
     * a broadcast. A new array; bitwise copies of {@code y}.
     *
     * @throws InvalidInputException if {@code students < 1}
     */
    public static INDArray labelsForStudents(Dataset data, int students) {
        Checks.notNull("data", data);
        InvalidInputException.requirePositive("students", students);
        INDArray y = data.labels();
        long n = y.size(0);
        INDArray out = Nd4j.createUninitialized(y.dataType(), new long[] {n, students}, 'f');
        // one contiguous copy per column; ND4J's assign of an [n, 1] array to [n, R] does not broadcast
        for (int j = 0; j < students; j++) {
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(j, j + 1)).assign(y);
        }
        return out;
    }
}
