package org.onecnn.experiment.samplesize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.onecnn.experiment.ComputeContext;
import org.onecnn.experiment.Divergence;
import org.onecnn.experiment.EmpiricalSetup;
import org.onecnn.experiment.PopulationSetup;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.Sections;
import org.onecnn.model.Outcome;
import org.onecnn.population.RunResult;
import org.onecnn.report.Json;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Plots;
import org.onecnn.report.Statistics;
import org.onecnn.report.Table;

/**
 * The report of a sample-size run, from its result rows: {@link #of} computes the statistics (summary per n
 * with Wilson intervals, per data set, transitions, the position of the empirical spurious minimum and its
 * log-log fit), {@link #write} writes them as tables, {@code summary.json}, figures and {@code report.md}.
 */
final class SampleSizeReport {
    private static final List<String> SUMMARY_COLUMNS = List.of("n", "n_runs", "p_global", "p_global_lo",
            "p_global_hi", "p_spurious", "p_spurious_lo", "p_spurious_hi", "p_other", "p_other_lo", "p_other_hi",
            "p_not_converged", "p_diverged", "p_global_dataset_min", "p_global_dataset_max", "p_spurious_dataset_min",
            "p_spurious_dataset_max", "spurious_pi_minus_phi_median", "spurious_loss_n_median",
            "spurious_population_loss_median");

    private final SampleSizeSpec cfg;
    private final List<RunResult> pop;
    private final Tally t;
    private final Table summary;
    private final Table position;
    private final Table transitions;
    /** {slope, intercept} of log median(π − φ) on log n, NaN without two sample sizes with SPURIOUS runs. */
    private final Statistics.Line fit;
    /** The second-order section, kept in its own class ({@link SecondOrderSection}). */
    private SecondOrderSection secondOrder;

    private SampleSizeReport(SampleSizeSpec cfg, List<RunResult> pop, Tally t) {
        this.cfg = cfg;
        this.pop = pop;
        this.t = t;
        this.summary = t.summary.build();
        this.position = t.position.build();
        this.transitions = t.transitions.build();
        this.fit = Statistics.leastSquares(t.fitPoints);
    }

    /**
     * The statistics of a run.
     *
     * @param pop   the population runs (row n = inf)
     * @param cells the cells' result tables, n major, data set minor
     */
    static SampleSizeReport of(SampleSizeSpec cfg, List<RunResult> pop, List<Table> cells) {
        Sections.Empirical e = cfg.empirical();
        Tally t = new Tally(pop);
        for (int i = 0; i < e.n().size(); i++) {
            t.addSize(e.n().get(i), cells.subList(i * e.datasets(), (i + 1) * e.datasets()));
        }
        SampleSizeReport report = new SampleSizeReport(cfg, pop, t);
        report.secondOrder = SecondOrderSection.of(cfg, cells); // second-order section (helper H)
        return report;
    }

    /** The statistics as they are gathered, one sample size after another. */
    private static final class Tally {
        final Table.Builder summary = Table.builder(SUMMARY_COLUMNS);
        final Table.Builder perDataset = Table.builder("n", "dataset", "n_runs", "p_global", "p_spurious", "p_other",
                "p_diverged");
        final Table.Builder position = Table.builder("n", "count", "pi_minus_phi_median", "pi_minus_phi_min",
                "pi_minus_phi_max", "loss_n_median", "population_loss_median");
        final Table.Builder transitions = Table.builder("n", "population_outcome", "empirical_outcome", "count");
        final List<double[]> fitPoints = new ArrayList<>();
        final List<Long> fitSizes = new ArrayList<>();
        final List<Long> measuredSizes = new ArrayList<>();
        final int[] popCounts;
        long empiricalRuns;
        long empiricalDiverged;

        Tally(List<RunResult> pop) {
            popCounts = SampleSizeExperiment.counts(pop.stream().map(r -> r.outcome().name()).toList());
            summary.row(summaryRow("inf", popCounts, pop.size(), null, null, Double.NaN, Double.NaN, Double.NaN));
        }

