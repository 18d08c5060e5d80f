package org.onecnn.experiment.samplesize;

import org.onecnn.experiment.ExperimentSpec;
import org.onecnn.experiment.GridPoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.onecnn.experiment.CellKey;
import org.onecnn.experiment.CellStore;
import org.onecnn.experiment.CellSweep;
import org.onecnn.experiment.setup.ComputeContext;
import org.onecnn.experiment.setup.EmpiricalSetup;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.setup.MemoryEstimate;
import org.onecnn.experiment.setup.PopulationSetup;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.RunFolder;
import org.onecnn.experiment.Sections;
import org.onecnn.empirical.data.DatasetStore;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.RunResult;
import org.onecnn.population.TrajectorySink;
import org.onecnn.report.Table;
import org.onecnn.util.InvalidInputException;

/**
 * Finite samples against the population (docs/experiments.md, sample-size): one teacher; the same
 * initializations run through the exact population engine and, for every sample size n and each of D
 * data sets, through empirical gradient descent on L_n. Outcomes pair by initialization.
 *
 * <p>Outputs: {@code population.csv} (the reference), {@code results.csv} (one row per n, data set and
 * initialization, with the population outcome beside the empirical one), {@code summary.csv/json}
 * (P(GLOBAL), P(SPURIOUS), P(NOT_CONVERGED), P(DIVERGED), P(OTHER) per n, each with an interval that accounts
 * for the crossed initialization × data set design, the spread over data sets and the paired difference from the
 * population (see {@link SampleSizeReport}); the population as n = inf; undefined values, such as a median over no SPURIOUS
 * run, blank in CSV and null in JSON), {@code per_dataset.csv}, {@code transitions.csv} (population outcome →
 * empirical outcome, per n), {@code spurious_position.csv} (π − φ and L_n at the SPURIOUS stationary points
 * per n, with the fitted log-log exponent), plots and {@code report.md}.
 */
public final class SampleSizeExperiment implements Experiment {
    @Override
    public String type() {
        return SampleSizeSpec.TYPE;
    }

    @Override
    public Class<SampleSizeSpec> specClass() {
        return SampleSizeSpec.class;
    }

    @Override
    public String gridHint() {
        return "; its sample sizes are empirical.n";
    }

    @Override
    public void validate(ExperimentSpec spec, List<GridPoint> points) {
        SampleSizeSpec cfg = (SampleSizeSpec) spec;
        if (cfg.train().algorithm() != org.onecnn.population.Algorithm.WN_GD) {
            throw new InvalidInputException("train.algorithm", "sample-size compares weight-normalised GD (wn-gd)");
        }
        if (cfg.init().signRestarts()) {
            throw new InvalidInputException("init.sign_restarts", "is not supported by sample-size; set it to false");
        }
        // first: the engine and the profile (ComputeContext.check), then what they are asked to measure
        EmpiricalSetup.requireMeasurable(cfg);
        EmpiricalSetup.requireDatasets(cfg);
        MemoryEstimate.empirical(cfg, false);
        PopulationSetup.validate(cfg, 0);
        InputDistribution.named(cfg.empirical().distribution());
    }


    @Override
    public List<CellKey> cellKeys(ExperimentSpec spec, List<GridPoint> points) {
        return SampleSizeCells.cellKeys((SampleSizeSpec) spec);
    }

    /**
     * The population reference ({@code population.csv}), then every (n, data set) not done yet as a cell
     * ({@link SampleSizeCells}), then the statistics ({@link SampleSizeStatistics}) and the report
     * ({@link SampleSizeReport}) from the cells read back from the store.
     */
    @Override
    public void execute(RunContext ctx) throws IOException, InterruptedException {
        SampleSizeSpec cfg = (SampleSizeSpec) ctx.config();
        Shared shared = Shared.of(cfg);
        Teacher teacher = shared.teacher();
        List<InitialPoint> inits = shared.inits();
        List<RunResult> pop = shared.population();
        writePopulation(ctx, pop);
        ComputeContext cc = ComputeContext.open(cfg);
        ctx.provenance().put("backend", cc.describe());
        Sections.Empirical e = cfg.empirical();
        Path saveTo = e.saveDatasets() ? datasetsFolder(ctx.folder().dir()) : null;
        ctx.runCells(new SampleSizeCells(cfg, teacher, inits, pop, cc, saveTo), "sample-gradients");
        if (saveTo != null) {
            // every cell's data set, also those saved by an earlier session of a resumed run
            ctx.provenance().put("datasets", EmpiricalSetup.datasetsProvenance("saved_to", saveTo, e.n(),
                    e.datasets()));
            ctx.log("data sets saved to " + saveTo);
        }
        new SampleSizeReport(cfg, SampleSizeStatistics.of(cfg, pop, readCells(ctx, cfg))).write(ctx);
    }

