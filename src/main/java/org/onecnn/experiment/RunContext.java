package org.onecnn.experiment;

import java.util.List;

/**
 * What an experiment needs to run: its folder, the resolved config and cells, the number of worker
 * threads, whether to show progress; {@code provenance} collects what the experiment learns while running
 * (the ND4J backend it configured, say), merged into {@code provenance.json} at the end; {@code store}
 * holds the run's completed cells (verified on resume).
 */
public record RunContext(RunFolder folder, ConfigLoader.Loaded loaded, int threads, boolean quiet,
        List<String> commandLine, java.util.Map<String, Object> provenance, CellStore store) {

    public RunContext(RunFolder folder, ConfigLoader.Loaded loaded, int threads, boolean quiet,
            List<String> commandLine, CellStore store) {
        this(folder, loaded, threads, quiet, commandLine, new java.util.LinkedHashMap<>(), store);
    }

    public ExperimentSpec config() {
        return loaded.config();
    }

    public List<ConfigLoader.Cell> cells() {
        return loaded.cells();
    }

    /** A line on standard error unless quiet. */
    public void log(String msg) {
        if (!quiet) {
            System.err.println(msg);
        }
    }
}
