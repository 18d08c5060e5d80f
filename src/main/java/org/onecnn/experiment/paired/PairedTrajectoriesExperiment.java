package org.onecnn.experiment.paired;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.onecnn.experiment.ComputeContext;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.Divergence;
import org.onecnn.experiment.EmpiricalSetup;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.MemoryEstimate;
import org.onecnn.experiment.PopulationSetup;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.samplesize.SampleSizeExperiment;
import org.onecnn.experiment.Sections;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EnsembleTrainer;
import org.onecnn.empirical.data.Dataset;
import org.onecnn.empirical.data.DatasetGenerator;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.Teacher;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.PopulationJob;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.StopSpec;
import org.onecnn.report.Json;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Plots;
import org.onecnn.report.Table;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.Progress;

/**
 * How far finite samples move the dynamics (docs/experiments.md, paired-trajectories): the same
 * initializations under exact population gradient descent and under empirical gradient descent on L_n
 * for several n, all for the whole budget ({@code empirical.max_steps}, no early stop), recorded every
 * {@code empirical.every} steps. The deviation {@code max_t |φ_t(n) − φ_t(∞)|} is averaged over
 * initializations and data sets per n and fitted on log-log axes; sampling noise of order n^−1/2 in the
 * gradient predicts a slope near −1/2. A pair whose population or empirical iterates became non-finite has no
 * deviation: it is counted in {@code n_diverged} and left out of the statistics and the fit.
 */
public final class PairedTrajectoriesExperiment implements Experiment {
    @Override
    public String type() {
        return PairedTrajectoriesSpec.TYPE;
    }

    @Override
    public Class<PairedTrajectoriesSpec> specClass() {
        return PairedTrajectoriesSpec.class;
    }


    @Override
    public void validate(ConfigLoader.Loaded loaded) {
        if (loaded.cells().size() != 1) {
            throw new InvalidInputException("grid", "paired-trajectories takes no grid; remove the grid section");
        }
        PairedTrajectoriesSpec cfg = (PairedTrajectoriesSpec) loaded.config();
        if (!cfg.empirical().regime().equals("full-batch")) {
            throw new InvalidInputException("empirical.regime", "paired-trajectories compares full-batch gradient "
                    + "descent with the population; use full-batch");
        }
        if (!cfg.empirical().distribution().equals("gaussian")) {
            throw new InvalidInputException("empirical.distribution", "the population reference is exact for Gaussian "
                    + "inputs only; use gaussian");
        }
        MemoryEstimate.empirical(cfg, true);
        PopulationSetup.validate(cfg, 0);
        ComputeContext.check(cfg);
    }


