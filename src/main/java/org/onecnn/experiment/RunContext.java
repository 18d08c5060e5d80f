package org.onecnn.experiment;

import java.util.List;

/**
 * What an experiment needs to run: its folder, the resolved config and cells, the number of worker
 * threads, whether to show progress.
 */
public record RunContext(RunFolder folder, ConfigLoader.Loaded loaded, int threads, boolean quiet,
        List<String> commandLine) {

    public ExperimentConfig config() {
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
