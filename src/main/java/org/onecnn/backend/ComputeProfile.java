package org.onecnn.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.onecnn.util.Installation;
import org.onecnn.util.InvalidInputException;

/**
 * A compute profile: where the finite-sample engine runs (CPU or CUDA), in which precision, and how much
 * memory it may use, which fixes how many students and samples go through the network at once. Profiles
 * are {@code .properties} files; the shipped ones live in {@code cuda-profiles/} of the checkout (each
 * documents every key in its header) and are bundled into the jar from there.
 *
 * <p>Loading reads text only: a profile can be checked against the machine
 * ({@link BackendCheck}) before ND4J is loaded.
 *
 * @param name                 the profile's name (the file name without {@code .properties})
 * @param source               where it was read from (a path, or the built-in resource), for messages
 * @param backend              {@code backend}: the ND4J backend the work needs
 * @param dataType             {@code data_type}
 * @param memoryLimitGb        {@code memory_limit_gb}: GiB (2<sup>30</sup> bytes) the work may use, host
 *                             memory for {@code cpu}, memory of each GPU for {@code cuda}
 * @param maxStudentsPerChunk  {@code max_students_per_chunk}
 * @param maxSamplesPerChunk   {@code max_samples_per_chunk}, a multiple of {@code reductionBlock}
 * @param reductionBlock       {@code reduction_block}: samples per partial sum of a gradient
 * @param minComputeCapability {@code min_compute_capability} ({@code cuda} only, else null)
 * @param maxComputeCapability {@code max_compute_capability} ({@code cuda} only, else null)
 * @param nd4j                 the {@code nd4j.*} settings given (unmodifiable)
 * @param engine               {@code engine} (optional, null when absent): the empirical engine this profile is
 *                             made for (one of the installed engines, {@link ProfileEngines}), used by a run whose
 *                             config does not name one ({@code empirical.engine}); with an engine that brings its own
 *                             GPU kernels ({@code cuda}) the compute capabilities are those of its kernels
 *                             ({@link ProfileEngines.Needs#lowestCapability} and above), not ND4J's
 */