        /** Sample size n, from the tables of its data sets. */
        void addSize(long n, List<Table> datasets) {
            List<String> outs = new ArrayList<>();
            List<Double> gapSp = new ArrayList<>();
            List<Double> lossSp = new ArrayList<>();
            List<Double> popSp = new ArrayList<>();
            double[] gMin = {1, 1};
            double[] gMax = {0, 0};
            Map<String, Integer> trans = new LinkedHashMap<>();
            for (int d = 0; d < datasets.size(); d++) {
                Table t = datasets.get(d);
                List<String> o = new ArrayList<>();
                for (int r = 0; r < t.size(); r++) {
                    String out = t.getString(r, "outcome");
                    o.add(out);
                    outs.add(out);
                    trans.merge(t.getString(r, "population_outcome") + ">" + out, 1, Integer::sum);
                    if (out.equals("SPURIOUS")) {
                        gapSp.add(t.getDouble(r, "pi_minus_phi"));
                        lossSp.add(t.getDouble(r, "loss_n"));
                        popSp.add(t.getDouble(r, "population_loss"));
                    }
                }
                int[] c = SampleSizeExperiment.counts(o);
                double pg = c[0] / (double) o.size();
                double ps = c[1] / (double) o.size();
                gMin[0] = Math.min(gMin[0], pg);
                gMax[0] = Math.max(gMax[0], pg);
                gMin[1] = Math.min(gMin[1], ps);
                gMax[1] = Math.max(gMax[1], ps);
                perDataset.row(n, d, o.size(), pg, ps, c[2] / (double) o.size(), c[4] / (double) o.size());
            }
            int[] c = SampleSizeExperiment.counts(outs);
            empiricalRuns += outs.size();
            empiricalDiverged += c[4];
            if (c[4] < outs.size()) {
                measuredSizes.add(n);
            }
            double medGap = Statistics.median(gapSp);
            double medLoss = Statistics.median(lossSp);
            double medPop = Statistics.median(popSp);
            summary.row(summaryRow(Long.toString(n), c, outs.size(), gMin, gMax, medGap, medLoss, medPop));
            if (!gapSp.isEmpty()) {
                position.row(n, gapSp.size(), medGap, gapSp.stream().mapToDouble(x -> x).min().orElse(Double.NaN),
                        gapSp.stream().mapToDouble(x -> x).max().orElse(Double.NaN), medLoss, medPop);
                fitPoints.add(new double[] {Math.log(n), Math.log(medGap)});
                fitSizes.add(n);
            }
            for (Outcome po : Outcome.values()) {
                for (Outcome eo : Outcome.values()) {
                    Integer k = trans.get(po.name() + ">" + eo.name());
                    if (k != null) {
                        transitions.row(n, po.name(), eo.name(), k);
                    }
                }
            }
        }
    }

    private static Object[] summaryRow(String n, int[] c, int total, double[] gMin, double[] gMax, double gap,
            double loss, double popLoss) {
        Statistics.Interval g = Statistics.wilson(c[0], total, 0.95);
        Statistics.Interval s = Statistics.wilson(c[1], total, 0.95);
        Statistics.Interval o = Statistics.wilson(c[2], total, 0.95);
        return new Object[] {n, total, g.estimate(), g.lower(), g.upper(), s.estimate(), s.lower(), s.upper(),
            o.estimate(), o.lower(), o.upper(), c[3] / (double) total, c[4] / (double) total,
            gMin == null ? Double.NaN : gMin[0],
            gMax == null ? Double.NaN : gMax[0], gMin == null ? Double.NaN : gMin[1],
            gMax == null ? Double.NaN : gMax[1], gap, loss, popLoss};
    }

    /** Writes the tables, {@code summary.json}, the figures and {@code report.md} into the run folder. */
    void write(RunContext ctx) throws IOException {
        summary.writeCsv(ctx.folder().path("summary.csv"));
        t.perDataset.build().writeCsv(ctx.folder().path("per_dataset.csv"));
        position.writeCsv(ctx.folder().path("spurious_position.csv"));
        transitions.writeCsv(ctx.folder().path("transitions.csv"));
        secondOrder.write(ctx.folder().dir());
        writeJson(ctx);
        List<String> figures = new ArrayList<>();
        Path dir = ctx.folder().dir();
        figures.add(probabilityPlot(dir));
        if (position.size() > 0) {
            figures.add(positionPlot(dir));
        }
        figures.add(transitionsPlot(dir));
        writeMarkdown(ctx, figures);
    }

