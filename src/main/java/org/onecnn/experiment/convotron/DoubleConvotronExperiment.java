package org.onecnn.experiment.convotron;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.knowm.xchart.XYChart;
import org.onecnn.experiment.CellStore;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.ConvotronCells;
import org.onecnn.experiment.Divergence;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.MemoryEstimate;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.RunFolder;
import org.onecnn.experiment.samplesize.SampleSizeExperiment;
import org.onecnn.experiment.Sections;
import org.onecnn.report.Json;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Plots;
import org.onecnn.report.Table;
import org.onecnn.report.Wilson;
import org.onecnn.util.InvalidInputException;

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
    public List<CellStore.Key> cellKeys(ConfigLoader.Loaded loaded) {
        DoubleConvotronCells cells = new DoubleConvotronCells((DoubleConvotronSpec) loaded.config());
        return IntStream.range(0, cells.size()).mapToObj(cells::key).toList();
    }

    /**
     * The cells ({@link DoubleConvotronCells}) not done yet, then {@code results.csv} and {@code traces.csv} from
     * the cells read back from the store, the summary, figures and report.
     */
    @Override
    public void execute(RunContext ctx) throws IOException, InterruptedException {
        DoubleConvotronSpec cfg = (DoubleConvotronSpec) ctx.config();
        DoubleConvotronCells cells = new DoubleConvotronCells(cfg);
        ctx.runCells(cells, "run-steps");
        List<String> resultsCsv = new ArrayList<>();
        List<String> tracesCsv = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            CellStore.Key key = cells.key(i);
            resultsCsv.add(ctx.store().read(key));
            tracesCsv.add(ctx.store().readPart(key, key.parts().get(0)));
        }
        RunFolder.writeAtomically(ctx.folder().path("results.csv"), CellStore.concat(resultsCsv));
        RunFolder.writeAtomically(ctx.folder().path("traces.csv"), CellStore.concat(tracesCsv));
        List<Table> results = resultsCsv.stream().map(Table::parseCsv).toList();
        List<Table> traces = tracesCsv.stream().map(Table::parseCsv).toList();
        Table summary = summarize(cells.cells(), results);
        summary.writeCsv(ctx.folder().path("summary.csv"));
        writeJson(ctx, cfg, summary);
        List<String> figures = new ArrayList<>();
        for (int ci = 0; ci < cells.size(); ci++) {
            figures.addAll(plot(ctx, cells.cells().get(ci), results.get(ci), traces.get(ci)));
        }
        writeReport(ctx, cfg, summary, figures);
    }

    /** One row per cell: divergence, stage-1 angles, test errors, stage-3 choices and success (Wilson 95%). */
    private static Table summarize(List<ConvotronCells.Cell> cells, List<Table> results) {
        Table.Builder sb = Table.builder("stride", "k", "distribution", "teachers", "n_diverged", "stage1_angle_median",
                "stage1_angle_max", "test_rel_median", "test_rel_max", "stage3_correct", "success", "success_lo",
                "success_hi");
        for (int ci = 0; ci < cells.size(); ci++) {
            ConvotronCells.Cell cell = cells.get(ci);
            Table t = results.get(ci);
            List<Double> angles = new ArrayList<>();
            List<Double> errs = new ArrayList<>();
            int correct = 0;
            int success = 0;
            int diverged = 0;
            for (int r = 0; r < t.size(); r++) {
                success += t.getString(r, "success").equals("true") ? 1 : 0;
                // a diverged run's angle, error and choice are undefined: counted apart, not in the medians
                if (t.getString(r, "diverged").equals("true")) {
                    diverged++;
                } else {
                    correct += t.getString(r, "stage3_correct").equals("true") ? 1 : 0;
                    angles.add(t.getDouble(r, "stage1_angle"));
                    errs.add(t.getDouble(r, "test_rel_chosen"));
                }
            }
            int n = t.size();
            Wilson.Interval w = Wilson.of(success, n, 0.95);
            sb.row(cell.stride(), cell.settings().architecture().k(), cell.distribution(), n, diverged,
                    SampleSizeExperiment.median(angles), angles.stream().mapToDouble(x -> x).max().orElse(Double.NaN),
                    SampleSizeExperiment.median(errs), errs.stream().mapToDouble(x -> x).max().orElse(Double.NaN),
                    diverged == n ? Double.NaN : correct / (double) (n - diverged), w.estimate(), w.lower(), w.upper());
        }
        return sb.build();
    }

    private static void writeJson(RunContext ctx, DoubleConvotronSpec cfg, Table summary) throws IOException {
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("d", cfg.model().d());
        js.put("r", cfg.model().p());
        js.put("success", "relative test error of the chosen sign < " + cfg.convotron().successError());
        js.put("summary", new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.tableToJson(summary))
                .get("rows"));
        Json.write(ctx.folder().path("summary.json"), js);
    }

    /** A cell's figures: the stage-1 angle and the chosen sign's stage-2 error of every teacher; their names. */
    private static List<String> plot(RunContext ctx, ConvotronCells.Cell cell, Table results, Table traces)
            throws IOException {
        String tag = cell.distribution() + "_s" + cell.stride();
        XYChart a = Plots.line("Stage 1: angle between a and ±a* (" + cell.distribution() + ", s = "
                + cell.stride() + ")", "step", "angle (radians)", false, false);
        XYChart e = Plots.line("Stage 2: relative test error of the chosen sign (" + cell.distribution() + ", s = "
                + cell.stride() + ")", "step", "test MSE / E[y²]", false, true);
        for (int t = 0; t < results.size(); t++) {
            long chosen = results.getLong(t, "chosen_sign");
            List<double[]> stage1 = new ArrayList<>();
            List<double[]> stage2 = new ArrayList<>();
            for (int r = 0; r < traces.size(); r++) {
                if (traces.getLong(r, "teacher") != t) {
                    continue;
                }
                if (traces.getLong(r, "stage") == 1) {
                    stage1.add(new double[] {traces.getDouble(r, "step"), traces.getDouble(r, "angle")});
                } else if (traces.getLong(r, "sign") == chosen) {
                    stage2.add(new double[] {traces.getDouble(r, "step"), traces.getDouble(r, "test_rel")});
                }
            }
            Plots.addSeries(a, "teacher " + t, column(stage1, 0), column(stage1, 1));
            Plots.addSeries(e, "teacher " + t, column(stage2, 0), column(stage2, 1));
        }
        Plots.save(a, ctx.folder().dir(), "stage1_" + tag);
        Plots.save(e, ctx.folder().dir(), "stage2_" + tag);
        return List.of("stage1_" + tag, "stage2_" + tag);
    }

    private static double[] column(List<double[]> points, int c) {
        return points.stream().mapToDouble(p -> p[c]).toArray();
    }

    private static void writeReport(RunContext ctx, DoubleConvotronSpec cfg, Table summary, List<String> figures)
            throws IOException {
        Sections.ConvotronCfg c = cfg.convotron();
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
        long divergedAll = 0;
        long runsAll = 0;
        for (int r = 0; r < summary.size(); r++) {
            divergedAll += summary.getLong(r, "n_diverged");
            runsAll += summary.getLong(r, "teachers");
        }
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
}
