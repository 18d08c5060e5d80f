package org.onecnn.population;

import java.util.List;

/**
 * Runs a {@link PopulationJob} on an exact population loss. Results come back in job order.
 * Implementations are not thread-safe; use one instance per thread (they are cheap).
 */
public interface PopulationEngine {
    /** Short name used in configs and output ({@code reduced}, {@code full}, ...). */
    String name();

    /** Run every initialization of the job; tracked trajectories go to {@code sink}. */
    List<RunResult> run(PopulationJob job, TrajectorySink sink);

    /** A new engine of {@code algorithm}: its own for the fixed output layer, {@code kind} for Algorithm 1. */
    static PopulationEngine of(Algorithm algorithm, EngineKind kind) {
        return algorithm == Algorithm.FIXED_OUTPUT ? new FixedOutputEngine() : kind.create();
    }

    /** A new engine of Algorithm 1 by its name ({@link EngineKind}). */
    static PopulationEngine named(String name) {
        return EngineKind.parse(name).create();
    }
}
