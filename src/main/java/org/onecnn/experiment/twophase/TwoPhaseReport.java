package org.onecnn.experiment.twophase;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.onecnn.experiment.setup.Divergence;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.sweep.SweepReport;
import org.onecnn.model.Outcome;
import org.onecnn.population.RunResult;
import org.onecnn.report.Json;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Plots;
import org.onecnn.report.Table;

/**
 * The report of two-phase: turns a {@link TwoPhaseResult} into {@code results.csv} (every draw of the search),
 * {@code trajectories.csv}, {@code summary.csv} and {@code summary.json} (phases and final values), four figures
 * and {@code report.md}; a search that found neither outcome gets a report of its draws only.
 */
final class TwoPhaseReport {
    /** The whole-budget loss plot shows losses down to this fraction of the initial loss. */
    static final double PLOT_FLOOR = 1e-30;

    /** The descent plot ends a little after the successful run reaches this fraction of its initial loss. */
    static final double ZOOM_FLOOR = 1e-16;

    private final RunContext ctx;
    private final TwoPhaseSpec cfg;
    private final TwoPhaseResult result;
    /** The draw outcomes, every outcome listed. */
    private final Map<String, Integer> drawOutcomes;
    /** Why an outcome is missing, or null when both were found. */
    private final String missingLine;
    /** How many draws diverged, or null when none did. */
    private final String divergedLine;

    TwoPhaseReport(RunContext ctx, TwoPhaseResult result) {
        this.ctx = ctx;
        this.cfg = (TwoPhaseSpec) ctx.config();
        this.result = result;
        this.drawOutcomes = result.drawOutcomes();
        this.missingLine = missingLine();
        this.divergedLine = Divergence.line(drawOutcomes.get(Outcome.DIVERGED.name()), result.draws().size(), "draws",
                "the class DIVERGED in results.csv and can be neither the global nor the spurious run");
    }

    /** Writes every file of the report into the run folder, and the run's divergence tally and warnings. */
    void write() throws IOException {
        results().writeCsv(ctx.folder().path("results.csv"));
        Divergence.record(ctx, drawOutcomes.get(Outcome.DIVERGED.name()), result.draws().size());
        if (missingLine != null) {
            Divergence.warn(ctx, missingLine);
        }
        for (TwoPhaseResult.RecordedRun run : result.runs()) {
            if (run.flowError() != null) {
                Divergence.warn(ctx, "the gradient flow of the " + run.label() + " run could not be integrated ("
                        + run.flowError() + "); its flow_loss is left blank");
            }
        }
        if (result.runs().isEmpty()) {
            writeNothingFound();
            return;
        }
        trajectories().writeCsv(ctx.folder().path("trajectories.csv"));
        Table summary = summary();
        summary.writeCsv(ctx.folder().path("summary.csv"));
        writeJson();
        plots();
        writeMarkdown(summary);
    }

    private Table results() {
        Table.Builder rb = Table.builder("run", "seed", "outcome", "stop_reason", "iterations", "phi", "loss",
                "grad_norm", "dist_global", "dist_spurious", "norm_v", "a_dot_astar");
        for (RunResult r : result.draws()) {
            rb.row(r.index(), r.seed(), r.outcome().name(), r.reason().name(), r.iterations(), r.phi(), r.loss(),
                    r.gradNorm(), r.distGlobal(), r.distSpurious(), r.normV(), r.aDotAStar());
        }
        return rb.build();
    }

    /**
     * Whether both outcomes occur within max_draws cannot be known before drawing, so a search that misses one is
     * a result, not a failure: the run found is recorded, and the report says what did not occur.
     */
    private String missingLine() {
        List<String> missing = new ArrayList<>();
        if (result.global() == null) {
            missing.add("global");
        }
        if (result.spurious() == null) {
            missing.add("spurious");
        }
        return missing.isEmpty() ? null : String.format(Locale.ROOT, "No initialization reached the %s minimum within "
                + "two_phase.max_draws = %d draws (outcomes of the draws: %s); %s. Raise two_phase.max_draws or change "
                + "the teacher or the step.", String.join(" or the ", missing), cfg.twoPhase().maxDraws(),
                drawOutcomes, missing.size() == 2 ? "nothing was recorded" : "only the run that was found is recorded");
    }

    private Table trajectories() {
        Table.Builder tb = Table.builder("run", "seed", "step", "phi", "dist_a", "sum_gap", "loss", "grad_norm",
                "flow_loss");
        for (TwoPhaseResult.RecordedRun run : result.runs()) {
            for (int i = 0; i < run.points().size(); i++) {
                TwoPhaseResult.Point p = run.points().get(i);
                tb.row(run.label(), run.init().seed(), p.step(), p.phi(), p.distA(), p.sumGap(), p.loss(),
                        p.gradNorm(), run.flowLoss()[i]);
            }
        }
        return tb.build();
    }

