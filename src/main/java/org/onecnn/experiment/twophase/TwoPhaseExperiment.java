package org.onecnn.experiment.twophase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.onecnn.util.MemoryBudget;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.Divergence;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.MemoryEstimate;
import org.onecnn.experiment.PopulationSetup;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.SweepReport;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.Teacher;
import org.onecnn.population.GradientFlow;
import org.onecnn.population.NonOverlappingGaussian;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.PopulationJob;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.RunResult;
import org.onecnn.population.StopSpec;
import org.onecnn.report.Json;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Plots;
import org.onecnn.report.Table;
import org.onecnn.util.InvalidInputException;

/**
 * Du et al.'s two phases (Figures 1b and 2): one teacher, one initialization that reaches the global
 * minimum and one that reaches the spurious one, found by drawing initializations from seeds derived
 * from the master seed. Their full trajectories (φ, ‖a − c a*‖, |1ᵀa − c 1ᵀa*|, loss) are recorded,
 * with the gradient flow at the same times as a reference.
 *
 * <p>The phases are measured on the successful run's log-loss: the early slope is the average decay
 * rate of {@code log L} over the first quarter of the time to reach {@code 1e−12 L_0}, the late slope
 * the average over the last quarter. Their ratio is reported; a two-phase run has a ratio well above 1.
 */
public final class TwoPhaseExperiment implements Experiment {
    @Override
    public String type() {
        return TwoPhaseSpec.TYPE;
    }

    @Override
    public Class<TwoPhaseSpec> specClass() {
        return TwoPhaseSpec.class;
    }

    /** Initializations classified per batch while searching. */
    static final int BATCH = 64;

    /** The whole-budget loss plot shows losses down to this fraction of the initial loss. */
    static final double PLOT_FLOOR = 1e-30;

    /** The descent plot ends a little after the successful run reaches this fraction of its initial loss. */
    static final double ZOOM_FLOOR = 1e-16;

    @Override
    public void validate(ConfigLoader.Loaded loaded) {
        if (loaded.cells().size() != 1) {
            throw new InvalidInputException("grid", "the two-phase experiment takes no grid; remove the grid section");
        }
        TwoPhaseSpec cfg = (TwoPhaseSpec) loaded.config();
        if (!cfg.train().algorithm().equals("wn-gd")) {
            throw new InvalidInputException("train.algorithm", "the two-phase experiment runs wn-gd (Algorithm 1)");
        }
        if (!cfg.init().scheme().equals("du")) {
            throw new InvalidInputException("init.scheme", "the two-phase experiment draws Du et al. initializations "
                    + "(scheme du)");
        }
        if (!cfg.model().s().equals(cfg.model().p())) {
            throw new InvalidInputException("model.s", "the two-phase experiment follows Du et al.'s non-overlapping "
                    + "setting (s = p = " + cfg.model().p() + "), got s = " + cfg.model().s());
        }
        estimateMemory(cfg);
        PopulationSetup.validate(cfg, 0);
    }

