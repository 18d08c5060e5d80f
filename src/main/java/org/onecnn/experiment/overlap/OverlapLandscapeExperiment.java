package org.onecnn.experiment.overlap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.knowm.xchart.XYChart;
import org.onecnn.util.MemoryBudget;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.ConvotronCells;
import org.onecnn.experiment.Divergence;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.MemoryEstimate;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.Sections;
import org.onecnn.algorithms.DoubleConvotron;
import org.onecnn.model.Architecture;
import org.onecnn.model.DuInitialization;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.Teacher;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.PopulationJob;
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
import org.onecnn.util.Seeds;

/**
 * Weight-normalised gradient descent on overlapping patches (docs/experiments.md, overlap-landscape): for a
 * fixed input size d and filter size p, strides from p (no overlap) down to ⌊p/2⌋+1, the probability that
 * Algorithm 1 on the exact overlapping population loss (docs/model.md §4) reaches the global minimum from Du et
 * al.'s random initialization, beside Double Convotron's success rate on the same teachers
 * (w*, a* ~ N(0, I); teacher t has the same seed at every stride).
 *
 * <p>With overlap the non-global minima leave φ = π, so the outcome rule counts a stationary point with
 * φ > π/2 as SPURIOUS at any angle ({@code classify.spurious_any_angle}).
 */
public final class OverlapLandscapeExperiment implements Experiment {
    @Override
    public String type() {
        return OverlapLandscapeSpec.TYPE;
    }

    @Override
    public Class<OverlapLandscapeSpec> specClass() {
        return OverlapLandscapeSpec.class;
    }


    @Override
    public void validate(ConfigLoader.Loaded loaded) {
        if (loaded.cells().size() != 1) {
            throw new InvalidInputException("grid", "overlap-landscape takes no grid (strides are convotron.strides)");
        }
        OverlapLandscapeSpec cfg = (OverlapLandscapeSpec) loaded.config();
        if (!cfg.train().algorithm().equals("wn-gd") || !cfg.train().engine().equals("full")) {
            throw new InvalidInputException("train.engine", "overlap-landscape runs Algorithm 1 (wn-gd) on the full "
                    + "engine (the exact overlapping loss); set train.algorithm: wn-gd, train.engine: full");
        }
        if (!cfg.init().scheme().equals("du")) {
            throw new InvalidInputException("init.scheme", "overlap-landscape draws Du et al. initializations (du)");
        }
        for (int s : cfg.convotron().stridesFor(cfg.model().p())) {
            ConvotronCells.architecture(cfg, s);
        }
        estimateMemory(cfg, cfg.convotron().stridesFor(cfg.model().p()));
        MemoryEstimate.convotron(cfg, cfg.convotron().stridesFor(cfg.model().p()).size()
                * cfg.convotron().distributions().size());
        ConvotronCells.cells(cfg, cfg.convotron().stridesFor(cfg.model().p()), cfg.convotron().distributions());
    }

