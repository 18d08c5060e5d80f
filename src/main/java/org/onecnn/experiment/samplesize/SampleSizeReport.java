package org.onecnn.experiment.samplesize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.onecnn.empirical.Regime;
import org.onecnn.experiment.setup.ComputeContext;
import org.onecnn.experiment.setup.Divergence;
import org.onecnn.experiment.setup.EmpiricalSetup;
import org.onecnn.experiment.setup.PopulationSetup;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.Sections;
import org.onecnn.experiment.samplesize.SampleSizeResult.Size;
import org.onecnn.model.Outcome;
import org.onecnn.population.RunResult;
import org.onecnn.report.Json;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Statistics;
import org.onecnn.report.Table;

/**
 * The report of a sample-size run, from its {@link SampleSizeResult} ({@link SampleSizeStatistics} computes it):
 * {@link #write} writes the tables, {@code summary.json}, the figures ({@link SampleSizeFigures}) and
 * {@code report.md}, and records the divergence in provenance.
 *
 * <p><b>Unconverged runs.</b> Above {@link #UNCONVERGED_WARNING} NOT_CONVERGED at some n the report and the
 * command line warn that the probabilities at that n do not answer the question and suggest a larger
 * {@code empirical.max_steps}.
 */
final class SampleSizeReport {
    /**
     * The share of NOT_CONVERGED runs at one n above which the report warns: beyond it the runs still moving can
     * change P(SPURIOUS | n) by more than the ±0.02 that a study at ±0.05 can afford to lose to them.
     */
    static final double UNCONVERGED_WARNING = 0.02;

    private final SampleSizeSpec cfg;
    private final SampleSizeResult result;
    private final List<RunResult> pop;
    private final List<Size> sizes;
    private final Table summary;
    private final Table position;
    private final Table transitions;

    SampleSizeReport(SampleSizeSpec cfg, SampleSizeResult result) {
        this.cfg = cfg;
        this.result = result;
        this.pop = result.population();
        this.sizes = result.sizes();
        this.summary = result.summary();
        this.position = result.position();
        this.transitions = result.transitions();
    }

    /** The population's statistics (row n = inf). */
    private Size pop0() {
        return result.populationSize();
    }

    /** The sizes whose NOT_CONVERGED share exceeds {@link #UNCONVERGED_WARNING}, with their shares. */
    private List<Size> unconverged() {
        return result.empirical().stream().filter(z -> z.share(Outcome.NOT_CONVERGED) > UNCONVERGED_WARNING).toList();
    }

    /**
     * The warning about unconverged runs, or null: empirical runs above {@link #UNCONVERGED_WARNING} at some n, or
     * population runs above it (then the reference itself is not final).
     */
    String unconvergedWarning() {
        List<Size> bad = unconverged();
        String popLine = pop0().share(Outcome.NOT_CONVERGED) > UNCONVERGED_WARNING ? String.format(Locale.ROOT, "%.1f%% of the "
                + "population runs are NOT_CONVERGED after stop.max_steps = %d steps, so the population reference "
                + "P(SPURIOUS) is not final; raise stop.max_steps.", 100 * pop0().share(Outcome.NOT_CONVERGED), cfg.stop().maxSteps())
                : null;
        if (bad.isEmpty()) {
            return popLine;
        }
        List<String> at = bad.stream().map(z -> String.format(Locale.ROOT, "n = %s: %.1f%%", z.n(), 100 * z.share(Outcome.NOT_CONVERGED)))
                .toList();
        long steps = cfg.empirical().maxSteps();
        return String.format(Locale.ROOT, "Runs NOT_CONVERGED after empirical.max_steps = %d steps exceed %.0f%% (%s): "
                + "they are still moving and may yet reach either minimum, so P(SPURIOUS | n) and P(GLOBAL | n) there "
                + "do not answer the question; rerun with a larger budget (e.g. --set empirical.max_steps=%d).", steps,
                100 * UNCONVERGED_WARNING, String.join(", ", at), 4 * steps) + (popLine == null ? "" : " " + popLine);
    }

