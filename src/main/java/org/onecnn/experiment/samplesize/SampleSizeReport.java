package org.onecnn.experiment.samplesize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.onecnn.empirical.Regime;
import org.onecnn.experiment.ComputeContext;
import org.onecnn.experiment.Divergence;
import org.onecnn.experiment.EmpiricalSetup;
import org.onecnn.experiment.PopulationSetup;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.Sections;
import org.onecnn.population.RunResult;
import org.onecnn.report.Json;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Plots;
import org.onecnn.report.Statistics;
import org.onecnn.report.Table;

/**
 * The report of a sample-size run, from its result rows: {@link #of} computes the statistics, {@link #write} writes
 * them as tables, {@code summary.json}, figures and {@code report.md}.
 *
 * <p><b>The design, and the intervals.</b> At each n, D data sets are each trained from the same R
 * initializations: the R·D runs form a crossed table (initialization × data set), and neither the runs nor the
 * data sets are independent draws (two data sets of the same n gave 50 % and 7 % of population-spurious
 * initializations ending GLOBAL in issue 9). Every probability P(class | n) — GLOBAL, SPURIOUS, NOT_CONVERGED,
 * DIVERGED and OTHER, each a column of its own — is the share of the R·D runs in that class, with the 95 %
 * interval of {@link Statistics#crossedProportion}: Wilson's interval on the effective number of runs that the
 * two-way (initialization, data set) variance estimate leaves, with Student's t on its Satterthwaite degrees of
 * freedom. The population row (n = inf) has R independent runs and Wilson's interval. Beside each n the report
 * gives the spread between data sets (sd, min and max of the per-set proportions), the data sets' intraclass
 * correlation and the design effect of P(SPURIOUS), and the paired difference P_n(SPURIOUS) − P_∞(SPURIOUS) on
 * the same initializations ({@link Statistics#crossedMean} of {@code 1[run r on set d is SPURIOUS] −
 * 1[population run r is SPURIOUS]}).
 *
 * <p><b>Unconverged runs</b> are a class of their own (p_not_converged), never "other": a run still moving at the
 * budget may yet reach either minimum. Above {@link #UNCONVERGED_WARNING} at some n the report and the command
 * line warn that the probabilities at that n do not answer the question and suggest a larger
 * {@code empirical.max_steps}.
 *
 * <p><b>Cost.</b> Each n also gives its mean number of steps per run and the sample-gradients spent, {@code
 * Σ_runs steps × (samples per step)} with n samples per step in full batch and the batch size otherwise: the
 * numbers that size a study (docs/experiments.md).
 */
final class SampleSizeReport {
    /** Confidence of every interval. */
    static final double CONFIDENCE = 0.95;

    /**
     * The share of NOT_CONVERGED runs at one n above which the report warns: beyond it the runs still moving can
     * change P(SPURIOUS | n) by more than the ±0.02 that a study at ±0.05 can afford to lose to them.
     */
    static final double UNCONVERGED_WARNING = 0.02;

    /** The outcome classes of the summary, in column order; an outcome not named here counts as "other". */
    static final List<String> CLASSES = List.of("global", "spurious", "not_converged", "diverged", "other");

    /** The class index of an outcome name (see {@link #CLASSES}). */
    static int classOf(String outcome) {
        return switch (outcome) {
            case "GLOBAL" -> 0;
            case "SPURIOUS" -> 1;
            case "NOT_CONVERGED" -> 2;
            case "DIVERGED" -> 3;
            default -> 4;
        };
    }

    static final List<String> SUMMARY_COLUMNS = summaryColumns();

    private static List<String> summaryColumns() {
        List<String> c = new ArrayList<>(List.of("n", "n_runs", "n_datasets"));
        for (String k : CLASSES) {
            c.addAll(List.of("p_" + k, "p_" + k + "_lo", "p_" + k + "_hi"));
        }
        c.addAll(List.of("p_global_dataset_sd", "p_global_dataset_min", "p_global_dataset_max",
                "p_spurious_dataset_sd", "p_spurious_dataset_min", "p_spurious_dataset_max",
                "p_not_converged_dataset_max", "spurious_icc_dataset", "spurious_icc_init", "spurious_design_effect",
                "spurious_minus_population", "spurious_minus_population_lo", "spurious_minus_population_hi",
                "mean_steps", "sample_gradients", "spurious_pi_minus_phi_median", "spurious_loss_n_median",
                "spurious_population_loss_median"));
        return List.copyOf(c);
    }

