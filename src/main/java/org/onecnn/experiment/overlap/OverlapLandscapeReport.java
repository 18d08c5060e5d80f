package org.onecnn.experiment.overlap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.onecnn.experiment.convotron.ConvotronCells;
import org.onecnn.experiment.setup.Divergence;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.Sections;
import org.onecnn.model.Outcome;
import org.onecnn.population.RunResult;
import org.onecnn.report.Json;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Plots;
import org.onecnn.report.Table;
import org.onecnn.report.Statistics;

/**
 * The report of overlap-landscape: turns an {@link OverlapLandscapeResult} into {@code results.csv} (every
 * population run), {@code double_convotron.csv} (every Double Convotron run), the per-stride {@code summary.csv}
 * and {@code summary.json} (outcome probabilities with Wilson intervals), the landscape figure and {@code report.md}.
 */
final class OverlapLandscapeReport {
    private final RunContext ctx;
    private final OverlapLandscapeSpec cfg;
    private final OverlapLandscapeResult result;

    OverlapLandscapeReport(RunContext ctx, OverlapLandscapeResult result) {
        this.ctx = ctx;
        this.cfg = (OverlapLandscapeSpec) ctx.config();
        this.result = result;
    }

    /** Writes every file of the report into the run folder. */
    void write() throws IOException {
        results().writeCsv(ctx.folder().path("results.csv"));
        convotronRuns().writeCsv(ctx.folder().path("double_convotron.csv"));
        Table summary = summary();
        summary.writeCsv(ctx.folder().path("summary.csv"));
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("d", cfg.model().d());
        js.put("p", cfg.model().p());
        js.put("strides", result.strides());
        js.put("summary", new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.tableToJson(summary))
                .get("rows"));
        Json.write(ctx.folder().path("summary.json"), js);
        plot(summary);
        writeMarkdown(summary);
    }

    private Table results() {
        Table.Builder rb = Table.builder("stride", "k", "teacher", "run", "seed", "outcome", "stop_reason", "iterations",
                "phi", "loss", "grad_norm");
        for (OverlapLandscapeResult.Task task : result.population()) {
            for (RunResult r : task.runs()) {
                rb.row(task.stride(), task.teacher().k(), task.teacherIndex(), r.index(), r.seed(), r.outcome().name(),
                        r.reason().name(), r.iterations(), r.phi(), r.loss(), r.gradNorm());
            }
        }
        return rb.build();
    }

    /** A diverged run fails (its error is undefined, or that of the zero predictor after stage 1 overflowed). */
    private Table convotronRuns() {
        Table.Builder db = Table.builder("stride", "distribution", "teacher", "seed", "stage1_angle", "chosen_sign",
                "test_rel_chosen", "success", "diverged");
        for (ConvotronCells.Run r : result.convotron()) {
            db.row(r.cell().stride(), r.cell().distribution(), r.teacher(), r.seed(),
                    r.result().stage1Trace().finalOutputAngle(), r.result().choice().sign(), r.testRelChosen(),
                    r.success(), r.diverged());
        }
        return db.build();
    }

    /** The summary's columns: Algorithm 1's outcome probabilities, then Double Convotron's per distribution. */
    private List<String> summaryColumns() {
        List<String> cols = new ArrayList<>(List.of("stride", "k", "overlap", "n_runs", "p_global", "p_global_lo",
                "p_global_hi", "p_spurious", "p_other", "p_not_converged", "p_diverged"));
        for (String dist : cfg.convotron().distributions()) {
            cols.addAll(List.of("dc_success_" + dist, "dc_success_" + dist + "_lo", "dc_success_" + dist + "_hi"));
        }
        return cols;
    }

    /** One row per stride: the outcome fractions of Algorithm 1 and Double Convotron's success rates (95% Wilson). */
    private Table summary() {
        Table.Builder sb = Table.builder(summaryColumns());
        for (int s : result.strides()) {
            int[] counts = new int[Outcome.values().length];
            int n = 0;
            for (OverlapLandscapeResult.Task task : result.population()) {
                if (task.stride() == s) {
                    for (RunResult r : task.runs()) {
                        counts[r.outcome().ordinal()]++;
                        n++;
                    }
                }
            }
            Statistics.Interval g = Statistics.wilson(counts[Outcome.GLOBAL.ordinal()], n, 0.95);
            List<Object> row = new ArrayList<>(List.of(s, ConvotronCells.architecture(cfg, s).k(), cfg.model().p() - s,
                    n, g.estimate(), g.lower(), g.upper(), counts[Outcome.SPURIOUS.ordinal()] / (double) n,
                    counts[Outcome.OTHER.ordinal()] / (double) n, counts[Outcome.NOT_CONVERGED.ordinal()] / (double) n,
                    counts[Outcome.DIVERGED.ordinal()] / (double) n));
            for (String dist : cfg.convotron().distributions()) {
                int ok = 0;
                int m = 0;
                for (ConvotronCells.Run r : result.convotron()) {
                    if (r.cell().stride() == s && r.cell().distribution().equals(dist)) {
                        m++;
                        ok += r.success() ? 1 : 0;
                    }
                }
                Statistics.Interval w = Statistics.wilson(ok, m, 0.95);
                row.addAll(List.of(w.estimate(), w.lower(), w.upper()));
            }
            sb.row(row);
        }
        return sb.build();
    }

    private void plot(Table summary) throws IOException {
        XYChart ch = Plots.line("P(GLOBAL) of Algorithm 1 and Double Convotron's success against the stride",
                "stride s (overlap p − s)", "probability", false, false);
        double[] xs = result.strides().stream().mapToDouble(Integer::doubleValue).toArray();
        addSeries(ch, "Algorithm 1: P(GLOBAL)", xs, summary, "p_global");
        for (String dist : cfg.convotron().distributions()) {
            addSeries(ch, "Double Convotron success (" + dist + ")", xs, summary, "dc_success_" + dist);
        }
        Plots.save(ch, ctx.folder().dir(), "landscape", ctx.config().figureTitles());
    }

    /** The summary's column {@code col} against the stride, with its interval ({@code col_lo}, {@code col_hi}). */
    private static void addSeries(XYChart ch, String name, double[] xs, Table summary, String col) {
        double[] y = new double[xs.length];
        double[] lo = new double[xs.length];
        double[] hi = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            y[i] = summary.getDouble(i, col);
            lo[i] = summary.getDouble(i, col + "_lo");
            hi[i] = summary.getDouble(i, col + "_hi");
        }
        Plots.addSeriesWithErrorBars(ch, name, xs, y, lo, hi);
    }

    private void writeMarkdown(Table summary) throws IOException {
        Sections.ConvotronCfg c = cfg.convotron();
        MarkdownReport md = MarkdownReport.titled(cfg.name());
        if (!cfg.description().isBlank()) {
            md.paragraph(cfg.description());
        }
        md.heading(2, "Setup");
        md.bullets(List.of("d = " + cfg.model().d() + ", p = " + cfg.model().p() + ", strides " + result.strides(),
                c.teachers() + " teachers w*, a* ~ N(0, I), the same at every stride; master seed " + cfg.seed(),
                "Algorithm 1 on the exact overlapping population loss (docs/model.md §4): " + cfg.init().count()
                        + " Du et al. initializations per teacher, η = " + cfg.train().eta() + ", budget "
                        + cfg.stop().maxSteps() + " steps, stationary at ‖∇L‖ ≤ " + cfg.classify().gradTol(),
                "outcome: GLOBAL if φ < " + cfg.classify().phiGlobal() + "; SPURIOUS if stationary with φ > π/2 (the "
                        + "non-global minima move away from π with overlap) or φ > π − " + cfg.classify().phiSpurious()
                        + "; OTHER if stationary elsewhere; NOT_CONVERGED at the budget; DIVERGED if the iterates "
                        + "became non-finite",
                "Double Convotron on the same teachers: " + String.join("; ", c.distributions().stream().map(dist
                        -> ConvotronCells.describeSchedule(c, dist)).toList()) + "; success: relative test error < "
                        + c.successError()));
        md.heading(2, "Results");
        Map<String, String> fmt = new LinkedHashMap<>();
        for (String col : summaryColumns()) {
            if (col.startsWith("p_") || col.startsWith("dc_")) {
                fmt.put(col, "%.3f");
            }
        }
        md.table(summary, fmt);
        for (String dl : divergenceLines()) {
            md.paragraph(dl);
        }
        md.image("landscape", "landscape.png");
        md.heading(2, "Files");
        md.fileBullets(List.of("`results.csv`: every population run (stride, teacher, seed, outcome, final φ, loss)",
                "`double_convotron.csv`: every Double Convotron run", "`summary.csv`, `summary.json`, `config.yaml`, "
                        + "`provenance.json`"));
        md.write(ctx.folder().path("report.md"));
    }

    /** Records the run's divergence tally; the report's sentences about diverged runs (none when none diverged). */
    private List<String> divergenceLines() {
        long popRuns = result.population().stream().mapToLong(t -> t.runs().size()).sum();
        long popDiverged = result.population().stream().flatMap(t -> t.runs().stream())
                .filter(r -> r.outcome() == Outcome.DIVERGED).count();
        long dcRuns = result.convotron().size();
        long dcDiverged = result.convotron().stream().filter(ConvotronCells.Run::diverged).count();
        // per part: each kind of run is its own measurement (Divergence.record)
        Divergence.record(ctx, "population", popDiverged, popRuns);
        Divergence.record(ctx, "Double Convotron", dcDiverged, dcRuns);
        List<String> lines = new ArrayList<>();
        for (String dl : new String[] {Divergence.line(popDiverged, popRuns, "runs of Algorithm 1", "the class "
                + "DIVERGED (column p_diverged), not p_other"), Divergence.line(dcDiverged, dcRuns,
                        "Double Convotron runs", "counted as failures in dc_success (column diverged of "
                                + "double_convotron.csv)")}) {
            if (dl != null) {
                lines.add(dl);
            }
        }
        return lines;
    }
}