public record ComputeProfile(String name, String source, Backend backend, Precision dataType, double memoryLimitGb,
        int maxStudentsPerChunk, int maxSamplesPerChunk, int reductionBlock,
        ComputeCapability minComputeCapability, ComputeCapability maxComputeCapability, Map<Nd4jKey, String> nd4j,
        String engine) {

    /** The default profile. */
    public static final String DEFAULT = "cpu";

    /** The profiles shipped in {@code cuda-profiles/} (and bundled into the jar). */
    public static final List<String> SHIPPED = List.of("cpu", "cuda-ampere", "cuda-ada", "cuda-small", "cuda-volta",
            "cuda-turing", "cuda-hopper", "cuda-blackwell");

    /** The folder of profiles, under the onecnn home and in the jar. */
    public static final String FOLDER = "cuda-profiles";

    public static final String BACKEND = "backend";
    public static final String DATA_TYPE = "data_type";
    public static final String MEMORY_LIMIT_GB = "memory_limit_gb";
    public static final String MAX_STUDENTS_PER_CHUNK = "max_students_per_chunk";
    public static final String MAX_SAMPLES_PER_CHUNK = "max_samples_per_chunk";
    public static final String REDUCTION_BLOCK = "reduction_block";
    public static final String MIN_COMPUTE_CAPABILITY = "min_compute_capability";
    public static final String MAX_COMPUTE_CAPABILITY = "max_compute_capability";
    public static final String ENGINE = "engine";

    private static final List<String> REQUIRED = List.of(BACKEND, DATA_TYPE, MEMORY_LIMIT_GB, MAX_STUDENTS_PER_CHUNK,
            MAX_SAMPLES_PER_CHUNK, REDUCTION_BLOCK);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern BYTES = Pattern.compile("[0-9]{1,15}[kKmMgGtT]?");
    private static final double GIB = 1024.0 * 1024.0 * 1024.0;
    /**
     * The largest {@code memory_limit_gb}: 1 PiB, far above any one machine or GPU, and small enough that the limit
     * in bytes (plus the GiB of headroom {@link Nd4jSetup} adds) stays an exact {@code long}; a larger figure
     * (1e300) is a typo, and would overflow every size computed from it.
     */
    public static final double MAX_MEMORY_LIMIT_GB = 1 << 20;
    /** The most threads an {@code nd4j.*} thread count may ask for (as {@code --threads}: 1 to 4096). */
    public static final int MAX_ND4J_THREADS = 4096;
    /** An integer as a profile writes it: ASCII digits only (Integer.parseInt also takes '８', '+8', ...). */
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,10}");
    /** A decimal number of GiB: ASCII digits, an optional fraction and exponent (no hex, no 'd'/'f' suffix). */
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,20}(\\.[0-9]{0,20})?([eE][-+]?[0-9]{1,3})?"
            + "|\\.[0-9]{1,20}([eE][-+]?[0-9]{1,3})?");

    /** The ND4J backend a profile needs. */
    public enum Backend {
        /** {@code nd4j-native}. */
        CPU,
        /** {@code nd4j-cuda-11.6}. */
        CUDA;

        /** {@code cpu} or {@code cuda}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Backend parse(String field, String s) {
            for (Backend b : values()) {
                if (b.key().equals(s)) {
                    return b;
                }
            }
            throw new InvalidInputException(field, "must be cpu or cuda, got '" + s + "'");
        }
    }

    /**
     * The {@code nd4j.*} keys a profile may set; each was checked against ND4J 1.0.0-M2.1. Some are
     * system properties that JavaCPP reads once, when it loads, so {@link Nd4jSetup} sets them before
     * touching ND4J; the others go through ND4J's API once it is loaded. (ND4J reads
     * {@code OMP_NUM_THREADS} from the environment only; Java cannot set that for its own process.)
     */
    public enum Nd4jKey {
        /** libnd4j's worker threads, {@code Nd4j.getEnvironment().setMaxThreads}. */
        MAX_THREADS("nd4j.max_threads", null, false),
        /** libnd4j's master threads, {@code Nd4j.getEnvironment().setMaxMasterThreads}. */
        MAX_MASTER_THREADS("nd4j.max_master_threads", null, false),
        /** OpenBLAS threads, {@code Nd4j.factory().blas().setMaxThreads} (CPU backend only). */
        BLAS_THREADS("nd4j.blas_threads", null, false),
        /** JavaCPP's limit on off-heap memory (ND4J's arrays), system property {@code org.bytedeco.javacpp.maxbytes}. */
        JAVACPP_MAX_BYTES("nd4j.javacpp_max_bytes", "org.bytedeco.javacpp.maxbytes", true),
        /** JavaCPP's limit on the process's resident memory, {@code org.bytedeco.javacpp.maxphysicalbytes}. */
        JAVACPP_MAX_PHYSICAL_BYTES("nd4j.javacpp_max_physical_bytes", "org.bytedeco.javacpp.maxphysicalbytes", true);

        private final String key;
        private final String systemProperty;
        private final boolean bytes;

        Nd4jKey(String key, String systemProperty, boolean bytes) {
            this.key = key;
            this.systemProperty = systemProperty;
            this.bytes = bytes;
        }

        /** The key in a profile file. */
        public String key() {
            return key;
        }

        /** The system property it sets before ND4J loads, or null when it is applied through ND4J's API. */
        public String systemProperty() {
            return systemProperty;
        }

        static Nd4jKey of(String key) {
            for (Nd4jKey k : values()) {
                if (k.key.equals(key)) {
                    return k;
                }
            }
            return null;
        }

        String validate(String value) {
            if (bytes) {
                if (!BYTES.matcher(value).matches()) {
                    throw new InvalidInputException(key, "must be a byte count such as 24g, 512m or 1073741824, got '"
                            + value + "'");
                }
                return value;
            }
            int n = parseInt(key, value, 0);
            if (n > MAX_ND4J_THREADS) {
                throw new InvalidInputException(key, "must be 0 (ND4J's default) to " + MAX_ND4J_THREADS
                        + " threads, got " + n);
            }
            return Integer.toString(n);
        }
    }

    public ComputeProfile {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("name", "must not be empty");
        }
        if (source == null || source.isBlank()) {
            throw new InvalidInputException("source", "must not be empty");
        }
        if (backend == null) {
            throw new InvalidInputException(BACKEND, "missing; allowed: cpu | cuda");
        }
        if (dataType == null) {
            throw new InvalidInputException(DATA_TYPE, "missing; allowed: double | float");
        }
        if (!(memoryLimitGb > 0) || !(memoryLimitGb <= MAX_MEMORY_LIMIT_GB)) {
            throw new InvalidInputException(MEMORY_LIMIT_GB, "must be a number of GiB > 0 and at most "
                    + formatGb(MAX_MEMORY_LIMIT_GB) + ", got " + memoryLimitGb);
        }
        InvalidInputException.requirePositive(MAX_STUDENTS_PER_CHUNK, maxStudentsPerChunk);
        InvalidInputException.requirePositive(MAX_SAMPLES_PER_CHUNK, maxSamplesPerChunk);
        InvalidInputException.requirePositive(REDUCTION_BLOCK, reductionBlock);
        if (maxSamplesPerChunk % reductionBlock != 0) {
            int lo = Math.max(1, maxSamplesPerChunk / reductionBlock) * reductionBlock;
            throw new InvalidInputException(MAX_SAMPLES_PER_CHUNK, "must be a multiple of " + REDUCTION_BLOCK + " = "
                    + reductionBlock + " (gradients are summed block by block), got " + maxSamplesPerChunk + "; e.g. "
                    + lo);
        }
        if (backend == Backend.CPU) {
            if (minComputeCapability != null) {
                throw new InvalidInputException(MIN_COMPUTE_CAPABILITY, "only for backend = cuda");
            }
            if (maxComputeCapability != null) {
                throw new InvalidInputException(MAX_COMPUTE_CAPABILITY, "only for backend = cuda");
            }
        } else {
            ComputeCapability lowest = needs(engine).lowestCapability();
            if (lowest != null) {
                // the engine's own kernels (cuda: PTX the driver compiles for any GPU from Volta on)
                minComputeCapability = minComputeCapability == null ? lowest : minComputeCapability;
                maxComputeCapability = maxComputeCapability == null ? ComputeCapability.of(99, 9)
                        : maxComputeCapability;
                if (minComputeCapability.compareTo(lowest) < 0) {
                    throw new InvalidInputException(MIN_COMPUTE_CAPABILITY, "must be >= " + lowest + " ("
                            + needs(engine).kernels() + ") for engine = " + engine + ", got " + minComputeCapability);
                }
            } else {
                minComputeCapability = minComputeCapability == null ? BackendCheck.ND4J_MIN_CC : minComputeCapability;
                maxComputeCapability = maxComputeCapability == null ? BackendCheck.ND4J_MAX_CC : maxComputeCapability;
                requireNd4jRange(MIN_COMPUTE_CAPABILITY, minComputeCapability);
                requireNd4jRange(MAX_COMPUTE_CAPABILITY, maxComputeCapability);
            }
            if (minComputeCapability.compareTo(maxComputeCapability) > 0) {
                throw new InvalidInputException(MIN_COMPUTE_CAPABILITY, "must be <= " + MAX_COMPUTE_CAPABILITY + " = "
                        + maxComputeCapability + ", got " + minComputeCapability);
            }
        }
        EnumMap<Nd4jKey, String> m = new EnumMap<>(Nd4jKey.class);
        if (nd4j != null) {
            for (Map.Entry<Nd4jKey, String> e : nd4j.entrySet()) {
                if (e.getKey() == Nd4jKey.BLAS_THREADS && backend != Backend.CPU) {
                    throw new InvalidInputException(e.getKey().key(), "only for backend = cpu (OpenBLAS)");
                }
                m.put(e.getKey(), e.getKey().validate(e.getValue() == null ? "" : e.getValue().strip()));
            }
        }
        nd4j = Collections.unmodifiableMap(m);
        if (engine != null && !ProfileEngines.installed().containsKey(engine)) {
            throw new InvalidInputException(ENGINE, "must be one of " + String.join(" | ", ProfileEngines.names())
                    + ", got '" + engine + "'");
        }
        if (needs(engine).gpuProfile() && backend != Backend.CUDA) {
            throw new InvalidInputException(ENGINE, engine + " needs backend = cuda (a GPU profile)");
        }
    }

    /** What {@code engine} needs of a profile naming it; nothing for none or an unknown one (refused above). */
    private static ProfileEngines.Needs needs(String engine) {
        ProfileEngines.Needs n = engine == null ? null : ProfileEngines.installed().get(engine);
        return n == null ? ProfileEngines.Needs.NONE : n;
    }

    private static void requireNd4jRange(String field, ComputeCapability cc) {
        if (!cc.within(BackendCheck.ND4J_MIN_CC, BackendCheck.ND4J_MAX_CC)) {
            throw new InvalidInputException(field, "must be within " + BackendCheck.ND4J_MIN_CC + " to "
                    + BackendCheck.ND4J_MAX_CC + " (the GPUs ND4J " + BackendCheck.ND4J_VERSION
                    + "'s CUDA kernels run on), got " + cc);
        }
    }

    /**
     * Validated factory; {@code minComputeCapability}/{@code maxComputeCapability} must be null for
     * {@code cpu} and default to ND4J's range (3.7 to 8.9) for {@code cuda}.
     */
    public static ComputeProfile of(String name, String source, Backend backend, Precision dataType,
            double memoryLimitGb, int maxStudentsPerChunk, int maxSamplesPerChunk, int reductionBlock,
            ComputeCapability minComputeCapability, ComputeCapability maxComputeCapability,
            Map<Nd4jKey, String> nd4j) {
        return new ComputeProfile(name, source, backend, dataType, memoryLimitGb, maxStudentsPerChunk,
                maxSamplesPerChunk, reductionBlock, minComputeCapability, maxComputeCapability, nd4j, null);
    }

    /** {@link #of(String, String, Backend, Precision, double, int, int, int, ComputeCapability, ComputeCapability,
     * Map)} with the profile's {@code engine} (null: none). */
    public static ComputeProfile of(String name, String source, Backend backend, Precision dataType,
            double memoryLimitGb, int maxStudentsPerChunk, int maxSamplesPerChunk, int reductionBlock,
            ComputeCapability minComputeCapability, ComputeCapability maxComputeCapability,
            Map<Nd4jKey, String> nd4j, String engine) {
        return new ComputeProfile(name, source, backend, dataType, memoryLimitGb, maxStudentsPerChunk,
                maxSamplesPerChunk, reductionBlock, minComputeCapability, maxComputeCapability, nd4j, engine);
    }

    /**
     * The engine the profile {@code nameOrPath} names, or null when it names none or cannot be loaded (a bad
     * profile is reported where the run loads it, under its own field).
     */
    public static String engineOf(String nameOrPath) {
        try {
            return load(nameOrPath).engine();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The same profile in another precision (benchmarks compare both). */
    public ComputeProfile withDataType(Precision p) {
        return new ComputeProfile(name, source, backend, p, memoryLimitGb, maxStudentsPerChunk, maxSamplesPerChunk,
                reductionBlock, minComputeCapability, maxComputeCapability, nd4j, engine);
    }

    /** An {@code nd4j.*} integer setting, or 0 (ND4J's default) when absent. */
    public int nd4jInt(Nd4jKey key) {
        String v = nd4j.get(key);
        return v == null || key.bytes ? 0 : Integer.parseInt(v);
    }

    /** {@code memory_limit_gb} in bytes. */
    public long memoryLimitBytes() {
        return (long) Math.min(Long.MAX_VALUE, memoryLimitGb * GIB);
    }

    // ------------------------------------------------------------------------------------------ loading

    /**
     * A profile by name or path. A name ({@code cpu}, {@code cuda-ampere}, ...) is looked up as
     * {@code <onecnn.home>/cuda-profiles/NAME.properties} (so an edited copy in the checkout wins), then
     * as the copy built into the jar; an argument ending in {@code .properties} or containing a path
     * separator is a file.
     *
     * @throws InvalidInputException for a missing profile or file, an unknown key or a bad value, naming
     *                               the file and the key
     */
    public static ComputeProfile load(String nameOrPath) {
        String s = nameOrPath == null ? "" : nameOrPath.strip();
        if (s.isEmpty()) {
            throw new InvalidInputException("profile", "give a profile name (" + String.join(", ", SHIPPED)
                    + ") or the path to a .properties file");
        }
        if (s.endsWith(".properties") || s.contains("/") || s.contains(java.io.File.separator)) {
            return load(Path.of(s));
        }
        if (!NAME.matcher(s).matches()) {
            throw new InvalidInputException("profile", "'" + s + "' is neither a profile name (letters, digits, "
                    + "'.', '-', '_') nor a .properties file");
        }
        Path dir = Installation.home().resolve(FOLDER);
        Path f = dir.resolve(s + ".properties");
        if (Files.isRegularFile(f)) {
            return load(f);
        }
        String resource = "/" + FOLDER + "/" + s + ".properties";
        try (InputStream in = ComputeProfile.class.getResourceAsStream(resource)) {
            if (in != null) {
                return parse(s, FOLDER + "/" + s + ".properties (built in)",
                        new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new InvalidInputException("profile", "cannot read the built-in profile " + s + ": " + e.getMessage());
        }
        throw new InvalidInputException("profile", "no profile named '" + s + "' (looked in " + dir
                + " and among the built-in ones; known: " + String.join(", ", known(dir))
                + "); give a name or the path to a .properties file");
    }

    /** The largest profile file read (the shipped ones are under 2 KiB). */
    static final long MAX_PROFILE_BYTES = 1L << 20;

    /** A profile from a {@code .properties} file; its name is the file name without the extension. */
    public static ComputeProfile load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("profile", "file not found: " + file);
        }
        try {
            if (Files.size(file) > MAX_PROFILE_BYTES) {
                // Properties.load holds a whole line in memory: a huge file would end in an OutOfMemoryError
                throw new InvalidInputException("profile", file + " is " + Files.size(file) + " bytes; a profile is "
                        + "a .properties file of a few lines (at most " + MAX_PROFILE_BYTES + " bytes)");
            }
        } catch (IOException e) {
            throw new InvalidInputException("profile", "cannot read " + file + ": " + e.getMessage());
        }
        String fn = file.getFileName().toString();
        String name = fn.endsWith(".properties") ? fn.substring(0, fn.length() - ".properties".length()) : fn;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(name.isEmpty() ? fn : name, file.toAbsolutePath().normalize().toString(), r);
        } catch (IOException e) {
            throw new InvalidInputException("profile", "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The shipped profile names and those in {@code dir}, sorted. */
    static List<String> known(Path dir) {
        TreeSet<String> names = new TreeSet<>(SHIPPED);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".properties"))
                        .forEach(n -> names.add(n.substring(0, n.length() - ".properties".length())));
            } catch (IOException e) {
                // the listing only decorates an error message
            }
        }
        return new ArrayList<>(names);
    }

    private static ComputeProfile parse(String name, String source, Reader text) throws IOException {
        Properties p = new Properties() {
            private static final long serialVersionUID = 1L;

            // Properties.load keeps the last of two lines with one key: the first would be silently without effect
            @Override
            public synchronized Object put(Object key, Object value) {
                if (containsKey(key)) {
                    throw new InvalidInputException(source, key + ": is given twice (" + get(key) + ", then " + value
                            + "); keep one line");
                }
                return super.put(key, value);
            }
        };
        try {
            p.load(text);
        } catch (InvalidInputException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(source, "not a valid .properties file: " + e.getMessage());
        }
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k.strip(), p.getProperty(k).strip());
        }
        return fromMap(name, source, m);
    }

    /**
     * A profile from its keys and values (as in a file); errors read {@code <source>: <key>: <problem>}.
     */
    public static ComputeProfile fromMap(String name, String source, Map<String, String> values) {
        try {
            List<String> allowed = allowedKeys();
            for (String k : values.keySet()) {
                if (!allowed.contains(k)) {
                    throw new InvalidInputException(k, "unknown key (allowed: " + String.join(", ", allowed) + ")");
                }
            }
            for (String k : REQUIRED) {
                if (!values.containsKey(k)) {
                    throw new InvalidInputException(k, "missing; every profile sets " + String.join(", ", REQUIRED));
                }
            }
            Backend backend = Backend.parse(BACKEND, values.get(BACKEND));
            Precision dt = Precision.parse(DATA_TYPE, values.get(DATA_TYPE));
            double mem = parseGb(values.get(MEMORY_LIMIT_GB));
            int students = parseInt(MAX_STUDENTS_PER_CHUNK, values.get(MAX_STUDENTS_PER_CHUNK), 1);
            int samples = parseInt(MAX_SAMPLES_PER_CHUNK, values.get(MAX_SAMPLES_PER_CHUNK), 1);
            int block = parseInt(REDUCTION_BLOCK, values.get(REDUCTION_BLOCK), 1);
            ComputeCapability lo = values.containsKey(MIN_COMPUTE_CAPABILITY)
                    ? ComputeCapability.parse(MIN_COMPUTE_CAPABILITY, values.get(MIN_COMPUTE_CAPABILITY)) : null;
            ComputeCapability hi = values.containsKey(MAX_COMPUTE_CAPABILITY)
                    ? ComputeCapability.parse(MAX_COMPUTE_CAPABILITY, values.get(MAX_COMPUTE_CAPABILITY)) : null;
            EnumMap<Nd4jKey, String> nd = new EnumMap<>(Nd4jKey.class);
            for (Map.Entry<String, String> e : values.entrySet()) {
                Nd4jKey k = Nd4jKey.of(e.getKey());
                if (k != null) {
                    nd.put(k, e.getValue());
                }
            }
            String engine = values.containsKey(ENGINE) ? values.get(ENGINE).strip() : null;
            return of(name, source, backend, dt, mem, students, samples, block, lo, hi, nd, engine);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(source, e.getMessage());
        }
    }

    /** Every key a profile file may contain. */
    public static List<String> allowedKeys() {
        List<String> l = new ArrayList<>(REQUIRED);
        l.add(MIN_COMPUTE_CAPABILITY);
        l.add(MAX_COMPUTE_CAPABILITY);
        l.add(ENGINE);
        for (Nd4jKey k : Nd4jKey.values()) {
            l.add(k.key());
        }
        return l;
    }

    private static int parseInt(String field, String s, int min) {
        try {
            if (!INTEGER.matcher(s.strip()).matches()) {
                throw new NumberFormatException(s);
            }
            int v = Integer.parseInt(s.strip());
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException(field, "must be an integer >= " + min + ", got '" + s + "'");
    }

    private static double parseGb(String s) {
        try {
            if (!DECIMAL.matcher(s.strip()).matches()) {
                throw new NumberFormatException(s);
            }
            double v = Double.parseDouble(s.strip());
            if (v > 0 && v <= MAX_MEMORY_LIMIT_GB) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException(MEMORY_LIMIT_GB, "must be a number of GiB > 0 and at most "
                + formatGb(MAX_MEMORY_LIMIT_GB) + " (decimal digits, e.g. 24 or 23.5), got '" + s + "'");
    }

    /** The settings as {@code key → value}, in file order, for display. */
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(BACKEND, backend.key());
        m.put(DATA_TYPE, dataType.key());
        m.put(MEMORY_LIMIT_GB, formatGb(memoryLimitGb));
        m.put(MAX_STUDENTS_PER_CHUNK, Integer.toString(maxStudentsPerChunk));
        m.put(MAX_SAMPLES_PER_CHUNK, Integer.toString(maxSamplesPerChunk));
        m.put(REDUCTION_BLOCK, Integer.toString(reductionBlock));
        if (backend == Backend.CUDA) {
            m.put(MIN_COMPUTE_CAPABILITY, minComputeCapability.toString());
            m.put(MAX_COMPUTE_CAPABILITY, maxComputeCapability.toString());
        }
        for (Map.Entry<Nd4jKey, String> e : nd4j.entrySet()) {
            m.put(e.getKey().key(), e.getValue());
        }
        if (engine != null) {
            m.put(ENGINE, engine);
        }
        return m;
    }

    /** {@code 4}, {@code 23.5}: a GiB figure without trailing zeros. */
    public static String formatGb(double gb) {
        return new BigDecimal(Double.toString(gb)).stripTrailingZeros().toPlainString();
    }

    // ------------------------------------------------------------------------------------------ chunks

    /**
     * Estimated bytes the empirical engine holds while it trains a chunk of {@code chunk} of the
     * {@code students} students on {@code n} samples of {@code k} patches of size {@code r}:
     *
     * <pre>
     *   m        = min(n, max_samples_per_chunk)          samples through the network at once
     *   resident = n (k r + 1)                            the data set: inputs (at most k r per sample) and labels
     *            + 4 R (r + k)                            v and a of all R students, and their gradients
     *   chunk    = 3 c m k                                pre-activations, activations, their gradient ([c, m, k] each)
     *            + m k r                                  the patches of the sample chunk (gathered when overlapping)
     *            + c m                                    the students' outputs
     *   bytes    = (resident + chunk) × bytes per element (4 for float, 8 for double)
     * </pre>
     *
     * The three {@code [c, m, k]} arrays dominate; the estimate leaves the workspaces' slack, the CUDA
     * context and the JVM to the headroom between {@code memory_limit_gb} and the device's memory.
     */
    public static double workingSetBytes(long n, int k, int r, int students, long chunk, int maxSamplesPerChunk,
            int bytesPerElement) {
        double m = Math.min(n, maxSamplesPerChunk);
        double resident = (double) n * ((double) k * r + 1) + 4.0 * students * (r + (double) k);
        double perChunk = 3.0 * chunk * m * k + m * k * (double) r + (double) chunk * m;
        return (resident + perChunk) * bytesPerElement;
    }

    /**
     * The largest number of students trained at once whose {@link #workingSetBytes working set} fits
     * {@code memory_limit_gb}: at most {@code max_students_per_chunk} and {@code students}, at least 1.
     * Nondecreasing in {@code memory_limit_gb}.
     *
     * @throws InvalidInputException when not even one student fits, naming {@code memory_limit_gb}
     */
    public int studentChunk(long n, int k, int r, int students) {
        if (n < 1) {
            throw new InvalidInputException("n", "number of samples must be >= 1, got " + n);
        }
        InvalidInputException.requirePositive("k", k);
        InvalidInputException.requirePositive("r", r);
        InvalidInputException.requirePositive("students", students);
        int b = dataType.bytes();
        double fixed = workingSetBytes(n, k, r, students, 0, maxSamplesPerChunk, b);
        double perStudent = workingSetBytes(n, k, r, students, 1, maxSamplesPerChunk, b) - fixed;
        double limit = memoryLimitBytes();
        double fits = Math.floor((limit - fixed) / perStudent);
        if (!(fits >= 1)) {
            double need = (fixed + perStudent) / GIB;
            throw new InvalidInputException(MEMORY_LIMIT_GB, "profile " + name + " allows " + formatGb(memoryLimitGb)
                    + " GiB, but one student on n = " + n + " samples (k = " + k + ", r = " + r + ", "
                    + MAX_SAMPLES_PER_CHUNK + " = " + maxSamplesPerChunk + ", " + dataType.key() + ") needs "
                    + String.format(Locale.ROOT, "%.2f", need) + " GiB: raise " + MEMORY_LIMIT_GB + " or lower "
                    + MAX_SAMPLES_PER_CHUNK);
        }
        return (int) Math.min(fits, Math.min(students, maxStudentsPerChunk));
    }
}
