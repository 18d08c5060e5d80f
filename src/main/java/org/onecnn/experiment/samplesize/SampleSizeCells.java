package org.onecnn.experiment.samplesize;

import org.onecnn.experiment.CellKey;
import java.util.List;
import java.util.function.LongConsumer;

import org.onecnn.experiment.CellStore;
import org.onecnn.experiment.CellSweep;
import org.onecnn.experiment.setup.ComputeContext;
import org.onecnn.experiment.setup.EmpiricalSetup;
import org.onecnn.experiment.Sections;
import org.onecnn.empirical.EmpiricalResult;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EnsembleTrainer;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.Dataset;
import org.onecnn.empirical.data.DatasetFolders;
import org.onecnn.empirical.data.DatasetStore;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.RunResult;
import org.onecnn.report.Table;

/**
 * The cells of a sample-size run: cell {@code i} is sample size {@code n = empirical.n[i / D]} and data set
 * {@code d = i % D} (D data sets per size), in which every initialization trains by empirical gradient descent
 * on a data set drawn with seed {@link EmpiricalSetup#dataSeed}(spec, n, d) or read from
 * {@code empirical.datasets_from} ({@link EmpiricalSetup#dataset}; online: fresh batches from that seed); one row
 * per initialization, its population outcome beside the empirical one. With {@code empirical.save_datasets} each
 * cell saves its data set before it trains.
 *
 * <p>What every cell shares (the teacher, the initializations, the population reference, the compute context)
 * is computed from the spec alone by the experiment. How many cells train at once is the engine's to say
 * ({@link #parallelism()}); a cell's rows do not depend on it.
 */
final class SampleSizeCells implements CellSweep {
    static final List<String> COLUMNS = List.of("n", "dataset", "run", "seed", "population_outcome", "outcome",
            "stop_reason", "iterations", "phi", "pi_minus_phi", "loss_n", "population_loss", "grad_norm",
            "window_grad_norm", "dist_teacher", "norm_v", "second_order", "min_eigenvalue");

    private final SampleSizeSpec cfg;
    private final Teacher teacher;
    private final List<InitialPoint> inits;
    private final List<RunResult> population;
    private final org.onecnn.backend.Precision type;
    private final EmpiricalSpec spec;
    private final InputDistribution dist;
    private final java.nio.file.Path saveTo;

    /**
     * @param population the population runs of {@code inits}, in order (their outcomes pair with the cells' rows)
     * @param cc         the compute context, already opened
     * @param saveTo     where each cell saves (or, on a resume, verifies) its data set as
     *                   {@code n-<n>-d-<d>/} ({@link DatasetStore#saveOrVerify}); null: not saved
     */
    SampleSizeCells(SampleSizeSpec cfg, Teacher teacher, List<InitialPoint> inits, List<RunResult> population,
            ComputeContext cc, java.nio.file.Path saveTo) {
        this.saveTo = saveTo;
        this.cfg = cfg;
        this.teacher = teacher;
        this.inits = List.copyOf(inits);
        this.population = List.copyOf(population);
        this.type = cc.dataType();
        this.spec = cc.spec(cfg.init().count());
        this.dist = InputDistribution.named(cfg.empirical().distribution());
    }

    /** Sample size n, data set d is the cell {@code cells/n-<n>-d-<d>.csv}. */
    static CellKey cellKey(SampleSizeSpec cfg, long n, int d) {
        return new CellKey(String.format("n-%d-d-%d.csv", n, d), "n=" + n + ", dataset " + d, COLUMNS,
                cfg.init().count());
    }

    /** Every cell's key, in index order (n major, data set minor). */
    static List<CellKey> cellKeys(SampleSizeSpec cfg) {
        List<CellKey> keys = new java.util.ArrayList<>();
        for (long n : cfg.empirical().n()) {
            for (int d = 0; d < cfg.empirical().datasets(); d++) {
                keys.add(cellKey(cfg, n, d));
            }
        }
        return keys;
    }