    private Table summary() {
        Table.Builder sb = Table.builder("run", "seed", "outcome", "final_phi", "final_loss", "early_slope",
                "late_slope", "slope_ratio", "steps_to_1e-12_rel_loss", "spurious_loss_theory");
        for (TwoPhaseResult.RecordedRun run : result.runs()) {
            RunResult r = run.last();
            TwoPhaseResult.Phases p = run.phases();
            sb.row(run.label(), run.init().seed(), r.outcome().name(), r.phi(), r.loss(), p.early(), p.late(),
                    p.ratio(), p.steps(), result.spuriousLoss());
        }
        return sb.build();
    }

    /** The phases of the successful run; undefined (NaN) without one. */
    private TwoPhaseResult.Phases globalPhases() {
        return result.global() == null ? TwoPhaseResult.Phases.UNDEFINED : result.global().phases();
    }

    private void writeJson() throws IOException {
        TwoPhaseResult.RecordedRun good = result.global();
        TwoPhaseResult.RecordedRun bad = result.spurious();
        TwoPhaseResult.Phases ph = globalPhases();
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("teacher", result.teacher().description());
        js.put("eta", result.eta());
        js.put("global_seed", good == null ? null : good.init().seed());
        js.put("spurious_seed", bad == null ? null : bad.init().seed());
        js.put("early_slope", ph.early());
        js.put("late_slope", ph.late());
        js.put("slope_ratio", ph.ratio());
        js.put("steps_to_1e-12_rel_loss", good == null ? null : ph.steps());
        js.put("spurious_loss_theory", result.spuriousLoss());
        js.put("spurious_run_final_loss", bad == null ? Double.NaN : bad.last().loss());
        js.put("draws", result.draws().size());
        js.put("draw_outcomes", drawOutcomes);
        Json.write(ctx.folder().path("summary.json"), js);
    }