    @Override
    public void execute(RunContext ctx) throws IOException {
        PairedTrajectoriesSpec cfg = (PairedTrajectoriesSpec) ctx.config();
        Sections.Empirical e = cfg.empirical();
        Teacher teacher = PopulationSetup.teacher(cfg);
        int count = cfg.init().count();
        List<InitialPoint> inits = PopulationSetup.inits(cfg, teacher, 0, 0, count);
        long steps = e.maxSteps();
        long every = e.every();
        int[] all = new int[count];
        for (int i = 0; i < count; i++) {
            all[i] = i;
        }
        ComputeContext cc = ComputeContext.open(cfg);
        ctx.provenance().put("backend", cc.describe());
        EmpiricalSpec base = cc.spec(count);
        // no early stop: a gradient tolerance of 0 is never reached, so every run goes the whole budget
        EmpiricalSpec spec = new EmpiricalSpec(base.arch(), base.leakySlope(), base.dataType(), base.eta(),
                base.regime(), base.batchSize(), steps, base.checkEvery(), 0, base.lossTol(), base.studentChunk(),
                base.sampleChunk(), base.reductionBlock(), base.seed());

        // population: φ_t at t = 0, every, 2·every, ... (the reduced engine, whole budget)
        Map<Integer, List<double[]>> pop = new LinkedHashMap<>();
        PopulationJob job = new PopulationJob(teacher, inits, spec.eta(), StopSpec.fixed(steps),
                cfg.classify().toClassifier(), RecordPlan.of(all, every, new long[] {steps}));
        List<org.onecnn.population.RunResult> popRes = PopulationEngine.named(cfg.train().engine()).run(job,
                (run, step, phi, loss, da, sg, g) ->
                pop.computeIfAbsent(run, r -> new ArrayList<>()).add(new double[] {step, phi, loss}));

        Table.Builder tb = Table.builder("n", "dataset", "run", "step", "phi", "loss", "population_loss");
        for (int run = 0; run < count; run++) {
            for (double[] p : pop.get(run)) {
                tb.row("inf", -1, run, (long) p[0], p[1], p[2], p[2]);
            }
        }
        Table.Builder db = Table.builder("n", "dataset", "run", "max_phi_deviation");
        Map<Long, List<Double>> devs = new LinkedHashMap<>();
        // pairs whose population or empirical iterates became non-finite: their deviation is undefined
        Map<Long, Integer> divergedPairs = new LinkedHashMap<>();
        long empiricalDiverged = 0;
        long popDiverged = popRes.stream().filter(r -> r.outcome() == Outcome.DIVERGED).count();
        Map<Long, List<double[]>> firstRun = new LinkedHashMap<>();
        InputDistribution dist = InputDistribution.named("gaussian");
        try (Progress progress = Progress.start(cfg.name(), (long) e.n().size() * e.datasets() * count * steps,
                "student-steps", ctx.quiet())) {
            for (long n : e.n()) {
                for (int d = 0; d < e.datasets(); d++) {
                    Dataset data = DatasetGenerator.generate(cfg.model().architecture(), teacher, e.leakySlope(), dist,
                            n, e.noise(), EmpiricalSetup.dataSeed(cfg, n, d), cc.dataType());
                    Map<Integer, List<double[]>> emp = new LinkedHashMap<>();
                    List<org.onecnn.empirical.EmpiricalResult> empRes = new EnsembleTrainer(spec, teacher, true).train(
                            inits, data.features(), data.labels(), null, RecordPlan.of(all, every, new long[] {steps}),
                            (run, step, phi, ln, lp, g) -> emp.computeIfAbsent(run, r -> new ArrayList<>()).add(
                                    new double[] {step, phi, ln, lp}), progress::step);
                    for (int run = 0; run < count; run++) {
                        List<double[]> pe = emp.get(run);
                        List<double[]> pp = pop.get(run);
                        double dev = 0;
                        for (int i = 0; i < Math.min(pe.size(), pp.size()); i++) {
                            dev = Math.max(dev, Math.abs(pe.get(i)[1] - pp.get(i)[1]));
                            tb.row(Long.toString(n), d, run, (long) pe.get(i)[0], pe.get(i)[1], pe.get(i)[2],
                                    pe.get(i)[3]);
                        }
                        boolean empDiverged = empRes.get(run).outcome() == Outcome.DIVERGED;
                        empiricalDiverged += empDiverged ? 1 : 0;
                        devs.computeIfAbsent(n, x -> new ArrayList<>());
                        if (empDiverged || popRes.get(run).outcome() == Outcome.DIVERGED) {
                            db.row(n, d, run, Double.NaN);
                            divergedPairs.merge(n, 1, Integer::sum);
                        } else {
                            db.row(n, d, run, dev);
                            devs.get(n).add(dev);
                        }
                        if (run == 0 && d == 0) {
                            firstRun.put(n, pe);
                        }
                    }
                }
            }
        }
        tb.build().writeCsv(ctx.folder().path("trajectories.csv"));
        db.build().writeCsv(ctx.folder().path("deviation.csv"));

        Table.Builder sb = Table.builder("n", "runs", "n_diverged", "mean_max_phi_deviation", "sd_max_phi_deviation",
                "median_max_phi_deviation");
        List<double[]> fitPts = new ArrayList<>();
        List<Long> fitSizes = new ArrayList<>();
        for (Map.Entry<Long, List<Double>> en : devs.entrySet()) {
            List<Double> v = en.getValue();
            int nd = divergedPairs.getOrDefault(en.getKey(), 0);
            // over the pairs that stayed finite; undefined (NaN, written blank/null) when none did
            double mean = v.stream().mapToDouble(x -> x).average().orElse(Double.NaN);
            double sd = v.size() < 2 ? Double.NaN
                    : Math.sqrt(v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / (v.size() - 1));
            double med = SampleSizeExperiment.median(v);
            sb.row(en.getKey(), v.size() + nd, nd, mean, sd, med);
            if (mean > 0) {
                fitPts.add(new double[] {Math.log(en.getKey()), Math.log(mean)});
                fitSizes.add(en.getKey());
            }
        }
        Table summary = sb.build();
        summary.writeCsv(ctx.folder().path("summary.csv"));
        double[] fit = fitPts.size() >= 2 ? SampleSizeExperiment.ols(fitPts) : new double[] {Double.NaN, Double.NaN};
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("teacher", teacher.description());
        js.put("initializations", count);
        Map<String, Object> fitJson = new LinkedHashMap<>(); // not Map.of: its order changes from run to run
        fitJson.put("slope", fit[0]);
        fitJson.put("intercept", fit[1]);
        fitJson.put("model", "log(mean max_t |phi_t(n) - phi_t(inf)|) = intercept + slope * log(n)");
        fitJson.put("expected_slope", -0.5);
        js.put("fit", fitJson);
        js.put("summary", new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.tableToJson(summary))
                .get("rows"));
        Json.write(ctx.folder().path("summary.json"), js);

