package org.onecnn.experiment.sweep;

import org.onecnn.experiment.GridPoint;
import org.onecnn.experiment.CellKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

import org.onecnn.experiment.CellStore;
import org.onecnn.experiment.CellSweep;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.setup.PopulationSetup;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.PopulationJob;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.RunResult;
import org.onecnn.report.Table;
import org.onecnn.util.TestHooks;

/**
 * The cells of a population sweep: grid cell {@code c} runs the {@code init.count} initializations of cell
 * {@code c} through the exact population engine and writes one row per initialization (the best of four with
 * sign restarts) and, as a part, the recorded trajectories. A cell splits into chunks of {@link #CHUNK}
 * initializations; the seed of initialization {@code r} depends only on (master seed, cell, r), so a chunk is a
 * pure function of (spec, cell, chunk) and the rows are the same bytes whatever computes them.
 */
final class PopulationCells implements CellSweep {
    /** Initializations per piece: small enough to balance two cores, large enough to amortise setup. */
    static final int CHUNK = PopulationSetup.CHUNK;

    private static final String[] SIGN_NAMES = {"+v+a", "-v+a", "+v-a", "-v-a"};

    private final PopulationSweepSpec top;
    private final List<GridPoint> cells;

    /**
     * @param top   the experiment's spec (it names the grid columns; a cell's own spec has no grid)
     * @param cells its grid cells, in order
     */
    PopulationCells(PopulationSweepSpec top, List<GridPoint> cells) {
        this.top = top;
        this.cells = List.copyOf(cells);
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
    static CellKey cellKey(PopulationSweepSpec top, GridPoint c) {
        String base = String.format("cell-%05d", c.index());
        return new CellKey(base + ".csv", "cell " + c.index() + ": " + c.label(), resultColumns(top),
                spec(c).init().count(), List.of(base + "-trajectories.csv"));
    }

    @Override
    public int size() {
        return cells.size();
    }

    @Override
    public CellKey key(int index) {
        return cellKey(top, cells.get(index));
    }

    /** Progress counts initializations. */
    @Override
    public long work(int index) {
        return spec(cells.get(index)).init().count();
    }

    @Override
    public Job<Chunk> job(int index) {
        GridPoint c = cells.get(index);
        PopulationSweepSpec cc = spec(c);
        Teacher t = PopulationSetup.teacher(cc);
        double eta = PopulationSetup.eta(cc, t, PopulationSetup.init(cc, t, c.index(), 0));
        return new CellJob(c, t, eta);
    }

    /** The outcome of one initialization (the best of four with sign restarts). */
    record InitResult(RunResult result, int signs) {
    }

    /**
     * The results of initializations {@code from ..} of a cell, and the recorded trajectory points as {run,
     * signs, step, phi, loss, dist_a, sum_gap, grad_norm}.
     */
    record Chunk(int from, List<InitResult> results, List<Object[]> trajectory) {
    }

    /** One grid cell with its teacher and step size. */
    private final class CellJob implements Job<Chunk> {
        private final GridPoint cell;
        private final PopulationSweepSpec cfg;
        private final Teacher teacher;
        private final double eta;

        CellJob(GridPoint cell, Teacher teacher, double eta) {
            this.cell = cell;
            this.cfg = spec(cell);
            this.teacher = teacher;
            this.eta = eta;
        }

        @Override
        public int pieces() {
            return (cfg.init().count() + CHUNK - 1) / CHUNK;
        }

        @Override
        public Chunk piece(int piece, LongConsumer progress) {
            int from = piece * CHUNK;
            int to = Math.min(cfg.init().count(), from + CHUNK);
            Chunk chunk = runChunk(from, to);
            TestHooks.pause("chunk");
            progress.accept(to - from);
            return chunk;
        }

        private Chunk runChunk(int from, int to) {
            boolean restarts = cfg.init().signRestarts();
            List<InitialPoint> base = PopulationSetup.inits(cfg, teacher, cell.index(), from, to);
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
            List<Object[]> traj = new ArrayList<>();
            PopulationJob job = PopulationSetup.job(cfg, teacher, points, eta, recordPlan(from, to, per));
            PopulationEngine engine = cfg.train().newEngine();
            List<RunResult> rs = engine.run(job, (run, step, phi, loss, distA, sumGap, grad) -> traj.add(
                    new Object[] {from + run / per, run % per, step, phi, loss, distA, sumGap, grad}));
            List<InitResult> results = new ArrayList<>(base.size());
            for (int i = 0; i < base.size(); i++) {
                int best = 0;
                for (int s = 1; s < per; s++) {
                    if (better(rs.get(i * per + s), rs.get(i * per + best))) {
                        best = s;
                    }
                }
                RunResult r = rs.get(i * per + best);
                results.add(new InitResult(r.withIndex(from + i, base.get(i).seed()), best));
            }
            return new Chunk(from, results, traj);
        }

        /** The runs of this chunk to record: those among the first {@code record.runs} of the cell. */
        private RecordPlan recordPlan(int from, int to, int per) {
            PopulationSweepSpec.Record rec = cfg.record();
            if (!rec.any() || from >= rec.runs()) {
                return RecordPlan.NONE;
            }
            int last = Math.min(to, rec.runs());
            int[] runs = new int[(last - from) * per];
            for (int i = 0; i < runs.length; i++) {
                runs[i] = i;
            }
            return RecordPlan.of(runs, rec.every(), rec.stepsArray());
        }

        @Override
        public Output finish(List<Chunk> chunks) {
            boolean restarts = top.init().signRestarts();
            InitResult[] results = new InitResult[cfg.init().count()];
            List<Object[]> trajectory = new ArrayList<>();
            for (Chunk ch : chunks) {
                for (int i = 0; i < ch.results().size(); i++) {
                    results[ch.from() + i] = ch.results().get(i);
                }
                trajectory.addAll(ch.trajectory());
            }
            Table.Builder b = Table.builder(resultColumns(top).toArray(new String[0]));
            for (InitResult ir : results) {
                RunResult r = ir.result();
                List<Object> row = prefix(cell);
                row.add(r.index());
                row.add(r.seed());
                if (restarts) {
                    row.add(SIGN_NAMES[ir.signs()]);
                }
                row.addAll(List.of(r.outcome().name(), r.reason().name(), r.iterations(), r.phi(), r.loss(),
                        r.gradNorm(), r.distGlobal(), r.distSpurious(), r.normV(), r.aDotAStar()));
                b.row(row.toArray());
            }
            Map<String, String> parts = new LinkedHashMap<>();
            if (!trajectory.isEmpty()) {
                parts.put(cellKey(top, cell).parts().get(0), trajectoryCsv(trajectory, results));
            }
            return new Output(b.build().toCsv(), parts);
        }

        /** The recorded points of the winning sign combination, in run then step order. */
        private String trajectoryCsv(List<Object[]> points, InitResult[] results) {
            List<Object[]> pts = new ArrayList<>(points);
            pts.removeIf(p -> (int) p[1] != results[(int) p[0]].signs());
            pts.sort((x, y) -> {
                int c = Integer.compare((int) x[0], (int) y[0]);
                return c != 0 ? c : Long.compare((long) x[2], (long) y[2]);
            });
            Table.Builder tb = Table.builder(trajectoryColumns(top).toArray(new String[0]));
            for (Object[] p : pts) {
                List<Object> row = prefix(cell);
                row.addAll(Arrays.asList(p[0], p[2], p[3], p[4], p[5], p[6], p[7]));
                tb.row(row.toArray());
            }
            return tb.build().toCsv();
        }
    }

    /** Sign restarts keep the run with the lower final loss (a non-finite loss never wins). */
    private static boolean better(RunResult a, RunResult b) {
        if (!Double.isFinite(b.loss())) {
            return Double.isFinite(a.loss());
        }
        return Double.isFinite(a.loss()) && a.loss() < b.loss();
    }

    /** The cell index and its axis values, the first columns of each row. */
    private List<Object> prefix(GridPoint cell) {
        List<Object> row = new ArrayList<>();
        row.add(cell.index());
        for (String a : top.axes()) {
            row.add(cell.values().get(a).asText());
        }
        return row;
    }

    /** The spec of a grid cell (the sweep's spec with the cell's axis values). */
    static PopulationSweepSpec spec(GridPoint c) {
        return (PopulationSweepSpec) c.config();
    }
}