    /** The statistics of one sample size, or of the population (n = inf, {@code datasets} 0). */
    private record Size(String n, int runs, int datasets, Statistics.Interval[] p, double[][] perSet,
            Statistics.CrossedProportion spurious, Statistics.Interval spuriousDiff, double meanSteps,
            double sampleGradients, List<Double> spuriousGaps, double lossMedian, double popLossMedian) {
        double share(int cls) {
            return p[cls].estimate();
        }
    }

    private final SampleSizeSpec cfg;
    private final List<RunResult> pop;
    private final List<Size> sizes;
    private final Table summary;
    private final Table perDataset;
    private final Table position;
    private final Table transitions;
    private final List<Long> fitSizes;
    /** {slope, intercept} of log median(π − φ) on log n, NaN without two sample sizes with SPURIOUS runs. */
    private final Statistics.Line fit;
    /** The fit's slope with its 95% t interval (bounds NaN from fewer than three sizes). */
    private final Statistics.Interval exponent;
    /** The second-order section, kept in its own class ({@link SecondOrderSection}). */
    private SecondOrderSection secondOrder;

    private SampleSizeReport(SampleSizeSpec cfg, List<RunResult> pop, List<Size> sizes, Table perDataset,
            Table transitions) {
        this.cfg = cfg;
        this.pop = pop;
        this.sizes = sizes;
        this.perDataset = perDataset;
        this.transitions = transitions;
        Table.Builder s = Table.builder(SUMMARY_COLUMNS);
        Table.Builder pos = Table.builder("n", "count", "pi_minus_phi_median", "pi_minus_phi_min",
                "pi_minus_phi_max", "loss_n_median", "population_loss_median");
        List<double[]> fitPoints = new ArrayList<>();
        List<Long> fitN = new ArrayList<>();
        for (Size z : sizes) {
            s.row(summaryRow(z));
            if (!z.spuriousGaps().isEmpty()) {
                double med = Statistics.median(z.spuriousGaps());
                pos.row(Long.parseLong(z.n()), z.spuriousGaps().size(), med,
                        z.spuriousGaps().stream().mapToDouble(x -> x).min().orElse(Double.NaN),
                        z.spuriousGaps().stream().mapToDouble(x -> x).max().orElse(Double.NaN), z.lossMedian(),
                        z.popLossMedian());
                fitPoints.add(new double[] {Math.log(Long.parseLong(z.n())), Math.log(med)});
                fitN.add(Long.parseLong(z.n()));
            }
        }
        this.summary = s.build();
        this.position = pos.build();
        this.fitSizes = fitN;
        this.fit = Statistics.leastSquares(fitPoints);
        this.exponent = Statistics.slopeInterval(fitPoints, 0.95);
    }

    /**
     * The statistics of a run.
     *
     * @param pop   the population runs (row n = inf), in initialization order
     * @param cells the cells' result tables, n major, data set minor
     */
    static SampleSizeReport of(SampleSizeSpec cfg, List<RunResult> pop, List<Table> cells) {
        Sections.Empirical e = cfg.empirical();
        List<Size> sizes = new ArrayList<>();
        sizes.add(population(pop));
        Table.Builder perDataset = Table.builder("n", "dataset", "n_runs", "p_global", "p_spurious", "p_not_converged",
                "p_diverged", "p_other");
        Table.Builder transitions = Table.builder("n", "population_outcome", "empirical_outcome", "count");
        for (int i = 0; i < e.n().size(); i++) {
            long n = e.n().get(i);
            List<Table> sets = cells.subList(i * e.datasets(), (i + 1) * e.datasets());
            Size z = size(cfg, pop, n, sets, transitions);
            sizes.add(z);
            for (int d = 0; d < sets.size(); d++) {
                perDataset.row(n, d, pop.size(), z.perSet()[0][d], z.perSet()[1][d], z.perSet()[2][d],
                        z.perSet()[3][d], z.perSet()[4][d]);
            }
        }
        SampleSizeReport report = new SampleSizeReport(cfg, pop, sizes, perDataset.build(), transitions.build());
        report.secondOrder = SecondOrderSection.of(cfg, cells); // second-order section (helper H)
        return report;
    }

