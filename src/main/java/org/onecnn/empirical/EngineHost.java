package org.onecnn.empirical;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.onecnn.backend.BackendInfo;

/**
 * The machine an engine is judged on ({@link EmpiricalEngine#problem}, {@link EmpiricalEngine#doctor}): what the
 * device probe found, and the engine's own probes of it (the cuda engine's {@code CudaReadiness}), each run at most
 * once per host so that doctor's report and its verdict read one finding. Tests (and doctor, whose drivers tests
 * replace) give a probe's result instead of the system's with {@link #with}; the host names no engine.
 */
public final class EngineHost {
    private final BackendInfo devices;
    private final Map<Class<?>, Supplier<?>> given;
    private final Map<Class<?>, Object> found = new ConcurrentHashMap<>();

    private EngineHost(BackendInfo devices, Map<Class<?>, Supplier<?>> given) {
        this.devices = devices;
        this.given = given;
    }

    /** The machine the probe described, every engine probe the system's. */
    public static EngineHost of(BackendInfo devices) {
        return new EngineHost(devices, Map.of());
    }

    /** This machine with the probe of {@code type} answered by {@code probe} instead of the system's. */
    public <T> EngineHost with(Class<T> type, Supplier<? extends T> probe) {
        Map<Class<?>, Supplier<?>> m = new java.util.HashMap<>(given);
        m.put(type, probe);
        return new EngineHost(devices, Map.copyOf(m));
    }

    /** What the device probe found (CPU, GPUs by nvidia-smi, ND4J's build). */
    public BackendInfo devices() {
        return devices;
    }

    /** The engine's probe of type {@code type}: the one given by {@link #with}, else {@code system}'s; once. */
    public <T> T probe(Class<T> type, Supplier<? extends T> system) {
        Supplier<?> s = given.getOrDefault(type, system);
        return type.cast(found.computeIfAbsent(type, t -> s.get()));
    }
}
