package org.onecnn.empirical.data;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.onecnn.backend.Precision;
import org.onecnn.util.AtomicFiles;
import org.onecnn.util.Installation;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.PrettyJson;

/**
 * Data sets on disk, one folder each: {@code X.npy} ({@code [n, d]}), {@code y.npy} ({@code [n, 1]}), both in
 * numpy's {@code .npy} format (C order, {@code <f4} or {@code <f8}), and {@code manifest.json}
 * ({@link DatasetManifest}). Python reads them with {@code numpy.load}.
 *
 * <p>A data set folder is never overwritten: saving to an existing name is an error. The files are written into
 * a hidden sibling folder that is then renamed onto the (atomically claimed) name
 * ({@link AtomicFiles#writeNewFolder}), so a crash never leaves a half-written data set under a valid name.
 */
public final class DatasetStore {
    /** File names inside a data set folder. */
    public static final String FEATURES = "X.npy";
    public static final String LABELS = "y.npy";
    public static final String MANIFEST = "manifest.json";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
    private static final ObjectMapper READER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private final Path root;

    private DatasetStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The store under {@code root}. */
    public static DatasetStore at(Path root) {
        return new DatasetStore(Checks.notNull("root", root));
    }

    /** The store of this checkout, {@code <onecnn home>/datasets} (ignored by git). */
    public static DatasetStore standard() {
        return at(Installation.home().resolve("datasets"));
    }

    public Path root() {
        return root;
    }

