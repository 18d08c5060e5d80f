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
        assertTrue(e.getMessage().contains("another data set"), e.getMessage());
        assertEquals(hash, DatasetStore.contentHash(folder));
        // same seed in another type: other bits, other manifest
        assertThrows(InvalidInputException.class, () -> DatasetStore.saveOrVerify(data(ARCH, 0, 7, Precision.DOUBLE),
                folder));
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
