package org.onecnn.experiment;

import java.util.List;

import org.onecnn.util.Progress;

/**
 * What an experiment needs to run: its folder, the resolved config and its grid points, the number of worker
 * threads, whether to show progress; {@code provenance} collects what the experiment learns while running
 * (the ND4J backend it configured, say), merged into {@code provenance.json} at the end; {@code store}
 * holds the run's completed cells (verified on resume); {@code executor} computes the cells of a sweep
 * ({@link #runCells}), chosen by {@link Runner}.
 */
public record RunContext(RunFolder folder, ExperimentSpec config, List<GridPoint> points, int threads, boolean quiet,
        List<String> commandLine, java.util.Map<String, Object> provenance, CellStore store, CellExecutor executor) {

    /** A context whose cells run on this machine, {@code threads} at a time. */
    public RunContext(RunFolder folder, ExperimentSpec config, List<GridPoint> points, int threads, boolean quiet,
            List<String> commandLine, CellStore store) {
        this(folder, config, points, threads, quiet, commandLine, new java.util.LinkedHashMap<>(), store,
                new LocalCellExecutor(Math.max(1, threads)));
    }

    public RunContext {
        points = List.copyOf(points);
    }

    /**
     * Computes and writes the cells of {@code sweep} that the store does not hold yet, through this run's
     * executor, showing progress (unless quiet) in {@code unit}s of {@link CellSweep#work}; afterwards every
     * cell can be read back from {@link #store()}.
     */
    public void runCells(CellSweep sweep, String unit) throws java.io.IOException, InterruptedException {
        long total = 0;
        for (int i = 0; i < sweep.size(); i++) {
            if (executor.computes(i) && !store.done(sweep.key(i))) {
                total += sweep.work(i);
            }
        }
        try (Progress progress = Progress.start(config().name(), total, unit, quiet)) {
            executor.run(sweep, store, progress::step);
        }
    }

    /** A line on standard error unless quiet. */
    public void log(String msg) {
        if (!quiet) {
            System.err.println(msg);
        }
    }
}
