package org.onecnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.onecnn.backend.ComputeProfile.Backend;
import org.onecnn.backend.ComputeProfile.Nd4jKey;

/** The system properties set before ND4J loads (without loading it). */
class Nd4jSetupTest {
    private static final long GIB = 1L << 30;

    private static ComputeProfile profile(double gb, Map<Nd4jKey, String> nd4j) {
        return ComputeProfile.of("t", "test", Backend.CPU, Precision.DOUBLE, gb, 16, 2048, 2048, null, null, nd4j);
    }

    @Test
    void offHeapLimitCoversTheProfile() {
        Properties none = new Properties();
        // JavaCPP's default (the heap, 2 GiB) is below 4 + 1 GiB: raised
        assertEquals(Map.of("org.bytedeco.javacpp.maxbytes", Long.toString(5 * GIB)),
                Nd4jSetup.systemProperties(profile(4, Map.of()), none, 2 * GIB));
        // a large heap already covers it: nothing set
        assertEquals(Map.of(), Nd4jSetup.systemProperties(profile(4, Map.of()), none, 8 * GIB));
        // the profile's own values
        assertEquals(Map.of("org.bytedeco.javacpp.maxbytes", "24g", "org.bytedeco.javacpp.maxphysicalbytes", "40g"),
                Nd4jSetup.systemProperties(profile(4, Map.of(Nd4jKey.JAVACPP_MAX_BYTES, "24g",
                        Nd4jKey.JAVACPP_MAX_PHYSICAL_BYTES, "40g", Nd4jKey.MAX_THREADS, "4")), none, 2 * GIB));
        // JVM options win
        Properties given = new Properties();
        given.setProperty("org.bytedeco.javacpp.maxbytes", "3g");
        assertEquals(Map.of(), Nd4jSetup.systemProperties(profile(4, Map.of(Nd4jKey.JAVACPP_MAX_BYTES, "24g")), given,
                2 * GIB));
    }
}
