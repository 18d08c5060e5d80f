/**
 * The setup the experiment types share, and nothing the framework needs: building teachers, initializations and
 * the population engine from a spec's sections ({@link org.onecnn.experiment.setup.PopulationSetup}), data sets and
 * ensembles for finite-sample training ({@link org.onecnn.experiment.setup.EmpiricalSetup}), the compute profile a
 * run trains under ({@link org.onecnn.experiment.setup.ComputeContext}), the memory a run needs
 * ({@link org.onecnn.experiment.setup.MemoryEstimate}) and the recording of diverged runs
 * ({@link org.onecnn.experiment.setup.Divergence}).
 *
 * <p>It may use the experiment contract ({@code org.onecnn.experiment}) and the numeric packages (model,
 * population, algorithms, empirical, backend, report, util); it uses no experiment type and neither the CLI nor
 * the benches, and the contract does not use it (ArchitectureTest).
 */
package org.onecnn.experiment.setup;