    /** The population row: R independent runs, Wilson intervals. */
    private static Size population(List<RunResult> pop) {
        int[] c = new int[CLASSES.size()];
        double steps = 0;
        for (RunResult r : pop) {
            c[classOf(r.outcome().name())]++;
            steps += r.iterations();
        }
        Statistics.Interval[] p = new Statistics.Interval[CLASSES.size()];
        for (int k = 0; k < p.length; k++) {
            p[k] = Statistics.wilson(c[k], pop.size(), CONFIDENCE);
        }
        return new Size("inf", pop.size(), 0, p, null, null, null, steps / pop.size(), Double.NaN, List.of(),
                Double.NaN, Double.NaN);
    }

    /** Sample size n from the tables of its data sets (one row per initialization each); adds its transitions. */
    private static Size size(SampleSizeSpec cfg, List<RunResult> pop, long n, List<Table> sets,
            Table.Builder transitions) {
        int runs = pop.size();
        int sets0 = sets.size();
        double[][][] y = new double[CLASSES.size()][runs][sets0];
        double[][] diff = new double[runs][sets0];
        double[][] perSet = new double[CLASSES.size()][sets0];
        long steps = 0;
        List<Double> gaps = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        List<Double> popLoss = new ArrayList<>();
        Map<String, Integer> trans = new LinkedHashMap<>();
        for (int d = 0; d < sets0; d++) {
            Table t = sets.get(d);
            for (int row = 0; row < t.size(); row++) {
                int r = (int) t.getLong(row, "run");
                String out = t.getString(row, "outcome");
                int cls = classOf(out);
                y[cls][r][d] = 1;
                perSet[cls][d]++;
                diff[r][d] = (cls == 1 ? 1 : 0) - (pop.get(r).outcome().name().equals("SPURIOUS") ? 1 : 0);
                steps += t.getLong(row, "iterations");
                trans.merge(t.getString(row, "population_outcome") + ">" + out, 1, Integer::sum);
                if (cls == 1) {
                    gaps.add(t.getDouble(row, "pi_minus_phi"));
                    loss.add(t.getDouble(row, "loss_n"));
                    popLoss.add(t.getDouble(row, "population_loss"));
                }
            }
        }
        for (double[] v : perSet) {
            for (int d = 0; d < sets0; d++) {
                v[d] /= runs;
            }
        }
        Statistics.Interval[] p = new Statistics.Interval[CLASSES.size()];
        Statistics.CrossedProportion spurious = null;
        for (int k = 0; k < p.length; k++) {
            Statistics.CrossedProportion cp = Statistics.crossedProportion(y[k], CONFIDENCE);
            p[k] = cp.interval();
            if (k == 1) {
                spurious = cp;
            }
        }
        for (String po : outcomeNames()) {
            for (String eo : outcomeNames()) {
                Integer k = trans.get(po + ">" + eo);
                if (k != null) {
                    transitions.row(n, po, eo, k);
                }
            }
        }
        double perStep = samplesPerStep(cfg.empirical(), n);
        return new Size(Long.toString(n), runs * sets0, sets0, p, perSet, spurious,
                Statistics.crossedMean(diff, CONFIDENCE), steps / (double) (runs * sets0), steps * perStep, gaps,
                Statistics.median(loss), Statistics.median(popLoss));
    }

    /** The outcome names in enum order (transitions are listed in this order). */
    private static List<String> outcomeNames() {
        return java.util.Arrays.stream(org.onecnn.model.Outcome.values()).map(Enum::name).toList();
    }

    /**
     * Samples whose gradient one step of one student computes: n in full batch, the batch (at most n) in minibatch
     * and the batch in online SGD.
     */
    static double samplesPerStep(Sections.Empirical e, long n) {
        return switch (e.regime()) {
            case FULL_BATCH -> n;
            case MINIBATCH -> Math.min(n, e.batchSize());
            case ONLINE -> e.batchSize();
        };
    }

