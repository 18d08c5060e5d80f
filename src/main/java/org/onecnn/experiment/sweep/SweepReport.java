package org.onecnn.experiment.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.onecnn.report.Json;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Plots;
import org.onecnn.report.Table;
import org.onecnn.experiment.setup.Divergence;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.RunFolder;
import org.onecnn.experiment.Sections;

/**
 * The summaries, plots and {@code report.md} of a population sweep.
 */
public final class SweepReport {
    private SweepReport() {
    }

    public static final Map<String, String> FORMATS = formats();

    private static Map<String, String> formats() {
        Map<String, String> f = new LinkedHashMap<>();
        for (String c : List.of("p_global", "p_global_lo", "p_global_hi", "p_spurious", "p_spurious_lo", "p_spurious_hi",
                "p_not_converged", "p_not_converged_lo", "p_not_converged_hi", "p_diverged", "p_other",
                "frac_settled_early")) {
            f.put(c, "%.3f");
        }
        f.put("iters_mean", "%.0f");
        f.put("iters_median", "%.0f");
        return f;
    }

    /**
     * Writes the summaries ({@code summary.csv}, {@code summary.json}, with two axes {@code p_global_table.csv}),
     * the figures and {@code report.md} of a sweep whose per-cell summary is {@code summary}.
     */
    public static void write(RunContext ctx, Table summary, boolean trajectories) throws IOException {
        RunFolder folder = ctx.folder();
        Sections.PopulationSpec cfg = (Sections.PopulationSpec) ctx.config();
        List<String> axes = cfg.axes();
        summary.writeCsv(folder.path("summary.csv"));
        writeSummaryJson(folder.path("summary.json"), cfg, summary);
        Path dir = folder.dir();
        List<String> figures = new ArrayList<>();
        Table pivot = null;
        if (axes.size() == 2) {
            pivot = pivot(summary, axes.get(0), axes.get(1), "p_global");
            pivot.writeCsv(folder.path("p_global_table.csv"));
            figures.add(heatmap(summary, axes, cfg.name(), dir, cfg.figureTitles()));
        }
        if (!axes.isEmpty() && numeric(summary, axes.get(axes.size() - 1))) {
            figures.add(pGlobalLines(summary, axes, dir, cfg.figureTitles()));
        }
        figures.addAll(bars(summary, axes, dir, cfg.figureTitles()));
        MarkdownReport md = MarkdownReport.titled(cfg.name());
        if (!cfg.description().isBlank()) {
            md.paragraph(cfg.description());
        }
        md.heading(2, "Setup");
        md.bullets(setup(ctx));
        md.heading(2, "Results");
        results(ctx, md, summary);
        if (pivot != null) {
            md.heading(3, "P(GLOBAL) by " + axes.get(0) + " (rows) and " + axes.get(1) + " (columns)");
            md.table(pivotWithIntervals(summary, axes.get(0), axes.get(1)), Map.of());
            md.paragraph("Each entry: fraction of runs classified GLOBAL, with its Wilson 95% interval. "
                    + "Also in `p_global_table.csv`.");
        }
        md.heading(3, "Per cell");
        md.table(summary, FORMATS);
        md.heading(2, "Figures");
        for (String f : figures) {
            md.image(f, f + ".png");
        }
        files(md, trajectories);
        md.heading(2, "Reproduce");
        md.code("sh", "./onecnn run " + folder.path("config.yaml"));
        md.write(folder.path("report.md"));
    }

    /** The heat map of P(GLOBAL) over two axes; returns the figure's name. */
    private static String heatmap(Table summary, List<String> axes, String name, Path dir, boolean titles)
            throws IOException {
        List<String> ys = distinct(summary, axes.get(0));
        List<String> xs = distinct(summary, axes.get(1));
        double[][] z = new double[ys.size()][xs.size()];
        for (int r = 0; r < summary.size(); r++) {
            z[ys.indexOf(summary.getString(r, axes.get(0)))][xs.indexOf(summary.getString(r, axes.get(1)))] =
                    summary.getDouble(r, "p_global");
        }
        HeatMapChart hm = Plots.heatmap("P(GLOBAL): " + name, axes.get(1), axes.get(0), xs, ys, z, 0, 1);
        Plots.save(hm, dir, "p_global_heatmap", titles);
        return "p_global_heatmap";
    }

