package org.onecnn.experiment.convotron;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.onecnn.algorithms.AngleTrace;
import org.onecnn.algorithms.DoubleConvotron;
import org.onecnn.algorithms.ErrorTrace;
import org.onecnn.experiment.convotron.ConvotronCells;
import org.onecnn.experiment.setup.Divergence;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.Sections;
import org.onecnn.report.Json;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Plots;
import org.onecnn.report.Table;
import org.onecnn.report.Statistics;

/**
 * The report of double-convotron: turns a {@link DoubleConvotronResult} into {@code results.csv} (one row per
 * stride, distribution and teacher), {@code traces.csv} (stage-1 angles and stage-2 test errors), the per-cell
 * {@code summary.csv} and {@code summary.json}, one stage-1 and one stage-2 figure per cell, and {@code report.md}.
 * It computes nothing but summary statistics of the result.
 */
final class DoubleConvotronReport {
    private final RunContext ctx;
    private final DoubleConvotronSpec cfg;
    private final DoubleConvotronResult result;

    DoubleConvotronReport(RunContext ctx, DoubleConvotronResult result) {
        this.ctx = ctx;
        this.cfg = (DoubleConvotronSpec) ctx.config();
        this.result = result;
    }

    /** Writes every file of the report into the run folder. */
    void write() throws IOException {
        results().writeCsv(ctx.folder().path("results.csv"));
        traces().writeCsv(ctx.folder().path("traces.csv"));
        Table summary = summary();
        summary.writeCsv(ctx.folder().path("summary.csv"));
        writeJson(summary);
        List<String> figures = plots();
        writeMarkdown(summary, figures);
    }

    private Table results() {
        Table.Builder rb = Table.builder("stride", "k", "distribution", "teacher", "seed", "stage1_angle",
                "stage1_filter_angle", "chosen_sign", "validation_loss_plus", "validation_loss_minus", "test_mse_plus",
                "test_rel_plus", "test_mse_minus", "test_rel_minus", "test_rel_chosen", "stage3_correct", "success",
                "diverged");
        for (DoubleConvotronResult.CellRuns cr : result.cells()) {
            ConvotronCells.Cell cell = cr.cell();
            for (ConvotronCells.Run run : cr.runs()) {
                DoubleConvotron.Result r = run.result();
                AngleTrace at = r.stage1Trace();
                rb.row(cell.stride(), cell.settings().architecture().k(), cell.distribution(), run.teacher(),
                        run.seed(), at.finalOutputAngle(), at.finalFilterAngle(), r.choice().sign(),
                        r.choice().validationLossPlus(), r.choice().validationLossMinus(), r.plusTrace().finalMse(),
                        r.plusTrace().finalRelative(), r.minusTrace().finalMse(), r.minusTrace().finalRelative(),
                        run.testRelChosen(), run.stage3Correct(), run.success(), run.diverged());
            }
        }
        return rb.build();
    }

    /** Stage 1 rows (stage 1, sign 0, angle) then stage 2 rows of sign +1 and −1 (test errors), per run. */
    private Table traces() {
        Table.Builder tb = Table.builder("stride", "distribution", "teacher", "stage", "sign", "step", "angle",
                "test_mse", "test_rel");
        for (DoubleConvotronResult.CellRuns cr : result.cells()) {
            ConvotronCells.Cell cell = cr.cell();
            for (ConvotronCells.Run run : cr.runs()) {
                AngleTrace at = run.result().stage1Trace();
                for (int i = 0; i < at.size(); i++) {
                    tb.row(cell.stride(), cell.distribution(), run.teacher(), 1, 0, at.steps()[i], at.outputAngle()[i],
                            Double.NaN, Double.NaN);
                }
                addTrace(tb, cell, run.teacher(), 1, run.result().plusTrace());
                addTrace(tb, cell, run.teacher(), -1, run.result().minusTrace());
            }
        }
        return tb.build();
    }

    private static void addTrace(Table.Builder tb, ConvotronCells.Cell cell, int t, int sign, ErrorTrace tr) {
        for (int i = 0; i < tr.size(); i++) {
            tb.row(cell.stride(), cell.distribution(), t, 2, sign, tr.steps()[i], Double.NaN, tr.mse()[i],
                    tr.relative()[i]);
        }
    }

    private Table summary() {
        Table.Builder sb = Table.builder("stride", "k", "distribution", "teachers", "n_diverged", "stage1_angle_median",
                "stage1_angle_max", "test_rel_median", "test_rel_max", "stage3_correct", "success", "success_lo",
                "success_hi");
        for (DoubleConvotronResult.CellRuns cr : result.cells()) {
            sb.row(summaryRow(cr));
        }
        return sb.build();
    }