    @Override
    public Map<String, Object> backend() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", "exact overlapping population dynamics (docs/model.md §4), CPU, double precision; Double Convotron "
                + "with fresh samples");
        return m;
    }

    private record Task(int stride, int teacher, Teacher t, List<InitialPoint> inits) {
    }

    @Override
    public void execute(RunContext ctx) throws IOException, InterruptedException {
        OverlapLandscapeSpec cfg = (OverlapLandscapeSpec) ctx.config();
        Sections.ConvotronCfg c = cfg.convotron();
        List<Integer> strides = c.stridesFor(cfg.model().p());
        List<Task> tasks = new ArrayList<>();
        for (int s : strides) {
            Architecture arch = ConvotronCells.architecture(cfg, s);
            for (int t = 0; t < c.teachers(); t++) {
                Teacher teacher = DoubleConvotron.Problem.gaussian(arch, ConvotronCells.teacherSeed(cfg, t)).teacher();
                List<InitialPoint> in = new ArrayList<>();
                for (int i = 0; i < cfg.init().count(); i++) {
                    in.add(DuInitialization.draw(teacher, Seeds.derive(cfg.seed(), "init", s, t, i)));
                }
                tasks.add(new Task(s, t, teacher, in));
            }
        }
        List<ConvotronCells.Cell> dcCells = ConvotronCells.cells(cfg, strides, c.distributions());
        List<List<RunResult>> pop = new ArrayList<>();
        List<List<DoubleConvotron.Result>> dc;
        // two phases, each in units of equal cost: population runs, then Double Convotron run-steps
        try (Progress progress = Progress.start(cfg.name() + " (population)", (long) tasks.size() * cfg.init().count(),
                "runs", ctx.quiet())) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, ctx.threads()));
            try {
                List<Future<List<RunResult>>> fs = new ArrayList<>();
                for (Task task : tasks) {
                    fs.add(pool.submit(() -> {
                        Architecture arch = ConvotronCells.architecture(cfg, task.stride());
                        PopulationJob job = new PopulationJob(task.t(), task.inits(), cfg.train().eta().value(),
                                cfg.stop().toSpec(), cfg.classify().toClassifier(), RecordPlan.NONE, arch);
                        List<RunResult> r = PopulationEngine.named("full").run(job, TrajectorySink.NONE);
                        progress.step(r.size());
                        return r;
                    }));
                }
                for (Future<List<RunResult>> f : fs) {
                    pop.add(f.get());
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        try (Progress progress = Progress.start(cfg.name() + " (Double Convotron)", ConvotronCells.runSteps(dcCells),
                "run-steps", ctx.quiet())) {
            dc = ConvotronCells.run(dcCells, ctx.threads(), progress);
        }

        Table.Builder rb = Table.builder("stride", "k", "teacher", "run", "seed", "outcome", "stop_reason", "iterations",
                "phi", "loss", "grad_norm");
        for (int i = 0; i < tasks.size(); i++) {
            Task task = tasks.get(i);
            for (RunResult r : pop.get(i)) {
                rb.row(task.stride(), task.t().k(), task.teacher(), r.index(), r.seed(), r.outcome().name(),
                        r.reason().name(), r.iterations(), r.phi(), r.loss(), r.gradNorm());
            }
        }
        rb.build().writeCsv(ctx.folder().path("results.csv"));
        Table.Builder db = Table.builder("stride", "distribution", "teacher", "seed", "stage1_angle", "chosen_sign",
                "test_rel_chosen", "success", "diverged");
        long dcDiverged = 0;
        for (int ci = 0; ci < dcCells.size(); ci++) {
            ConvotronCells.Cell cell = dcCells.get(ci);
            for (int t = 0; t < cell.problems().size(); t++) {
                DoubleConvotron.Result r = dc.get(ci).get(t);
                double err = r.chosenTrace().finalRelative();
                // a diverged run fails (its error is undefined, or that of the zero predictor after stage 1
                // overflowed)
                dcDiverged += r.diverged() ? 1 : 0;
                db.row(cell.stride(), cell.distribution(), t, cell.problems().get(t).seed(),
                        r.stage1Trace().finalOutputAngle(), r.choice().sign(), err,
                        !r.diverged() && err < c.successError(), r.diverged());
            }
        }
        Table dcTable = db.build();
        dcTable.writeCsv(ctx.folder().path("double_convotron.csv"));

        List<String> cols = new ArrayList<>(List.of("stride", "k", "overlap", "n_runs", "p_global", "p_global_lo",
                "p_global_hi", "p_spurious", "p_other", "p_not_converged", "p_diverged"));
        for (String dist : c.distributions()) {
            cols.addAll(List.of("dc_success_" + dist, "dc_success_" + dist + "_lo", "dc_success_" + dist + "_hi"));
        }
        Table.Builder sb = Table.builder(cols);
        long popRuns = 0;
        long popDiverged = 0;
        for (int s : strides) {
            int[] counts = new int[Outcome.values().length];
            int n = 0;
            for (int i = 0; i < tasks.size(); i++) {
                if (tasks.get(i).stride() == s) {
                    for (RunResult r : pop.get(i)) {
                        counts[r.outcome().ordinal()]++;
                        n++;
                    }
                }
            }
            Wilson.Interval g = Wilson.of(counts[Outcome.GLOBAL.ordinal()], n, 0.95);
            List<Object> row = new ArrayList<>(List.of(s, ConvotronCells.architecture(cfg, s).k(), cfg.model().p() - s,
                    n, g.estimate(), g.lower(), g.upper(), counts[Outcome.SPURIOUS.ordinal()] / (double) n,
                    counts[Outcome.OTHER.ordinal()] / (double) n, counts[Outcome.NOT_CONVERGED.ordinal()] / (double) n,
                    counts[Outcome.DIVERGED.ordinal()] / (double) n));
            popRuns += n;
            popDiverged += counts[Outcome.DIVERGED.ordinal()];
            for (String dist : c.distributions()) {
                int ok = 0;
                int m = 0;
                for (int r = 0; r < dcTable.size(); r++) {
                    if (dcTable.getLong(r, "stride") == s && dcTable.getString(r, "distribution").equals(dist)) {
                        m++;
                        ok += dcTable.getString(r, "success").equals("true") ? 1 : 0;
                    }
                }
                Wilson.Interval w = Wilson.of(ok, m, 0.95);
                row.addAll(List.of(w.estimate(), w.lower(), w.upper()));
            }
            sb.row(row);
        }
        Table summary = sb.build();
        summary.writeCsv(ctx.folder().path("summary.csv"));
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("d", cfg.model().d());
        js.put("p", cfg.model().p());
        js.put("strides", strides);
        js.put("summary", new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.tableToJson(summary))
                .get("rows"));
        Json.write(ctx.folder().path("summary.json"), js);

        XYChart ch = Plots.line("P(GLOBAL) of Algorithm 1 and Double Convotron's success against the stride",
                "stride s (overlap p − s)", "probability", false, false);
        double[] xs = strides.stream().mapToDouble(Integer::doubleValue).toArray();
        double[] y = new double[xs.length];
        double[] lo = new double[xs.length];
        double[] hi = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            y[i] = summary.getDouble(i, "p_global");
            lo[i] = summary.getDouble(i, "p_global_lo");
            hi[i] = summary.getDouble(i, "p_global_hi");
        }
        Plots.addSeriesWithErrorBars(ch, "Algorithm 1: P(GLOBAL)", xs, y, lo, hi);
        for (String dist : c.distributions()) {
            double[] dy = new double[xs.length];
            double[] dlo = new double[xs.length];
            double[] dhi = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                dy[i] = summary.getDouble(i, "dc_success_" + dist);
                dlo[i] = summary.getDouble(i, "dc_success_" + dist + "_lo");
                dhi[i] = summary.getDouble(i, "dc_success_" + dist + "_hi");
            }
            Plots.addSeriesWithErrorBars(ch, "Double Convotron success (" + dist + ")", xs, dy, dlo, dhi);
        }
        Plots.save(ch, ctx.folder().dir(), "landscape");

        MarkdownReport md = MarkdownReport.titled(cfg.name());
        if (!cfg.description().isBlank()) {
            md.paragraph(cfg.description());
        }
        md.heading(2, "Setup");
        md.bullets(List.of("d = " + cfg.model().d() + ", p = " + cfg.model().p() + ", strides " + strides,
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
        for (String col : cols) {
            if (col.startsWith("p_") || col.startsWith("dc_")) {
                fmt.put(col, "%.3f");
            }
        }
        md.table(summary, fmt);
        Divergence.record(ctx, popDiverged + dcDiverged, popRuns + dcTable.size());
        for (String dl : new String[] {Divergence.line(popDiverged, popRuns, "runs of Algorithm 1", "the class "
                + "DIVERGED (column p_diverged), not p_other"), Divergence.line(dcDiverged, dcTable.size(),
                        "Double Convotron runs", "counted as failures in dc_success (column diverged of "
                                + "double_convotron.csv)")}) {
            if (dl != null) {
                md.paragraph(dl);
            }
        }
        md.image("landscape", "landscape.png");
        md.heading(2, "Files");
        md.bullets(List.of("`results.csv`: every population run (stride, teacher, seed, outcome, final φ, loss)",
                "`double_convotron.csv`: every Double Convotron run", "`summary.csv`, `summary.json`, `config.yaml`, "
                        + "`provenance.json`"));
        md.write(ctx.folder().path("report.md"));
    }

    /** overlap-landscape: every (stride, teacher) task holds its initializations and results. */
    static void estimateMemory(OverlapLandscapeSpec cfg, List<Integer> strides) {
        MemoryBudget heap = MemoryBudget.heap();
        int d = cfg.model().d();
        int p = cfg.model().p();
        double tasks = strides.size();
        int t = cfg.convotron().teachers();
        int count = cfg.init().count();
        // k of the smallest stride is the largest
        double k = (d - p) / (double) strides.stream().mapToInt(Integer::intValue).min().orElse(p) + 1;
        double v = MemoryEstimate.vec(k, p, 0);
        // every task holds its initializations and results; tasks run at once, each with all its runs in flight
        heap.require("the initializations and results of " + (long) tasks + " stride(s) × " + t + " teacher(s)",
            new MemoryBudget.Candidate("init.count", count, 1, x -> tasks * t * x * (v + MemoryEstimate.RESULT_BYTES)
                + Math.min(MemoryEstimate.threads(), tasks * t) * x * MemoryEstimate.RUN_VECTORS * v),
            new MemoryBudget.Candidate("convotron.teachers", t, 1, x -> tasks * x * count * (v + MemoryEstimate.RESULT_BYTES)
                + Math.min(MemoryEstimate.threads(), tasks * x) * count * MemoryEstimate.RUN_VECTORS * v));
    }
}
