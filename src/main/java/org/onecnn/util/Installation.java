package org.onecnn.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where onecnn runs from and what it was built with: the onecnn home (the checkout the launcher runs from) and the
 * versions baked into the jar. Here, below every other package, so that the data store, the compute profiles and
 * the run folders' provenance read them from one place without depending on each other.
 */
public final class Installation {
    private Installation() {
    }

    /** The versions baked into the jar at build time ({@code /onecnn.properties}); empty when absent. */
    public static Properties buildInfo() {
        Properties p = new Properties();
        try (InputStream in = Installation.class.getResourceAsStream("/onecnn.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // provenance is best effort; a missing file shows as "unknown"
        }
        return p;
    }

    /** The onecnn home (system property {@code onecnn.home}, set by the launcher), or the working directory. */
    public static Path home() {
        String h = System.getProperty("onecnn.home");
        return Path.of(h == null ? "." : h).toAbsolutePath().normalize();
    }

    /** Versions of onecnn and its numerical dependencies, in a fixed order ("unknown" when not recorded). */
    public static Map<String, Object> versions() {
        Properties b = buildInfo();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("onecnn", b.getProperty("onecnn.version", "unknown"));
        m.put("commons_math", b.getProperty("commons-math.version", "unknown"));
        m.put("dl4j", b.getProperty("dl4j.version", "unknown"));
        m.put("nd4j_backend_artifact", b.getProperty("nd4j.backend", "unknown"));
        m.put("java", System.getProperty("java.version"));
        return m;
    }
}
