package org.onecnn.experiment.sweep;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.onecnn.util.MemoryBudget;
import org.onecnn.experiment.CellStore;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.MemoryEstimate;
import org.onecnn.experiment.PopulationSetup;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.RunFolder;
import org.onecnn.experiment.SweepReport;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.StopReason;
import org.onecnn.model.Teacher;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.PopulationJob;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.RunResult;
import org.onecnn.report.Table;
import org.onecnn.util.TestHooks;

/**
 * A sweep over grid cells, each a batch of initializations run through an exact population engine.
 *
 * <p>Work is split into chunks of initializations, run on a fixed thread pool; every initialization's
 * seed depends only on (master seed, cell, index), and results are written in cell and run order, so
 * {@code results.csv} is byte-identical whatever the thread count. A finished cell is written to
 * {@code cells/} at once ({@link CellStore}); {@code --resume} runs only the cells missing there or failing
 * their verification.
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

    /** Initializations per task: small enough to balance two cores, large enough to amortise setup. */
    static final int CHUNK = PopulationSetup.CHUNK;

    private static final String[] SIGN_NAMES = {"+v+a", "-v+a", "+v-a", "-v-a"};

    @Override
    public void validate(ConfigLoader.Loaded loaded) {
        estimateMemory(loaded); // first: the checks below already build teachers of the cells' sizes
        for (ConfigLoader.Cell c : loaded.cells()) {
            try {
                PopulationSetup.validate(spec(c), c.index());
            } catch (org.onecnn.util.InvalidInputException e) {
                if (loaded.cells().size() > 1) {
                    throw new org.onecnn.util.InvalidInputException(e.field(), "in grid cell " + c.label() + ": "
                            + e.getMessage().substring(e.field().isEmpty() ? 0 : e.field().length() + 2));
                }
                throw e;
            }
        }
    }

    /** Columns of {@code results.csv}. */
    static List<String> resultColumns(PopulationSweepSpec cfg) {
        List<String> cols = new ArrayList<>();
        cols.add("cell");
        cols.addAll(cfg.axes());
        cols.addAll(List.of("run", "seed"));
        if (cfg.init().signRestarts()) {
            cols.add("signs");
        }
        cols.addAll(List.of("outcome", "stop_reason", "iterations", "phi", "loss", "grad_norm", "dist_global",
                "dist_spurious", "norm_v", "a_dot_astar"));
        return cols;
    }

    static List<String> trajectoryColumns(PopulationSweepSpec cfg) {
        List<String> cols = new ArrayList<>();
        cols.add("cell");
        cols.addAll(cfg.axes());
        cols.addAll(List.of("run", "step", "phi", "loss", "dist_a", "sum_gap", "grad_norm"));
        return cols;
    }

    /** Cell c is {@code cells/cell-<c>.csv}, with its recorded trajectories (if any) as a part. */
    static CellStore.Key cellKey(PopulationSweepSpec top, ConfigLoader.Cell c) {
        String base = String.format("cell-%05d", c.index());
        return new CellStore.Key(base + ".csv", "cell " + c.index() + ": " + c.label(), resultColumns(top),
                spec(c).init().count(), List.of(base + "-trajectories.csv"));
    }

    @Override
    public List<CellStore.Key> cellKeys(ConfigLoader.Loaded loaded) {
        return loaded.cells().stream().map(c -> cellKey((PopulationSweepSpec) loaded.config(), c)).toList();
    }

    /** The outcome of one initialization (the best of four with sign restarts). */
    record InitResult(RunResult result, int signs) {
    }

    /** Collects a cell's chunks and writes the cell when the last one arrives. */
    private final class CellState {
        final PopulationSweepSpec top;
        final ConfigLoader.Cell cell;
        final Teacher teacher;
        final double eta;
        final InitResult[] results;
        final List<Object[]> trajectory = new ArrayList<>();
        final AtomicInteger chunksLeft;

        CellState(PopulationSweepSpec top, ConfigLoader.Cell cell, Teacher teacher, double eta, int chunks) {
            this.top = top;
            this.cell = cell;
            this.teacher = teacher;
            this.eta = eta;
            this.results = new InitResult[spec(cell).init().count()];
            this.chunksLeft = new AtomicInteger(chunks);
        }
    }

    @Override
    public void execute(RunContext ctx) throws IOException, InterruptedException {
        PopulationSweepSpec cfg = (PopulationSweepSpec) ctx.config();
        RunFolder folder = ctx.folder();
        List<CellState> todo = new ArrayList<>();
        long totalInits = 0;
        for (ConfigLoader.Cell c : ctx.cells()) {
            if (ctx.store().done(cellKey(cfg, c))) {
                continue;
            }
            PopulationSweepSpec cc = (PopulationSweepSpec) spec(c);
            Teacher t = PopulationSetup.teacher(cc);
            double eta = PopulationSetup.eta(cc, t, PopulationSetup.init(cc, t, c.index(), 0));
            int n = cc.init().count();
            todo.add(new CellState(cfg, c, t, eta, (n + CHUNK - 1) / CHUNK));
            totalInits += n;
        }
        if (folder.resumed()) {
            ctx.log("resuming " + folder.dir() + ": " + (ctx.cells().size() - todo.size()) + " of " + ctx.cells().size()
                    + " cells already done");
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, ctx.threads()), r -> {
            Thread th = new Thread(r, "onecnn-sweep");
            th.setDaemon(true);
            return th;
        });
        try (org.onecnn.util.Progress progress = org.onecnn.util.Progress.start(cfg.name(), totalInits, "runs",
                ctx.quiet())) {
            List<Future<?>> futures = new ArrayList<>();
            for (CellState cs : todo) {
                int n = cs.results.length;
                for (int from = 0; from < n; from += CHUNK) {
                    int lo = from;
                    int hi = Math.min(n, from + CHUNK);
                    futures.add(pool.submit(() -> {
                        runChunk(cs, lo, hi);
                        TestHooks.pause("chunk");
                        progress.step(hi - lo);
                        if (cs.chunksLeft.decrementAndGet() == 0) {
                            writeCell(ctx.store(), cs);
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(c);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assemble(ctx);
    }

    private void runChunk(CellState cs, int from, int to) {
        PopulationSweepSpec cfg = spec(cs.cell);
        boolean restarts = cfg.init().signRestarts();
        List<InitialPoint> base = PopulationSetup.inits(cfg, cs.teacher, cs.cell.index(), from, to);
        List<InitialPoint> points = new ArrayList<>();
        for (InitialPoint p : base) {
            if (restarts) {
                for (int s = 0; s < 4; s++) {
                    points.add(p.withSigns((s & 1) != 0, (s & 2) != 0));
                }
            } else {
                points.add(p);
            }
        }
        int per = restarts ? 4 : 1;
        PopulationSweepSpec.Record rec = cfg.record();
        RecordPlan plan = RecordPlan.NONE;
        if (rec.any() && from < rec.runs()) {
            int last = Math.min(to, rec.runs());
            int[] runs = new int[(last - from) * per];
            for (int i = 0; i < runs.length; i++) {
                runs[i] = i;
            }
            plan = RecordPlan.of(runs, rec.every(), rec.stepsArray());
        }
        List<Object[]> traj = new ArrayList<>();
        PopulationJob job = PopulationSetup.job(cfg, cs.teacher, points, cs.eta, plan);
        PopulationEngine engine = cfg.train().newEngine();
        List<RunResult> rs = engine.run(job, (run, step, phi, loss, distA, sumGap, grad) -> traj.add(new Object[] {
            from + run / per, run % per, step, phi, loss, distA, sumGap, grad}));
        for (int i = 0; i < base.size(); i++) {
            int best = 0;
            for (int s = 1; s < per; s++) {
                if (better(rs.get(i * per + s), rs.get(i * per + best))) {
                    best = s;
                }
            }
            RunResult r = rs.get(i * per + best);
            cs.results[from + i] = new InitResult(r.withIndex(from + i, base.get(i).seed()), best);
        }
        synchronized (cs.trajectory) {
            cs.trajectory.addAll(traj);
        }
    }

    /** Sign restarts keep the run with the lower final loss (a non-finite loss never wins). */
    private static boolean better(RunResult a, RunResult b) {
        if (!Double.isFinite(b.loss())) {
            return Double.isFinite(a.loss());
        }
        return Double.isFinite(a.loss()) && a.loss() < b.loss();
    }

    private static List<Object> prefix(PopulationSweepSpec cfg, ConfigLoader.Cell cell) {
        List<Object> row = new ArrayList<>();
        row.add(cell.index());
        for (String a : cfg.axes()) {
            row.add(cell.values().get(a).asText());
        }
        return row;
    }

    private void writeCell(CellStore store, CellState cs) throws IOException {
        // the experiment's config (not the cell's, which has no grid) names the grid columns
        PopulationSweepSpec top = cs.top;
        List<String> cols = resultColumns(top);
        Table.Builder b = Table.builder(cols.toArray(new String[0]));
        boolean restarts = top.init().signRestarts();
        for (InitResult ir : cs.results) {
            RunResult r = ir.result();
            List<Object> row = prefix(top, cs.cell);
            row.add(r.index());
            row.add(r.seed());
            if (restarts) {
                row.add(SIGN_NAMES[ir.signs()]);
            }
            row.addAll(List.of(r.outcome().name(), r.reason().name(), r.iterations(), r.phi(), r.loss(), r.gradNorm(),
                    r.distGlobal(), r.distSpurious(), r.normV(), r.aDotAStar()));
            b.row(row.toArray());
        }
        CellStore.Key key = cellKey(top, cs.cell);
        Map<String, String> parts = new LinkedHashMap<>();
        if (!cs.trajectory.isEmpty()) {
            List<Object[]> pts = new ArrayList<>(cs.trajectory);
            // keep only the recorded points of the winning sign combination, in run then step order
            pts.removeIf(p -> (int) p[1] != cs.results[(int) p[0]].signs());
            pts.sort((x, y) -> {
                int c = Integer.compare((int) x[0], (int) y[0]);
                return c != 0 ? c : Long.compare((long) x[2], (long) y[2]);
            });
            Table.Builder tb = Table.builder(trajectoryColumns(top).toArray(new String[0]));
            for (Object[] p : pts) {
                List<Object> row = prefix(top, cs.cell);
                row.addAll(Arrays.asList(p[0], p[2], p[3], p[4], p[5], p[6], p[7]));
                tb.row(row.toArray());
            }
            parts.put(key.parts().get(0), tb.build().toCsv());
        }
        store.write(key, b.build().toCsv(), parts);
    }

    /** Concatenate the cells into {@code results.csv}, then summaries, plots and the report. */
    private void assemble(RunContext ctx) throws IOException {
        RunFolder folder = ctx.folder();
        PopulationSweepSpec cfg = (PopulationSweepSpec) ctx.config();
        List<Table> cellTables = new ArrayList<>();
        StringBuilder results = new StringBuilder();
        StringBuilder traj = new StringBuilder();
        boolean first = true;
        boolean firstTraj = true;
        for (ConfigLoader.Cell c : ctx.cells()) {
            CellStore.Key key = cellKey(cfg, c);
            String text = ctx.store().read(key);
            results.append(first ? text : text.substring(text.indexOf('\n') + 1));
            first = false;
            cellTables.add(Table.parseCsv(text));
            String t = ctx.store().readPart(key, key.parts().get(0));
            if (t != null) {
                traj.append(firstTraj ? t : t.substring(t.indexOf('\n') + 1));
                firstTraj = false;
            }
        }
        RunFolder.writeAtomically(folder.path("results.csv"), results.toString());
        if (traj.length() > 0) {
            RunFolder.writeAtomically(folder.path("trajectories.csv"), traj.toString());
        }
        Table summary = summarize(cfg, ctx.cells(), cellTables);
        SweepReport.write(ctx, summary, traj.length() > 0);
    }

    /** One summary row per cell: outcome fractions with Wilson 95% intervals, iteration statistics. */
    static Table summarize(PopulationSweepSpec cfg, List<ConfigLoader.Cell> cells, List<Table> cellTables) {
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
                org.onecnn.report.Wilson.Interval w = org.onecnn.report.Wilson.of(counts.get(o), n, 0.95);
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
    static void estimateMemory(ConfigLoader.Loaded loaded) {
        MemoryBudget heap = MemoryBudget.heap();
        List<ConfigLoader.Cell> cells = loaded.cells();
        for (ConfigLoader.Cell c : cells) {
            PopulationSweepSpec cc = (PopulationSweepSpec) spec(c);
            int per = cc.init().signRestarts() ? 4 : 1;
            MemoryEstimate.shape(cc, loaded.config(), heap, "init.count", cc.init().count(), (n, v) -> (2 + Math.min(n,
                    (double) MemoryEstimate.threads() * CHUNK) * per * MemoryEstimate.RUN_VECTORS) * v, "the runs in flight of a "
                    + "cell (k + p doubles each)");
        }
        PopulationSweepSpec cfg = (PopulationSweepSpec) loaded.config();
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
    private static double results(List<ConfigLoader.Cell> cells, double count, int maxCount, double runs,
            int maxRuns) {
        double b = 0;
        for (ConfigLoader.Cell c : cells) {
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

    private static int maxCount(List<ConfigLoader.Cell> cells) {
        return cells.stream().mapToInt(c -> ((PopulationSweepSpec) spec(c)).init().count()).max().orElse(1);
    }

    /** The spec of a grid cell (the sweep's spec with the cell's axis values). */
    private static PopulationSweepSpec spec(ConfigLoader.Cell c) {
        return (PopulationSweepSpec) c.config();
    }
}
