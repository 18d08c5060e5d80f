package org.onecnn.experiment.convotron;

import java.util.List;
import java.util.Map;

import org.onecnn.algorithms.AngleTrace;
import org.onecnn.algorithms.DoubleConvotron;
import org.onecnn.algorithms.ErrorTrace;
import org.onecnn.experiment.CellStore;
import org.onecnn.experiment.CellSweep;
import org.onecnn.experiment.ConvotronCells;
import org.onecnn.experiment.Sections;
import org.onecnn.report.Table;

/**
 * The cells of a double-convotron run: one per (stride, input distribution), in stride-major order, each
 * running Double Convotron on every teacher. Teacher {@code t}'s seed depends only on (master seed, t) and a
 * run's samples on its cell's settings and that seed ({@link ConvotronCells}), so a cell is a pure function of
 * (spec, cell index). A cell writes one result row per teacher and, as a part, its traces (stage-1 angles,
 * stage-2 test errors of both signs).
 */
final class DoubleConvotronCells implements CellSweep {
    static final List<String> RESULT_COLUMNS = List.of("stride", "k", "distribution", "teacher", "seed",
            "stage1_angle", "stage1_filter_angle", "chosen_sign", "validation_loss_plus", "validation_loss_minus",
            "test_mse_plus", "test_rel_plus", "test_mse_minus", "test_rel_minus", "test_rel_chosen", "stage3_correct",
            "success", "diverged");
    static final List<String> TRACE_COLUMNS = List.of("stride", "distribution", "teacher", "stage", "sign", "step",
            "angle", "test_mse", "test_rel");

    private final double successError;
    private final List<ConvotronCells.Cell> cells;

    DoubleConvotronCells(DoubleConvotronSpec cfg) {
        Sections.ConvotronCfg c = cfg.convotron();
        this.successError = c.successError();
        this.cells = ConvotronCells.cells(cfg, c.stridesFor(cfg.model().p()), c.distributions());
    }

    /** The cells' strides, distributions, settings and teachers, in index order. */
    List<ConvotronCells.Cell> cells() {
        return cells;
    }

    @Override
    public int size() {
        return cells.size();
    }

    /** Cell i is {@code cells/cell-<i>.csv}, with its traces as the part {@code cells/cell-<i>-traces.csv}. */
    @Override
    public CellStore.Key key(int index) {
        ConvotronCells.Cell cell = cells.get(index);
        String base = String.format("cell-%03d", index);
        return new CellStore.Key(base + ".csv", "cell " + index + ": stride " + cell.stride() + ", "
                + cell.distribution() + " input", RESULT_COLUMNS, cell.problems().size(),
                List.of(base + "-traces.csv"));
    }

    /** Progress counts run-steps (see {@link ConvotronCells#runSteps}). */
    @Override
    public long work(int index) {
        return ConvotronCells.runSteps(List.of(cells.get(index)));
    }

    @Override
    public Job<Output> job(int index) {
        ConvotronCells.Cell cell = cells.get(index);
        return Job.whole(progress -> output(index, cell, DoubleConvotron.run(cell.settings(), cell.problems(),
                progress)));
    }

    private Output output(int index, ConvotronCells.Cell cell, List<DoubleConvotron.Result> res) {
        Table.Builder rb = Table.builder(RESULT_COLUMNS);
        Table.Builder tb = Table.builder(TRACE_COLUMNS);
        for (int t = 0; t < cell.problems().size(); t++) {
            DoubleConvotron.Result r = res.get(t);
            AngleTrace at = r.stage1Trace();
            double plus = r.plusTrace().finalRelative();
            double minus = r.minusTrace().finalRelative();
            double chosen = r.chosenTrace().finalRelative();
            // a diverged run (stage 1, or the chosen sign's stage 2, overflowed) fails, and its angle, error and
            // choice are undefined: the report counts it apart, not mixed into the medians or stage3_correct
            boolean div = r.diverged();
            double other = r.choice().sign() > 0 ? minus : plus;
            Boolean ok = div ? null : !Double.isFinite(other) || chosen <= other;
            boolean succ = !div && chosen < successError;
            rb.row(cell.stride(), cell.settings().architecture().k(), cell.distribution(), t,
                    cell.problems().get(t).seed(), at.finalOutputAngle(), at.finalFilterAngle(), r.choice().sign(),
                    r.choice().validationLossPlus(), r.choice().validationLossMinus(), r.plusTrace().finalMse(),
                    plus, r.minusTrace().finalMse(), minus, chosen, ok, succ, div);
            for (int i = 0; i < at.size(); i++) {
                tb.row(cell.stride(), cell.distribution(), t, 1, 0, at.steps()[i], at.outputAngle()[i], Double.NaN,
                        Double.NaN);
            }
            addTrace(tb, cell, t, 1, r.plusTrace());
            addTrace(tb, cell, t, -1, r.minusTrace());
        }
        return new Output(rb.build().toCsv(), Map.of(key(index).parts().get(0), tb.build().toCsv()));
    }

    private static void addTrace(Table.Builder tb, ConvotronCells.Cell cell, int t, int sign, ErrorTrace tr) {
        for (int i = 0; i < tr.size(); i++) {
            tb.row(cell.stride(), cell.distribution(), t, 2, sign, tr.steps()[i], Double.NaN, tr.mse()[i],
                    tr.relative()[i]);
        }
    }
}
