package org.onecnn.experiment;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

import org.onecnn.util.InvalidInputException;

/**
 * The registry of experiment types: every {@link Experiment} listed in
 * {@code META-INF/services/org.onecnn.experiment.Experiment}. The framework knows types only through it (by
 * name), so a new type is its own package and one line in that file; nothing else in onecnn changes.
 */
public final class ExperimentTypes {
    private static final Map<String, Experiment> TYPES = load();

    private ExperimentTypes() {
    }

    private static Map<String, Experiment> load() {
        Map<String, Experiment> m = new TreeMap<>();
        for (Experiment e : ServiceLoader.load(Experiment.class, ExperimentTypes.class.getClassLoader())) {
            if (m.put(e.type(), e) != null) {
                throw new IllegalStateException("experiment type '" + e.type() + "' is registered twice");
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** The registered type names, sorted. */
    public static List<String> names() {
        return List.copyOf(TYPES.keySet());
    }

    /** Whether {@code type} is registered. */
    public static boolean known(String type) {
        return type != null && TYPES.containsKey(type);
    }

    /**
     * The experiment of {@code type}.
     *
     * @throws InvalidInputException naming the field {@code type} when it is null or not registered
     */
    public static Experiment get(String type) {
        if (type == null) {
            throw new InvalidInputException("type", "is required; allowed: " + String.join(", ", names()));
        }
        Experiment e = TYPES.get(type);
        if (e == null) {
            throw new InvalidInputException("type", "unknown experiment type '" + type + "'; allowed: "
                    + String.join(", ", names()));
        }
        return e;
    }

    /** Every registered experiment, by type name. */
    public static Map<String, Experiment> all() {
        return TYPES;
    }
}