    /**
     * One cell's row. A diverged run fails, and its angle, error and choice are undefined: it is counted apart
     * (n_diverged, and as a failure in success), not mixed into the medians, maxima or stage3_correct.
     */
    private static List<Object> summaryRow(DoubleConvotronResult.CellRuns cr) {
        ConvotronCells.Cell cell = cr.cell();
        List<Double> angles = new ArrayList<>();
        List<Double> errs = new ArrayList<>();
        int correct = 0;
        int success = 0;
        int diverged = 0;
        for (ConvotronCells.Run run : cr.runs()) {
            success += run.success() ? 1 : 0;
            if (run.diverged()) {
                diverged++;
            } else {
                correct += run.stage3Correct() ? 1 : 0;
                angles.add(run.result().stage1Trace().finalOutputAngle());
                errs.add(run.testRelChosen());
            }
        }
        int n = cell.problems().size();
        Statistics.Interval w = Statistics.wilson(success, n, 0.95);
        return List.of(cell.stride(), cell.settings().architecture().k(), cell.distribution(), n, diverged,
                Statistics.median(angles), Statistics.max(angles), Statistics.median(errs), Statistics.max(errs),
                diverged == n ? Double.NaN : correct / (double) (n - diverged), w.estimate(), w.lower(), w.upper());
    }

    private void writeJson(Table summary) throws IOException {
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("d", cfg.model().d());
        js.put("r", cfg.model().p());
        js.put("success", "relative test error of the chosen sign < " + cfg.convotron().successError());
        js.put("summary", new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.tableToJson(summary))
                .get("rows"));
        Json.write(ctx.folder().path("summary.json"), js);
    }

    /** Per cell: stage 1's angle and stage 2's relative test error of the chosen sign, one line per teacher. */
    private List<String> plots() throws IOException {
        List<String> figures = new ArrayList<>();
        for (DoubleConvotronResult.CellRuns cr : result.cells()) {
            ConvotronCells.Cell cell = cr.cell();
            String tag = cell.distribution() + "_s" + cell.stride();
            XYChart a = Plots.line("Stage 1: angle between a and ±a* (" + cell.distribution() + ", s = "
                    + cell.stride() + ")", "step", "angle (radians)", false, false);
            XYChart e = Plots.line("Stage 2: relative test error of the chosen sign (" + cell.distribution() + ", s = "
                    + cell.stride() + ")", "step", "test MSE / E[y²]", false, true);
            for (ConvotronCells.Run run : cr.runs()) {
                AngleTrace at = run.result().stage1Trace();
                Plots.addSeries(a, "teacher " + run.teacher(), toDouble(at.steps()), at.outputAngle());
                ErrorTrace et = run.result().chosenTrace();
                Plots.addSeries(e, "teacher " + run.teacher(), toDouble(et.steps()), et.relative());
            }
            Plots.save(a, ctx.folder().dir(), "stage1_" + tag, ctx.config().figureTitles());
            Plots.save(e, ctx.folder().dir(), "stage2_" + tag, ctx.config().figureTitles());
            figures.add("stage1_" + tag);
            figures.add("stage2_" + tag);
        }
        return figures;
    }

    private void writeMarkdown(Table summary, List<String> figures) throws IOException {
        Sections.ConvotronCfg c = cfg.convotron();
        MarkdownReport md = MarkdownReport.titled(cfg.name());
        if (!cfg.description().isBlank()) {
            md.paragraph(cfg.description());
        }
        md.heading(2, "Setup");
        List<String> setup = new ArrayList<>(List.of("d = " + cfg.model().d() + ", r = " + cfg.model().p()
                + ", strides " + c.stridesFor(cfg.model().p()) + ", leaky slope α = " + c.leakySlope(), c.teachers()
                + " teachers w*, a* ~ N(0, I) (the same for every stride and distribution), master seed " + cfg.seed(),
                "stage 1 from ‖w_non‖ = ‖a‖ = " + c.initScale() + "; test and validation sets of " + c.testSamples()
                        + " fresh samples; success: relative test error of the chosen sign below "
                        + c.successError()));
        for (String dist : c.distributions()) {
            setup.add(setup.size() - 1, ConvotronCells.describeSchedule(c, dist));
        }
        md.bullets(setup);
        md.heading(2, "Results");
        md.table(summary, Map.of("stage1_angle_median", "%.3f", "stage1_angle_max", "%.3f", "test_rel_median", "%.4f",
                "test_rel_max", "%.4f", "stage3_correct", "%.2f", "success", "%.2f", "success_lo", "%.2f", "success_hi",
                "%.2f"));
        md.paragraph("stage1_angle: angle between a and ±a* at the end of stage 1; test_rel: mean squared test error of "
                + "the sign chosen in stage 3 divided by E[y²]; stage3_correct: fraction of teachers where the chosen "
                + "sign has the lower test error; n_diverged: runs whose iterates became non-finite (– : undefined).");
        Divergence.record(ctx, result.diverged(), result.runs());
        String dl = Divergence.line(result.diverged(), result.runs(), "Double Convotron runs", "counted in n_diverged "
                + "and as failures in success, and excluded from the angle and error columns and from stage3_correct");
        if (dl != null) {
            md.paragraph(dl);
        }
        md.heading(2, "Figures");
        for (String f : figures) {
            md.image(f, f + ".png");
        }
        md.heading(2, "Files");
        md.fileBullets(List.of("`results.csv`: one row per stride, distribution and teacher", "`traces.csv`: stage-1 "
                + "angles and stage-2 test errors (both signs)", "`summary.csv`, `summary.json`, `config.yaml`, "
                        + "`provenance.json`"));
        md.write(ctx.folder().path("report.md"));
    }

    static double[] toDouble(long[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
