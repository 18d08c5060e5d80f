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
import org.nd4j.linalg.api.buffer.DataType;
import org.onecnn.experiment.CellStore;
import org.onecnn.experiment.ComputeContext;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.Divergence;
import org.onecnn.experiment.EmpiricalSetup;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.MemoryEstimate;
import org.onecnn.experiment.PopulationSetup;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.RunFolder;
import org.onecnn.experiment.Sections;
import org.onecnn.empirical.EmpiricalResult;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EnsembleTrainer;
import org.onecnn.empirical.data.Batches;
import org.onecnn.empirical.data.Dataset;
import org.onecnn.empirical.data.DatasetGenerator;
import org.onecnn.empirical.data.FreshBatches;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.Teacher;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.RunResult;
import org.onecnn.population.TrajectorySink;
import org.onecnn.report.Json;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Plots;
import org.onecnn.report.Table;
import org.onecnn.report.Wilson;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.Progress;

/**
 * Finite samples against the population (docs/experiments.md, sample-size): one teacher; the same
 * initializations run through the exact population engine and, for every sample size n and each of D
 * data sets, through empirical gradient descent on L_n. Outcomes pair by initialization.
 *
 * <p>Outputs: {@code population.csv} (the reference), {@code results.csv} (one row per n, data set and
 * initialization, with the population outcome beside the empirical one), {@code summary.csv/json}
 * (P(GLOBAL), P(SPURIOUS), P(other) per n with Wilson intervals, pooled, and their spread over data sets,
 * P(DIVERGED) apart from "other"; the population as n = inf; undefined values, such as a median over no SPURIOUS
 * run, blank in CSV and null in JSON), {@code per_dataset.csv}, {@code transitions.csv} (population outcome →
 * empirical outcome, per n), {@code spurious_position.csv} (π − φ and L_n at the SPURIOUS stationary points
 * per n, with the fitted log-log exponent), plots and {@code report.md}.
 */
public final class SampleSizeExperiment implements Experiment {
    @Override
    public String type() {
        return SampleSizeSpec.TYPE;
    }

    @Override
    public Class<SampleSizeSpec> specClass() {
        return SampleSizeSpec.class;
    }


    @Override
    public void validate(ConfigLoader.Loaded loaded) {
        if (loaded.cells().size() != 1) {
            throw new InvalidInputException("grid", "the sample-size experiment takes no grid (its sample sizes are "
                    + "empirical.n); remove the grid section");
        }
        SampleSizeSpec cfg = (SampleSizeSpec) loaded.config();
        if (cfg.train().algorithm() != org.onecnn.population.Algorithm.WN_GD) {
            throw new InvalidInputException("train.algorithm", "sample-size compares weight-normalised GD (wn-gd)");
        }
        if (cfg.init().signRestarts()) {
            throw new InvalidInputException("init.sign_restarts", "is not supported by sample-size; set it to false");
        }
        EmpiricalSetup.requireMeasurable(cfg);
        MemoryEstimate.empirical(cfg, false);
        PopulationSetup.validate(cfg, 0);
        InputDistribution.named(cfg.empirical().distribution());
        ComputeContext.check(cfg);
    }


    /** Sample size n, data set d is the cell {@code cells/n-<n>-d-<d>.csv}. */
    static CellStore.Key cellKey(SampleSizeSpec cfg, long n, int d) {
        return new CellStore.Key(String.format("n-%d-d-%d.csv", n, d), "n=" + n + ", dataset " + d, COLUMNS,
                cfg.init().count());
    }

    @Override
    public List<CellStore.Key> cellKeys(ConfigLoader.Loaded loaded) {
        SampleSizeSpec cfg = (SampleSizeSpec) loaded.config();
        List<CellStore.Key> keys = new ArrayList<>();
        for (long n : cfg.empirical().n()) {
            for (int d = 0; d < cfg.empirical().datasets(); d++) {
                keys.add(cellKey(cfg, n, d));
            }
        }
        return keys;
    }

    static final List<String> COLUMNS = List.of("n", "dataset", "run", "seed", "population_outcome", "outcome",
            "stop_reason", "iterations", "phi", "pi_minus_phi", "loss_n", "population_loss", "grad_norm",
            "dist_teacher", "norm_v");