    private static Object[] summaryRow(Size z) {
        List<Object> row = new ArrayList<>(List.of(z.n(), z.runs(), z.datasets() == 0 ? (Object) Double.NaN
                : (Object) z.datasets()));
        for (Statistics.Interval i : z.p()) {
            row.addAll(List.of(i.estimate(), i.lower(), i.upper()));
        }
        if (z.perSet() == null) {
            for (int k = 0; k < 13; k++) {
                row.add(Double.NaN);
            }
        } else {
            row.addAll(spread(z.perSet()[0]));
            row.addAll(spread(z.perSet()[1]));
            row.add(max(z.perSet()[2]));
            row.add(z.spurious().crossed().columnIcc());
            row.add(z.spurious().crossed().rowIcc());
            row.add(z.spurious().designEffect());
            row.addAll(List.of(z.spuriousDiff().estimate(), z.spuriousDiff().lower(), z.spuriousDiff().upper()));
        }
        row.addAll(List.of(z.meanSteps(), z.sampleGradients(), Statistics.median(z.spuriousGaps()), z.lossMedian(),
                z.popLossMedian()));
        return row.toArray();
    }

    /** sd (NaN for one data set), min, max of per-data-set proportions. */
    private static List<Double> spread(double[] v) {
        List<Double> xs = new ArrayList<>();
        for (double x : v) {
            xs.add(x);
        }
        double m = Statistics.mean(xs);
        return List.of(Statistics.sampleStandardDeviation(xs, m), xs.stream().mapToDouble(x -> x).min().orElse(
                Double.NaN), Statistics.max(xs));
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return v.length == 0 ? Double.NaN : m;
    }

    /** The summary table (row 0 the population, then one row per n), as {@code summary.csv} holds it. */
    Table summary() {
        return summary;
    }

    /** The sizes whose NOT_CONVERGED share exceeds {@link #UNCONVERGED_WARNING}, with their shares. */
    private List<Size> unconverged() {
        return sizes.subList(1, sizes.size()).stream().filter(z -> z.share(2) > UNCONVERGED_WARNING).toList();
    }