    /** Writes the tables, {@code summary.json}, the figures and {@code report.md} into the run folder. */
    void write(RunContext ctx) throws IOException {
        summary.writeCsv(ctx.folder().path("summary.csv"));
        result.perDataset().writeCsv(ctx.folder().path("per_dataset.csv"));
        position.writeCsv(ctx.folder().path("spurious_position.csv"));
        transitions.writeCsv(ctx.folder().path("transitions.csv"));
        result.secondOrder().write(ctx.folder().dir());
        String warning = unconvergedWarning();
        if (warning != null) {
            Divergence.warn(ctx, warning);
        }
        writeJson(ctx, warning);
        List<String> figures = new ArrayList<>();
        Path dir = ctx.folder().dir();
        if (org.onecnn.report.PlotSupport.available()) {
            SampleSizeFigures draw = new SampleSizeFigures(cfg, result);
            figures.add(draw.probabilityPlot(dir));
            if (position.size() > 0) {
                figures.add(draw.positionPlot(dir));
            }
            figures.add(draw.transitionsPlot(dir));
        }
        writeMarkdown(ctx, figures, warning);
    }

    private void writeJson(RunContext ctx, String warning) throws IOException {
        Sections.Empirical e = cfg.empirical();
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("teacher", PopulationSetup.teacher(cfg).description());
        js.put("initializations", pop.size());
        js.put("datasets_per_n", e.datasets());
        js.put("regime", e.regime());
        js.put("interval", "95%: n = inf Wilson score over the initializations; finite n Wilson score on the effective "
                + "size of the crossed (initialization x data set) design, Korn-Graubard with Satterthwaite t "
                + "(report.Statistics.crossedProportion); spurious_minus_population: t interval of the paired "
                + "difference (report.Statistics.crossedMean)");
        js.put("unconverged_warning_threshold", UNCONVERGED_WARNING);
        js.put("warnings", warning == null ? List.of() : List.of(warning));
        Map<String, Object> cost = new LinkedHashMap<>();
        double total = 0;
        for (Size z : result.empirical()) {
            total += z.sampleGradients();
        }
        cost.put("sample_gradients", total);
        cost.put("model", "sum over n of samples per step (n in full batch) x datasets x initializations x mean_steps");
        js.put("cost", cost);
        Map<String, Object> fitJson = new LinkedHashMap<>(); // not Map.of: its order changes from run to run
        fitJson.put("slope", result.fit().slope());
        fitJson.put("intercept", result.fit().intercept());
        fitJson.put("model", "log(median(pi - phi)) = intercept + slope * log(n)");
        js.put("spurious_position_fit", fitJson);
        js.put("summary", new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.tableToJson(summary))
                .get("rows"));
        js.put("second_order", result.secondOrder().json());
        Json.write(ctx.folder().path("summary.json"), js);
    }

    private void writeMarkdown(RunContext ctx, List<String> figures, String warning) throws IOException {
        MarkdownReport md = MarkdownReport.titled(cfg.name());
        if (!cfg.description().isBlank()) {
            md.paragraph(cfg.description());
        }
        md.heading(2, "Setup");
        md.bullets(setup());
        md.heading(2, "Outcome probabilities");
        md.table(displayTable(), Map.of());
        md.paragraph("Each probability is the share of the n_runs = initializations × data sets runs at that n, with "
                + "its 95% interval in brackets. Every data set is trained from the same initializations, so runs are "
                + "crossed (initialization × data set), not independent: the interval is Wilson's on the effective "
                + "number of runs that the two-way variance estimate leaves, with Student's t on its Satterthwaite "
                + "degrees of freedom (docs/experiments.md). Row n = inf is the exact population dynamics on the same "
                + "initializations (Wilson over the initializations). \"unconverged\" is P(NOT_CONVERGED): runs still "
                + "moving at the budget, a class of its own; \"other\" is OTHER only (stationary elsewhere). "
                + "\"P(SPURIOUS) per set\" is the sd (min–max) of the proportions on single data sets; \"deff\" the design "
                + "effect of P(SPURIOUS) (its variance over the binomial one of all runs) and \"ICC set\" the share of a "
                + "run's variance due to its data set. All columns, with more digits: `summary.csv`.");
        List<String> caveats = caveats(ctx);
        if (warning != null) {
            caveats.add(0, "**Warning.** " + warning);
        }
        if (!caveats.isEmpty()) {
            md.heading(3, "Caveats");
            md.bullets(caveats);
        }
        md.paragraph(largestSizeLine());
        md.paragraph(costLine());
        md.heading(2, "Transitions (population outcome → empirical outcome)");
        md.table(transitionTable(), Map.of());
        md.paragraph("Per n and population outcome of the initialization: how many runs, and the fraction that ended in "
                + "each empirical outcome (counts: `transitions.csv`).");
        md.heading(2, "The empirical spurious minimum");
        if (position.size() > 0) {
            md.table(position, Map.of("pi_minus_phi_median", "%.4g", "pi_minus_phi_min", "%.4g", "pi_minus_phi_max",
                    "%.4g", "loss_n_median", "%.4g", "population_loss_median", "%.4g"));
            md.paragraph(fitLine());
        } else {
            md.paragraph("No run ended at an empirical spurious minimum.");
        }
        result.secondOrder().markdown(md);
        md.heading(2, "Figures");
        for (String f : figures) {
            md.image(f, f + ".png");
        }
        if (!org.onecnn.report.PlotSupport.available()) {
            md.paragraph(org.onecnn.report.PlotSupport.missingNote());
        }
        md.heading(2, "Files");
        md.bullets(fileList(figures));
        md.write(ctx.folder().path("report.md"));
    }

    /** Every file of the run folder with a link and a line on what it holds (docs/run-folder.md). */
    private List<String> fileList(List<String> figures) {
        List<String> files = new ArrayList<>(List.of(
                MarkdownReport.link("results.csv") + ": one row per n, data set and initialization (population outcome "
                        + "beside the empirical one)",
                MarkdownReport.link("population.csv") + ": the exact population runs (n = inf)",
                MarkdownReport.link("summary.csv") + ": the table above with every column; "
                        + MarkdownReport.link("summary.json") + ": the same with the fit, the cost and the warnings",
                MarkdownReport.link("per_dataset.csv") + ": the outcome proportions of each data set",
                MarkdownReport.link("transitions.csv") + ": runs per n, population outcome and empirical outcome",
                MarkdownReport.link("spurious_position.csv") + ": π − φ at the empirical spurious minimum per n",
                MarkdownReport.link(SecondOrderSection.FILE) + ": the second-order test's verdicts (strict or "
                        + "degenerate minimum, saddle …) per n and empirical outcome"));
        for (String f : figures) {
            files.add(MarkdownReport.figureLinks(f) + ": figure " + f);
        }
        files.add(MarkdownReport.link("config.yaml") + ": the resolved config (`onecnn run` it to repeat the run); "
                + MarkdownReport.link("provenance.json") + ": versions, machine, timings and hashes");
        return files;
    }

    private static String pct(Statistics.Interval i) {
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", i.estimate(), i.lower(), i.upper());
    }

    /** The table of report.md: one row per n, the probabilities with intervals, the unconverged share, the spread. */
    private Table displayTable() {
        Table.Builder b = Table.builder("n", "runs (inits × sets)", "P(GLOBAL)", "P(SPURIOUS)", "unconverged",
                "diverged", "other", "P(SPURIOUS) per set: sd (min–max)", "deff", "ICC set", "P_n − P_∞ (SPURIOUS)");
        for (Size z : sizes) {
            boolean popRow = z.n().population();
            String runs = popRow ? Integer.toString(z.runs()) : z.runs() / z.datasets() + " × " + z.datasets();
            String spread = popRow ? "–" : String.format(Locale.ROOT, "%.3f (%.3f–%.3f)",
                    summary.getDouble(sizes.indexOf(z), "p_spurious_dataset_sd"),
                    summary.getDouble(sizes.indexOf(z), "p_spurious_dataset_min"),
                    summary.getDouble(sizes.indexOf(z), "p_spurious_dataset_max")).replace("NaN", "–");
            String deff = popRow ? "–" : String.format(Locale.ROOT, "%.2f", z.spurious().designEffect());
            String icc = popRow ? "–" : String.format(Locale.ROOT, "%.3f", z.spurious().crossed().columnIcc())
                    .replace("NaN", "–");
            String diff = popRow ? "–" : String.format(Locale.ROOT, "%+.3f [%+.3f, %+.3f]", z.spuriousDiff().estimate(),
                    z.spuriousDiff().lower(), z.spuriousDiff().upper());
            b.row(z.n().toString(), runs, pct(z.interval(Outcome.GLOBAL)), pct(z.interval(Outcome.SPURIOUS)),
                    pct(z.interval(Outcome.NOT_CONVERGED)), String.format(Locale.ROOT, "%.3f",
                    z.share(Outcome.DIVERGED)), String.format(Locale.ROOT, "%.3f", z.share(Outcome.OTHER)), spread,
                    deff, icc, diff);
        }
        return b.build();
    }

    /** Per n and population outcome: the count and the fractions of each empirical outcome. */
    private Table transitionTable() {
        List<String> cols = new ArrayList<>(List.of("n", "population", "runs"));
        for (Outcome eo : Outcome.values()) {
            cols.add("→ " + eo);
        }
        Table.Builder b = Table.builder(cols);
        for (long n : cfg.empirical().n()) {
            for (Outcome po : Outcome.values()) {
                long tot = 0;
                for (int r = 0; r < transitions.size(); r++) {
                    if (transitions.getLong(r, "n") == n && transitions.getString(r, "population_outcome").equals(po.name())) {
                        tot += transitions.getLong(r, "count");
                    }
                }
                if (tot == 0) {
                    continue;
                }
                List<Object> row = new ArrayList<>(List.of(n, po.name(), tot));
                for (Outcome eo : Outcome.values()) {
                    row.add(String.format(Locale.ROOT, "%.3f", result.transitionFraction(n, po, eo)));
                }
                b.row(row);
            }
        }
        return b.build();
    }

    private List<String> setup() {
        Sections.Empirical e = cfg.empirical();
        List<String> setup = new ArrayList<>();
        setup.add("teacher: " + PopulationSetup.teacher(cfg).description());
        setup.add("model: k = " + cfg.model().k() + ", p = " + cfg.model().p() + ", stride " + cfg.model().s());
        setup.add(pop.size() + " initializations (" + cfg.init().scheme() + "), the same for the population and for "
                + "every data set; master seed " + cfg.seed());
        setup.add("population reference: " + cfg.train().engine() + " engine, η = " + cfg.train().eta() + ", budget "
                + cfg.stop().maxSteps() + " steps, classified by φ (< " + cfg.classify().phiGlobal() + " GLOBAL, > π − "
                + cfg.classify().phiSpurious() + " SPURIOUS)");
        setup.add("empirical: n ∈ " + e.n() + ", " + e.datasets() + " data set(s) each, " + e.distribution()
                + " inputs, label noise σ = " + e.noise() + ", " + e.regime() + (e.regime() == Regime.FULL_BATCH ? ""
                        : " (batch " + e.batchSize() + ")") + ", η = " + cfg.empirical().eta() + " (null: η of "
                + "train), budget " + e.maxSteps() + " steps, data type " + ComputeContext.dataTypeName(cfg)
                + ", engine " + e.trainingEngine().name());
        setup.add("empirical outcome (docs/outcomes.md): stationary when ‖∇L_n‖ or the mean gradient over the last "
                + e.checkEvery() + " steps is ≤ " + e.gradTol() + "; then GLOBAL if cos φ > 0 and L_n ≤ "
                + e.lossTolerance() + ", SPURIOUS if cos φ < 0, L_n above it and the second-order test certifies a "
                + "minimum, else OTHER; NOT_CONVERGED if still moving at the budget. No angle threshold: the "
                + "empirical spurious minimum sits far from π.");
        return setup;
    }

    /** Divergence, nothing measured, one data set, too few samples; records the divergence in provenance. */
    private List<String> caveats(RunContext ctx) {
        List<String> caveats = new ArrayList<>();
        long empRuns = 0;
        long empDiverged = 0;
        boolean measured = false;
        for (Size z : result.empirical()) {
            long div = Math.round(z.share(Outcome.DIVERGED) * z.runs());
            empRuns += z.runs();
            empDiverged += div;
            measured |= div < z.runs();
        }
        long popDiverged = Math.round(pop0().share(Outcome.DIVERGED) * pop.size());
        String dl = Divergence.line(empDiverged, empRuns, "empirical runs", "counted in p_diverged "
                + "(not p_other) and excluded from the spurious-position medians and fit");
        String pl = Divergence.line(popDiverged, pop.size(), "population runs", "counted in p_diverged of row n = inf");
        // per part: every empirical run diverged means nothing empirical was measured, whatever the population did
        Divergence.record(ctx, "empirical", empDiverged, empRuns);
        Divergence.record(ctx, "population", popDiverged, pop.size());
        for (String x : new String[] {dl, pl}) {
            if (x != null) {
                caveats.add(x);
            }
        }
        if (!measured) {
            caveats.add("Every empirical run diverged: the probabilities above measure nothing but the divergence; "
                    + "lower empirical.eta.");
        }
        if (cfg.empirical().datasets() == 1) {
            caveats.add("One data set per n: the intervals cover the initializations only; how much the data set "
                    + "matters cannot be estimated (use empirical.datasets ≥ 8).");
        }
        String few = EmpiricalSetup.fewSamplesCaveat(cfg, "L_n can then be fitted exactly away from the teacher, "
                + "so at these sizes GLOBAL (cos φ > 0 and L_n ≤ loss_tol) need not mean that the teacher was found.");
        if (few != null) {
            caveats.add(few);
        }
        return caveats;
    }

    /**
     * At the largest n: P(SPURIOUS) against the population value on the same initializations — whether the population
     * value lies in the interval, and the paired difference with its interval.
     */
    private String largestSizeLine() {
        // the largest n, wherever it is in empirical.n (any order is allowed)
        Size last = result.empirical().get(0);
        for (Size z : result.empirical()) {
            if (z.n().n() > last.n().n()) {
                last = z;
            }
        }
        Size inf = pop0();
        double popSp = inf.share(Outcome.SPURIOUS);
        Statistics.Interval sp = last.interval(Outcome.SPURIOUS);
        boolean inside = sp.lower() <= popSp && popSp <= sp.upper();
        Statistics.Interval d = last.spuriousDiff();
        boolean zero = d.lower() <= 0 && 0 <= d.upper();
        String s = String.format(Locale.ROOT, "At the largest n (%s), P(SPURIOUS) = %s against %.3f in the population "
                + "on the same initializations: the population value lies %s the interval. Paired by initialization, "
                + "P_n − P_∞ = %+.3f [%+.3f, %+.3f], %s. P(GLOBAL) = %s against %.3f.", last.n(), pct(sp), popSp,
                inside ? "inside" : "outside", d.estimate(), d.lower(), d.upper(), zero
                        ? "consistent with no difference" : "a difference the intervals resolve", pct(last.interval(Outcome.GLOBAL)),
                inf.share(Outcome.GLOBAL));
        if (last.share(Outcome.NOT_CONVERGED) > UNCONVERGED_WARNING) {
            s += String.format(Locale.ROOT, " But %.1f%% of the runs at this n had not converged: the comparison is "
                    + "not final.", 100 * last.share(Outcome.NOT_CONVERGED));
        }
        int flat = result.secondOrder().uncertifiedFarSide(last.n().n());
        if (flat > 0) {
            // SPURIOUS is certified, not assumed: say how much of the gap is points the test could not decide
            s += String.format(Locale.ROOT, " %d of its %d runs (%.3f) stopped at far-side stationary points that the "
                    + "second-order test could not certify as minima (degenerate-flat: no fall, too few rises at the "
                    + "probe distances) and count as OTHER; counted as spurious they would give %.3f.", flat,
                    last.runs(), (double) flat / last.runs(), last.share(Outcome.SPURIOUS) + (double) flat / last.runs());
        }
        return s;
    }

    /** The sample-gradients the runs spent, the number a study's size and time are computed from. */
    private String costLine() {
        double total = 0;
        StringBuilder per = new StringBuilder();
        for (Size z : result.empirical()) {
            total += z.sampleGradients();
            per.append(per.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s: %.0f", z.n(),
                    z.meanSteps()));
        }
        return String.format(Locale.ROOT, "Cost: %.3g sample-gradients (Σ over n of samples per step × data sets × "
                + "initializations × mean steps; mean steps per run by n: %s). At an engine's rate of r "
                + "sample-gradients/s the empirical part takes about this / r seconds (docs/experiments.md).", total,
                per);
    }

    /**
     * The exponent's interval as report.md prints it: Student's t on the m − 2 degrees of freedom of the line through
     * the m medians, which treats the medians' scatter about the line as independent noise of one size; two sizes
     * leave none, and the sentence says so rather than print a bare number as if it were exact.
     */
    private String exponentInterval() {
        int m = result.fitSizes().size();
        Statistics.Interval exponent = result.exponent();
        return Double.isNaN(exponent.lower()) ? "no interval (two sample sizes leave no degree of freedom for one; "
                + "use three or more)" : String.format(Locale.ROOT, "95%% interval [%.3f, %.3f] (Student's t on the "
                        + "%d − 2 = %d degrees of freedom of the line through the %d medians)", exponent.lower(),
                        exponent.upper(), m, m - 2, m);
    }

    /** The fit uses only sample sizes with SPURIOUS points, never one where nothing converged there. */
    private String fitLine() {
        List<Long> fitSizes = result.fitSizes();
        Statistics.Line fit = result.fit();
        List<Long> without = cfg.empirical().n().stream().filter(x -> !fitSizes.contains(x)).toList();
        return Double.isNaN(fit.slope()) ? "No fit: only n = " + fitSizes + " has runs at an empirical spurious "
                + "minimum, and a slope needs at least two sample sizes."
                : String.format(Locale.ROOT, "Fitted on log-log axes over n ∈ %s%s: median(π − φ) ∝ n^%.3f, %s. The "
                        + "population restoring force near φ = π vanishes like (π − φ)², so sampling noise of "
                        + "order n^−1/2 moves the minimum by much more than n^−1/2 (docs/outcomes.md).", fitSizes,
                        without.isEmpty() ? "" : " (n = " + without + " had no SPURIOUS run and is left out)", fit.slope(),
                        exponentInterval());
    }
}