    @Override
    public void execute(RunContext ctx) throws IOException {
        SampleSizeSpec cfg = (SampleSizeSpec) ctx.config();
        Sections.Empirical e = cfg.empirical();
        Teacher teacher = PopulationSetup.teacher(cfg);
        int count = cfg.init().count();
        List<InitialPoint> inits = PopulationSetup.inits(cfg, teacher, 0, 0, count);

        // 1. the exact population reference on the same initializations
        List<RunResult> pop = cfg.train().newEngine().run(PopulationSetup.job(cfg, teacher, inits,
                PopulationSetup.eta(cfg, teacher, inits.get(0)), RecordPlan.NONE), TrajectorySink.NONE);
        Table.Builder pb = Table.builder("run", "seed", "outcome", "stop_reason", "iterations", "phi", "loss");
        for (RunResult r : pop) {
            pb.row(r.index(), r.seed(), r.outcome().name(), r.reason().name(), r.iterations(), r.phi(), r.loss());
        }
        pb.build().writeCsv(ctx.folder().path("population.csv"));

        // 2. every (n, data set) not done yet
        ComputeContext cc = ComputeContext.open(cfg);
        ctx.provenance().put("backend", cc.describe());
        DataType type = cc.dataType();
        EmpiricalSpec spec = cc.spec(count);
        InputDistribution dist = InputDistribution.named(e.distribution());
        boolean gaussian = e.distribution().equals("gaussian");
        long todo = 0;
        for (long n : e.n()) {
            for (int d = 0; d < e.datasets(); d++) {
                if (!ctx.store().done(cellKey(cfg, n, d))) {
                    todo++;
                }
            }
        }
        // progress in student-steps of the budget: a data set of n = 10⁵ takes minutes, so counting data sets
        // showed 0/N for most of a run
        try (Progress progress = Progress.start(cfg.name(), todo * count * e.maxSteps(), "student-steps",
                ctx.quiet())) {
            for (long n : e.n()) {
                for (int d = 0; d < e.datasets(); d++) {
                    CellStore.Key key = cellKey(cfg, n, d);
                    if (ctx.store().done(key)) {
                        continue;
                    }
                    long seed = EmpiricalSetup.dataSeed(cfg, n, d);
                    List<EmpiricalResult> res;
                    EnsembleTrainer trainer = new EnsembleTrainer(spec, teacher, gaussian);
                    if (e.regime() == org.onecnn.empirical.Regime.ONLINE) {
                        FreshBatches fresh = Batches.fresh(cfg.model().architecture(), teacher, e.leakySlope(), dist,
                                e.noise(), seed, e.batchSize(), type);
                        res = trainer.train(inits, null, null, (step, size) -> {
                            Dataset b = fresh.apply(step);
                            return new org.nd4j.linalg.api.ndarray.INDArray[] {b.features(), b.labels()};
                        }, RecordPlan.NONE, EnsembleTrainer.Sink.NONE, progress::step);
                    } else {
                        Dataset data = DatasetGenerator.generate(cfg.model().architecture(), teacher, e.leakySlope(),
                                dist, n, e.noise(), seed, type);
                        res = trainer.train(inits, data.features(), data.labels(), null, RecordPlan.NONE,
                                EnsembleTrainer.Sink.NONE, progress::step);
                    }
                    Table.Builder b = Table.builder(COLUMNS);
                    for (EmpiricalResult r : res) {
                        b.row(n, d, r.index(), r.seed(), pop.get(r.index()).outcome().name(), r.outcome().name(),
                                r.reason().name(), r.iterations(), r.phi(), Math.PI - r.phi(), r.lossN(),
                                r.populationLoss(), r.gradNorm(), r.distTeacher(), r.normV());
                    }
                    ctx.store().write(key, b.build().toCsv());
                }
            }
        }
        assemble(ctx, pop);
    }