    /**
     * The folder of data set {@code name}.
     *
     * @throws InvalidInputException if the name is not {@code [A-Za-z0-9][A-Za-z0-9._+-]*}
     */
    public Path folder(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("dataset name", "must match " + NAME.pattern() + " (no path separators, "
                    + "not starting with a dot), got '" + name + "'");
        }
        return root.resolve(name);
    }

    /**
     * A descriptive default name, e.g. {@code gaussian-d24-r6-s6-n1000-sigma0.0-seed42}.
     */
    public static String defaultName(DatasetManifest m) {
        return m.distribution() + "-d" + m.d() + "-r" + m.r() + "-s" + m.s() + "-n" + m.n() + "-sigma"
                + m.noiseSigma() + "-seed" + m.seed();
    }

    /**
     * Saves {@code data} as data set {@code name} of this store.
     *
     * @return the new folder
     * @throws InvalidInputException if the folder exists already (data sets are never overwritten)
     * @throws IOException           if writing fails (nothing is left under the name then)
     */
    public Path save(Dataset data, String name) throws IOException {
        return saveTo(data, folder(name));
    }

    /** Saves {@code data} into the new folder {@code folder}; see {@link #save(Dataset, String)}. */
    public static Path saveTo(Dataset data, Path folder) throws IOException {
        Checks.notNull("data", data);
        Path target = Checks.notNull("folder", folder).toAbsolutePath().normalize();
        try {
            // the manifest last: a folder without it does not load
            return AtomicFiles.writeNewFolder(target, List.of(FEATURES, LABELS, MANIFEST), dir -> {
                TrainingSet set = data.trainingSet();
                long n = set.n();
                writeArray(dir.resolve(FEATURES), new long[] {n, set.d()}, set, true);
                writeArray(dir.resolve(LABELS), new long[] {n, 1}, set, false);
                PrettyJson.write(dir.resolve(MANIFEST), data.manifest());
            });
        } catch (FileAlreadyExistsException e) {
            if (!target.toString().equals(e.getFile())) {
                throw e;
            }
            throw exists(target);
        }
    }

    private static InvalidInputException exists(Path target) {
        return new InvalidInputException(target.toString(), "a data set folder already exists there; data sets are "
                + "never overwritten: choose another name or delete the folder");
    }

    /** {@code X} ({@code features}) or {@code y} of {@code set} as a C-order {@code .npy} file, then checked. */
    private static void writeArray(Path file, long[] shape, TrainingSet set, boolean features) throws IOException {
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            if (set.precision() == Precision.FLOAT) {
                Npy.write(out, shape, features ? set.xFloats() : set.yFloats());
            } else {
                Npy.write(out, shape, features ? set.xDoubles() : set.yDoubles());
            }
        }
        Npy.check(file, shape, set.precision());
    }

    /** Loads data set {@code name} of this store; see {@link #load(Path)}. */
    public Dataset load(String name) {
        return load(folder(name));
    }

    /**
     * Loads the data set in {@code folder}: the manifest, then {@code X.npy} and {@code y.npy}, whose headers,
     * lengths, dtypes and shapes are checked against the manifest before ND4J reads them.
     *
     * @throws InvalidInputException naming the folder or file when it is missing, unreadable or does not match the
     *                               manifest
     */
    public static Dataset load(Path folder) {
        DatasetManifest m = inspect(folder);
        Precision type = m.precision();
        int n = Math.toIntExact(m.n());
        Path xf = folder.resolve(FEATURES);
        Path yf = folder.resolve(LABELS);
        Npy xh = Npy.check(xf, new long[] {n, m.d()}, type);
        Npy yh = Npy.check(yf, new long[] {n, 1}, type);
        requireFinite(folder, m);
        TrainingSet set = type == Precision.FLOAT
                ? TrainingSet.ofFloats(n, m.d(), xh.readFloats(xf, n * m.d()), yh.readFloats(yf, n))
                : TrainingSet.ofDoubles(n, m.d(), xh.readDoubles(xf, n * m.d()), yh.readDoubles(yf, n));
        return Dataset.of(set, m);
    }

    /**
     * Refuses a data set ({@link #inspect}ed, with manifest {@code m}) with a NaN or infinite value in {@code X}
     * or {@code y}: gradient descent on it turns every student's parameters into NaN, which would read as a
     * step size that diverges. Streams the files, holding none in memory.
     *
     * @throws InvalidInputException naming the file, the first bad value and where it is
     */
    public static void requireFinite(Path folder, DatasetManifest m) {
        Path xf = folder.resolve(FEATURES);
        Npy.NonFinite bad = Npy.read(xf).firstNonFinite(xf);
        if (bad != null) {
            long row = bad.index() / m.d();
            throw new InvalidInputException(xf.toString(), "holds " + bad.value() + " at element " + bad.index()
                    + " (sample " + row + ", input " + (bad.index() - row * m.d()) + "); every input must be a "
                    + "finite number: fix or drop that sample (and its label)");
        }
        Path yf = folder.resolve(LABELS);
        bad = Npy.read(yf).firstNonFinite(yf);
        if (bad != null) {
            throw new InvalidInputException(yf.toString(), "holds " + bad.value() + " at element " + bad.index()
                    + " (the label of sample " + bad.index() + "); every label must be a finite number: fix or "
                    + "drop that sample (and its row of X.npy)");
        }
    }

    /**
     * Whether {@code folder} can receive the data set of manifest {@code expected} ({@link #saveOrVerify}
     * saves or verifies it there): null when it is absent, an empty claim of an interrupted save, or holds that
     * very data set (the manifest's data-defining fields, then bitwise {@code X} and {@code y} of
     * {@code generate.get()}, generated only when the manifests agree); otherwise what is in the way, in words
     * that name the folder and, for another data set, the first field or value that differs.
     */
    public static String conflict(Path folder, DatasetManifest expected, java.util.function.Supplier<Dataset> generate) {
        Path target = Checks.notNull("folder", folder).toAbsolutePath().normalize();
        if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isDirectory(target)) {
            return target + " is a file where this run saves a data set folder";
        }
        try {
            if (isEmpty(target)) {
                return null;
            }
        } catch (IOException e) {
            return target + " cannot be listed: " + e.getMessage();
        }
        DatasetManifest there;
        try {
            there = inspect(target);
        } catch (InvalidInputException e) {
            return target + " is not a readable data set (" + e.getMessage() + ")";
        }
        String diff = expected.difference(there);
        if (diff != null) {
            return target + " holds another data set than the one this run generates: " + diff;
        }
        Dataset loaded;
        try {
            loaded = load(target);
        } catch (InvalidInputException e) {
            return target + " is not a readable data set (" + e.getMessage() + ")";
        }
        diff = contentDifference(generate.get().trainingSet(), loaded.trainingSet());
        return diff == null ? null : target + " holds another data set than the one this run generates: " + diff;
    }

    /**
     * The manifest of the data set in {@code folder}, after every check {@link #load} makes short of reading the
     * arrays: the manifest is valid, and {@code X.npy}, {@code y.npy} exist with headers, dtypes, shapes and
     * lengths that match it. Cheap (the headers only), so that a run can check all its input data sets before it
     * starts any work.
     *
     * @throws InvalidInputException naming the folder or file, as {@link #load}
     */
    public static DatasetManifest inspect(Path folder) {
        Checks.notNull("folder", folder);
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException(folder.toString(), "no such data set folder");
        }
        DatasetManifest m = readManifest(folder.resolve(MANIFEST));
        Precision type = m.precision();
        checkArrayFile(folder.resolve(FEATURES), new long[] {m.n(), m.d()}, type);
        checkArrayFile(folder.resolve(LABELS), new long[] {m.n(), 1}, type);
        return m;
    }

    private static void checkArrayFile(Path file, long[] shape, Precision type) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file.toString(), "missing");
        }
        Npy.check(file, shape, type);
    }

    /**
     * Saves {@code data} into {@code folder}, or, when a data set is there already, verifies that it is this one:
     * bitwise the same {@code X} and {@code y}, and a manifest equal to {@code data}'s in every field but
     * {@code created} and {@code versions} (when and by which build it was written). A run that is resumed after
     * an interrupt regenerates the data set it was saving and finds it here. An empty folder is the claim of a
     * save that was interrupted before its files were moved in ({@link AtomicFiles#writeNewFolder}); it is
     * removed and the data set saved.
     *
     * @return true if the data set was written, false if an identical one was there
     * @throws InvalidInputException naming the folder if another data set is there (it is never overwritten), or
     *                               if the folder holds something that is not a data set
     * @throws IOException           if writing fails
     */
    public static boolean saveOrVerify(Dataset data, Path folder) throws IOException {
        Checks.notNull("data", data);
        Path target = Checks.notNull("folder", folder).toAbsolutePath().normalize();
        if (Files.isDirectory(target) && isEmpty(target)) {
            Files.delete(target);
        }
        if (!Files.exists(target)) {
            try {
                saveTo(data, target);
                return true;
            } catch (InvalidInputException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
                // another process saved it between the check and the claim: verify that one
            }
        }
        Dataset there;
        try {
            there = load(target);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(target.toString(), "exists but is not a readable data set (" + e.getMessage()
                    + "); data sets are never overwritten: move it away or delete it");
        }
        String diff = difference(data, there);
        if (diff != null) {
            throw new InvalidInputException(target.toString(), "holds another data set than the one this run generates: "
                    + diff + "; data sets are never overwritten: move it away or delete it");
        }
        return false;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    /**
     * What differs between the data set a run made ({@code a}) and the one found on disk ({@code b}): the first
     * data-defining manifest field ({@link DatasetManifest#difference}), then the first element of {@code X},
     * then of {@code y}; null when they are the same data set.
     */
    private static String difference(Dataset a, Dataset b) {
        String diff = a.manifest().difference(b.manifest());
        return diff != null ? diff : contentDifference(a.trainingSet(), b.trainingSet());
    }

    /**
     * The first element in which the arrays of two sets of the same shape and type differ bitwise ({@code ours}
     * the run's, {@code theirs} the one on disk), as words naming the file, or null.
     */
    private static String contentDifference(TrainingSet ours, TrainingSet theirs) {
        boolean f = ours.precision() == Precision.FLOAT;
        long i = f ? java.util.Arrays.mismatch(ours.xFloats(), theirs.xFloats())
                : java.util.Arrays.mismatch(ours.xDoubles(), theirs.xDoubles());
        if (i >= 0) {
            int d = ours.d();
            return FEATURES + " differs at element " + i + " (sample " + i / d + ", input " + i % d + "): "
                    + (f ? theirs.xFloats()[(int) i] : theirs.xDoubles()[(int) i]) + " there, "
                    + (f ? ours.xFloats()[(int) i] : ours.xDoubles()[(int) i]) + " in this run's";
        }
        i = f ? java.util.Arrays.mismatch(ours.yFloats(), theirs.yFloats())
                : java.util.Arrays.mismatch(ours.yDoubles(), theirs.yDoubles());
        if (i >= 0) {
            return LABELS + " differs at element " + i + ": " + (f ? theirs.yFloats()[(int) i]
                    : theirs.yDoubles()[(int) i]) + " there, " + (f ? ours.yFloats()[(int) i]
                    : ours.yDoubles()[(int) i]) + " in this run's";
        }
        return null;
    }

    /**
     * The content hash of the data set in {@code folder}: SHA-256 of the bytes of {@code X.npy}, then
     * {@code y.npy}, then {@code manifest.json}, as lowercase hex (in a shell:
     * {@code cat X.npy y.npy manifest.json | sha256sum}).
     *
     * @throws InvalidInputException naming a file that is missing or unreadable
     */
    public static String contentHash(Path folder) {
        Checks.notNull("folder", folder);
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        for (String f : List.of(FEATURES, LABELS, MANIFEST)) {
            Path file = folder.resolve(f);
            try (java.io.InputStream in = Files.newInputStream(file)) {
                for (int r; (r = in.read(buf)) > 0;) {
                    md.update(buf, 0, r);
                }
            } catch (IOException e) {
                throw new InvalidInputException(file.toString(), "cannot read: " + e.getMessage());
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    private static DatasetManifest readManifest(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file.toString(), "missing (every data set folder has a manifest)");
        }
        try {
            return READER.readValue(file.toFile(), DatasetManifest.class);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof InvalidInputException ? cause.getMessage() : e.getOriginalMessage();
            throw new InvalidInputException(file.toString(), "invalid manifest: " + why);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file.toString(), "invalid manifest: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException(file.toString(), "cannot read: " + e.getMessage());
        }
    }
}
