package org.onecnn.population;

import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import org.onecnn.util.InvalidInputException;
import org.onecnn.util.Keyed;

/**
 * The population engines of Algorithm 1, each defined once: its name, whether it handles overlapping patches,
 * and how to make one. ({@link Algorithm#FIXED_OUTPUT} has an engine of its own, see {@link PopulationEngine#of}.)
 */
public enum EngineKind implements Keyed {
    /** O(1) per step on the reduced dynamics (docs/model.md §7); non-overlapping patches only. */
    REDUCED("reduced", false, ReducedEngine::new),
    /** The full-dimensional reference (docs/model.md §2–§4), also for overlapping patches. */
    FULL("full", true, FullEngine::new);

    private final String key;
    private final boolean overlap;
    private final Supplier<PopulationEngine> factory;

    EngineKind(String key, boolean overlap, Supplier<PopulationEngine> factory) {
        this.key = key;
        this.overlap = overlap;
        this.factory = factory;
    }

    @Override
    @JsonValue
    public String key() {
        return key;
    }

    /** Whether the engine handles overlapping patches ({@code s < p}). */
    public boolean overlap() {
        return overlap;
    }

    /** A new engine of this kind (engines are not thread-safe: one per thread). */
    public PopulationEngine create() {
        return factory.get();
    }

    @Override
    public String toString() {
        return key;
    }

    /**
     * The engine kind called {@code name}.
     *
     * @throws InvalidInputException naming the parameter {@code engine}, listing the known names
     */
    @JsonCreator
    public static EngineKind parse(String name) {
        return Keyed.parse(EngineKind.class, "engine", "engine", name);
    }
}