    private void assemble(RunContext ctx, List<RunResult> pop) throws IOException {
        SampleSizeSpec cfg = (SampleSizeSpec) ctx.config();
        Sections.Empirical e = cfg.empirical();
        StringBuilder all = new StringBuilder();
        List<Table> tables = new ArrayList<>();
        for (long n : e.n()) {
            for (int d = 0; d < e.datasets(); d++) {
                String text = ctx.store().read(cellKey(cfg, n, d));
                all.append(all.length() == 0 ? text : text.substring(text.indexOf('\n') + 1));
                tables.add(Table.parseCsv(text));
            }
        }
        RunFolder.writeAtomically(ctx.folder().path("results.csv"), all.toString());
        Table results = Table.parseCsv(all.toString());

        // summary: the population, then each n (pooled over data sets, with the spread over data sets)
        List<String> cols = List.of("n", "n_runs", "p_global", "p_global_lo", "p_global_hi", "p_spurious",
                "p_spurious_lo", "p_spurious_hi", "p_other", "p_other_lo", "p_other_hi", "p_not_converged",
                "p_diverged", "p_global_dataset_min", "p_global_dataset_max", "p_spurious_dataset_min",
                "p_spurious_dataset_max",
                "spurious_pi_minus_phi_median", "spurious_loss_n_median", "spurious_population_loss_median");
        Table.Builder sb = Table.builder(cols);
        int[] pc = counts(pop.stream().map(r -> r.outcome().name()).toList());
        sb.row(summaryRow("inf", pc, pop.size(), null, null, Double.NaN, Double.NaN, Double.NaN));
        Table.Builder per = Table.builder("n", "dataset", "n_runs", "p_global", "p_spurious", "p_other", "p_diverged");
        Table.Builder pos = Table.builder("n", "count", "pi_minus_phi_median", "pi_minus_phi_min", "pi_minus_phi_max",
                "loss_n_median", "population_loss_median");
        Table.Builder tr = Table.builder("n", "population_outcome", "empirical_outcome", "count");
        List<double[]> fitPoints = new ArrayList<>();
        List<Long> fitSizes = new ArrayList<>();
        List<Long> measuredSizes = new ArrayList<>();
        long empiricalRuns = 0;
        long empiricalDiverged = 0;
        Map<Long, double[]> probs = new LinkedHashMap<>();
        for (long n : e.n()) {
            List<String> outs = new ArrayList<>();
            List<Double> gapSp = new ArrayList<>();
            List<Double> lossSp = new ArrayList<>();
            List<Double> popSp = new ArrayList<>();
            double[] gMin = {1, 1};
            double[] gMax = {0, 0};
            Map<String, Integer> trans = new LinkedHashMap<>();
            for (int d = 0; d < e.datasets(); d++) {
                Table t = tables.get(index(e, n, d));
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
                int[] c = counts(o);
                double pg = c[0] / (double) o.size();
                double ps = c[1] / (double) o.size();
                gMin[0] = Math.min(gMin[0], pg);
                gMax[0] = Math.max(gMax[0], pg);
                gMin[1] = Math.min(gMin[1], ps);
                gMax[1] = Math.max(gMax[1], ps);
                double pd = c[4] / (double) o.size();
                per.row(n, d, o.size(), pg, ps, c[2] / (double) o.size(), pd);
            }
            int[] c = counts(outs);
            empiricalRuns += outs.size();
            empiricalDiverged += c[4];
            if (c[4] < outs.size()) {
                measuredSizes.add(n);
            }
            double medGap = median(gapSp);
            sb.row(summaryRow(Long.toString(n), c, outs.size(), gMin, gMax, medGap, median(lossSp), median(popSp)));
            probs.put(n, new double[] {c[0] / (double) outs.size(), c[1] / (double) outs.size()});
            if (!gapSp.isEmpty()) {
                pos.row(n, gapSp.size(), medGap, gapSp.stream().mapToDouble(x -> x).min().orElse(Double.NaN),
                        gapSp.stream().mapToDouble(x -> x).max().orElse(Double.NaN), median(lossSp), median(popSp));
                fitPoints.add(new double[] {Math.log(n), Math.log(medGap)});
                fitSizes.add(n);
            }
            for (Outcome po : Outcome.values()) {
                for (Outcome eo : Outcome.values()) {
                    Integer k = trans.get(po.name() + ">" + eo.name());
                    if (k != null) {
                        tr.row(n, po.name(), eo.name(), k);
                    }
                }
            }
        }
        Table summary = sb.build();
        summary.writeCsv(ctx.folder().path("summary.csv"));
        per.build().writeCsv(ctx.folder().path("per_dataset.csv"));
        Table position = pos.build();
        position.writeCsv(ctx.folder().path("spurious_position.csv"));
        Table transitions = tr.build();
        transitions.writeCsv(ctx.folder().path("transitions.csv"));
        double[] fit = fitPoints.size() >= 2 ? ols(fitPoints) : new double[] {Double.NaN, Double.NaN};

        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("teacher", PopulationSetup.teacher(cfg).description());
        js.put("initializations", pop.size());
        js.put("datasets_per_n", e.datasets());
        js.put("regime", e.regime());
        js.put("interval", "Wilson score, 95%");
        Map<String, Object> fitJson = new LinkedHashMap<>(); // not Map.of: its order changes from run to run
        fitJson.put("slope", fit[0]);
        fitJson.put("intercept", fit[1]);
        fitJson.put("model", "log(median(pi - phi)) = intercept + slope * log(n)");
        js.put("spurious_position_fit", fitJson);
        js.put("summary", new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.tableToJson(summary))
                .get("rows"));
        Json.write(ctx.folder().path("summary.json"), js);

