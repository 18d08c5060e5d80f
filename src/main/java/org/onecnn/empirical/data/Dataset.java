package org.onecnn.empirical.data;

import org.onecnn.util.InvalidInputException;

/**
 * A finite sample: features {@code X} ({@code [n, d]}, row m the input {@code x_m}), labels {@code y}
 * ({@code [n, 1]}) as a {@link TrainingSet} of plain Java arrays, and the {@link DatasetManifest} that says what
 * they are. Loads no ND4J class.
 *
 * <p>Immutable by contract: the arrays are handed out without a copy (training reads them on every step, and
 * a copy of a large data set per access would cost more than the step), so callers must not modify them.
 */
public final class Dataset {
    private final TrainingSet set;
    private final DatasetManifest manifest;

    private Dataset(TrainingSet set, DatasetManifest manifest) {
        this.set = set;
        this.manifest = manifest;
    }

    /**
     * A data set of {@code set} (held, not copied) and its manifest.
     *
     * @throws InvalidInputException if the set's {@code n}, {@code d} or precision is not the manifest's
     */
    public static Dataset of(TrainingSet set, DatasetManifest manifest) {
        Checks.notNull("manifest", manifest);
        Checks.notNull("data", set);
        if (set.n() != manifest.n() || set.d() != manifest.d()) {
            throw new InvalidInputException("X", "shape must be [" + manifest.n() + ", " + manifest.d()
                    + "] (from the manifest), got [" + set.n() + ", " + set.d() + "]");
        }
        if (set.precision() != manifest.precision()) {
            throw new InvalidInputException("X", "data type must be " + manifest.dataType() + " (from the manifest), got "
                    + set.precision().name());
        }
        return new Dataset(set, manifest);
    }

    /** {@code (X, y)}, the arrays not copied: do not modify. */
    public TrainingSet trainingSet() {
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

    @Override
    public String toString() {
        return "Dataset[" + manifest + "]";
    }
}
