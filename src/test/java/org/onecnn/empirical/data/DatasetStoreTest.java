package org.onecnn.empirical.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.onecnn.backend.Precision;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;

/** Data sets on disk: round trip, numpy compatibility, manifest, refusal to overwrite, errors naming files. */
class DatasetStoreTest {
    private static final Architecture ARCH = Architecture.of(12, 4, 2);
    private static final Teacher TEACHER = Teacher.gaussian(ARCH.k(), ARCH.r(), 5);

    @TempDir
    Path root;

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private static Dataset data(Precision type) {
        return DatasetGenerator.generate(ARCH, TEACHER, Gaussian.INSTANCE, 37, 0.1, 21, type);
    }

    @Test
    void saveThenLoadIsBitwiseIdentical() throws IOException {
        DatasetStore store = DatasetStore.at(root);
        for (Precision type : new Precision[] {Precision.DOUBLE, Precision.FLOAT}) {
            Dataset ds = data(type);
            Path folder = store.save(ds, "round-trip-" + type);
            assertEquals(root.resolve("round-trip-" + type), folder);
            Dataset back = store.load("round-trip-" + type);
            assertEquals(type, back.trainingSet().precision());
            assertEquals(type, back.trainingSet().precision());
            assertEquals(ds.trainingSet().d(), back.trainingSet().d());
            assertEquals(ds.trainingSet().n(), back.trainingSet().n());
            assertArrayEquals(ds.trainingSet().xDoubles(), back.trainingSet().xDoubles());
            assertArrayEquals(ds.trainingSet().yDoubles(), back.trainingSet().yDoubles());
            assertEquals(ds.manifest(), back.manifest());
        }
        try (Stream<Path> s = Files.list(root)) {
            assertEquals(List.of("round-trip-DOUBLE", "round-trip-FLOAT"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary folders left");
        }
    }

    /** The .npy layout checked byte by byte in Java: magic, version 1.0, header dict, alignment, raw data. */
    @Test
    void npyFilesFollowTheFormat() throws IOException {
        Dataset ds = data(Precision.DOUBLE);
        Path folder = DatasetStore.at(root).save(ds, "fmt");
        checkNpy(folder.resolve("X.npy"), "<f8", "(37, 12)", ds.trainingSet().xDoubles(), 8);
        checkNpy(folder.resolve("y.npy"), "<f8", "(37, 1)", ds.trainingSet().yDoubles(), 8);
        Dataset f = data(Precision.FLOAT);
        Path ff = DatasetStore.at(root).save(f, "fmt-float");
        checkNpy(ff.resolve("X.npy"), "<f4", "(37, 12)", f.trainingSet().xDoubles(), 4);
    }

    private static void checkNpy(Path file, String descr, String shape, double[] values, int width)
            throws IOException {
        byte[] b = Files.readAllBytes(file);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, java.util.Arrays.copyOf(b, 8));
        int len = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        int offset = 10 + len;
        assertEquals(0, offset % 64, "data aligned to 64 bytes (NEP 1)");
        String header = new String(b, 10, len, StandardCharsets.ISO_8859_1);
        assertTrue(header.endsWith("\n"), header);
        assertTrue(header.startsWith("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"),
                header);
        assertEquals(offset + (long) values.length * width, b.length);
        ByteBuffer data = ByteBuffer.wrap(b, offset, b.length - offset).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            double v = width == 8 ? data.getDouble() : data.getFloat();
            assertEquals(Double.doubleToLongBits(values[i]), Double.doubleToLongBits(v), "value " + i);
        }
        Npy h = Npy.read(file);
        assertEquals(descr, h.descr());
        assertEquals(offset, h.dataOffset());
    }