        // plots
        Path dir = ctx.folder().dir();
        XYChart pc1 = Plots.line("Outcome probabilities against the sample size", "n (samples)", "probability", true,
                false);
        double[] xs = e.n().stream().mapToDouble(Long::doubleValue).toArray();
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
        if (empiricalDiverged > 0) {
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
        List<String> figures = new ArrayList<>(List.of("probability_vs_n"));
        if (position.size() > 0) {
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
            if (!Double.isNaN(fit[0])) {
                double[] fy = new double[px.length];
                for (int i = 0; i < px.length; i++) {
                    fy[i] = Math.exp(fit[1] + fit[0] * Math.log(px[i]));
                }
                Plots.addSeries(sp, String.format(Locale.ROOT, "fit: ∝ n^%.2f", fit[0]), px, fy);
            }
            Plots.save(sp, dir, "spurious_position");
            figures.add("spurious_position");
        }
        // transitions as stacked bars: for each n and population outcome, the empirical outcomes
        List<String> cats = new ArrayList<>();
        LinkedHashMap<String, double[]> series = new LinkedHashMap<>();
        List<String> popOutcomes = List.of("GLOBAL", "SPURIOUS", "NOT_CONVERGED");
        for (long n : e.n()) {
            for (String po : popOutcomes) {
                cats.add("n=" + n + " | " + po.toLowerCase(Locale.ROOT));
            }
        }
        for (Outcome eo : Outcome.values()) {
            double[] v = new double[cats.size()];
            int i = 0;
            for (long n : e.n()) {
                for (String po : popOutcomes) {
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
                    v[i++] = tot == 0 ? 0 : k / tot;
                }
            }
            series.put(eo.name(), v);
        }
        CategoryChart tc = Plots.bars("Population outcome → empirical outcome (same initialization)",
                "n | population outcome", "fraction", cats, series, true);
        Plots.save(tc, dir, "transitions");
        figures.add("transitions");

        // report
        MarkdownReport md = MarkdownReport.titled(cfg.name());
        if (!cfg.description().isBlank()) {
            md.paragraph(cfg.description());
        }
        md.heading(2, "Setup");
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
        md.bullets(setup);
        md.heading(2, "Outcome probabilities");
        md.table(summary, Map.of("p_global", "%.3f", "p_global_lo", "%.3f", "p_global_hi", "%.3f", "p_spurious", "%.3f",
                "p_spurious_lo", "%.3f", "p_spurious_hi", "%.3f", "p_other", "%.3f", "p_other_lo", "%.3f", "p_other_hi",
                "%.3f", "spurious_pi_minus_phi_median", "%.4g"));
        md.paragraph("Row n = inf is the exact population dynamics on the same initializations. Intervals: Wilson 95%, "
                + "pooled over data sets; the dataset min/max columns show the spread between data sets (also "
                + "`per_dataset.csv`). p_other counts OTHER and NOT_CONVERGED runs; p_diverged the runs whose "
                + "iterates became non-finite. A blank or – is undefined (a median over no SPURIOUS run).");
        List<String> caveats = new ArrayList<>();
        String dl = Divergence.line(empiricalDiverged, empiricalRuns, "empirical runs", "counted in p_diverged (not "
                + "p_other) and excluded from the spurious-position medians and fit");
        String pl = Divergence.line(pc[4], pop.size(), "population runs", "counted in p_diverged of row n = inf");
        Divergence.record(ctx, empiricalDiverged + pc[4], empiricalRuns + pop.size());
        for (String x : new String[] {dl, pl}) {
            if (x != null) {
                caveats.add(x);
            }
        }
        if (measuredSizes.isEmpty()) {
            caveats.add("Every empirical run diverged: the probabilities above measure nothing but the divergence; "
                    + "lower empirical.eta.");
        }
        String few = EmpiricalSetup.fewSamplesCaveat(cfg, "L_n can then be fitted exactly away from the teacher, "
                + "so at these sizes GLOBAL (cos φ > 0 and L_n ≤ loss_tol) need not mean that the teacher was found.");
        if (few != null) {
            caveats.add(few);
        }
        if (!caveats.isEmpty()) {
            md.heading(3, "Caveats");
            md.bullets(caveats);
        }
        int last = summary.size() - 1;
        md.paragraph(String.format(Locale.ROOT, "At the largest n (%s) P(SPURIOUS) = %.3f [%.3f, %.3f] against %.3f in the "
                + "population; P(GLOBAL) = %.3f [%.3f, %.3f] against %.3f.", summary.getString(last, "n"),
                summary.getDouble(last, "p_spurious"), summary.getDouble(last, "p_spurious_lo"),
                summary.getDouble(last, "p_spurious_hi"), summary.getDouble(0, "p_spurious"),
                summary.getDouble(last, "p_global"), summary.getDouble(last, "p_global_lo"),
                summary.getDouble(last, "p_global_hi"), summary.getDouble(0, "p_global")));
        md.heading(2, "Transitions (population outcome → empirical outcome)");
        md.table(transitions, Map.of());
        md.heading(2, "The empirical spurious minimum");
        if (position.size() > 0) {
            md.table(position, Map.of("pi_minus_phi_median", "%.4g", "pi_minus_phi_min", "%.4g", "pi_minus_phi_max",
                    "%.4g", "loss_n_median", "%.4g", "population_loss_median", "%.4g"));
            // the fit uses only sample sizes with SPURIOUS points, never one where nothing converged there
            List<Long> without = e.n().stream().filter(x -> !fitSizes.contains(x)).toList();
            md.paragraph(Double.isNaN(fit[0]) ? "No fit: only n = " + fitSizes + " has runs at an empirical spurious "
                    + "minimum, and a slope needs at least two sample sizes."
                    : String.format(Locale.ROOT, "Fitted on log-log axes over n ∈ %s%s: median(π − φ) ∝ n^%.3f. The "
                            + "population restoring force near φ = π vanishes like (π − φ)², so sampling noise of "
                            + "order n^−1/2 moves the minimum by much more than n^−1/2 (docs/outcomes.md).", fitSizes,
                            without.isEmpty() ? "" : " (n = " + without + " had no SPURIOUS run and is left out)",
                            fit[0]));
        } else {
            md.paragraph("No run ended at an empirical spurious minimum.");
        }
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

    private static int index(Sections.Empirical e, long n, int d) {
        return e.n().indexOf(n) * e.datasets() + d;
    }

    /**
     * Counts of GLOBAL, SPURIOUS, other (OTHER and NOT_CONVERGED), NOT_CONVERGED, DIVERGED: a diverged run is a
     * class of its own, not "other" (it is no stationary point and no budget run-out, but a step too large).
     */
    static int[] counts(List<String> outcomes) {
        int[] c = new int[5];
        for (String o : outcomes) {
            switch (o) {
                case "GLOBAL" -> c[0]++;
                case "SPURIOUS" -> c[1]++;
                case "DIVERGED" -> c[4]++;
                default -> c[2]++;
            }
            if (o.equals("NOT_CONVERGED")) {
                c[3]++;
            }
        }
        return c;
    }

    private static Object[] summaryRow(String n, int[] c, int total, double[] gMin, double[] gMax, double gap,
            double loss, double popLoss) {
        Wilson.Interval g = Wilson.of(c[0], total, 0.95);
        Wilson.Interval s = Wilson.of(c[1], total, 0.95);
        Wilson.Interval o = Wilson.of(c[2], total, 0.95);
        return new Object[] {n, total, g.estimate(), g.lower(), g.upper(), s.estimate(), s.lower(), s.upper(),
            o.estimate(), o.lower(), o.upper(), c[3] / (double) total, c[4] / (double) total,
            gMin == null ? Double.NaN : gMin[0],
            gMax == null ? Double.NaN : gMax[0], gMin == null ? Double.NaN : gMin[1],
            gMax == null ? Double.NaN : gMax[1], gap, loss, popLoss};
    }

    public static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : 0.5 * (a[a.length / 2 - 1] + a[a.length / 2]);
    }

    /** Least squares {@code y = b + m x}: {slope m, intercept b}. */
    public static double[] ols(List<double[]> pts) {
        double mx = 0;
        double my = 0;
        for (double[] p : pts) {
            mx += p[0];
            my += p[1];
        }
        mx /= pts.size();
        my /= pts.size();
        double sxy = 0;
        double sxx = 0;
        for (double[] p : pts) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        double m = sxy / sxx;
        return new double[] {m, my - m * mx};
    }
}
