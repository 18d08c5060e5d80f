package org.onecnn.empirical.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.onecnn.backend.Precision;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.testutil.NumpyTeacher;
import org.onecnn.util.InvalidInputException;

/**
 * The study layout of data sets ({@code n-<n>-d-<d>} folders), saving that verifies instead of overwriting (what a
 * resumed run does), the content hash, and numpy's view of a saved data set: its labels are the teacher of its
 * manifest, within the rounding bound of {@link NumpyTeacher}.
 */
class DatasetFoldersTest {
    private static final Architecture ARCH = Architecture.of(12, 4, 4);
    private static final Architecture OVERLAP = Architecture.of(12, 4, 2);

    @TempDir
    Path root;

    private static Dataset data(Architecture arch, double leaky, long seed, Precision type) {
        Teacher t = Teacher.gaussian(arch.k(), arch.r(), 5);
        return DatasetGenerator.generate(arch, t, leaky, Gaussian.INSTANCE, 300, 0.0, seed, type);
    }

    @Test
    void scanFindsSizesAndCounts() throws IOException {
        for (long n : new long[] {80, 20}) {
            for (int d = 0; d < 2; d++) {
                Files.createDirectories(root.resolve(DatasetFolders.name(n, d)));
            }
        }
        Files.createDirectory(root.resolve(".n-20-d-0.123.tmp")); // an interrupted save's temporary folder
        Files.writeString(root.resolve("README.md"), "my data\n");
        DatasetFolders f = DatasetFolders.scan(root);
        assertEquals(List.of(20L, 80L), f.n());
        assertEquals(2, f.datasets());
        assertEquals(root.resolve("n-80-d-1"), f.folder(80, 1));
    }

    @Test
    void scanRefusesWhatIsNoStudyLayout() throws IOException {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetFolders.scan(
                root.resolve("nope")));
        assertEquals("datasets_from", e.field());
        assertTrue(e.getMessage().contains("not a folder"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> DatasetFolders.scan(root));
        assertTrue(e.getMessage().contains("holds no data set"), e.getMessage());
        Files.createDirectories(root.resolve("n-10-d-0"));
        Files.createDirectories(root.resolve("n-10-d-1"));
        Files.createDirectories(root.resolve("n-20-d-0"));
        e = assertThrows(InvalidInputException.class, () -> DatasetFolders.scan(root));
        assertTrue(e.getMessage().contains(root.resolve("n-20-d-1") + " is missing"), e.getMessage());
        Files.createDirectories(root.resolve("n-20-d-1"));
        Files.createDirectories(root.resolve("n-020-d-2"));
        e = assertThrows(InvalidInputException.class, () -> DatasetFolders.scan(root));
        assertTrue(e.getMessage().contains("n-020-d-2 is not named n-<n>-d-<d>"), e.getMessage());
    }

