/**
 * The experiment framework: the contract an experiment type implements ({@link org.onecnn.experiment.Experiment},
 * {@link org.onecnn.experiment.ExperimentSpec}, the registry {@link org.onecnn.experiment.ExperimentTypes},
 * {@link org.onecnn.experiment.RunContext}, {@link org.onecnn.experiment.CellSweep},
 * {@link org.onecnn.experiment.CellExecutor}), the shared section records, config loading, and running (the
 * runner, job arrays, run folders, the cell store, provenance, the executors). A run, a resume, a job-array task
 * and a merge all start from {@link org.onecnn.experiment.Prepared#of}.
 *
 * <p>It never names an experiment type (it finds them through the registry) and does not use the setup the
 * types share ({@code org.onecnn.experiment.setup}); ArchitectureTest checks both (docs/architecture.md).
 */
package org.onecnn.experiment;
