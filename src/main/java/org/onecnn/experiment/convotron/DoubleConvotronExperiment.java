package org.onecnn.experiment.convotron;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.ConvotronCells;
import org.onecnn.experiment.Divergence;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.MemoryEstimate;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.samplesize.SampleSizeExperiment;
import org.onecnn.experiment.Sections;
import org.onecnn.algorithms.AngleTrace;
import org.onecnn.algorithms.DoubleConvotron;
import org.onecnn.algorithms.ErrorTrace;
import org.onecnn.report.Json;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Plots;
import org.onecnn.report.Table;
import org.onecnn.report.Wilson;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.Progress;

/**
 * Du and Goel's Double Convotron on overlapping patches (docs/experiments.md, dg2019-double-convotron): for
 * every stride and input distribution, stage 1 (the angle between a_t and ±a*), stage 2 (Convotron with
 * a and with −a: test error on fresh samples) and stage 3 (the sign chosen on validation samples).
 */
public final class DoubleConvotronExperiment implements Experiment {
    @Override
    public String type() {
        return DoubleConvotronSpec.TYPE;
    }

    @Override
    public Class<DoubleConvotronSpec> specClass() {
        return DoubleConvotronSpec.class;
    }


    @Override
    public void validate(ConfigLoader.Loaded loaded) {
        if (loaded.cells().size() != 1) {
            throw new InvalidInputException("grid", "double-convotron takes no grid (strides and distributions are "
                    + "convotron.strides and convotron.distributions); remove the grid section");
        }
        DoubleConvotronSpec cfg = (DoubleConvotronSpec) loaded.config();
        List<Integer> strides = cfg.convotron().stridesFor(cfg.model().p());
        for (int s : strides) {
            ConvotronCells.architecture(cfg, s);
        }
        MemoryEstimate.convotron(cfg, strides.size() * cfg.convotron().distributions().size());
        ConvotronCells.cells(cfg, strides, cfg.convotron().distributions());
    }