    @Test
    void saveOrVerifySavesOnceThenVerifies() throws IOException {
        Dataset ds = data(ARCH, 0, 7, Precision.FLOAT);
        Path folder = root.resolve("run").resolve(DatasetFolders.name(300, 0));
        assertTrue(DatasetStore.saveOrVerify(ds, folder));
        String hash = DatasetStore.contentHash(folder);
        FileTime written = Files.getLastModifiedTime(folder.resolve(DatasetStore.MANIFEST));
        // the same data set, generated again (a resumed run): verified, not written
        assertFalse(DatasetStore.saveOrVerify(data(ARCH, 0, 7, Precision.FLOAT), folder));
        assertEquals(hash, DatasetStore.contentHash(folder));
        assertEquals(written, Files.getLastModifiedTime(folder.resolve(DatasetStore.MANIFEST)));
        // another data set under that name: refused, naming the folder, and nothing changed
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DatasetStore.saveOrVerify(data(ARCH, 0, 8, Precision.FLOAT), folder));
        assertEquals(folder.toString(), e.field());
        // the first field that differs, not two whole manifests
        assertTrue(e.getMessage().contains("another data set than the one this run generates: seed = 7 in its "
                + "manifest, 8 in this run's;"), e.getMessage());
        assertFalse(e.getMessage().contains("DatasetManifest["), e.getMessage());
        assertEquals(hash, DatasetStore.contentHash(folder));
        // same seed in another type: other bits, other manifest
        assertThrows(InvalidInputException.class, () -> DatasetStore.saveOrVerify(data(ARCH, 0, 7, Precision.DOUBLE),
                folder));
    }

    @Test
    void conflictNamesWhatIsInTheWayAndGeneratesOnlyWhenTheManifestsAgree() throws IOException {
        Dataset ds = data(ARCH, 0, 7, Precision.FLOAT);
        Path folder = root.resolve(DatasetFolders.name(300, 0));
        java.util.concurrent.atomic.AtomicInteger generated = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<Dataset> gen = () -> {
            generated.incrementAndGet();
            return data(ARCH, 0, 7, Precision.FLOAT);
        };
        assertEquals(null, DatasetStore.conflict(folder, ds.manifest(), gen), "absent: nothing in the way");
        Files.createDirectories(folder);
        assertEquals(null, DatasetStore.conflict(folder, ds.manifest(), gen), "the empty claim of a save");
        Files.delete(folder);
        DatasetStore.saveTo(ds, folder);
        assertEquals(null, DatasetStore.conflict(folder, ds.manifest(), gen), "the same data set");
        assertEquals(1, generated.get());
        String other = DatasetStore.conflict(folder, data(ARCH, 0, 8, Precision.FLOAT).manifest(), gen);
        assertEquals(folder + " holds another data set than the one this run generates: seed = 7 in its manifest, 8 "
                + "in this run's", other);
        assertEquals(1, generated.get(), "another manifest: not generated");
        // one input changed, the manifest untouched: the element, in sample and input
        Path x = folder.resolve(DatasetStore.FEATURES);
        byte[] b = Files.readAllBytes(x);
        int element = 300 * 12 - 5;
        b[b.length - 4 * 5] ^= 1;
        Files.write(x, b);
        String changed = DatasetStore.conflict(folder, ds.manifest(), gen);
        assertTrue(changed.startsWith(folder + " holds another data set than the one this run generates: X.npy "
                + "differs at element " + element + " (sample 299, input 7): "), changed);
        Files.writeString(root.resolve("n-300-d-1"), "a file\n");
        assertEquals(root.resolve("n-300-d-1") + " is a file where this run saves a data set folder",
                DatasetStore.conflict(root.resolve("n-300-d-1"), ds.manifest(), gen));
    }

    @Test
    void nonFiniteValuesAreRefusedNamingTheFileAndTheFirst() throws IOException {
        Path folder = root.resolve("f");
        DatasetStore.saveTo(data(ARCH, 0, 3, Precision.DOUBLE), folder);
        DatasetStore.requireFinite(folder, DatasetStore.inspect(folder));
        Path y = folder.resolve(DatasetStore.LABELS);
        byte[] b = Files.readAllBytes(y);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bb.putDouble(b.length - 8 * (300 - 17), Double.NEGATIVE_INFINITY);
        bb.putDouble(b.length - 8 * (300 - 20), Double.NaN);
        Files.write(y, b);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DatasetStore.requireFinite(folder, DatasetStore.inspect(folder)));
        assertEquals(y.toString(), e.field());
        assertTrue(e.getMessage().contains("holds -Infinity at element 17 (the label of sample 17)"), e.getMessage());
        // load refuses it too
        assertThrows(InvalidInputException.class, () -> DatasetStore.load(folder));
    }

    @Test
    void saveOrVerifyReplacesOnlyTheEmptyClaimOfAnInterruptedSave() throws IOException {
        Path folder = Files.createDirectories(root.resolve("n-300-d-0"));
        assertTrue(DatasetStore.saveOrVerify(data(ARCH, 0, 7, Precision.FLOAT), folder));
        Path junk = Files.createDirectories(root.resolve("n-300-d-1"));
        Files.writeString(junk.resolve("notes.txt"), "not a data set\n");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DatasetStore.saveOrVerify(data(ARCH, 0, 8, Precision.FLOAT), junk));
        assertTrue(e.getMessage().contains("not a readable data set"), e.getMessage());
        assertTrue(Files.isRegularFile(junk.resolve("notes.txt")));
    }

    @Test
    void contentHashIsSha256OfTheThreeFiles() throws Exception {
        Path folder = root.resolve("h");
        DatasetStore.saveTo(data(ARCH, 0, 3, Precision.DOUBLE), folder);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String f : List.of("X.npy", "y.npy", "manifest.json")) {
            all.write(Files.readAllBytes(folder.resolve(f)));
        }
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all.toByteArray())),
                DatasetStore.contentHash(folder));
    }

    @Test
    void inspectChecksWithoutReadingTheData() throws IOException {
        Path folder = root.resolve("i");
        Dataset ds = data(OVERLAP, 0, 3, Precision.FLOAT);
        DatasetStore.saveTo(ds, folder);
        assertEquals(ds.manifest(), DatasetStore.inspect(folder));
        // a truncated X.npy: the header promises more than the file holds
        byte[] x = Files.readAllBytes(folder.resolve("X.npy"));
        Files.write(folder.resolve("X.npy"), java.util.Arrays.copyOf(x, x.length - 4));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetStore.inspect(folder));
        assertTrue(e.getMessage().contains("X.npy"), e.getMessage());
    }

    /**
     * numpy, from the manifest alone, gives the labels y: float and double, ReLU and leaky, non-overlapping and
     * overlapping patches; and the check fails for a teacher off by 1e-3 (see {@link NumpyTeacher}).
     */
    @Test
    void numpyRecomputesTheLabelsFromTheManifest() throws IOException {
        int i = 0;
        for (Architecture arch : new Architecture[] {ARCH, OVERLAP}) {
            for (double leaky : new double[] {0, 0.2}) {
                for (Precision type : new Precision[] {Precision.FLOAT, Precision.DOUBLE}) {
                    Path folder = root.resolve("np-" + i++);
                    DatasetStore.saveOrVerify(data(arch, leaky, 11, type), folder);
                    NumpyTeacher.assertLabelsAreTheTeachers(folder);
                }
            }
        }
    }
}
