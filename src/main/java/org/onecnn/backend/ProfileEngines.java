package org.onecnn.backend;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The engines a compute profile's {@code engine} key may name, and what each needs of the profile, as the
 * installed engines declare it. This package sits below the engines ({@code org.onecnn.empirical} uses it), so it
 * cannot ask their registry itself: the registry provides this interface (one line in
 * {@code META-INF/services/org.onecnn.backend.ProfileEngines}, written once for all engines), and a profile looks
 * it up only when it names an engine. A new engine therefore needs no line here.
 */
public interface ProfileEngines {
    /** The installed engines by name, in registration order, each with what it needs of a profile naming it. */
    Map<String, Needs> engines();

    /**
     * What an engine needs of the compute profile that names it.
     *
     * @param gpuProfile        whether it needs {@code backend = cuda} (a GPU profile)
     * @param lowestCapability  the lowest compute capability its own GPU kernels run on, which a GPU profile's
     *                          range then defaults to and may not go below (up to 99.9); null: the engine's GPU
     *                          work is ND4J's, and the profile's range is ND4J's
     * @param kernels           what those kernels are, for the refusal ({@code onecnn's CUDA kernels need Volta or
     *                          newer}); null with {@code lowestCapability}
     */
    record Needs(boolean gpuProfile, ComputeCapability lowestCapability, String kernels) {
        /** An engine that needs nothing of the profile beyond ND4J's range on a GPU. */
        public static final Needs NONE = new Needs(false, null, null);
    }

    /** The installed engines (empty where no provider is on the class path), loaded on first use. */
    static Map<String, Needs> installed() {
        return Holder.ENGINES;
    }

    /** The names {@link #installed()} holds, in registration order. */
    static List<String> names() {
        return List.copyOf(installed().keySet());
    }

    /** Loaded on first use, so that a profile naming no engine loads none. */
    final class Holder {
        static final Map<String, Needs> ENGINES = load();

        private Holder() {
        }

        private static Map<String, Needs> load() {
            Map<String, Needs> m = new LinkedHashMap<>();
            for (ProfileEngines p : ServiceLoader.load(ProfileEngines.class, ProfileEngines.class.getClassLoader())) {
                m.putAll(p.engines());
            }
            return Collections.unmodifiableMap(m);
        }
    }
}