    private long n(int index) {
        return cfg.empirical().n().get(index / cfg.empirical().datasets());
    }

    private int dataset(int index) {
        return index % cfg.empirical().datasets();
    }

    @Override
    public int size() {
        return cfg.empirical().n().size() * cfg.empirical().datasets();
    }

    @Override
    public CellKey key(int index) {
        return cellKey(cfg, n(index), dataset(index));
    }

    /**
     * Progress counts sample-gradients of the budget (student-steps × samples per step): the cost of a step grows
     * with n, so counting data sets showed 0/N for most of a run, and counting student-steps gave an ETA that the
     * large sizes at the end of the run left far behind.
     */
    @Override
    public long work(int index) {
        return (long) cfg.init().count() * cfg.empirical().maxSteps() * samplesPerStep(n(index));
    }

    /** The samples one step of one student goes through: n (full batch), or the batch size. */
    private long samplesPerStep(long n) {
        return cfg.empirical().regime() == org.onecnn.empirical.Regime.FULL_BATCH ? n : cfg.empirical().batchSize();
    }

    /**
     * As many cells at once as the engine allows ({@link org.onecnn.empirical.EmpiricalEngine#concurrentTrainings}):
     * one for an engine that drives the machine itself (ND4J's native threads, a GPU), two for the fused engine.
     */
    @Override
    public int parallelism() {
        return cfg.empirical().trainingEngine().concurrentTrainings();
    }

    @Override
    public Job<Output> job(int index) {
        long n = n(index);
        int d = dataset(index);
        long perStep = samplesPerStep(n);
        return Job.whole(progress -> new Output(rows(n, d, train(n, d, steps -> progress.accept(steps * perStep)))));
    }

    /** Trains every initialization on data set d of size n (online: on fresh batches of its seed). */
    private List<EmpiricalResult> train(long n, int d, LongConsumer progress) {
        Sections.Empirical e = cfg.empirical();
        EnsembleTrainer trainer = new EnsembleTrainer(spec, teacher, e.inputDistribution().populationClosedForm(),
                e.trainingEngine());
        if (e.regime() == org.onecnn.empirical.Regime.ONLINE) {
            // derived here only: a run on given data sets (datasets_from) draws no data seed, and its provenance
            // lists no data stream
            long seed = EmpiricalSetup.dataSeed(cfg, n, d);
            CounterSamples fresh = CounterSamples.of(cfg.model().architecture(), teacher, e.leakySlope(), dist,
                    e.noise(), seed, e.batchSize());
            return trainer.train(inits, null, fresh, RecordPlan.NONE, EnsembleTrainer.Sink.NONE, progress);
        }
        Dataset data = EmpiricalSetup.dataset(cfg, teacher, n, d, type);
        if (saveTo != null) {
            try {
                DatasetStore.saveOrVerify(data, DatasetFolders.folder(saveTo, n, d));
            } catch (java.io.IOException x) {
                throw new java.io.UncheckedIOException("cannot save data set n = " + n + ", d = " + d + " under "
                        + saveTo, x);
            }
        }
        return trainer.train(inits, data.trainingSet(), null, RecordPlan.NONE, EnsembleTrainer.Sink.NONE,
                progress);
    }

    private String rows(long n, int d, List<EmpiricalResult> res) {
        Table.Builder b = Table.builder(COLUMNS);
        for (EmpiricalResult r : res) {
            b.row(n, d, r.index(), r.seed(), population.get(r.index()).outcome().name(), r.outcome().name(),
                    r.reason().name(), r.iterations(), r.phi(), Math.PI - r.phi(), r.lossN(), r.populationLoss(),
                    r.gradNorm(), r.windowGradNorm(), r.distTeacher(), r.normV(), r.secondOrderLabel(),
                    r.minEigenvalue());
        }
        return b.build().toCsv();
    }
}
