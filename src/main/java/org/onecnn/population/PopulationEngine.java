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

    /** A new engine by its config name. */
    static PopulationEngine named(String name) {
        return switch (name) {
            case "reduced" -> new ReducedEngine();
            case "full" -> new FullEngine();
            case "fixed-output" -> new FixedOutputEngine();
            default -> throw new org.onecnn.util.InvalidInputException("engine",
                    "unknown engine '" + name + "'; allowed: reduced, full, fixed-output");
        };
    }
}