    private void writeJson(RunContext ctx) throws IOException {
        Sections.Empirical e = cfg.empirical();
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("teacher", PopulationSetup.teacher(cfg).description());
        js.put("initializations", pop.size());
        js.put("datasets_per_n", e.datasets());
        js.put("regime", e.regime());
        js.put("interval", "Wilson score, 95%");
        Map<String, Object> fitJson = new LinkedHashMap<>(); // not Map.of: its order changes from run to run
        fitJson.put("slope", fit.slope());
        fitJson.put("intercept", fit.intercept());
        fitJson.put("model", "log(median(pi - phi)) = intercept + slope * log(n)");
        js.put("spurious_position_fit", fitJson);
        js.put("summary", new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.tableToJson(summary))
                .get("rows"));
        js.put("second_order", secondOrder.json());
        Json.write(ctx.folder().path("summary.json"), js);
    }

    /** P(GLOBAL), P(SPURIOUS), P(other) (and P(DIVERGED) if any run diverged) against n, with the population's. */
    private String probabilityPlot(Path dir) throws IOException {
        List<Long> ns = cfg.empirical().n();
        XYChart pc1 = Plots.line("Outcome probabilities against the sample size", "n (samples)", "probability", true,
                false);
        double[] xs = ns.stream().mapToDouble(Long::doubleValue).toArray();
        for (String[] o : new String[][] {{"GLOBAL", "p_global"}, {"SPURIOUS", "p_spurious"}, {"other", "p_other"}}) {
            double[] y = new double[xs.length];
            double[] lo = new double[xs.length];
            double[] hi = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                y[i] = summary.getDouble(i + 1, o[1]);
                lo[i] = summary.getDouble(i + 1, o[1] + "_lo");
                hi[i] = summary.getDouble(i + 1, o[1] + "_hi");
            }
            Plots.addSeriesWithErrorBars(pc1, "P(" + o[0] + " | n)", xs, y, lo, hi);
        }
        if (t.empiricalDiverged > 0) {
            double[] y = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                y[i] = summary.getDouble(i + 1, "p_diverged");
            }
            Plots.addSeries(pc1, "P(DIVERGED | n)", xs, y);
        }
        Plots.addHorizontalLine(pc1, "population P(GLOBAL)", summary.getDouble(0, "p_global"), xs[0] / 1.5,
                xs[xs.length - 1] * 1.5);
        Plots.addHorizontalLine(pc1, "population P(SPURIOUS)", summary.getDouble(0, "p_spurious"), xs[0] / 1.5,
                xs[xs.length - 1] * 1.5);
        Plots.save(pc1, dir, "probability_vs_n");
        return "probability_vs_n";
    }

    /** The median π − φ at the empirical spurious minimum against n (bars: min–max), with the fit. */
    private String positionPlot(Path dir) throws IOException {
        XYChart sp = Plots.line("Where the empirical spurious minimum sits", "n (samples)", "π − φ", true, true);
        double[] px = new double[position.size()];
        double[] py = new double[position.size()];
        double[] plo = new double[position.size()];
        double[] phi = new double[position.size()];
        for (int i = 0; i < px.length; i++) {
            px[i] = position.getDouble(i, "n");
            py[i] = position.getDouble(i, "pi_minus_phi_median");
            plo[i] = position.getDouble(i, "pi_minus_phi_min");
            phi[i] = position.getDouble(i, "pi_minus_phi_max");
        }
        Plots.addSeriesWithErrorBars(sp, "median (bars: min–max)", px, py, plo, phi);
        if (!Double.isNaN(fit.slope())) {
            double[] fy = new double[px.length];
            for (int i = 0; i < px.length; i++) {
                fy[i] = fit.powerLaw(px[i]);
            }
            Plots.addSeries(sp, String.format(Locale.ROOT, "fit: ∝ n^%.2f", fit.slope()), px, fy);
        }
        Plots.save(sp, dir, "spurious_position");
        return "spurious_position";
    }

    /** Transitions as stacked bars: for each n and population outcome, the empirical outcomes. */
    private String transitionsPlot(Path dir) throws IOException {
        List<String> cats = new ArrayList<>();
        LinkedHashMap<String, double[]> series = new LinkedHashMap<>();
        List<String> popOutcomes = List.of("GLOBAL", "SPURIOUS", "NOT_CONVERGED");
        for (long n : cfg.empirical().n()) {
            for (String po : popOutcomes) {
                cats.add("n=" + n + " | " + po.toLowerCase(Locale.ROOT));
            }
        }
        for (Outcome eo : Outcome.values()) {
            double[] v = new double[cats.size()];
            int i = 0;
            for (long n : cfg.empirical().n()) {
                for (String po : popOutcomes) {
                    v[i++] = transitionFraction(n, po, eo);
                }
            }
            series.put(eo.name(), v);
        }
        CategoryChart tc = Plots.bars("Population outcome → empirical outcome (same initialization)",
                "n | population outcome", "fraction", cats, series, true);
        Plots.save(tc, dir, "transitions");
        return "transitions";
    }

    /** The fraction of runs with population outcome {@code po} at sample size n that ended in {@code eo}. */
    private double transitionFraction(long n, String po, Outcome eo) {
        double tot = 0;
        double k = 0;
        for (int r = 0; r < transitions.size(); r++) {
            if (transitions.getLong(r, "n") == n && transitions.getString(r, "population_outcome").equals(po)) {
                tot += transitions.getLong(r, "count");
                if (transitions.getString(r, "empirical_outcome").equals(eo.name())) {
                    k += transitions.getLong(r, "count");
                }
            }
        }
        return tot == 0 ? 0 : k / tot;
    }

    private void writeMarkdown(RunContext ctx, List<String> figures) throws IOException {
        MarkdownReport md = MarkdownReport.titled(cfg.name());
        if (!cfg.description().isBlank()) {
            md.paragraph(cfg.description());
        }
        md.heading(2, "Setup");
        md.bullets(setup());
        md.heading(2, "Outcome probabilities");
        md.table(summary, Map.of("p_global", "%.3f", "p_global_lo", "%.3f", "p_global_hi", "%.3f", "p_spurious", "%.3f",
                "p_spurious_lo", "%.3f", "p_spurious_hi", "%.3f", "p_other", "%.3f", "p_other_lo", "%.3f", "p_other_hi",
                "%.3f", "spurious_pi_minus_phi_median", "%.4g"));
        md.paragraph("Row n = inf is the exact population dynamics on the same initializations. Intervals: Wilson 95%, "
                + "pooled over data sets; the dataset min/max columns show the spread between data sets (also "
                + "`per_dataset.csv`). p_other counts OTHER and NOT_CONVERGED runs; p_diverged the runs whose "
                + "iterates became non-finite. A blank or – is undefined (a median over no SPURIOUS run).");
        List<String> caveats = caveats(ctx);
        if (!caveats.isEmpty()) {
            md.heading(3, "Caveats");
            md.bullets(caveats);
        }
        md.paragraph(largestSizeLine());
        md.heading(2, "Transitions (population outcome → empirical outcome)");
        md.table(transitions, Map.of());
        md.heading(2, "The empirical spurious minimum");
        if (position.size() > 0) {
            md.table(position, Map.of("pi_minus_phi_median", "%.4g", "pi_minus_phi_min", "%.4g", "pi_minus_phi_max",
                    "%.4g", "loss_n_median", "%.4g", "population_loss_median", "%.4g"));
            md.paragraph(fitLine());
        } else {
            md.paragraph("No run ended at an empirical spurious minimum.");
        }
        secondOrder.markdown(md);
        md.heading(2, "Figures");
        for (String f : figures) {
            md.image(f, f + ".png");
        }
        md.heading(2, "Files");
        md.bullets(List.of("`results.csv`: one row per n, data set and initialization (population outcome beside the "
                + "empirical one)", "`population.csv`: the exact population runs", "`summary.csv`, `summary.json`, "
                        + "`per_dataset.csv`, `transitions.csv`, `spurious_position.csv`",
                "`config.yaml`, `provenance.json`"));
        md.write(ctx.folder().path("report.md"));
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
                + " inputs, label noise σ = " + e.noise() + ", " + e.regime() + (e.regime() == org.onecnn.empirical.Regime.FULL_BATCH ? ""
                        : " (batch " + e.batchSize() + ")") + ", η = " + cfg.empirical().eta() + " (null: η of "
                + "train), budget " + e.maxSteps() + " steps, data type " + ComputeContext.dataTypeName(cfg));
        setup.add("empirical outcome (docs/outcomes.md): stationary when ‖∇L_n‖ ≤ " + e.gradTol() + "; then GLOBAL if cos φ > 0 "
                + "and L_n ≤ " + e.lossTolerance() + ", SPURIOUS if cos φ < 0 and L_n above it, else OTHER; "
                + "NOT_CONVERGED if still moving at the budget. No angle threshold: the empirical spurious minimum "
                + "sits far from π.");
        return setup;
    }

    /** Divergence, nothing measured, too few samples; records the divergence in the run's provenance. */
    private List<String> caveats(RunContext ctx) {
        List<String> caveats = new ArrayList<>();
        int[] pc = t.popCounts;
        String dl = Divergence.line(t.empiricalDiverged, t.empiricalRuns, "empirical runs", "counted in p_diverged "
                + "(not p_other) and excluded from the spurious-position medians and fit");
        String pl = Divergence.line(pc[4], pop.size(), "population runs", "counted in p_diverged of row n = inf");
        Divergence.record(ctx, t.empiricalDiverged + pc[4], t.empiricalRuns + pop.size());
        for (String x : new String[] {dl, pl}) {
            if (x != null) {
                caveats.add(x);
            }
        }
        if (t.measuredSizes.isEmpty()) {
            caveats.add("Every empirical run diverged: the probabilities above measure nothing but the divergence; "
                    + "lower empirical.eta.");
        }
        String few = EmpiricalSetup.fewSamplesCaveat(cfg, "L_n can then be fitted exactly away from the teacher, "
                + "so at these sizes GLOBAL (cos φ > 0 and L_n ≤ loss_tol) need not mean that the teacher was found.");
        if (few != null) {
            caveats.add(few);
        }
        return caveats;
    }

    private String largestSizeLine() {
        int last = summary.size() - 1;
        return String.format(Locale.ROOT, "At the largest n (%s) P(SPURIOUS) = %.3f [%.3f, %.3f] against %.3f in the "
                + "population; P(GLOBAL) = %.3f [%.3f, %.3f] against %.3f.", summary.getString(last, "n"),
                summary.getDouble(last, "p_spurious"), summary.getDouble(last, "p_spurious_lo"),
                summary.getDouble(last, "p_spurious_hi"), summary.getDouble(0, "p_spurious"),
                summary.getDouble(last, "p_global"), summary.getDouble(last, "p_global_lo"),
                summary.getDouble(last, "p_global_hi"), summary.getDouble(0, "p_global"));
    }

    /** The fit uses only sample sizes with SPURIOUS points, never one where nothing converged there. */
    private String fitLine() {
        List<Long> without = cfg.empirical().n().stream().filter(x -> !t.fitSizes.contains(x)).toList();
        return Double.isNaN(fit.slope()) ? "No fit: only n = " + t.fitSizes + " has runs at an empirical spurious "
                + "minimum, and a slope needs at least two sample sizes."
                : String.format(Locale.ROOT, "Fitted on log-log axes over n ∈ %s%s: median(π − φ) ∝ n^%.3f. The "
                        + "population restoring force near φ = π vanishes like (π − φ)², so sampling noise of "
                        + "order n^−1/2 moves the minimum by much more than n^−1/2 (docs/outcomes.md).", t.fitSizes,
                        without.isEmpty() ? "" : " (n = " + without + " had no SPURIOUS run and is left out)", fit.slope());
    }
}
