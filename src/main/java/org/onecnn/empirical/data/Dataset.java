package org.onecnn.empirical.data;

import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.onecnn.util.InvalidInputException;

/**
 * A finite sample: features {@code X} ({@code [n, d]}, row m the input {@code x_m}), labels {@code y}
 * ({@code [n, 1]}) and the {@link DatasetManifest} that says what they are.
 *
 * <p>Immutable by contract: the arrays are handed out without a copy (training reads them on every step, and
 * a copy of a large data set per access would cost more than the step), so callers must not modify them.
 * {@link #of} copies the arrays it is given, so a caller's later writes cannot reach a data set.
 */
public final class Dataset {
    private final INDArray x;
    private final INDArray y;
    private final DatasetManifest manifest;
    private TrainingSet set;

    private Dataset(INDArray x, INDArray y, DatasetManifest manifest) {
        this.x = x;
        this.y = y;
        this.manifest = manifest;
    }

    /**
     * A data set from arrays (copied, row-major) and their manifest.
     *
     * @throws InvalidInputException if {@code X} is not {@code [n, d]} or {@code y} not {@code [n, 1]} for the
     *                               manifest's {@code n, d}, or their type is not the manifest's
     */
    public static Dataset of(INDArray x, INDArray y, DatasetManifest manifest) {
        check(x, y, manifest);
        return new Dataset(x.dup('c'), y.dup('c'), manifest);
    }

    /** Without the copy, for arrays this package has just created and nobody else holds. */
    static Dataset wrap(INDArray x, INDArray y, DatasetManifest manifest) {
        check(x, y, manifest);
        return new Dataset(x, y, manifest);
    }

    private static void check(INDArray x, INDArray y, DatasetManifest manifest) {
        Checks.notNull("manifest", manifest);
        Checks.notNull("X", x);
        Checks.notNull("y", y);
        long n = manifest.n();
        checkArray("X", x, new long[] {n, manifest.d()}, manifest.nd4jType());
        checkArray("y", y, new long[] {n, 1}, manifest.nd4jType());
    }

    static void checkArray(String field, INDArray a, long[] shape, DataType type) {
        if (!Arrays.equals(a.shape(), shape)) {
            throw new InvalidInputException(field, "shape must be " + Arrays.toString(shape)
                    + " (from the manifest), got " + Arrays.toString(a.shape()));
        }
        if (a.dataType() != type) {
            throw new InvalidInputException(field, "data type must be " + type + " (from the manifest), got "
                    + a.dataType());
        }
    }

    /** {@code X}, {@code [n, d]}, not a copy: do not modify. */
    public INDArray features() {
        return x;
    }

    /** {@code y}, {@code [n, 1]}, not a copy: do not modify. */
    public INDArray labels() {
        return y;
    }

    /**
     * {@code (X, y)} as plain Java arrays in the data set's type (what the empirical engines train on): the same
     * bits, made once and then shared (do not modify).
     */
    public synchronized TrainingSet trainingSet() {
        if (set == null) {
            int n = Math.toIntExact(manifest.n());
            set = x.dataType() == DataType.FLOAT
                    ? TrainingSet.ofFloats(n, manifest.d(), x.dup('c').data().asFloat(), y.dup('c').data().asFloat())
                    : TrainingSet.ofDoubles(n, manifest.d(), x.dup('c').data().asDouble(),
                            y.dup('c').data().asDouble());
        }
        return set;
    }

    public DatasetManifest manifest() {
        return manifest;
    }

    /** Number of samples. */
    public long n() {
        return manifest.n();
    }

    /** Input dimension. */
    public int d() {
        return manifest.d();
    }

    public DataType dataType() {
        return x.dataType();
    }

    @Override
    public String toString() {
        return "Dataset[" + manifest + "]";
    }
}