    /**
     * The warning about unconverged runs, or null: empirical runs above {@link #UNCONVERGED_WARNING} at some n, or
     * population runs above it (then the reference itself is not final).
     */
    String unconvergedWarning() {
        List<Size> bad = unconverged();
        String popLine = sizes.get(0).share(2) > UNCONVERGED_WARNING ? String.format(Locale.ROOT, "%.1f%% of the "
                + "population runs are NOT_CONVERGED after stop.max_steps = %d steps, so the population reference "
                + "P(SPURIOUS) is not final; raise stop.max_steps.", 100 * sizes.get(0).share(2), cfg.stop().maxSteps())
                : null;
        if (bad.isEmpty()) {
            return popLine;
        }
        List<String> at = bad.stream().map(z -> String.format(Locale.ROOT, "n = %s: %.1f%%", z.n(), 100 * z.share(2)))
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
        perDataset.writeCsv(ctx.folder().path("per_dataset.csv"));
        position.writeCsv(ctx.folder().path("spurious_position.csv"));
        transitions.writeCsv(ctx.folder().path("transitions.csv"));
        secondOrder.write(ctx.folder().dir());
        String warning = unconvergedWarning();
        if (warning != null) {
            Divergence.warn(ctx, warning);
        }
        writeJson(ctx, warning);
        List<String> figures = new ArrayList<>();
        Path dir = ctx.folder().dir();
        if (org.onecnn.report.PlotSupport.available()) {
            figures.add(probabilityPlot(dir));
            if (position.size() > 0) {
                figures.add(positionPlot(dir));
            }
            figures.add(transitionsPlot(dir));
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
        for (Size z : sizes.subList(1, sizes.size())) {
            total += z.sampleGradients();
        }
        cost.put("sample_gradients", total);
        cost.put("model", "sum over n of samples per step (n in full batch) x datasets x initializations x mean_steps");
        js.put("cost", cost);
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

    /**
     * P(GLOBAL | n), P(SPURIOUS | n) and P(NOT_CONVERGED | n) against n (log x) with their intervals, each data set's
     * proportion as a faint point (slightly spread in x so that equal values stay visible), the population values
     * as horizontal lines in the series' colours.
     */
    private String probabilityPlot(Path dir) throws IOException {
        List<Long> ns = cfg.empirical().n();
        int sets = cfg.empirical().datasets();
        XYChart chart = Plots.line("Outcome probabilities against the sample size (faint dots: single data sets)",
                "n (samples)", "probability", true, false);
        // empirical.n may be in any order (it is the order of the tables); the lines are drawn in ascending n, so
        // that they join neighbouring sizes: row ord[i] + 1 of the summary is the i-th smallest n
        int[] ord = ascending(ns);
        double[] xs = new double[ns.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = ns.get(ord[i]);
        }
        String[][] shown = {{"GLOBAL", "p_global", "0"}, {"SPURIOUS", "p_spurious", "1"},
            {"NOT_CONVERGED", "p_not_converged", "2"}};
        for (String[] o : shown) {
            double[] y = new double[xs.length];
            double[] lo = new double[xs.length];
            double[] hi = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                y[i] = summary.getDouble(ord[i] + 1, o[1]);
                lo[i] = summary.getDouble(ord[i] + 1, o[1] + "_lo");
                hi[i] = summary.getDouble(ord[i] + 1, o[1] + "_hi");
            }
            String name = "P(" + o[0] + ")";
            Plots.addSeriesWithErrorBars(chart, name, xs, y, lo, hi);
            if (sets > 1 && !o[0].equals("NOT_CONVERGED")) {
                int cls = Integer.parseInt(o[2]);
                double[] px = new double[xs.length * sets];
                double[] py = new double[xs.length * sets];
                for (int i = 0; i < xs.length; i++) {
                    for (int d = 0; d < sets; d++) {
                        // ±4 % in n around the size: apart on the log axis, still clearly at that n
                        px[i * sets + d] = xs[i] * (1 + 0.08 * ((d + 0.5) / sets - 0.5));
                        py[i * sets + d] = sizes.get(ord[i] + 1).perSet()[cls][d];
                    }
                }
                Plots.addFaintPoints(chart, name + " per data set", name, px, py);
            }
        }
        if (sizes.subList(1, sizes.size()).stream().anyMatch(z -> z.share(3) > 0)) {
            double[] y = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                y[i] = summary.getDouble(ord[i] + 1, "p_diverged");
            }
            Plots.addSeries(chart, "P(DIVERGED)", xs, y);
        }
        for (String[] o : new String[][] {{"GLOBAL", "p_global"}, {"SPURIOUS", "p_spurious"}}) {
            String name = "n = ∞: " + o[0];
            // from below the smallest n to above the largest (xs is ascending; one n gives [n/1.5, 1.5 n])
            Plots.addHorizontalLine(chart, name, summary.getDouble(0, o[1]), xs[0] / 1.5, xs[xs.length - 1] * 1.5);
            XYSeries line = chart.getSeriesMap().get(name);
            XYSeries owner = chart.getSeriesMap().get("P(" + o[0] + ")");
            if (line != null && owner != null) {
                line.setLineColor(owner.getLineColor());
            }
        }
        Plots.save(chart, dir, "probability_vs_n", cfg.figureTitles());
        return "probability_vs_n";
    }

    /** The indices of {@code ns} in ascending order of their values (the sizes are distinct). */
    private static int[] ascending(List<Long> ns) {
        return java.util.stream.IntStream.range(0, ns.size()).boxed().sorted(java.util.Comparator.comparing(ns::get))
                .mapToInt(Integer::intValue).toArray();
    }