        // plots: φ_t and the loss of run 0 for every n beside the population; the deviation against n
        XYChart phiPlot = Plots.line("φ_t of initialization 0 (data set 0)", "iteration", "φ (radians)", false, false);
        XYChart lossPlot = Plots.line("Loss of initialization 0 (log scale)", "iteration", "loss", false, true);
        List<double[]> p0 = pop.get(0);
        Plots.addSeries(phiPlot, "population", col(p0, 0), col(p0, 1));
        Plots.addSeries(lossPlot, "population L", col(p0, 0), col(p0, 2));
        for (Map.Entry<Long, List<double[]>> en : firstRun.entrySet()) {
            Plots.addSeries(phiPlot, "n = " + en.getKey(), col(en.getValue(), 0), col(en.getValue(), 1));
            Plots.addSeries(lossPlot, "n = " + en.getKey() + ": L_n", col(en.getValue(), 0), col(en.getValue(), 2));
        }
        Plots.save(phiPlot, ctx.folder().dir(), "phi_overlay");
        Plots.save(lossPlot, ctx.folder().dir(), "loss_overlay");
        XYChart dp = Plots.line("Deviation from the population trajectory", "n (samples)", "max_t |φ_t(n) − φ_t(∞)|",
                true, true);
        double[] xs = new double[summary.size()];
        double[] ys = new double[summary.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = summary.getDouble(i, "n");
            ys[i] = summary.getDouble(i, "mean_max_phi_deviation");
        }
        Plots.addSeries(dp, "mean over runs", xs, ys);
        if (!Double.isNaN(fit[0])) {
            double[] fy = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                fy[i] = Math.exp(fit[1] + fit[0] * Math.log(xs[i]));
            }
            Plots.addSeries(dp, String.format(Locale.ROOT, "fit: ∝ n^%.2f", fit[0]), xs, fy);
        }
        Plots.save(dp, ctx.folder().dir(), "deviation");

        MarkdownReport md = MarkdownReport.titled(cfg.name());
        if (!cfg.description().isBlank()) {
            md.paragraph(cfg.description());
        }
        md.heading(2, "Setup");
        md.bullets(List.of("teacher: " + teacher.description(), count + " initializations (" + cfg.init().scheme()
                + "), master seed " + cfg.seed(), "n ∈ " + e.n() + ", " + e.datasets() + " data set(s) each, full-batch "
                        + "gradient descent on L_n, η = " + spec.eta() + ", " + steps + " steps, recorded every " + every,
                "population: exact gradient descent with the same η and initializations"));
        md.heading(2, "Deviation");
        md.table(summary, Map.of("mean_max_phi_deviation", "%.4g", "sd_max_phi_deviation", "%.3g",
                "median_max_phi_deviation", "%.4g"));
        List<Long> unfit = e.n().stream().filter(x -> !fitSizes.contains(x)).toList();
        md.paragraph(Double.isNaN(fit[0]) ? "No fit: a slope needs a positive mean deviation at two sample sizes or "
                + "more; it is defined " + (fitSizes.isEmpty() ? "at no sample size." : "at n = " + fitSizes + " only.")
                : String.format(Locale.ROOT,
                "Fitted slope on log-log axes over n ∈ %s%s: %.3f (sampling noise of order n^-1/2 predicts -0.5).",
                fitSizes, unfit.isEmpty() ? "" : " (n = " + unfit + " left out: no finite, positive mean deviation)",
                fit[0]));
        List<String> caveats = new ArrayList<>();
        long pairs = (long) e.n().size() * e.datasets() * count;
        Divergence.record(ctx, empiricalDiverged + popDiverged, pairs + count);
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
        if (!caveats.isEmpty()) {
            md.heading(3, "Caveats");
            md.bullets(caveats);
        }
        md.heading(2, "Figures");
        md.image("phi", "phi_overlay.png");
        md.image("loss", "loss_overlay.png");
        md.image("deviation", "deviation.png");
        md.heading(2, "Files");
        md.bullets(List.of("`trajectories.csv`: φ_t and losses, population rows with n = inf", "`deviation.csv`: the "
                + "maximal deviation per run and data set", "`summary.csv`, `summary.json`", "`config.yaml`, "
                        + "`provenance.json`"));
        md.write(ctx.folder().path("report.md"));
    }

    private static double[] col(List<double[]> pts, int c) {
        double[] x = new double[pts.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = pts.get(i)[c];
        }
        return x;
    }
}