    /** numpy loads the files with the right dtype and shape and exactly the same values (SHA-256 of the bytes). */
    @Test
    void numpyReadsTheFiles() throws Exception {
        assumeTrue(numpyAvailable(), "python3 with numpy not on PATH");
        for (Precision type : new Precision[] {Precision.DOUBLE, Precision.FLOAT}) {
            Dataset ds = data(type);
            Path folder = DatasetStore.at(root).save(ds, "np-" + type);
            String script = String.join("\n",
                    "import sys, hashlib, json, numpy as np",
                    "for p in sys.argv[1:3]:",
                    "    a = np.load(p, allow_pickle=False)",
                    "    print(a.dtype.str, tuple(a.shape), bool(a.flags['C_CONTIGUOUS']),"
                            + " hashlib.sha256(a.tobytes()).hexdigest())",
                    "m = json.load(open(sys.argv[3]))",
                    "print(m['n'], m['d'], m['data_type'])");
            List<String> out = python(script, folder.resolve("X.npy").toString(), folder.resolve("y.npy").toString(),
                    folder.resolve("manifest.json").toString());
            String dt = type == Precision.DOUBLE ? "<f8" : "<f4";
            assertEquals(List.of(dt + " (37, 12) True " + sha256(ds.trainingSet().xDoubles(), type), dt + " (37, 1) True "
                    + sha256(ds.trainingSet().yDoubles(), type), "37 12 " + type), out);
        }
    }

