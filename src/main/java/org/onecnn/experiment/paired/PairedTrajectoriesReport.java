package org.onecnn.experiment.paired;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.XYChart;
import org.onecnn.experiment.setup.Divergence;
import org.onecnn.experiment.setup.EmpiricalSetup;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.Sections;
import org.onecnn.model.Outcome;
import org.onecnn.report.Json;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Plots;
import org.onecnn.report.Statistics;
import org.onecnn.report.Table;

/**
 * The report of paired-trajectories: turns a {@link PairedTrajectoriesResult} into {@code trajectories.csv}
 * (population rows with n = inf, then the empirical rows), {@code deviation.csv}, the per-n {@code summary.csv} and
 * {@code summary.json} with the log-log fit of the mean deviation against n, three figures and {@code report.md}.
 */
final class PairedTrajectoriesReport {
    private final RunContext ctx;
    private final PairedTrajectoriesSpec cfg;
    private final PairedTrajectoriesResult result;

    PairedTrajectoriesReport(RunContext ctx, PairedTrajectoriesResult result) {
        this.ctx = ctx;
        this.cfg = (PairedTrajectoriesSpec) ctx.config();
        this.result = result;
    }

    /** The fit of {@code log(mean deviation) = intercept + slope·log n}, over the sample sizes in {@code sizes}. */
    private record Fit(double slope, double intercept, List<Long> sizes) {
        boolean defined() {
            return !Double.isNaN(slope);
        }
    }

    /** Writes every file of the report into the run folder. */
    void write() throws IOException {
        trajectories().writeCsv(ctx.folder().path("trajectories.csv"));
        deviations().writeCsv(ctx.folder().path("deviation.csv"));
        Table summary = summary();
        summary.writeCsv(ctx.folder().path("summary.csv"));
        Fit fit = fit(summary);
        writeJson(summary, fit);
        plots(summary, fit);
        writeMarkdown(summary, fit);
    }

    /**
     * Population rows (n = inf, dataset −1) then, per data set and initialization, the empirical rows at the times
     * both runs recorded (the rows the deviation is taken over).
     */
    private Table trajectories() {
        Table.Builder tb = Table.builder("n", "dataset", "run", "step", "phi", "loss", "population_loss");
        for (int run = 0; run < result.count(); run++) {
            for (PairedTrajectoriesResult.PopulationPoint p : result.population().get(run)) {
                tb.row("inf", -1, run, p.step(), p.phi(), p.loss(), p.loss());
            }
        }
        for (PairedTrajectoriesResult.Pass pass : result.passes()) {
            for (int run = 0; run < result.count(); run++) {
                List<PairedTrajectoriesResult.EmpiricalPoint> pe = pass.trajectories().get(run);
                int paired = Math.min(pe.size(), result.population().get(run).size());
                for (int i = 0; i < paired; i++) {
                    PairedTrajectoriesResult.EmpiricalPoint p = pe.get(i);
                    tb.row(Long.toString(pass.n()), pass.dataset(), run, p.step(), p.phi(), p.lossN(),
                            p.populationLoss());
                }
            }
        }
        return tb.build();
    }

    private Table deviations() {
        Table.Builder db = Table.builder("n", "dataset", "run", "max_phi_deviation");
        for (PairedTrajectoriesResult.Pass pass : result.passes()) {
            for (PairedTrajectoriesResult.Deviation d : pass.deviations()) {
                db.row(pass.n(), pass.dataset(), d.run(), d.deviation());
            }
        }
        return db.build();
    }

    /**
     * One row per n: the deviation's mean, standard deviation and median over the pairs that stayed finite
     * (undefined, NaN, written blank/null, when none did), and how many pairs diverged.
     */
    private Table summary() {
        Map<Long, List<Double>> devs = new LinkedHashMap<>();
        Map<Long, Integer> divergedPairs = new LinkedHashMap<>();
        for (PairedTrajectoriesResult.Pass pass : result.passes()) {
            List<Double> v = devs.computeIfAbsent(pass.n(), x -> new ArrayList<>());
            for (PairedTrajectoriesResult.Deviation d : pass.deviations()) {
                if (d.defined()) {
                    v.add(d.deviation());
                } else {
                    divergedPairs.merge(pass.n(), 1, Integer::sum);
                }
            }
        }
        Table.Builder sb = Table.builder("n", "runs", "n_diverged", "mean_max_phi_deviation", "sd_max_phi_deviation",
                "median_max_phi_deviation");
        for (Map.Entry<Long, List<Double>> en : devs.entrySet()) {
            List<Double> v = en.getValue();
            int nd = divergedPairs.getOrDefault(en.getKey(), 0);
            double mean = Statistics.mean(v);
            sb.row(en.getKey(), v.size() + nd, nd, mean, Statistics.sampleStandardDeviation(v, mean),
                    Statistics.median(v));
        }
        return sb.build();
    }

