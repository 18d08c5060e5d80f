package org.onecnn.backend;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.backend.ComputeProfile.Nd4jKey;

/**
 * The one place that configures ND4J for a run, and the only class of this package that refers to
 * ND4J. Call it after {@link BackendCheck#requireTrainable} passed and before any other ND4J or DL4J use
 * (the first reference to {@code Nd4j} loads the native backend).
 *
 * <p>It sets the default data type, the thread counts and JavaCPP's memory limits, and seeds ND4J's
 * global generator so that a stray use of it is repeatable; it draws nothing. onecnn's own random
 * streams are seeded per stream elsewhere.
 */
public final class Nd4jSetup {
    /** JavaCPP's off-heap limit (ND4J's arrays live there); defaults to the JVM's maximum heap. */
    static final String MAX_BYTES = "org.bytedeco.javacpp.maxbytes";
    private static final long GIB = 1L << 30;

    private Nd4jSetup() {
    }

    /** Configures ND4J for {@code profile}; see the class documentation. */
    public static void apply(ComputeProfile profile, long seed) {
        // read once by JavaCPP when it loads: set before the first reference to Nd4j below
        systemProperties(profile, System.getProperties(), Runtime.getRuntime().maxMemory())
                .forEach(System::setProperty);
        DataType dt = profile.dataType() == Precision.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
        Nd4j.setDefaultDataTypes(dt, dt);
        Environment env = Nd4j.getEnvironment();
        int threads = profile.nd4jInt(Nd4jKey.MAX_THREADS);
        if (threads > 0) {
            env.setMaxThreads(threads);
        }
        int master = profile.nd4jInt(Nd4jKey.MAX_MASTER_THREADS);
        if (master > 0) {
            env.setMaxMasterThreads(master);
        }
        int blas = profile.nd4jInt(Nd4jKey.BLAS_THREADS);
        if (blas > 0) {
            Nd4j.factory().blas().setMaxThreads(blas);
        }
        Nd4j.getRandom().setSeed(seed);
    }

    /**
     * The system properties {@link #apply} sets before ND4J loads: the profile's JavaCPP settings, and,
     * unless the profile or the JVM options already set it, an off-heap limit of at least
     * {@code memory_limit_gb} + 1 GiB (JavaCPP's default, the maximum heap, is often smaller than the
     * arrays a profile allows). Options given to the JVM ({@code -D...}) win over the profile.
     */
    static Map<String, String> systemProperties(ComputeProfile profile, Properties current, long maxHeapBytes) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<Nd4jKey, String> e : profile.nd4j().entrySet()) {
            String prop = e.getKey().systemProperty();
            if (prop != null && current.getProperty(prop) == null) {
                m.put(prop, e.getValue());
            }
        }
        boolean limitGiven = m.containsKey(MAX_BYTES) || current.getProperty(MAX_BYTES) != null
                || current.getProperty("org.bytedeco.javacpp.maxBytes") != null;
        long wanted = profile.memoryLimitBytes() + GIB;
        if (!limitGiven && wanted > maxHeapBytes) {
            m.put(MAX_BYTES, Long.toString(wanted));
        }
        return m;
    }

    /** What ND4J reports once loaded: backend, BLAS, threads, memory limits and its environment. */
    public static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("backend", Nd4j.getBackend().getClass().getName());
        m.put("default data type", String.valueOf(Nd4j.defaultFloatingPointType()));
        m.put("blas vendor", String.valueOf(Nd4j.factory().blas().getBlasVendor()));
        m.put("blas threads", Integer.toString(Nd4j.factory().blas().getMaxThreads()));
        Environment env = Nd4j.getEnvironment();
        m.put("max threads", Integer.toString(env.maxThreads()));
        m.put("max master threads", Integer.toString(env.maxMasterThreads()));
        m.put("javacpp max bytes", mib(Pointer.maxBytes()));
        m.put("javacpp max physical bytes", mib(Pointer.maxPhysicalBytes()));
        Properties info = Nd4j.getExecutioner().getEnvironmentInformation();
        Map<String, String> sorted = new TreeMap<>();
        for (String k : info.stringPropertyNames()) {
            sorted.put(k, info.getProperty(k));
        }
        for (Map.Entry<Object, Object> e : info.entrySet()) {
            sorted.putIfAbsent(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        }
        sorted.forEach((k, v) -> m.put("env " + k, v));
        return m;
    }

    private static String mib(long bytes) {
        return bytes <= 0 ? "unlimited" : (bytes >> 20) + " MiB";
    }
}