    private static boolean numpyAvailable() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> python(String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    /** SHA-256 of the values as little-endian bytes of the array's own type. */
    private static String sha256(double[] v, Precision type) throws NoSuchAlgorithmException {
        boolean dbl = type == Precision.DOUBLE;
        ByteBuffer b = ByteBuffer.allocate(v.length * (dbl ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            if (dbl) {
                b.putDouble(x);
            } else {
                b.putFloat((float) x);
            }
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
    }

    @Test
    void manifestHasEveryField() throws IOException {
        Dataset ds = data(Precision.DOUBLE);
        Path folder = DatasetStore.at(root).save(ds, "manifest");
        JsonNode m = new ObjectMapper().readTree(folder.resolve("manifest.json").toFile());
        List<String> keys = new ArrayList<>();
        m.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("format", "seed", "n", "d", "r", "s", "k", "distribution", "noise_sigma", "leaky_slope",
                "data_type", "teacher", "w_star", "a_star", "backend", "generator", "versions", "created"), keys);
        assertEquals(DatasetManifest.FORMAT, m.get("format").asText());
        assertEquals(21, m.get("seed").asLong());
        assertEquals(37, m.get("n").asLong());
        assertEquals(12, m.get("d").asInt());
        assertEquals(4, m.get("r").asInt());
        assertEquals(2, m.get("s").asInt());
        assertEquals(5, m.get("k").asInt());
        assertEquals("gaussian", m.get("distribution").asText());
        assertEquals(0.1, m.get("noise_sigma").asDouble());
        assertEquals("DOUBLE", m.get("data_type").asText());
        assertEquals(TEACHER.description(), m.get("teacher").asText());
        assertEquals(TEACHER.wStar()[2], m.get("w_star").get(2).asDouble());
        assertEquals(ARCH.k(), m.get("a_star").size());
        assertEquals(DatasetManifest.BACKEND_JAVA, m.get("backend").asText());
        assertEquals(DatasetManifest.GENERATOR_PHILOX, m.get("generator").asText());
        assertEquals(org.onecnn.util.Installation.versions().get("onecnn"), m.get("versions").get("onecnn").asText());
        assertFalse(m.get("created").asText().isEmpty());
        // the manifest is written in the report's JSON format, byte for byte as before it had its own writer
        assertEquals(org.onecnn.report.Json.toJson(ds.manifest()),
                Files.readString(folder.resolve("manifest.json"), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void neverOverwrites() throws IOException {
        DatasetStore store = DatasetStore.at(root);
        Path folder = store.save(data(Precision.DOUBLE), "once");
        byte[] before = Files.readAllBytes(folder.resolve("y.npy"));
        Dataset other = DatasetGenerator.generate(ARCH, TEACHER, Gaussian.INSTANCE, 37, 0.1, 22, Precision.DOUBLE);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> store.save(other, "once"));
        assertTrue(e.getMessage().contains(folder.toString()) && e.getMessage().contains("never overwritten"),
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(folder.resolve("y.npy")));
        Files.createDirectory(root.resolve("empty"));
        assertThrows(InvalidInputException.class, () -> store.save(other, "empty"));
        try (Stream<Path> s = Files.list(root.resolve("empty"))) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void missingOrMismatchedFilesAreNamed() throws IOException {
        DatasetStore store = DatasetStore.at(root);
        Dataset ds = data(Precision.DOUBLE);

        assertNamed("nowhere", () -> store.load("nowhere"));

        Path noY = store.save(ds, "no-y");
        Files.delete(noY.resolve("y.npy"));
        assertNamed("y.npy", () -> DatasetStore.load(noY));

        Path noManifest = store.save(ds, "no-manifest");
        Files.delete(noManifest.resolve("manifest.json"));
        assertNamed("manifest.json", () -> DatasetStore.load(noManifest));

        Path shorter = store.save(ds, "shorter-y");
        Nd4j.writeAsNumpy(Nd4j.zeros(DataType.DOUBLE, 36, 1), shorter.resolve("y.npy").toFile());
        assertTrue(assertNamed("y.npy", () -> DatasetStore.load(shorter)).getMessage().contains("shape"));

        Path floatY = store.save(ds, "float-y");
        Nd4j.writeAsNumpy(Nd4j.zeros(DataType.FLOAT, 37, 1), floatY.resolve("y.npy").toFile());
        assertTrue(assertNamed("y.npy", () -> DatasetStore.load(floatY)).getMessage().contains("dtype"));

        Path truncated = store.save(ds, "truncated-x");
        byte[] x = Files.readAllBytes(truncated.resolve("X.npy"));
        Files.write(truncated.resolve("X.npy"), java.util.Arrays.copyOf(x, x.length - 8));
        assertTrue(assertNamed("X.npy", () -> DatasetStore.load(truncated)).getMessage().contains("length"));

        Path garbage = store.save(ds, "garbage-x");
        Files.writeString(garbage.resolve("X.npy"), "not numpy");
        assertNamed("X.npy", () -> DatasetStore.load(garbage));

        Path badManifest = store.save(ds, "bad-manifest");
        Path mf = badManifest.resolve("manifest.json");
        Files.writeString(mf, Files.readString(mf).replace("\"k\": 5", "\"k\": 4"));
        assertTrue(assertNamed("manifest.json", () -> DatasetStore.load(badManifest)).getMessage().contains("k"));

        Path moreRows = store.save(ds, "more-rows");
        Path mr = moreRows.resolve("manifest.json");
        Files.writeString(mr, Files.readString(mr).replace("\"n\": 37", "\"n\": 38"));
        assertNamed("X.npy", () -> DatasetStore.load(moreRows));

        Path noField = store.save(ds, "no-field");
        Path nf = noField.resolve("manifest.json");
        Files.writeString(nf, Files.readString(nf).replace("\"seed\": 21,", ""));
        assertTrue(assertNamed("manifest.json", () -> DatasetStore.load(noField)).getMessage().contains("seed"));
    }

    private static InvalidInputException assertNamed(String file, org.junit.jupiter.api.function.Executable load) {
        InvalidInputException e = assertThrows(InvalidInputException.class, load);
        assertTrue(e.field().endsWith(file), "error names " + file + ": " + e.getMessage());
        return e;
    }

    @Test
    void namesAreValidated() {
        DatasetStore store = DatasetStore.at(root);
        for (String bad : new String[] {"", "../up", "a/b", ".hidden", " x"}) {
            assertThrows(InvalidInputException.class, () -> store.folder(bad), bad);
        }
        assertEquals(root.resolve("gaussian-d12-r4-s2-n37-sigma0.1-seed21"),
                store.folder(DatasetStore.defaultName(data(Precision.DOUBLE).manifest())));
        assertEquals(org.onecnn.util.Installation.home().resolve("datasets"), DatasetStore.standard().root());
    }
}