    /**
     * P(GLOBAL) against the last (numeric) axis, one line per value of the first axis when there are two, with
     * Wilson intervals; returns the figure's name.
     */
    private static String pGlobalLines(Table summary, List<String> axes, Path dir, boolean titles)
            throws IOException {
        String xAxis = axes.get(axes.size() - 1);
        XYChart ch = Plots.line("P(GLOBAL) with Wilson 95% intervals", xAxis, "P(GLOBAL)", false, false);
        List<String> groups = axes.size() >= 2 ? distinct(summary, axes.get(0)) : List.of("");
        for (String g : groups) {
            List<Integer> rows = new ArrayList<>();
            for (int r = 0; r < summary.size(); r++) {
                if (axes.size() < 2 || summary.getString(r, axes.get(0)).equals(g)) {
                    rows.add(r);
                }
            }
            double[] x = new double[rows.size()];
            double[] y = new double[rows.size()];
            double[] lo = new double[rows.size()];
            double[] hi = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                int r = rows.get(i);
                x[i] = summary.getDouble(r, xAxis);
                y[i] = summary.getDouble(r, "p_global");
                lo[i] = summary.getDouble(r, "p_global_lo");
                hi[i] = summary.getDouble(r, "p_global_hi");
            }
            String name = axes.size() >= 2 ? axes.get(0) + "=" + g : "P(GLOBAL)";
            Plots.addSeriesWithErrorBars(ch, name, x, y, lo, hi);
        }
        Plots.save(ch, dir, "p_global", titles);
        return "p_global";
    }

    /** The outcome fractions and the iterations at the stop, per cell, as bar charts; returns their names. */
    private static List<String> bars(Table summary, List<String> axes, Path dir, boolean titles)
            throws IOException {
        List<String> labels = new ArrayList<>();
        for (int r = 0; r < summary.size(); r++) {
            labels.add(cellLabel(summary, axes, r));
        }
        String axis = axes.isEmpty() ? "" : String.join(", ", axes);
        LinkedHashMap<String, double[]> fr = new LinkedHashMap<>();
        for (String[] o : new String[][] {{"GLOBAL", "p_global"}, {"SPURIOUS", "p_spurious"},
            {"NOT_CONVERGED", "p_not_converged"}, {"DIVERGED", "p_diverged"}, {"OTHER", "p_other"}}) {
            fr.put(o[0], column(summary, o[1]));
        }
        Plots.save(Plots.bars("Outcome fractions per cell", axis, "fraction of runs", labels, fr, true), dir,
                "outcomes", titles);
        LinkedHashMap<String, double[]> it = new LinkedHashMap<>();
        it.put("median", column(summary, "iters_median"));
        it.put("max", column(summary, "iters_max"));
        CategoryChart itc = Plots.bars("Iterations at the stop", axis, "iterations", labels, it, false);
        Plots.save(itc, dir, "iterations", titles);
        return List.of("outcomes", "iterations");
    }

    private static double[] column(Table t, String column) {
        double[] v = new double[t.size()];
        for (int r = 0; r < v.length; r++) {
            v[r] = t.getDouble(r, column);
        }
        return v;
    }

    /** The totals paragraph (runs, cells, global minima) and the divergence line, if any. */
    private static void results(RunContext ctx, MarkdownReport md, Table summary) {
        int total = 0;
        int global = 0;
        long diverged = 0;
        for (int r = 0; r < summary.size(); r++) {
            int n = (int) summary.getLong(r, "n_runs");
            total += n;
            global += (int) Math.round(summary.getDouble(r, "p_global") * n);
            diverged += Math.round(summary.getDouble(r, "p_diverged") * summary.getLong(r, "n_runs"));
        }
        md.paragraph(String.format(Locale.ROOT, "%d runs in %d cells; %d (%.2f%%) reached the global minimum.", total,
                summary.size(), global, 100.0 * global / total));
        Divergence.record(ctx, diverged, total);
        String dl = Divergence.line(diverged, total, "runs", "the class DIVERGED (column p_diverged), a share of "
                + "n_runs like every other outcome");
        if (dl != null) {
            md.paragraph(dl);
        }
    }

    private static void files(MarkdownReport md, boolean trajectories) {
        md.heading(2, "Files");
        List<String> files = new ArrayList<>(List.of("`config.yaml`: the resolved config (every default filled in)",
                "`provenance.json`: seeds, versions, JVM, OS, git commit, command line, times",
                "`results.csv`: one row per initialization (seed, outcome, stop reason, final angle, loss, ...)",
                "`summary.csv`, `summary.json`: one row per cell"));
        if (trajectories) {
            files.add("`trajectories.csv`: recorded trajectories");
        }
        md.fileBullets(files);
    }

    public static List<String> setup(RunContext ctx) {
        Sections.PopulationSpec c = (Sections.PopulationSpec) ctx.config();
        List<String> b = new ArrayList<>();
        b.add("type `" + c.type() + "`, master seed " + c.seed());
        // a field the grid replaces has no value of its own here (its base value is a default the cells never use)
        java.util.Map<String, String> byGrid = ConfigLoader.replacedByGrid(c);
        java.util.function.BiFunction<String, Object, String> v = (field, value) -> byGrid.containsKey(field)
                ? "by grid." + byGrid.get(field) : String.valueOf(value);
        b.add("model: k = " + v.apply("model.k", c.model().k()) + ", p = " + v.apply("model.p", c.model().p())
                + ", stride " + v.apply("model.s", c.model().s()));
        Sections.TeacherSpec t = c.teacher();
        b.add("teacher: family `" + t.family() + "`"
                + (t.family() == Sections.TeacherSpec.Family.RATIO ? ", ratio " + v.apply("teacher.ratio", t.ratio())
                        + ", ‖a*‖ = " + v.apply("teacher.a_norm", t.aNorm()) : "")
                + ", ‖w*‖ = " + v.apply("teacher.w_norm", t.wNorm()));
        b.add("initialization: `" + c.init().scheme() + "`, " + c.init().count() + " per cell"
                + (c.init().signRestarts() ? ", best of four sign restarts (±v, ±a)" : ""));
        b.add("algorithm: `" + c.train().algorithm() + "` on the `" + c.train().engineName() + "` engine, η = "
                + c.train().eta());
        b.add("stop: budget " + c.stop().maxSteps() + " steps; settled-in-basin proof " + onOff(c.stop().settled())
                + "; stationary " + onOff(c.stop().stationary()) + (c.stop().targetLoss() != null
                        ? "; target loss " + c.stop().targetLoss() : "") + "; checked every " + c.stop().checkEvery()
                + " steps");
        Sections.Classify k = c.classify();
        b.add("outcome: GLOBAL if φ < " + k.phiGlobal() + ", SPURIOUS if φ > π − " + k.phiSpurious()
                + (k.aTol() != null ? " (and ‖a − target‖ ≤ " + k.aTol() + " c‖a*‖)" : " (angle only)")
                + (k.spuriousAnyAngle() ? " or stationary with φ > π/2 at any angle" : "")
                + ", OTHER if stationary (‖∇L‖ ≤ " + k.gradTol() + ") elsewhere, else NOT_CONVERGED");
        if (!c.axes().isEmpty()) {
            List<String> g = new ArrayList<>();
            for (String a : c.axes()) {
                g.add(a + " ∈ " + c.grid().get(a));
            }
            b.add("grid: " + String.join(" × ", g));
        }
        return b;
    }

    private static String onOff(boolean b) {
        return b ? "on" : "off";
    }

    public static String cellLabel(Table summary, List<String> axes, int r) {
        if (axes.isEmpty()) {
            return "all";
        }
        List<String> parts = new ArrayList<>();
        for (String a : axes) {
            parts.add(axes.size() == 1 ? summary.getString(r, a) : a + "=" + summary.getString(r, a));
        }
        return String.join(",", parts);
    }

    public static List<String> distinct(Table t, String col) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < t.size(); r++) {
            String v = t.getString(r, col);
            if (!out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    public static boolean numeric(Table t, String col) {
        for (int r = 0; r < t.size(); r++) {
            try {
                Double.parseDouble(t.getString(r, col));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    /** Rows = values of {@code rowAxis}, columns = values of {@code colAxis}, entries = {@code value}. */
    public static Table pivot(Table summary, String rowAxis, String colAxis, String value) {
        return pivot(summary, rowAxis, colAxis, rowAxis + "\\" + colAxis, r -> summary.getDouble(r, value));
    }

    /** As {@link #pivot}, each entry P(GLOBAL) with its Wilson interval, for the report. */
    public static Table pivotWithIntervals(Table summary, String rowAxis, String colAxis) {
        return pivot(summary, rowAxis, colAxis, rowAxis + " \\ " + colAxis, r -> String.format(Locale.ROOT,
                "%.3f [%.3f, %.3f]", summary.getDouble(r, "p_global"), summary.getDouble(r, "p_global_lo"),
                summary.getDouble(r, "p_global_hi")));
    }

    /** The summary's rows arranged by two axes, the entry of summary row {@code r} given by {@code entry}. */
    private static Table pivot(Table summary, String rowAxis, String colAxis, String corner,
            java.util.function.IntFunction<Object> entry) {
        List<String> rows = distinct(summary, rowAxis);
        List<String> cols = distinct(summary, colAxis);
        List<String> header = new ArrayList<>();
        header.add(corner);
        header.addAll(cols);
        Table.Builder b = Table.builder(header.toArray(new String[0]));
        for (String rv : rows) {
            Object[] row = new Object[cols.size() + 1];
            row[0] = rv;
            for (int r = 0; r < summary.size(); r++) {
                if (summary.getString(r, rowAxis).equals(rv)) {
                    row[1 + cols.indexOf(summary.getString(r, colAxis))] = entry.apply(r);
                }
            }
            b.row(row);
        }
        return b.build();
    }

    public static void writeSummaryJson(Path path, Sections.PopulationSpec cfg, Table summary) {
        try {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("experiment", cfg.name());
            m.put("type", cfg.type());
            m.put("axes", cfg.axes());
            Map<String, Object> cls = new LinkedHashMap<>();
            cls.put("phi_global", cfg.classify().phiGlobal());
            cls.put("phi_spurious", cfg.classify().phiSpurious());
            cls.put("a_tol", cfg.classify().aTol());
            cls.put("grad_tol", cfg.classify().gradTol());
            m.put("classify", cls);
            m.put("interval", "Wilson score, 95%");
            JsonNode rows = new ObjectMapper().readTree(Json.tableToJson(summary)).get("rows");
            m.put("cells", rows);
            Json.write(path, m);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