    /**
     * Where a run with {@code empirical.save_datasets} saves its data sets: {@code datasets/<run folder name>} of the
     * onecnn home ({@link DatasetStore#standard()}), one folder {@code n-<n>-d-<d>} per cell.
     */
    static Path datasetsFolder(Path runFolder) {
        return DatasetStore.standard().root().resolve(runFolder.getFileName().toString());
    }

    /**
     * Before anything is written: the data sets a run with {@code empirical.save_datasets} will save can be
     * saved, each folder already there holding this run's data set ({@link EmpiricalSetup#requireSavable}); the
     * data sets of {@code empirical.datasets_from} are hashed for the first {@code provenance.json}, and on a
     * resume must still have the hashes recorded when the run started ({@link EmpiricalSetup#datasetsFromRecord}).
     */
    @Override
    public java.util.Map<String, Object> beforeWriting(ExperimentSpec spec,
            List<GridPoint> points, Path runFolder, boolean resumed)
            throws IOException {
        SampleSizeSpec cfg = (SampleSizeSpec) spec;
        if (cfg.empirical().saveDatasets()) {
            EmpiricalSetup.requireSavable(cfg, datasetsFolder(runFolder), resumed);
        }
        java.util.Map<String, Object> rec = EmpiricalSetup.datasetsFromRecord(cfg, resumed
                ? runFolder.resolve("provenance.json") : null);
        return rec == null ? java.util.Map.of() : java.util.Map.of("datasets", rec);
    }

    /**
     * The cells as a worker on another machine builds them (see {@link Experiment#cells}): the same teacher,
     * initializations and population reference as {@link #execute}, computed from the spec, and the compute
     * context opened on the worker (its ND4J configured by the worker's own profile check). A run that saves its
     * data sets ({@code empirical.save_datasets}) is refused: each cell would save its data set on the machine
     * that computed it.
     */
    @Override
    public CellSweep cells(ExperimentSpec spec, List<GridPoint> points) {
        SampleSizeSpec cfg = (SampleSizeSpec) spec;
        cfg.requireNoSavedDatasets("a distributed executor");
        Shared shared = Shared.of(cfg);
        return new SampleSizeCells(cfg, shared.teacher(), shared.inits(), shared.population(),
                ComputeContext.open(cfg), null);
    }

    /**
     * What every cell shares, a pure function of the spec: the teacher, the initializations and their exact
     * population runs (the reference, in initialization order).
     */
    private record Shared(Teacher teacher, List<InitialPoint> inits, List<RunResult> population) {
        static Shared of(SampleSizeSpec cfg) {
            Teacher teacher = PopulationSetup.teacher(cfg);
            List<InitialPoint> inits = PopulationSetup.inits(cfg, teacher, 0, 0, cfg.init().count());
            return new Shared(teacher, inits, cfg.train().newEngine().run(PopulationSetup.job(cfg, teacher, inits,
                    PopulationSetup.eta(cfg, teacher, inits.get(0)), RecordPlan.NONE), TrajectorySink.NONE));
        }
    }

    /** The population reference, written to {@code population.csv}. */
    private static void writePopulation(RunContext ctx, List<RunResult> pop) throws IOException {
        Table.Builder pb = Table.builder("run", "seed", "outcome", "stop_reason", "iterations", "phi", "loss");
        for (RunResult r : pop) {
            pb.row(r.index(), r.seed(), r.outcome().name(), r.reason().name(), r.iterations(), r.phi(), r.loss());
        }
        pb.build().writeCsv(ctx.folder().path("population.csv"));
    }

    /** Every cell read back from the store, concatenated into {@code results.csv}; their tables in cell order. */
    private static List<Table> readCells(RunContext ctx, SampleSizeSpec cfg) throws IOException {
        List<String> cells = new ArrayList<>();
        for (CellKey key : SampleSizeCells.cellKeys(cfg)) {
            cells.add(ctx.store().read(key));
        }
        RunFolder.writeAtomically(ctx.folder().path("results.csv"), CellStore.concat(cells));
        return cells.stream().map(Table::parseCsv).toList();
    }
}
