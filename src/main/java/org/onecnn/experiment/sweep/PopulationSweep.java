package org.onecnn.experiment.sweep;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.onecnn.util.MemoryBudget;
import org.onecnn.experiment.CellStore;
import org.onecnn.experiment.CellKey;
import org.onecnn.experiment.ExperimentSpec;
import org.onecnn.experiment.GridPoint;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.setup.MemoryEstimate;
import org.onecnn.experiment.setup.PopulationSetup;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.RunFolder;
import org.onecnn.experiment.sweep.SweepReport;
import org.onecnn.model.Outcome;
import org.onecnn.model.StopReason;
import org.onecnn.report.Table;

/**
 * A sweep over grid cells, each a batch of initializations run through an exact population engine.
 *
 * <p>The cells ({@link PopulationCells}) run through the run's {@link org.onecnn.experiment.CellExecutor}: every
 * initialization's seed depends only on (master seed, cell, index), and each cell's rows are in run order, so
 * {@code results.csv} is byte-identical whatever the thread count. A finished cell is written to {@code cells/}
 * at once ({@link CellStore}); {@code --resume} runs only the cells missing there or failing their
 * verification. The results are assembled from the cells read back from the store.
 */
public final class PopulationSweep implements Experiment {
    @Override
    public String type() {
        return PopulationSweepSpec.TYPE;
    }

    @Override
    public Class<PopulationSweepSpec> specClass() {
        return PopulationSweepSpec.class;
    }

    /** Initializations per piece of a cell (see {@link PopulationCells}). */
    static final int CHUNK = PopulationCells.CHUNK;

    @Override
    public void validate(ExperimentSpec spec, List<GridPoint> points) {
        estimateMemory(spec, points); // first: the checks below already build teachers of the cells' sizes
        for (GridPoint c : points) {
            try {
                PopulationSetup.validate(spec(c), c.index());
            } catch (org.onecnn.util.InvalidInputException e) {
                if (points.size() > 1) {
                    throw new org.onecnn.util.InvalidInputException(e.field(), "in grid cell " + c.label() + ": "
                            + e.getMessage().substring(e.field().isEmpty() ? 0 : e.field().length() + 2));
                }
                throw e;
            }
        }
    }

    @Override
    public List<CellKey> cellKeys(ExperimentSpec spec, List<GridPoint> points) {
        PopulationSweepSpec cfg = (PopulationSweepSpec) spec;
        return points.stream().map(c -> PopulationCells.cellKey(cfg, c)).toList();
    }

    @Override
    public PopulationCells cells(ExperimentSpec spec, List<GridPoint> points) {
        return new PopulationCells((PopulationSweepSpec) spec, points);
    }

    @Override
    public void execute(RunContext ctx) throws IOException, InterruptedException {
        PopulationCells cells = cells(ctx.config(), ctx.points());
        if (ctx.folder().resumed()) {
            long done = IntStream.range(0, cells.size()).filter(i -> ctx.store().done(cells.key(i))).count();
            ctx.log("resuming " + ctx.folder().dir() + ": " + done + " of " + cells.size() + " cells already done");
        }
        ctx.runCells(cells, "runs");
        assemble(ctx);
    }

    /** Concatenate the cells into {@code results.csv}, then summaries, plots and the report. */
    private void assemble(RunContext ctx) throws IOException {
        RunFolder folder = ctx.folder();
        PopulationSweepSpec cfg = (PopulationSweepSpec) ctx.config();
        List<String> cells = new ArrayList<>();
        List<String> trajectories = new ArrayList<>();
        List<Table> cellTables = new ArrayList<>();
        for (GridPoint c : ctx.points()) {
            CellKey key = PopulationCells.cellKey(cfg, c);
            cells.add(ctx.store().read(key));
            cellTables.add(Table.parseCsv(cells.get(cells.size() - 1)));
            trajectories.add(ctx.store().readPart(key, key.parts().get(0)));
        }
        RunFolder.writeAtomically(folder.path("results.csv"), CellStore.concat(cells));
        String traj = CellStore.concat(trajectories);
        if (!traj.isEmpty()) {
            RunFolder.writeAtomically(folder.path("trajectories.csv"), traj);
        }
        Table summary = summarize(cfg, ctx.points(), cellTables);
        SweepReport.write(ctx, summary, !traj.isEmpty());
    }