    @Override
    public void execute(RunContext ctx) throws java.io.IOException {
        TwoPhaseSpec cfg = (TwoPhaseSpec) ctx.config();
        Teacher teacher = PopulationSetup.teacher(cfg);
        double eta = PopulationSetup.eta(cfg, teacher, PopulationSetup.init(cfg, teacher, 0, 0));
        NonOverlappingGaussian f = new NonOverlappingGaussian(teacher);
        int maxDraws = cfg.twoPhase().maxDraws();

        // 1. search: classify initializations in batches until both outcomes are found
        List<RunResult> drawn = new ArrayList<>();
        InitialPoint good = null;
        InitialPoint bad = null;
        try (org.onecnn.util.Progress progress = org.onecnn.util.Progress.start("search", maxDraws, "inits",
                ctx.quiet())) {
            for (int from = 0; from < maxDraws && (good == null || bad == null); from += BATCH) {
                int to = Math.min(maxDraws, from + BATCH);
                List<InitialPoint> inits = PopulationSetup.inits(cfg, teacher, 0, from, to);
                PopulationJob job = PopulationSetup.job(cfg, teacher, inits, eta, RecordPlan.NONE);
                List<RunResult> rs = PopulationEngine.named(cfg.train().engine()).run(job, (a, b, c, d, e, g, h) -> {
                });
                for (int i = 0; i < rs.size(); i++) {
                    RunResult r = rs.get(i).withIndex(from + i, inits.get(i).seed());
                    drawn.add(r);
                    if (good == null && r.outcome() == Outcome.GLOBAL) {
                        good = inits.get(i);
                    }
                    if (bad == null && r.outcome() == Outcome.SPURIOUS) {
                        bad = inits.get(i);
                    }
                }
                progress.step(to - from);
            }
        }
        Table.Builder rb = Table.builder("run", "seed", "outcome", "stop_reason", "iterations", "phi", "loss",
                "grad_norm", "dist_global", "dist_spurious", "norm_v", "a_dot_astar");
        for (RunResult r : drawn) {
            rb.row(r.index(), r.seed(), r.outcome().name(), r.reason().name(), r.iterations(), r.phi(), r.loss(),
                    r.gradNorm(), r.distGlobal(), r.distSpurious(), r.normV(), r.aDotAStar());
        }
        rb.build().writeCsv(ctx.folder().path("results.csv"));
        // Whether both outcomes occur within max_draws cannot be known before drawing, so a search that misses one
        // is a result, not a failure: the run found is recorded, and the report says what did not occur.
        Map<String, Integer> drawOutcomes = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            drawOutcomes.put(o.name(), 0);
        }
        for (RunResult r : drawn) {
            drawOutcomes.merge(r.outcome().name(), 1, Integer::sum);
        }
        int divergedDraws = drawOutcomes.get(Outcome.DIVERGED.name());
        Divergence.record(ctx, divergedDraws, drawn.size());
        List<String> missing = new ArrayList<>();
        if (good == null) {
            missing.add("global");
        }
        if (bad == null) {
            missing.add("spurious");
        }
        String missingLine = missing.isEmpty() ? null : String.format(Locale.ROOT, "No initialization reached the %s "
                + "minimum within two_phase.max_draws = %d draws (outcomes of the draws: %s); %s. Raise "
                + "two_phase.max_draws or change the teacher or the step.", String.join(" or the ", missing), maxDraws,
                drawOutcomes, missing.size() == 2 ? "nothing was recorded" : "only the run that was found is recorded");
        if (missingLine != null) {
            Divergence.warn(ctx, missingLine);
        }
        String divergedLine = Divergence.line(divergedDraws, drawn.size(), "draws", "the class DIVERGED in results.csv "
                + "and can be neither the global nor the spurious run");