    @Override
    public Map<String, Object> backend() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", "Convotron / Double Convotron, fresh samples each step (Java arithmetic batched over runs; "
                + "samples drawn on ND4J with seeded generators)");
        return m;
    }

    @Override
    public void execute(RunContext ctx) throws IOException, InterruptedException {
        DoubleConvotronSpec cfg = (DoubleConvotronSpec) ctx.config();
        Sections.ConvotronCfg c = cfg.convotron();
        List<ConvotronCells.Cell> cells = ConvotronCells.cells(cfg, c.stridesFor(cfg.model().p()), c.distributions());
        List<List<DoubleConvotron.Result>> res;
        try (Progress progress = Progress.start(cfg.name(), ConvotronCells.runSteps(cells), "run-steps",
                ctx.quiet())) {
            res = ConvotronCells.run(cells, ctx.threads(), progress);
        }
        Table.Builder rb = Table.builder("stride", "k", "distribution", "teacher", "seed", "stage1_angle",
                "stage1_filter_angle", "chosen_sign", "validation_loss_plus", "validation_loss_minus", "test_mse_plus",
                "test_rel_plus", "test_mse_minus", "test_rel_minus", "test_rel_chosen", "stage3_correct", "success",
                "diverged");
        Table.Builder tb = Table.builder("stride", "distribution", "teacher", "stage", "sign", "step", "angle",
                "test_mse", "test_rel");
        long divergedAll = 0;
        long runsAll = 0;
        Table.Builder sb = Table.builder("stride", "k", "distribution", "teachers", "n_diverged", "stage1_angle_median",
                "stage1_angle_max", "test_rel_median", "test_rel_max", "stage3_correct", "success", "success_lo",
                "success_hi");
        for (int ci = 0; ci < cells.size(); ci++) {
            ConvotronCells.Cell cell = cells.get(ci);
            List<Double> angles = new ArrayList<>();
            List<Double> errs = new ArrayList<>();
            int correct = 0;
            int success = 0;
            int diverged = 0;
            for (int t = 0; t < cell.problems().size(); t++) {
                DoubleConvotron.Result r = res.get(ci).get(t);
                AngleTrace at = r.stage1Trace();
                double plus = r.plusTrace().finalRelative();
                double minus = r.minusTrace().finalRelative();
                double chosen = r.chosenTrace().finalRelative();
                // a diverged run (stage 1, or the chosen sign's stage 2, overflowed) fails, and its angle, error and
                // choice are undefined: it is counted apart, not mixed into the medians or stage3_correct
                boolean div = r.diverged();
                double other = r.choice().sign() > 0 ? minus : plus;
                Boolean ok = div ? null : !Double.isFinite(other) || chosen <= other;
                boolean succ = !div && chosen < c.successError();
                success += succ ? 1 : 0;
                if (div) {
                    diverged++;
                } else {
                    correct += ok ? 1 : 0;
                    angles.add(at.finalOutputAngle());
                    errs.add(chosen);
                }
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
            int n = cell.problems().size();
            divergedAll += diverged;
            runsAll += n;
            Wilson.Interval w = Wilson.of(success, n, 0.95);
            sb.row(cell.stride(), cell.settings().architecture().k(), cell.distribution(), n, diverged,
                    SampleSizeExperiment.median(angles), angles.stream().mapToDouble(x -> x).max().orElse(Double.NaN),
                    SampleSizeExperiment.median(errs), errs.stream().mapToDouble(x -> x).max().orElse(Double.NaN),
                    diverged == n ? Double.NaN : correct / (double) (n - diverged), w.estimate(), w.lower(), w.upper());
        }
        rb.build().writeCsv(ctx.folder().path("results.csv"));
        tb.build().writeCsv(ctx.folder().path("traces.csv"));
        Table summary = sb.build();
        summary.writeCsv(ctx.folder().path("summary.csv"));
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("d", cfg.model().d());
        js.put("r", cfg.model().p());
        js.put("success", "relative test error of the chosen sign < " + c.successError());
        js.put("summary", new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.tableToJson(summary))
                .get("rows"));
        Json.write(ctx.folder().path("summary.json"), js);

        List<String> figures = new ArrayList<>();
        for (int ci = 0; ci < cells.size(); ci++) {
            ConvotronCells.Cell cell = cells.get(ci);
            String tag = cell.distribution() + "_s" + cell.stride();
            XYChart a = Plots.line("Stage 1: angle between a and ±a* (" + cell.distribution() + ", s = "
                    + cell.stride() + ")", "step", "angle (radians)", false, false);
            XYChart e = Plots.line("Stage 2: relative test error of the chosen sign (" + cell.distribution() + ", s = "
                    + cell.stride() + ")", "step", "test MSE / E[y²]", false, true);
            for (int t = 0; t < cell.problems().size(); t++) {
                DoubleConvotron.Result r = res.get(ci).get(t);
                AngleTrace at = r.stage1Trace();
                Plots.addSeries(a, "teacher " + t, toDouble(at.steps()), at.outputAngle());
                ErrorTrace et = r.chosenTrace();
                Plots.addSeries(e, "teacher " + t, toDouble(et.steps()), et.relative());
            }
            Plots.save(a, ctx.folder().dir(), "stage1_" + tag);
            Plots.save(e, ctx.folder().dir(), "stage2_" + tag);
            figures.add("stage1_" + tag);
            figures.add("stage2_" + tag);
        }
        MarkdownReport md = MarkdownReport.titled(cfg.name());
        if (!cfg.description().isBlank()) {
            md.paragraph(cfg.description());
        }
        md.heading(2, "Setup");
        List<String> setup = new ArrayList<>(List.of("d = " + cfg.model().d() + ", r = " + cfg.model().p() + ", strides " + c.stridesFor(
                cfg.model().p()) + ", leaky slope α = " + c.leakySlope(), c.teachers() + " teachers w*, a* ~ N(0, I) "
                        + "(the same for every stride and distribution), master seed " + cfg.seed(),
                "stage 1 from ‖w_non‖ = ‖a‖ = " + c.initScale() + "; test and validation sets of " + c.testSamples()
                        + " fresh samples; success: relative test error of the chosen sign below " + c.successError()));
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
        Divergence.record(ctx, divergedAll, runsAll);
        String dl = Divergence.line(divergedAll, runsAll, "Double Convotron runs", "counted in n_diverged and as "
                + "failures in success, and excluded from the angle and error columns and from stage3_correct");
        if (dl != null) {
            md.paragraph(dl);
        }
        md.heading(2, "Figures");
        for (String f : figures) {
            md.image(f, f + ".png");
        }
        md.heading(2, "Files");
        md.bullets(List.of("`results.csv`: one row per stride, distribution and teacher", "`traces.csv`: stage-1 "
                + "angles and stage-2 test errors (both signs)", "`summary.csv`, `summary.json`, `config.yaml`, "
                        + "`provenance.json`"));
        md.write(ctx.folder().path("report.md"));
    }

    private static void addTrace(Table.Builder tb, ConvotronCells.Cell cell, int t, int sign, ErrorTrace tr) {
        for (int i = 0; i < tr.size(); i++) {
            tb.row(cell.stride(), cell.distribution(), t, 2, sign, tr.steps()[i], Double.NaN, tr.mse()[i],
                    tr.relative()[i]);
        }
    }

    static double[] toDouble(long[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
