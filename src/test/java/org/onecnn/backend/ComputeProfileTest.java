package org.onecnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.backend.ComputeProfile.Backend;
import org.onecnn.backend.ComputeProfile.Nd4jKey;
import org.onecnn.util.InvalidInputException;

/** Loading and validating compute profiles, and sizing student chunks from memory. */
class ComputeProfileTest {
    /** The checkout's profile folder (surefire runs in the project root). */
    private static final Path FOLDER = Path.of(ComputeProfile.FOLDER);

    @TempDir
    Path home;

    private String oldHome;

    @BeforeEach
    void setHome() {
        oldHome = System.getProperty("onecnn.home");
        System.setProperty("onecnn.home", home.toString());
    }

    @AfterEach
    void restoreHome() {
        if (oldHome == null) {
            System.clearProperty("onecnn.home");
        } else {
            System.setProperty("onecnn.home", oldHome);
        }
    }

    private static final String VALID = """
            backend = cpu
            data_type = double
            memory_limit_gb = 4
            max_students_per_chunk = 1024
            max_samples_per_chunk = 8192
            reduction_block = 2048
            """;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(home.resolve(name), text);
    }

    private InvalidInputException bad(String text) throws IOException {
        Path f = write("bad.properties", text);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ComputeProfile.load(f.toString()));
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void shippedProfilesAreTheFolderAndLoadFromTheCheckoutAndFromTheJar() throws IOException {
        TreeSet<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(FOLDER)) {
            s.forEach(p -> files.add(p.getFileName().toString()));
        }
        TreeSet<String> expected = new TreeSet<>();
        ComputeProfile.SHIPPED.forEach(n -> expected.add(n + ".properties"));
        assertEquals(expected, files);
        for (String n : ComputeProfile.SHIPPED) {
            // home is an empty folder: the copy Maven bundled from cuda-profiles/
            ComputeProfile builtIn = ComputeProfile.load(n);
            assertTrue(builtIn.source().contains("(built in)"), builtIn.source());
            ComputeProfile file = ComputeProfile.load(FOLDER.resolve(n + ".properties"));
            assertEquals(file.settings(), builtIn.settings(), n);
            assertEquals(n, file.name());
            String text = Files.readString(FOLDER.resolve(n + ".properties"));
            for (String key : ComputeProfile.allowedKeys()) {
                assertTrue(text.contains("# " + key), n + " documents " + key);
            }
            assertEquals(0, builtIn.maxSamplesPerChunk() % builtIn.reductionBlock());
            assertEquals(n.equals("cpu") ? 4096 : 2048, builtIn.reductionBlock(), "cpu: one partial sum per 4096 samples");
        }
        ComputeProfile cpu = ComputeProfile.load("cpu");
        assertEquals(Backend.CPU, cpu.backend());
        assertEquals(Precision.DOUBLE, cpu.dataType(), "correctness first");
        assertNull(cpu.minComputeCapability());
        for (String n : List.of("cuda-ampere", "cuda-ada", "cuda-small")) {
            ComputeProfile p = ComputeProfile.load(n);
            assertEquals(Backend.CUDA, p.backend());
            assertTrue(p.minComputeCapability().within(BackendCheck.ND4J_MIN_CC, BackendCheck.ND4J_MAX_CC));
            assertTrue(p.maxComputeCapability().within(BackendCheck.ND4J_MIN_CC, BackendCheck.ND4J_MAX_CC));
        }
        assertTrue(ComputeProfile.load("cuda-ampere").minComputeCapability().equals(ComputeCapability.of(8, 0)));
        assertTrue(ComputeProfile.load("cuda-ada").maxComputeCapability().equals(ComputeCapability.of(8, 9)));
    }

    @Test
    void theCheckoutsCopyWinsOverTheJars() throws IOException {
        Files.createDirectories(home.resolve("cuda-profiles"));
        Files.writeString(home.resolve("cuda-profiles/cpu.properties"), VALID.replace("= 4", "= 12"));
        ComputeProfile p = ComputeProfile.load("cpu");
        assertEquals(12.0, p.memoryLimitGb());
        assertTrue(p.source().endsWith("cuda-profiles/cpu.properties"), p.source());
        Path mine = write("mine.properties", VALID.replace("double", "float"));
        ComputeProfile m = ComputeProfile.load(mine.toString());
        assertEquals("mine", m.name());
        assertEquals(Precision.FLOAT, m.dataType());
        assertEquals(Precision.DOUBLE, m.withDataType(Precision.DOUBLE).dataType());
    }

    @Test
    void missingProfilesAreNamed() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ComputeProfile.load("nope"));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("cpu, cuda-ada, cuda-ampere, cuda-blackwell, cuda-hopper, cuda-small, cuda-turing, cuda-volta"),
                e.getMessage());
        Path missing = home.resolve("missing.properties");
        e = assertThrows(InvalidInputException.class, () -> ComputeProfile.load(missing.toString()));
        assertTrue(e.getMessage().contains("file not found") && e.getMessage().contains(missing.toString()),
                e.getMessage());
        assertThrows(InvalidInputException.class, () -> ComputeProfile.load(""));
        assertThrows(InvalidInputException.class, () -> ComputeProfile.load("a b"));
    }

    @Test
    void badFilesNameTheKeyAndWhatIsAllowed() throws IOException {
        String m = bad(VALID + "memory_limit = 3\n").getMessage();
        assertTrue(m.contains("memory_limit: unknown key") && m.contains("allowed: backend, data_type"), m);
        m = bad(VALID.replace("= 1024", "= lots")).getMessage();
        assertTrue(m.contains("max_students_per_chunk: must be an integer >= 1, got 'lots'"), m);
        m = bad(VALID.replace("= 4", "= four")).getMessage();
        assertTrue(m.contains("memory_limit_gb: must be a number of GiB > 0 and at most 1048576") && m.contains(
                "got 'four'"), m);
        m = bad(VALID.replace("= 4", "= NaN")).getMessage();
        assertTrue(m.contains("memory_limit_gb"), m);
        m = bad(VALID.replace("= 4", "= -1")).getMessage();
        assertTrue(m.contains("memory_limit_gb"), m);
        m = bad(VALID.replace("= 8192", "= 5000")).getMessage();
        assertTrue(m.contains("max_samples_per_chunk: must be a multiple of reduction_block = 2048"), m);
        m = bad(VALID.replace("= cpu", "= gpu")).getMessage();
        assertTrue(m.contains("backend: must be cpu or cuda, got 'gpu'"), m);
        m = bad(VALID.replace("= double", "= half")).getMessage();
        assertTrue(m.contains("data_type: must be float or double, got 'half'"), m);
        m = bad(VALID.replace("reduction_block = 2048\n", "")).getMessage();
        assertTrue(m.contains("reduction_block: missing"), m);
        m = bad(VALID + "min_compute_capability = 8.0\n").getMessage();
        assertTrue(m.contains("min_compute_capability: only for backend = cuda"), m);
        String cuda = VALID.replace("= cpu", "= cuda");
        m = bad(cuda + "max_compute_capability = 9.0\n").getMessage();
        assertTrue(m.contains("max_compute_capability: must be within 3.7 to 8.9") && m.contains("got 9.0"), m);
        m = bad(cuda + "min_compute_capability = 8.9\nmax_compute_capability = 8.0\n").getMessage();
        assertTrue(m.contains("min_compute_capability: must be <= max_compute_capability = 8.0"), m);
        m = bad(cuda + "min_compute_capability = eight\n").getMessage();
        assertTrue(m.contains("min_compute_capability: must be a compute capability"), m);
        m = bad(VALID + "nd4j.omp_threads = 4\n").getMessage();
        assertTrue(m.contains("nd4j.omp_threads: unknown key") && m.contains("nd4j.max_threads"), m);
        m = bad(VALID + "nd4j.max_threads = -2\n").getMessage();
        assertTrue(m.contains("nd4j.max_threads: must be an integer >= 0"), m);
        m = bad(VALID + "nd4j.javacpp_max_bytes = lots\n").getMessage();
        assertTrue(m.contains("nd4j.javacpp_max_bytes: must be a byte count"), m);
        m = bad(cuda + "nd4j.blas_threads = 4\n").getMessage();
        assertTrue(m.contains("nd4j.blas_threads: only for backend = cpu"), m);
    }

    /**
     * What {@link java.util.Properties} and the JDK's number parsers let through would be read as something the
     * user did not write: the second of two lines with one key silently replaces the first, {@code Integer.parseInt}
     * reads a full-width '８' as 8, {@code Double.parseDouble} reads "4d", "0x10" and "Infinity"; and a memory limit
     * of 1e300 GiB overflows every size computed from it. Each is refused naming the file and the key.
     */
    @Test
    void duplicateKeysOtherDigitsAndAbsurdMemoryAreRefusedNamingTheFileAndTheKey() throws IOException {
        String m = bad(VALID + "max_students_per_chunk = 64\n").getMessage();
        assertTrue(m.contains("max_students_per_chunk: is given twice (1024, then 64)"), m);
        m = bad(VALID + "nd4j.max_threads = 4\nnd4j.max_threads = 8\n").getMessage();
        assertTrue(m.contains("nd4j.max_threads: is given twice"), m);
        m = bad(VALID + "nd4j.max_threads = \uFF18\n").getMessage();
        assertTrue(m.contains("nd4j.max_threads: must be an integer >= 0, got '\uFF18'"), m);
        m = bad(VALID.replace("= 1024", "= \uFF11\uFF10\uFF12\uFF14")).getMessage();
        assertTrue(m.contains("max_students_per_chunk: must be an integer >= 1"), m);
        m = bad(VALID.replace("memory_limit_gb = 4", "memory_limit_gb = \uFF14")).getMessage();
        assertTrue(m.contains("memory_limit_gb: must be a number of GiB"), m);
        m = bad(VALID.replace("= cpu", "= cuda") + "max_compute_capability = \uFF18.0\n").getMessage();
        assertTrue(m.contains("max_compute_capability: must be a compute capability major.minor"), m);
        for (String gb : List.of("1e300", "4d", "0x10", "Infinity", "2000000", "1048577", "+4")) {
            m = bad(VALID.replace("memory_limit_gb = 4", "memory_limit_gb = " + gb)).getMessage();
            assertTrue(m.contains("memory_limit_gb: must be a number of GiB > 0 and at most 1048576") && m.contains(
                    "got '" + gb + "'"), m);
        }
        m = bad(VALID + "nd4j.max_threads = 99999\n").getMessage();
        assertTrue(m.contains("nd4j.max_threads: must be 0 (ND4J's default) to 4096 threads, got 99999"), m);
        // the factory refuses what the file does: one validation whatever the profile came from
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> cpu(1e300, 64, 8192,
                Precision.DOUBLE));
        assertTrue(e.getMessage().startsWith("memory_limit_gb: must be a number of GiB > 0 and at most 1048576"),
                e.getMessage());
        // the largest limit accepted still sizes chunks without overflow
        assertEquals(64, cpu(ComputeProfile.MAX_MEMORY_LIMIT_GB, 64, 8192, Precision.DOUBLE).studentChunk(1000, 25, 6,
                100));
        assertEquals(ComputeProfile.MAX_MEMORY_LIMIT_GB * (1L << 30), cpu(ComputeProfile.MAX_MEMORY_LIMIT_GB, 64,
                8192, Precision.DOUBLE).memoryLimitBytes(), 0.0);
        // fractions, exponents and a leading '.' stay numbers
        for (String gb : List.of("23.5", "0.5", ".5", "2e1", "4.")) {
            ComputeProfile.load(write("ok.properties", VALID.replace("memory_limit_gb = 4", "memory_limit_gb = "
                    + gb)).toString());
        }
    }

    @Test
    void nd4jSettingsAndDefaults() throws IOException {
        Path f = write("t.properties", VALID + "nd4j.max_threads = 8\nnd4j.blas_threads = 4\nnd4j.javacpp_max_bytes = 24g\n");
        ComputeProfile p = ComputeProfile.load(f.toString());
        assertEquals(8, p.nd4jInt(Nd4jKey.MAX_THREADS));
        assertEquals(4, p.nd4jInt(Nd4jKey.BLAS_THREADS));
        assertEquals(0, p.nd4jInt(Nd4jKey.MAX_MASTER_THREADS));
        assertEquals("24g", p.nd4j().get(Nd4jKey.JAVACPP_MAX_BYTES));
        assertEquals("24g", p.settings().get("nd4j.javacpp_max_bytes"));
        assertThrows(UnsupportedOperationException.class, () -> p.nd4j().put(Nd4jKey.MAX_THREADS, "1"));
        // a cuda profile without a range gets ND4J's
        ComputeProfile c = ComputeProfile.of("c", "test", Backend.CUDA, Precision.FLOAT, 6, 16, 2048, 2048, null, null,
                Map.of());
        assertEquals(BackendCheck.ND4J_MIN_CC, c.minComputeCapability());
        assertEquals(BackendCheck.ND4J_MAX_CC, c.maxComputeCapability());
    }

    private static ComputeProfile cpu(double gb, int maxStudents, int maxSamples, Precision dt) {
        return ComputeProfile.of("t", "test", Backend.CPU, dt, gb, maxStudents, maxSamples, 2048, null, null, Map.of());
    }

    @Test
    void studentChunkFitsTheMemoryAndRespectsTheMaxima() {
        long n = 100_000;
        int k = 100;
        int r = 6;
        int students = 50_000;
        int last = 0;
        for (double gb = 1; gb <= 256; gb *= 1.25) {
            ComputeProfile p = cpu(gb, 4096, 8192, Precision.DOUBLE);
            int c = p.studentChunk(n, k, r, students);
            assertTrue(c >= last, "nondecreasing in memory: " + gb + " GiB gives " + c + " < " + last);
            assertTrue(c <= 4096, "at most max_students_per_chunk");
            double limit = p.memoryLimitBytes();
            assertTrue(ComputeProfile.workingSetBytes(n, k, r, students, c, 8192, 8) <= limit, "fits at " + gb);
            if (c < 4096) {
                assertTrue(ComputeProfile.workingSetBytes(n, k, r, students, c + 1, 8192, 8) > limit, "largest at " + gb);
            }
            last = c;
        }
        assertEquals(4096, last, "the maximum is reached with enough memory");
        // capped by the number of students; float fits twice as many
        assertEquals(7, cpu(256, 4096, 8192, Precision.DOUBLE).studentChunk(n, k, r, 7));
        int d = cpu(4, 100_000, 8192, Precision.DOUBLE).studentChunk(n, k, r, students);
        int f = cpu(4, 100_000, 8192, Precision.FLOAT).studentChunk(n, k, r, students);
        assertTrue(f >= 2 * d, d + " vs " + f);
        // by hand: 3 c m k + m k r + c m + n (k r + 1) + 4 R (r + k) elements
        double m = 8192;
        double hand = (3 * 10 * m * k + m * k * r + 10 * m + n * (k * r + 1.0) + 4.0 * students * (r + k)) * 8;
        assertEquals(hand, ComputeProfile.workingSetBytes(n, k, r, students, 10, 8192, 8), 1e-6 * hand);
        // fewer samples than a chunk: m = n
        assertEquals(ComputeProfile.workingSetBytes(1000, k, r, 1, 3, 1000, 8),
                ComputeProfile.workingSetBytes(1000, k, r, 1, 3, 8192, 8));
        // not even one student
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> cpu(0.01, 4096, 8192, Precision.DOUBLE).studentChunk(n, k, r, students));
        assertTrue(e.getMessage().startsWith("memory_limit_gb: profile t allows 0.01 GiB"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> cpu(4, 16, 8192, Precision.DOUBLE).studentChunk(0, k, r, 1));
    }
}