        // 2. the trajectories found (global first), whole budget, recorded every `every` steps
        long every = cfg.twoPhase().every();
        long steps = cfg.stop().maxSteps();
        List<InitialPoint> pair = new ArrayList<>();
        List<String> labelList = new ArrayList<>();
        if (good != null) {
            pair.add(good);
            labelList.add("global");
        }
        if (bad != null) {
            pair.add(bad);
            labelList.add("spurious");
        }
        if (pair.isEmpty()) {
            writeNothingFound(ctx, teacher, eta, drawn.size(), drawOutcomes, missingLine, divergedLine);
            return;
        }
        int runs = pair.size();
        List<List<double[]>> traj = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            traj.add(new ArrayList<>());
        }
        int[] tracked = runs == 2 ? new int[] {0, 1} : new int[] {0};
        PopulationJob job = new PopulationJob(teacher, pair, eta, StopSpec.fixed(steps), cfg.classify().toClassifier(),
                RecordPlan.of(tracked, every, new long[] {steps}));
        List<RunResult> finals = PopulationEngine.named(cfg.train().engine()).run(job,
                (run, step, phi, loss, distA, sumGap, grad) -> traj.get(run).add(new double[] {step, phi, distA, sumGap,
                    loss, grad}));

        // 3. the gradient flow through the same times t = η·step
        GradientFlow flow = new GradientFlow(teacher, 1e-11, 1e-11);
        List<double[]> flowLoss = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            List<double[]> pts = traj.get(run);
            double[] times = new double[pts.size()];
            for (int i = 0; i < times.length; i++) {
                times[i] = pts.get(i)[0] * eta;
            }
            double[] fl = new double[times.length];
            try {
                GradientFlow.State[] st = flow.integrate(pair.get(run), times);
                for (int i = 0; i < st.length; i++) {
                    fl[i] = f.loss(st[i].v(), st[i].a());
                }
            } catch (RuntimeException e) {
                if (!(e instanceof org.apache.commons.math3.exception.util.ExceptionContextProvider)) {
                    throw e;
                }
                // the integrator gave up (a non-finite state, a step below its minimum): the reference is undefined
                // (flow_loss blank), the recorded runs stand
                java.util.Arrays.fill(fl, Double.NaN);
                Divergence.warn(ctx, "the gradient flow of the " + labelList.get(run) + " run could not be "
                        + "integrated (" + e.getMessage() + "); its flow_loss is left blank");
            }
            flowLoss.add(fl);
        }

        String[] labels = labelList.toArray(new String[0]);
        Table.Builder tb = Table.builder("run", "seed", "step", "phi", "dist_a", "sum_gap", "loss", "grad_norm",
                "flow_loss");
        for (int run = 0; run < runs; run++) {
            List<double[]> pts = traj.get(run);
            for (int i = 0; i < pts.size(); i++) {
                double[] p = pts.get(i);
                tb.row(labels[run], pair.get(run).seed(), (long) p[0], p[1], p[2], p[3], p[4], p[5], flowLoss.get(run)[i]);
            }
        }
        tb.build().writeCsv(ctx.folder().path("trajectories.csv"));

        // 4. phases of the successful run (undefined, NaN, without one)
        Phases ph = good != null ? phases(traj.get(0)) : new Phases(Double.NaN, Double.NaN, -1);
        Table.Builder sb = Table.builder("run", "seed", "outcome", "final_phi", "final_loss", "early_slope",
                "late_slope", "slope_ratio", "steps_to_1e-12_rel_loss", "spurious_loss_theory");
        double spLoss = f.spuriousLoss();
        for (int run = 0; run < runs; run++) {
            RunResult r = finals.get(run);
            Phases p = run == 0 && good != null ? ph : phases(traj.get(run));
            sb.row(labels[run], pair.get(run).seed(), r.outcome().name(), r.phi(), r.loss(), p.early, p.late,
                    p.late / p.early, p.steps, spLoss);
        }
        Table summary = sb.build();
        summary.writeCsv(ctx.folder().path("summary.csv"));
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("teacher", teacher.description());
        js.put("eta", eta);
        js.put("global_seed", good == null ? null : good.seed());
        js.put("spurious_seed", bad == null ? null : bad.seed());
        js.put("early_slope", ph.early);
        js.put("late_slope", ph.late);
        js.put("slope_ratio", ph.late / ph.early);
        js.put("steps_to_1e-12_rel_loss", good == null ? null : ph.steps);
        js.put("spurious_loss_theory", spLoss);
        js.put("spurious_run_final_loss", bad == null ? Double.NaN : finals.get(runs - 1).loss());
        js.put("draws", drawn.size());
        js.put("draw_outcomes", drawOutcomes);
        Json.write(ctx.folder().path("summary.json"), js);

        // 5. plots: the descent of the successful run (to 1e−16 of its initial loss), the whole budget
        double[] gl = col(traj.get(0), 4);
        int zoomEnd = 0;
        while (zoomEnd < gl.length - 1 && gl[zoomEnd] > ZOOM_FLOOR * gl[0]) {
            zoomEnd++;
        }
        double xZoom = Math.min(steps, Math.ceil(1.15 * traj.get(0).get(zoomEnd)[0] / 100) * 100);
        XYChart loss = Plots.line("Population loss: the descent (log scale)", "iteration", "loss", false, true);
        XYChart lossFull = Plots.line("Population loss: whole budget (log scale)", "iteration", "loss", false, true);
        XYChart angle = Plots.line("Angle between w and w*", "iteration", "φ (radians)", false, false);
        XYChart adist = Plots.line("Output layer (log scale)", "iteration", "distance", false, true);
        for (int run = 0; run < runs; run++) {
            List<double[]> pts = traj.get(run);
            double[] x = col(pts, 0);
            double[] l = col(pts, 4);
            int zoom = 0;
            while (zoom < x.length && x[zoom] <= xZoom) {
                zoom++;
            }
            Plots.addSeries(loss, labels[run] + ": gradient descent", Arrays.copyOf(x, zoom), Arrays.copyOf(l, zoom));
            Plots.addSeries(loss, labels[run] + ": gradient flow", Arrays.copyOf(x, zoom),
                    Arrays.copyOf(flowLoss.get(run), zoom));
            // the whole-budget plot stops at 1e−30 of the initial loss: below, the line only goes on straight
            int shown = 0;
            while (shown < l.length && l[shown] > PLOT_FLOOR * l[0]) {
                shown++;
            }
            Plots.addSeries(lossFull, labels[run], Arrays.copyOf(x, shown), Arrays.copyOf(l, shown));
            Plots.addSeries(angle, labels[run], x, col(pts, 1));
            Plots.addSeries(adist, labels[run] + ": ‖a − a*‖", x, col(pts, 2));
            Plots.addSeries(adist, labels[run] + ": |1ᵀa − 1ᵀa*|", x, col(pts, 3));
        }
        Plots.addHorizontalLine(loss, "spurious minimum loss", spLoss, 0, xZoom);
        Plots.addHorizontalLine(lossFull, "spurious minimum loss", spLoss, 0, steps);
        for (XYChart ch : List.of(loss, lossFull, adist)) {
            Plots.legendInside(ch, org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        }
        Plots.save(loss, ctx.folder().dir(), "two_phase_loss");
        Plots.save(lossFull, ctx.folder().dir(), "two_phase_loss_full");
        Plots.save(angle, ctx.folder().dir(), "two_phase_angle");
        Plots.save(adist, ctx.folder().dir(), "two_phase_a");

        MarkdownReport md = header(ctx, teacher, String.format(Locale.ROOT, "searched %d initializations: global run "
                + "seed %s, spurious run seed %s", drawn.size(), good == null ? "none found" : good.seed(),
                bad == null ? "none found" : bad.seed()));
        md.heading(2, "Phases");
        for (String line : new String[] {missingLine, divergedLine}) {
            if (line != null) {
                md.paragraph(line);
            }
        }
        if (good != null) {
            md.paragraph(String.format(Locale.ROOT, "Successful run: log-loss decays at %.3g per step over the first "
                    + "quarter of its descent to 1e-12 of the initial loss and at %.3g per step over the last quarter: "
                    + "the late phase is %.1f times faster (%d steps in all).", ph.early, ph.late, ph.late / ph.early,
                    ph.steps));
        }
        if (bad != null) {
            md.paragraph(String.format(Locale.ROOT, "The failing run flattens at loss %.6g; the spurious minimum of "
                    + "docs/model.md §3 has loss %.6g.", finals.get(runs - 1).loss(), spLoss));
        }
        md.table(summary, Map.of("final_phi", "%.4g", "final_loss", "%.4g", "early_slope", "%.3g", "late_slope",
                "%.3g", "slope_ratio", "%.2f", "spurious_loss_theory", "%.6g"));
        md.heading(2, "Figures");
        md.image("loss, the descent", "two_phase_loss.png");
        md.image("loss, whole budget", "two_phase_loss_full.png");
        md.image("angle", "two_phase_angle.png");
        md.image("output layer", "two_phase_a.png");
        md.heading(2, "Files");
        md.bullets(List.of("`trajectories.csv`: the recorded runs every " + every + " steps, with the gradient-flow "
                + "loss at t = η·step", "`results.csv`: every initialization drawn in the search",
                "`summary.csv`, `summary.json`: phases and final values", "`config.yaml`, `provenance.json`"));
        md.write(ctx.folder().path("report.md"));
    }

    /** The report's title, description and setup (the run's, the teacher, and {@code extra} lines). */
    private static MarkdownReport header(RunContext ctx, Teacher teacher, String... extra) {
        TwoPhaseSpec cfg = (TwoPhaseSpec) ctx.config();
        MarkdownReport md = MarkdownReport.titled(cfg.name());
        if (!cfg.description().isBlank()) {
            md.paragraph(cfg.description());
        }
        md.heading(2, "Setup");
        List<String> setup = SweepReport.setup(ctx);
        setup.add("teacher: " + teacher.description());
        setup.addAll(List.of(extra));
        md.bullets(setup);
        return md;
    }

    /** The report of a search that found neither outcome: the draws, and what they were. */
    private static void writeNothingFound(RunContext ctx, Teacher teacher, double eta, int draws,
            Map<String, Integer> drawOutcomes, String missingLine, String divergedLine) throws java.io.IOException {
        TwoPhaseSpec cfg = (TwoPhaseSpec) ctx.config();
        Table.Builder sb = Table.builder("outcome", "draws");
        drawOutcomes.forEach(sb::row);
        Table summary = sb.build();
        summary.writeCsv(ctx.folder().path("summary.csv"));
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("experiment", cfg.name());
        js.put("teacher", teacher.description());
        js.put("eta", eta);
        js.put("global_seed", null);
        js.put("spurious_seed", null);
        js.put("draws", draws);
        js.put("draw_outcomes", drawOutcomes);
        Json.write(ctx.folder().path("summary.json"), js);
        MarkdownReport md = header(ctx, teacher);
        md.heading(2, "Search");
        md.paragraph(missingLine);
        if (divergedLine != null) {
            md.paragraph(divergedLine);
        }
        md.table(summary, Map.of());
        md.heading(2, "Files");
        md.bullets(List.of("`results.csv`: every initialization drawn in the search", "`summary.csv`, `summary.json`: "
                + "outcomes of the draws", "`config.yaml`, `provenance.json`"));
        md.write(ctx.folder().path("report.md"));
    }

    private static double[] col(List<double[]> pts, int c) {
        double[] x = new double[pts.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = pts.get(i)[c];
        }
        return x;
    }

    record Phases(double early, double late, long steps) {
    }

    /** Average decay rates of log-loss over the first and last quarter of the descent to 1e−12 L0. */
    static Phases phases(List<double[]> pts) {
        double l0 = pts.get(0)[4];
        int end = pts.size() - 1;
        for (int i = 0; i < pts.size(); i++) {
            if (pts.get(i)[4] <= 1e-12 * l0) {
                end = i;
                break;
            }
        }
        double tEnd = pts.get(end)[0];
        int q1 = index(pts, tEnd / 4);
        int q3 = index(pts, 3 * tEnd / 4);
        double early = rate(pts, 0, q1);
        double late = rate(pts, q3, end);
        return new Phases(early, late, (long) tEnd);
    }

    private static int index(List<double[]> pts, double t) {
        int best = 0;
        for (int i = 0; i < pts.size(); i++) {
            if (pts.get(i)[0] <= t) {
                best = i;
            }
        }
        return best;
    }

    private static double rate(List<double[]> pts, int i, int j) {
        if (j <= i) {
            return Double.NaN;
        }
        double li = Math.log(Math.max(pts.get(i)[4], Double.MIN_NORMAL));
        double lj = Math.log(Math.max(pts.get(j)[4], Double.MIN_NORMAL));
        return (li - lj) / (pts.get(j)[0] - pts.get(i)[0]);
    }

    /** The memory of the search and of the recorded trajectories. */
    static void estimateMemory(TwoPhaseSpec cfg) {
        MemoryBudget heap = MemoryBudget.heap();
        MemoryEstimate.shape(cfg, cfg, heap, "two_phase.max_draws", cfg.twoPhase().maxDraws(), (n, v) -> (4 + Math.min(n,
                BATCH) * MemoryEstimate.RUN_VECTORS) * v,
                "the initializations tried at once (k + p doubles each)");
        heap.require("two_phase.max_draws", cfg.twoPhase().maxDraws(), 1, x -> x * MemoryEstimate.RESULT_BYTES,
                "the results of the initializations tried");
        long every = cfg.twoPhase().every();
        heap.require("stop.max_steps", cfg.stop().maxSteps(), 1, x -> 3 * MemoryEstimate.points(x, every, 0) * MemoryEstimate.POINT_BYTES,
                "the two recorded trajectories and the gradient flow, every " + every + " steps");
    }
}