    /** The descent of the first run (to 1e−16 of its initial loss), the whole budget, the angle, the output layer. */
    private void plots() throws IOException {
        long steps = cfg.stop().maxSteps();
        List<TwoPhaseResult.Point> first = result.runs().get(0).points();
        int zoomEnd = 0;
        while (zoomEnd < first.size() - 1 && first.get(zoomEnd).loss() > ZOOM_FLOOR * first.get(0).loss()) {
            zoomEnd++;
        }
        double xZoom = Math.min(steps, Math.ceil(1.15 * first.get(zoomEnd).step() / 100) * 100);
        XYChart loss = Plots.line("Population loss: the descent (log scale)", "iteration", "loss", false, true);
        XYChart lossFull = Plots.line("Population loss: whole budget (log scale)", "iteration", "loss", false, true);
        XYChart angle = Plots.line("Angle between w and w*", "iteration", "φ (radians)", false, false);
        XYChart adist = Plots.line("Output layer (log scale)", "iteration", "distance", false, true);
        for (TwoPhaseResult.RecordedRun run : result.runs()) {
            String label = run.label();
            double[] x = col(run.points(), p -> p.step());
            double[] l = col(run.points(), TwoPhaseResult.Point::loss);
            int zoom = 0;
            while (zoom < x.length && x[zoom] <= xZoom) {
                zoom++;
            }
            Plots.addSeries(loss, label + ": gradient descent", Arrays.copyOf(x, zoom), Arrays.copyOf(l, zoom));
            Plots.addSeries(loss, label + ": gradient flow", Arrays.copyOf(x, zoom), Arrays.copyOf(run.flowLoss(), zoom));
            // the whole-budget plot stops at 1e−30 of the initial loss: below, the line only goes on straight
            int shown = 0;
            while (shown < l.length && l[shown] > PLOT_FLOOR * l[0]) {
                shown++;
            }
            Plots.addSeries(lossFull, label, Arrays.copyOf(x, shown), Arrays.copyOf(l, shown));
            Plots.addSeries(angle, label, x, col(run.points(), TwoPhaseResult.Point::phi));
            Plots.addSeries(adist, label + ": ‖a − a*‖", x, col(run.points(), TwoPhaseResult.Point::distA));
            Plots.addSeries(adist, label + ": |1ᵀa − 1ᵀa*|", x, col(run.points(), TwoPhaseResult.Point::sumGap));
        }
        Plots.addHorizontalLine(loss, "spurious minimum loss", result.spuriousLoss(), 0, xZoom);
        Plots.addHorizontalLine(lossFull, "spurious minimum loss", result.spuriousLoss(), 0, steps);
        for (XYChart ch : List.of(loss, lossFull, adist)) {
            Plots.legendInside(ch, org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        }
        Plots.save(loss, ctx.folder().dir(), "two_phase_loss", ctx.config().figureTitles());
        Plots.save(lossFull, ctx.folder().dir(), "two_phase_loss_full", ctx.config().figureTitles());
        Plots.save(angle, ctx.folder().dir(), "two_phase_angle", ctx.config().figureTitles());
        Plots.save(adist, ctx.folder().dir(), "two_phase_a", ctx.config().figureTitles());
    }

    private void writeMarkdown(Table summary) throws IOException {
        TwoPhaseResult.RecordedRun good = result.global();
        TwoPhaseResult.RecordedRun bad = result.spurious();
        MarkdownReport md = header(String.format(Locale.ROOT, "searched %d initializations: global run seed %s, "
                + "spurious run seed %s", result.draws().size(), good == null ? "none found" : good.init().seed(),
                bad == null ? "none found" : bad.init().seed()));
        md.heading(2, "Phases");
        for (String line : new String[] {missingLine, divergedLine}) {
            if (line != null) {
                md.paragraph(line);
            }
        }
        if (good != null) {
            TwoPhaseResult.Phases ph = good.phases();
            md.paragraph(String.format(Locale.ROOT, "Successful run: log-loss decays at %.3g per step over the first "
                    + "quarter of its descent to 1e-12 of the initial loss and at %.3g per step over the last quarter: "
                    + "the late phase is %.1f times faster (%d steps in all).", ph.early(), ph.late(), ph.ratio(),
                    ph.steps()));
        }
        if (bad != null) {
            md.paragraph(String.format(Locale.ROOT, "The failing run flattens at loss %.6g; the spurious minimum of "
                    + "docs/model.md §3 has loss %.6g.", bad.last().loss(), result.spuriousLoss()));
        }
        md.table(summary, Map.of("final_phi", "%.4g", "final_loss", "%.4g", "early_slope", "%.3g", "late_slope",
                "%.3g", "slope_ratio", "%.2f", "spurious_loss_theory", "%.6g"));
        md.heading(2, "Figures");
        md.image("loss, the descent", "two_phase_loss.png");
        md.image("loss, whole budget", "two_phase_loss_full.png");
        md.image("angle", "two_phase_angle.png");
        md.image("output layer", "two_phase_a.png");
        md.heading(2, "Files");
        md.fileBullets(List.of(
                "`trajectories.csv`: the recorded runs every " + cfg.twoPhase().every() + " steps, with the "
                + "gradient-flow loss at t = η·step", "`results.csv`: every initialization drawn in the search",
                "`summary.csv`, `summary.json`: phases and final values", "`config.yaml`, `provenance.json`"));
        md.write(ctx.folder().path("report.md"));
    }

    /** The report's title, description and setup (the run's, the teacher, and {@code extra} lines). */
    private MarkdownReport header(String... extra) {
        MarkdownReport md = MarkdownReport.titled(cfg.name());
        if (!cfg.description().isBlank()) {
            md.paragraph(cfg.description());
        }
        md.heading(2, "Setup");
        List<String> setup = SweepReport.setup(ctx);
        setup.add("teacher: " + result.teacher().description());
        setup.addAll(List.of(extra));
        md.bullets(setup);
        return md;
    }

    /** The report of a search that found neither outcome: the draws, and what they were. */
    private void writeNothingFound() throws IOException {
        Table.Builder sb = Table.builder("outcome", "draws");
        drawOutcomes.forEach(sb::row);
        Table summary = sb.build();
        summary.writeCsv(ctx.folder().path("summary.csv"));
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("teacher", result.teacher().description());
        js.put("eta", result.eta());
        js.put("global_seed", null);
        js.put("spurious_seed", null);
        js.put("draws", result.draws().size());
        js.put("draw_outcomes", drawOutcomes);
        Json.write(ctx.folder().path("summary.json"), js);
        MarkdownReport md = header();
        md.heading(2, "Search");
        md.paragraph(missingLine);
        if (divergedLine != null) {
            md.paragraph(divergedLine);
        }
        md.table(summary, Map.of());
        md.heading(2, "Files");
        md.fileBullets(List.of(
                "`results.csv`: every initialization drawn in the search", "`summary.csv`, `summary.json`: "
                + "outcomes of the draws", "`config.yaml`, `provenance.json`"));
        md.write(ctx.folder().path("report.md"));
    }

    private static double[] col(List<TwoPhaseResult.Point> pts, java.util.function.ToDoubleFunction<TwoPhaseResult.Point> f) {
        double[] x = new double[pts.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = f.applyAsDouble(pts.get(i));
        }
        return x;
    }
}