    /**
     * π − φ at the empirical spurious minimum against n (log-log): every SPURIOUS run as a faint point, the median
     * with min–max bars, and the fitted power law.
     */
    private String positionPlot(Path dir) throws IOException {
        XYChart sp = Plots.line("Where the empirical spurious minimum sits (faint dots: single runs)", "n (samples)",
                "π − φ", true, true);
        double[] px = new double[position.size()];
        double[] py = new double[position.size()];
        double[] plo = new double[position.size()];
        double[] phi = new double[position.size()];
        List<Long> rowsN = new ArrayList<>();
        for (int r = 0; r < position.size(); r++) {
            rowsN.add(position.getLong(r, "n"));
        }
        int[] ord = ascending(rowsN); // the table is in the config's order of n; the line joins ascending n
        for (int i = 0; i < px.length; i++) {
            px[i] = position.getDouble(ord[i], "n");
            py[i] = position.getDouble(ord[i], "pi_minus_phi_median");
            plo[i] = position.getDouble(ord[i], "pi_minus_phi_min");
            phi[i] = position.getDouble(ord[i], "pi_minus_phi_max");
        }
        String name = "median (bars: min–max)";
        Plots.addSeriesWithErrorBars(sp, name, px, py, plo, phi);
        List<Double> ax = new ArrayList<>();
        List<Double> ay = new ArrayList<>();
        for (Size z : sizes.subList(1, sizes.size())) {
            for (double g : z.spuriousGaps()) {
                ax.add(Double.parseDouble(z.n()));
                ay.add(g);
            }
        }
        if (sp.getSeriesMap().containsKey(name)) {
            Plots.addFaintPoints(sp, "single runs", name, ax.stream().mapToDouble(x -> x).toArray(),
                    ay.stream().mapToDouble(x -> x).toArray());
        }
        if (!Double.isNaN(fit.slope())) {
            double[] fy = new double[px.length];
            for (int i = 0; i < px.length; i++) {
                fy[i] = fit.powerLaw(px[i]);
            }
            Plots.addFit(sp, String.format(Locale.ROOT, "fit: ∝ n^%.2f", fit.slope()), px, fy);
        }
        Plots.save(sp, dir, "spurious_position", cfg.figureTitles());
        return "spurious_position";
    }

    /**
     * The transition matrix as a heat map: one column per n, one row per (population outcome → empirical outcome)
     * that occurs at some n, the value the fraction of the runs with that population outcome that ended in that
     * empirical outcome (each population outcome's rows add up to 1 per column). Reading across a row shows one
     * transition change with n, e.g. SPURIOUS → GLOBAL falling as the finite-sample landscape approaches the
     * population's.
     */
    private String transitionsPlot(Path dir) throws IOException {
        List<String> rows = new ArrayList<>();
        for (String po : outcomeNames()) {
            for (String eo : outcomeNames()) {
                for (int r = 0; r < transitions.size(); r++) {
                    if (transitions.getString(r, "population_outcome").equals(po)
                            && transitions.getString(r, "empirical_outcome").equals(eo)) {
                        rows.add(po + " → " + eo);
                        break;
                    }
                }
            }
        }
        java.util.Collections.reverse(rows); // the heat map draws row 0 at the bottom: keep reading order top-down
        // columns in ascending n, as the other figures' x axes (empirical.n may be in any order)
        List<Long> ns = cfg.empirical().n().stream().sorted().toList();
        double[][] z = new double[Math.max(1, rows.size())][ns.size()];
        for (int j = 0; j < rows.size(); j++) {
            String[] pe = rows.get(j).split(" → ");
            for (int i = 0; i < ns.size(); i++) {
                z[j][i] = transitionFraction(ns.get(i), pe[0], pe[1]);
            }
        }
        HeatMapChart chart = Plots.heatmap("Population outcome → empirical outcome (same initialization)",
                "n (samples)", "", ns.stream().map(n -> Long.toString(n)).toList(), rows.isEmpty() ? List.of("none")
                        : rows, z, 0, 1);
        Plots.save(chart, dir, "transitions", cfg.figureTitles());
        return "transitions";
    }