    /** The log-log fit over the sample sizes with a positive mean deviation; NaN with fewer than two. */
    private static Fit fit(Table summary) {
        List<double[]> pts = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (int i = 0; i < summary.size(); i++) {
            double mean = summary.getDouble(i, "mean_max_phi_deviation");
            if (mean > 0) {
                long n = summary.getLong(i, "n");
                pts.add(new double[] {Math.log(n), Math.log(mean)});
                sizes.add(n);
            }
        }
        Statistics.Line f = Statistics.leastSquares(pts);
        return new Fit(f.slope(), f.intercept(), sizes);
    }

    private void writeJson(Table summary, Fit fit) throws IOException {
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("teacher", result.teacher().description());
        js.put("initializations", result.count());
        Map<String, Object> fitJson = new LinkedHashMap<>(); // not Map.of: its order changes from run to run
        fitJson.put("slope", fit.slope());
        fitJson.put("intercept", fit.intercept());
        fitJson.put("model", "log(mean max_t |phi_t(n) - phi_t(inf)|) = intercept + slope * log(n)");
        fitJson.put("expected_slope", -0.5);
        js.put("fit", fitJson);
        js.put("summary", new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.tableToJson(summary))
                .get("rows"));
        Json.write(ctx.folder().path("summary.json"), js);
    }

    /** φ_t and the loss of initialization 0 (data set 0) for every n beside the population; the deviation against n. */
    private void plots(Table summary, Fit fit) throws IOException {
        XYChart phiPlot = Plots.line("φ_t of initialization 0 (data set 0)", "iteration", "φ (radians)", false, false);
        XYChart lossPlot = Plots.line("Loss of initialization 0 (log scale)", "iteration", "loss", false, true);
        List<PairedTrajectoriesResult.PopulationPoint> p0 = result.population().get(0);
        Plots.addSeries(phiPlot, "population", col(p0, p -> p.step()), col(p0, p -> p.phi()));
        Plots.addSeries(lossPlot, "population L", col(p0, p -> p.step()), col(p0, p -> p.loss()));
        for (Map.Entry<Long, List<PairedTrajectoriesResult.EmpiricalPoint>> en : firstRuns().entrySet()) {
            List<PairedTrajectoriesResult.EmpiricalPoint> pe = en.getValue();
            Plots.addSeries(phiPlot, "n = " + en.getKey(), col(pe, p -> p.step()), col(pe, p -> p.phi()));
            Plots.addSeries(lossPlot, "n = " + en.getKey() + ": L_n", col(pe, p -> p.step()), col(pe, p -> p.lossN()));
        }
        Plots.save(phiPlot, ctx.folder().dir(), "phi_overlay", ctx.config().figureTitles());
        Plots.save(lossPlot, ctx.folder().dir(), "loss_overlay", ctx.config().figureTitles());
        XYChart dp = Plots.line("Deviation from the population trajectory", "n (samples)", "max_t |φ_t(n) − φ_t(∞)|",
                true, true);
        double[] xs = new double[summary.size()];
        double[] ys = new double[summary.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = summary.getDouble(i, "n");
            ys[i] = summary.getDouble(i, "mean_max_phi_deviation");
        }
        Plots.addSeries(dp, "mean over runs", xs, ys);
        if (fit.defined()) {
            double[] fy = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                fy[i] = Math.exp(fit.intercept() + fit.slope() * Math.log(xs[i]));
            }
            Plots.addSeries(dp, String.format(Locale.ROOT, "fit: ∝ n^%.2f", fit.slope()), xs, fy);
        }
        Plots.save(dp, ctx.folder().dir(), "deviation", ctx.config().figureTitles());
    }

    /** Per n, the empirical trajectory of initialization 0 on data set 0. */
    private Map<Long, List<PairedTrajectoriesResult.EmpiricalPoint>> firstRuns() {
        Map<Long, List<PairedTrajectoriesResult.EmpiricalPoint>> firstRun = new LinkedHashMap<>();
        for (PairedTrajectoriesResult.Pass pass : result.passes()) {
            if (pass.dataset() == 0) {
                firstRun.put(pass.n(), pass.trajectories().get(0));
            }
        }
        return firstRun;
    }

    private void writeMarkdown(Table summary, Fit fit) throws IOException {
        Sections.Empirical e = cfg.empirical();
        MarkdownReport md = MarkdownReport.titled(cfg.name());
        if (!cfg.description().isBlank()) {
            md.paragraph(cfg.description());
        }
        md.heading(2, "Setup");
        md.bullets(List.of("teacher: " + result.teacher().description(), result.count() + " initializations ("
                + cfg.init().scheme() + "), master seed " + cfg.seed(), "n ∈ " + e.n() + ", " + e.datasets()
                        + " data set(s) each, full-batch gradient descent on L_n, η = " + result.eta() + ", "
                        + e.maxSteps() + " steps, recorded every " + e.every(),
                "population: exact gradient descent with the same η and initializations"));
        md.heading(2, "Deviation");
        md.table(summary, Map.of("mean_max_phi_deviation", "%.4g", "sd_max_phi_deviation", "%.3g",
                "median_max_phi_deviation", "%.4g"));
        List<Long> unfit = e.n().stream().filter(x -> !fit.sizes().contains(x)).toList();
        md.paragraph(!fit.defined() ? "No fit: a slope needs a positive mean deviation at two sample sizes or "
                + "more; it is defined " + (fit.sizes().isEmpty() ? "at no sample size." : "at n = " + fit.sizes()
                        + " only.")
                : String.format(Locale.ROOT,
                "Fitted slope on log-log axes over n ∈ %s%s: %.3f (sampling noise of order n^-1/2 predicts -0.5).",
                fit.sizes(), unfit.isEmpty() ? "" : " (n = " + unfit + " left out: no finite, positive mean "
                        + "deviation)", fit.slope()));
        List<String> caveats = caveats();
        if (!caveats.isEmpty()) {
            md.heading(3, "Caveats");
            md.bullets(caveats);
        }
        md.heading(2, "Figures");
        md.image("phi", "phi_overlay.png");
        md.image("loss", "loss_overlay.png");
        md.image("deviation", "deviation.png");
        md.heading(2, "Files");
        md.fileBullets(List.of(
                "`trajectories.csv`: φ_t and losses, population rows with n = inf", "`deviation.csv`: the "
                + "maximal deviation per run and data set", "`summary.csv`, `summary.json`", "`config.yaml`, "
                        + "`provenance.json`"));
        md.write(ctx.folder().path("report.md"));
    }

    /** Records the run's divergence tally; the report's caveats: diverged runs, too few samples. */
    private List<String> caveats() {
        Sections.Empirical e = cfg.empirical();
        int count = result.count();
        long empiricalDiverged = result.passes().stream().flatMap(p -> p.deviations().stream())
                .filter(PairedTrajectoriesResult.Deviation::empiricalDiverged).count();
        long popDiverged = result.populationRuns().stream().filter(r -> r.outcome() == Outcome.DIVERGED).count();
        long pairs = (long) e.n().size() * e.datasets() * count;
        // per part: each kind of run is its own measurement (Divergence.record)
        Divergence.record(ctx, "empirical", empiricalDiverged, pairs);
        Divergence.record(ctx, "population", popDiverged, count);
        List<String> caveats = new ArrayList<>();
        String dl = Divergence.line(empiricalDiverged, pairs, "empirical runs", "counted in n_diverged and excluded "
                + "from the deviation statistics and the fit (their deviation is blank in deviation.csv)");
        String pl = Divergence.line(popDiverged, count, "population runs", "excluded with every empirical run of "
                + "the same initialization (counted in n_diverged)");
        for (String x : new String[] {dl, pl}) {
            if (x != null) {
                caveats.add(x);
            }
        }
        String few = EmpiricalSetup.fewSamplesCaveat(cfg, "L_n can be fitted exactly away from the teacher, and "
                + "the n^-1/2 picture of small sampling noise does not apply there.");
        if (few != null) {
            caveats.add(few);
        }
        return caveats;
    }

    private static <T> double[] col(List<T> pts, ToDoubleFunction<T> f) {
        double[] x = new double[pts.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = f.applyAsDouble(pts.get(i));
        }
        return x;
    }
}