    /** One summary row per cell: outcome fractions with Wilson 95% intervals, iteration statistics. */
    static Table summarize(PopulationSweepSpec cfg, List<GridPoint> cells, List<Table> cellTables) {
        List<String> cols = new ArrayList<>(cfg.axes());
        cols.addAll(List.of("n_runs", "p_global", "p_global_lo", "p_global_hi", "p_spurious", "p_spurious_lo",
                "p_spurious_hi", "p_not_converged", "p_not_converged_lo", "p_not_converged_hi", "p_diverged", "p_other",
                "iters_mean", "iters_median", "iters_max", "frac_settled_early"));
        Table.Builder b = Table.builder(cols.toArray(new String[0]));
        for (int i = 0; i < cells.size(); i++) {
            Table t = cellTables.get(i);
            int n = t.size();
            Map<Outcome, Integer> counts = new LinkedHashMap<>();
            for (Outcome o : Outcome.values()) {
                counts.put(o, 0);
            }
            long[] iters = new long[n];
            int settled = 0;
            for (int r = 0; r < n; r++) {
                counts.merge(Outcome.valueOf(t.getString(r, "outcome")), 1, Integer::sum);
                iters[r] = t.getLong(r, "iterations");
                String reason = t.getString(r, "stop_reason");
                if (reason.equals(StopReason.SETTLED_GLOBAL.name()) || reason.equals(StopReason.SETTLED_SPURIOUS.name())) {
                    settled++;
                }
            }
            Arrays.sort(iters);
            List<Object> row = new ArrayList<>();
            for (String a : cfg.axes()) {
                row.add(cells.get(i).values().get(a).asText());
            }
            row.add(n);
            for (Outcome o : List.of(Outcome.GLOBAL, Outcome.SPURIOUS, Outcome.NOT_CONVERGED)) {
                org.onecnn.report.Statistics.Interval w = org.onecnn.report.Statistics.wilson(counts.get(o), n, 0.95);
                row.add(w.estimate());
                row.add(w.lower());
                row.add(w.upper());
            }
            row.add(counts.get(Outcome.DIVERGED) / (double) n);
            row.add(counts.get(Outcome.OTHER) / (double) n);
            double mean = 0;
            for (long it : iters) {
                mean += it;
            }
            row.add(mean / n);
            row.add(n % 2 == 1 ? (double) iters[n / 2] : 0.5 * (iters[n / 2 - 1] + iters[n / 2]));
            row.add(iters[n - 1]);
            row.add(settled / (double) n);
            b.row(row.toArray());
        }
        return b.build();
    }

    /** The memory of a sweep: the runs in flight of each cell, and the results and trajectories of all. */
    static void estimateMemory(ExperimentSpec spec, List<GridPoint> cells) {
        MemoryBudget heap = MemoryBudget.heap();
        for (GridPoint c : cells) {
            PopulationSweepSpec cc = (PopulationSweepSpec) spec(c);
            int per = cc.init().signRestarts() ? 4 : 1;
            MemoryEstimate.shape(cc, spec, heap, "init.count", cc.init().count(), (n, v) -> (2 + Math.min(n,
                    (double) MemoryEstimate.threads() * CHUNK) * per * MemoryEstimate.RUN_VECTORS) * v, "the runs in flight of a "
                    + "cell (k + p doubles each)");
        }
        PopulationSweepSpec cfg = (PopulationSweepSpec) spec;
        // results of every cell (held until the run is assembled) and the recorded trajectories
        int max = maxCount(cells);
        int maxRuns = cells.stream().mapToInt(c -> ((PopulationSweepSpec) spec(c)).record().runs()).max().orElse(0);
        heap.require("the results of " + cells.size() + " cell(s) and their recorded trajectories",
            new MemoryBudget.Candidate(MemoryEstimate.field(cfg, "init.count"), max, 1, x -> results(cells, x, max, maxRuns,
                maxRuns)),
            new MemoryBudget.Candidate(MemoryEstimate.field(cfg, "record.runs"), maxRuns, 0, x -> results(cells, max, max, x,
                maxRuns)));
    }

    /** Results and trajectories of the cells, the largest count set to {@code count} and most runs to {@code runs}. */
    private static double results(List<GridPoint> cells, double count, int maxCount, double runs,
            int maxRuns) {
        double b = 0;
        for (GridPoint c : cells) {
            PopulationSweepSpec cc = (PopulationSweepSpec) spec(c);
            double n = cc.init().count() == maxCount ? count : cc.init().count();
            int per = cc.init().signRestarts() ? 4 : 1;
            PopulationSweepSpec.Record r = cc.record();
            double recorded = Math.min(n, r.runs() == maxRuns ? runs : r.runs());
            b += n * MemoryEstimate.RESULT_BYTES + (r.any() ? recorded * per * MemoryEstimate.points(cc.stop().maxSteps(), r.every(),
                    r.steps().size()) * MemoryEstimate.POINT_BYTES : 0);
        }
        return b;
    }

    private static int maxCount(List<GridPoint> cells) {
        return cells.stream().mapToInt(c -> ((PopulationSweepSpec) spec(c)).init().count()).max().orElse(1);
    }

    /** The spec of a grid cell (the sweep's spec with the cell's axis values). */
    private static PopulationSweepSpec spec(GridPoint c) {
        return PopulationCells.spec(c);
    }
}