    /** The fraction of runs with population outcome {@code po} at sample size n that ended in {@code eo}. */
    private double transitionFraction(long n, String po, String eo) {
        double tot = 0;
        double k = 0;
        for (int r = 0; r < transitions.size(); r++) {
            if (transitions.getLong(r, "n") == n && transitions.getString(r, "population_outcome").equals(po)) {
                tot += transitions.getLong(r, "count");
                if (transitions.getString(r, "empirical_outcome").equals(eo)) {
                    k += transitions.getLong(r, "count");
                }
            }
        }
        return tot == 0 ? Double.NaN : k / tot;
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
        secondOrder.markdown(md);
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
            boolean popRow = z.datasets() == 0;
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
            b.row(z.n(), runs, pct(z.p()[0]), pct(z.p()[1]), pct(z.p()[2]), String.format(Locale.ROOT, "%.3f",
                    z.share(3)), String.format(Locale.ROOT, "%.3f", z.share(4)), spread, deff, icc, diff);
        }
        return b.build();
    }

    /** Per n and population outcome: the count and the fractions of each empirical outcome. */
    private Table transitionTable() {
        List<String> cols = new ArrayList<>(List.of("n", "population", "runs"));
        for (String eo : outcomeNames()) {
            cols.add("→ " + eo);
        }
        Table.Builder b = Table.builder(cols);
        for (long n : cfg.empirical().n()) {
            for (String po : outcomeNames()) {
                long tot = 0;
                for (int r = 0; r < transitions.size(); r++) {
                    if (transitions.getLong(r, "n") == n && transitions.getString(r, "population_outcome").equals(po)) {
                        tot += transitions.getLong(r, "count");
                    }
                }
                if (tot == 0) {
                    continue;
                }
                List<Object> row = new ArrayList<>(List.of(n, po, tot));
                for (String eo : outcomeNames()) {
                    row.add(String.format(Locale.ROOT, "%.3f", transitionFraction(n, po, eo)));
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
        for (Size z : sizes.subList(1, sizes.size())) {
            long div = Math.round(z.share(3) * z.runs());
            empRuns += z.runs();
            empDiverged += div;
            measured |= div < z.runs();
        }
        long popDiverged = Math.round(sizes.get(0).share(3) * pop.size());
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
        Size last = sizes.get(1);
        for (Size z : sizes.subList(1, sizes.size())) {
            if (Long.parseLong(z.n()) > Long.parseLong(last.n())) {
                last = z;
            }
        }
        Size inf = sizes.get(0);
        double popSp = inf.share(1);
        Statistics.Interval sp = last.p()[1];
        boolean inside = sp.lower() <= popSp && popSp <= sp.upper();
        Statistics.Interval d = last.spuriousDiff();
        boolean zero = d.lower() <= 0 && 0 <= d.upper();
        String s = String.format(Locale.ROOT, "At the largest n (%s), P(SPURIOUS) = %s against %.3f in the population "
                + "on the same initializations: the population value lies %s the interval. Paired by initialization, "
                + "P_n − P_∞ = %+.3f [%+.3f, %+.3f], %s. P(GLOBAL) = %s against %.3f.", last.n(), pct(sp), popSp,
                inside ? "inside" : "outside", d.estimate(), d.lower(), d.upper(), zero
                        ? "consistent with no difference" : "a difference the intervals resolve", pct(last.p()[0]),
                inf.share(0));
        if (last.share(2) > UNCONVERGED_WARNING) {
            s += String.format(Locale.ROOT, " But %.1f%% of the runs at this n had not converged: the comparison is "
                    + "not final.", 100 * last.share(2));
        }
        int flat = secondOrder == null ? 0 : secondOrder.uncertifiedFarSide(Long.parseLong(last.n()));
        if (flat > 0) {
            // SPURIOUS is certified, not assumed: say how much of the gap is points the test could not decide
            s += String.format(Locale.ROOT, " %d of its %d runs (%.3f) stopped at far-side stationary points that the "
                    + "second-order test could not certify as minima (degenerate-flat: no fall, too few rises at the "
                    + "probe distances) and count as OTHER; counted as spurious they would give %.3f.", flat,
                    last.runs(), (double) flat / last.runs(), last.share(1) + (double) flat / last.runs());
        }
        return s;
    }

    /** The sample-gradients the runs spent, the number a study's size and time are computed from. */
    private String costLine() {
        double total = 0;
        StringBuilder per = new StringBuilder();
        for (Size z : sizes.subList(1, sizes.size())) {
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
        int m = fitSizes.size();
        return Double.isNaN(exponent.lower()) ? "no interval (two sample sizes leave no degree of freedom for one; "
                + "use three or more)" : String.format(Locale.ROOT, "95%% interval [%.3f, %.3f] (Student's t on the "
                        + "%d − 2 = %d degrees of freedom of the line through the %d medians)", exponent.lower(),
                        exponent.upper(), m, m - 2, m);
    }

    /** The fit uses only sample sizes with SPURIOUS points, never one where nothing converged there. */
    private String fitLine() {
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
