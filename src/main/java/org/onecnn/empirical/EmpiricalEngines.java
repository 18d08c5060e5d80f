package org.onecnn.empirical;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.onecnn.backend.ProfileEngines;
import org.onecnn.util.InvalidInputException;

/**
 * The installed {@link EmpiricalEngine}s by name. An engine is registered by one line, its class name, in
 * {@code src/main/resources/META-INF/services/org.onecnn.empirical.EmpiricalEngine} (Java's
 * {@link ServiceLoader}): the trainer and this registry know no implementation, so an engine in its own package
 * ({@code org.onecnn.empirical.dl4j}, a CUDA one, …) is an addition that creates no package cycle.
 */
public final class EmpiricalEngines {
    /** The engine of a config that names none: the fused CPU kernels ({@code dl4j} stays selectable). */
    public static final String DEFAULT = "fused";

    private EmpiricalEngines() {
    }

    /** The installed engines by name, in registration order (loaded once). */
    public static Map<String, EmpiricalEngine> known() {
        return Installed.ENGINES;
    }

    /** The names of the installed engines, in registration order. */
    public static List<String> names() {
        return List.copyOf(known().keySet());
    }

    /**
     * The installed engine called {@code name}.
     *
     * @throws InvalidInputException naming the parameter {@code engine}, listing the known engines
     */
    public static EmpiricalEngine named(String name) {
        return named(name, known().values());
    }

    /** The {@link #DEFAULT} engine. */
    public static EmpiricalEngine defaultEngine() {
        return named(DEFAULT);
    }

    /**
     * The engine called {@code name} among {@code engines} (what {@link #named(String)} does with the installed
     * ones; tests pass their own).
     *
     * @throws InvalidInputException naming the parameter {@code engine}, listing the names of {@code engines}
     */
    public static EmpiricalEngine named(String name, Collection<EmpiricalEngine> engines) {
        for (EmpiricalEngine e : engines) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new InvalidInputException("engine", "unknown empirical engine '" + name + "'; known: "
                + String.join(", ", engines.stream().map(EmpiricalEngine::name).toList()));
    }

    /**
     * The installed engines for compute profiles ({@link ProfileEngines}, registered once in
     * {@code META-INF/services/org.onecnn.backend.ProfileEngines}): each engine's name and {@link
     * EmpiricalEngine#profileNeeds}, so that a profile may name any installed engine.
     */
    public static final class Profiles implements ProfileEngines {
        @Override
        public Map<String, Needs> engines() {
            Map<String, Needs> m = new LinkedHashMap<>();
            known().forEach((name, e) -> m.put(name, e.profileNeeds()));
            return m;
        }
    }

    /** Loaded on first use, so that naming no engine loads none. */
    private static final class Installed {
        static final Map<String, EmpiricalEngine> ENGINES = load();

        private static Map<String, EmpiricalEngine> load() {
            // onecnn's own engines first, in their services file's order, then those added by other jars or folders
            // of the class path: the order of the lists in messages and help does not depend on the class path's
            List<EmpiricalEngine> own = new java.util.ArrayList<>();
            List<EmpiricalEngine> added = new java.util.ArrayList<>();
            String home = codeSource(EmpiricalEngine.class);
            for (EmpiricalEngine e : ServiceLoader.load(EmpiricalEngine.class, EmpiricalEngine.class.getClassLoader())) {
                (java.util.Objects.equals(codeSource(e.getClass()), home) ? own : added).add(e);
            }
            Map<String, EmpiricalEngine> m = new LinkedHashMap<>();
            for (EmpiricalEngine e : concat(own, added)) {
                if (m.putIfAbsent(e.name(), e) != null) {
                    throw new IllegalStateException("two empirical engines are called '" + e.name() + "'");
                }
            }
            return java.util.Collections.unmodifiableMap(m);
        }

        private static List<EmpiricalEngine> concat(List<EmpiricalEngine> a, List<EmpiricalEngine> b) {
            List<EmpiricalEngine> l = new java.util.ArrayList<>(a);
            l.addAll(b);
            return l;
        }

        /** Where a class was loaded from (its jar or folder), or null where the JVM does not say. */
        private static String codeSource(Class<?> c) {
            java.security.CodeSource s = c.getProtectionDomain().getCodeSource();
            return s == null || s.getLocation() == null ? null : s.getLocation().toString();
        }
    }
}
