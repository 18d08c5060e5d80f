package org.onecnn.experiment.samplesize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.onecnn.experiment.samplesize.SampleSizeResult.Size;
import org.onecnn.model.Outcome;
import org.onecnn.report.Plots;
import org.onecnn.report.Table;

/**
 * The figures of a sample-size run, all three in this one class: outcome probabilities against n
 * ({@code probability_vs_n}), where the empirical spurious minimum sits ({@code spurious_position}) and the
 * transition matrix ({@code transitions}), each drawn from a {@link SampleSizeResult}. {@link SampleSizeReport}
 * decides which to draw and links them from report.md.
 */
final class SampleSizeFigures {
    private final SampleSizeSpec cfg;
    private final SampleSizeResult result;
    private final List<Size> sizes;
    private final Table summary;
    private final Table position;
    private final org.onecnn.report.Statistics.Line fit;

    SampleSizeFigures(SampleSizeSpec cfg, SampleSizeResult result) {
        this.cfg = cfg;
        this.result = result;
        this.sizes = result.sizes();
        this.summary = result.summary();
        this.position = result.position();
        this.fit = result.fit();
    }

    /**
     * P(GLOBAL | n), P(SPURIOUS | n) and P(NOT_CONVERGED | n) against n (log x) with their intervals, each data set's
     * proportion as a faint point (slightly spread in x so that equal values stay visible), the population values
     * as horizontal lines in the series' colours.
     */
    String probabilityPlot(Path dir) throws IOException {
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
        for (Outcome o : List.of(Outcome.GLOBAL, Outcome.SPURIOUS, Outcome.NOT_CONVERGED)) {
            String col = "p_" + SampleSizeStatistics.column(o);
            double[] y = new double[xs.length];
            double[] lo = new double[xs.length];
            double[] hi = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                y[i] = summary.getDouble(ord[i] + 1, col);
                lo[i] = summary.getDouble(ord[i] + 1, col + "_lo");
                hi[i] = summary.getDouble(ord[i] + 1, col + "_hi");
            }
            String name = "P(" + o.name() + ")";
            Plots.addSeriesWithErrorBars(chart, name, xs, y, lo, hi);
            if (sets > 1 && o != Outcome.NOT_CONVERGED) {
                double[] px = new double[xs.length * sets];
                double[] py = new double[xs.length * sets];
                for (int i = 0; i < xs.length; i++) {
                    for (int d = 0; d < sets; d++) {
                        // ±4 % in n around the size: apart on the log axis, still clearly at that n
                        px[i * sets + d] = xs[i] * (1 + 0.08 * ((d + 0.5) / sets - 0.5));
                        py[i * sets + d] = sizes.get(ord[i] + 1).perSet().get(o)[d];
                    }
                }
                Plots.addFaintPoints(chart, name + " per data set", name, px, py);
            }
        }
        if (result.empirical().stream().anyMatch(z -> z.share(Outcome.DIVERGED) > 0)) {
            double[] y = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                y[i] = summary.getDouble(ord[i] + 1, "p_diverged");
            }
            Plots.addSeries(chart, "P(DIVERGED)", xs, y);
        }
        for (Outcome o : List.of(Outcome.GLOBAL, Outcome.SPURIOUS)) {
            String name = "n = ∞: " + o.name();
            // from below the smallest n to above the largest (xs is ascending; one n gives [n/1.5, 1.5 n])
            double population = summary.getDouble(0, "p_" + SampleSizeStatistics.column(o));
            Plots.addHorizontalLine(chart, name, population, xs[0] / 1.5, xs[xs.length - 1] * 1.5);
            XYSeries line = chart.getSeriesMap().get(name);
            XYSeries owner = chart.getSeriesMap().get("P(" + o.name() + ")");
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
    /**
     * The fit's legend entry: the exponent with its 95% interval, as report.md prints it, since three medians leave
     * one degree of freedom and a bare exponent on the figure would read as exact.
     */
    static String fitLabel(double slope, org.onecnn.report.Statistics.Interval exponent) {
        return Double.isNaN(exponent.lower()) ? String.format(Locale.ROOT, "fit: ∝ n^%.2f (no interval)", slope)
                : String.format(Locale.ROOT, "fit: ∝ n^%.2f, 95%% interval [%.2f, %.2f]", slope, exponent.lower(),
                        exponent.upper());
    }

    /**
     * The legend inside the plot's top right corner, one entry a line: in XChart's one-row legend below the plot
     * the fit's line sample ran into the end of the median's label, and to the right of the plot the long fit
     * entry squeezed the plot to half the width and pushed the title off the left edge (both seen on the rendered
     * PNG and PDF of sample-size-quick). The corner is usually empty: π − φ falls with n, so the points at large n sit
     * low.
     */
    static void legendInCorner(XYChart chart) {
        Plots.legendInside(chart, org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    }

    String positionPlot(Path dir) throws IOException {
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
        for (Size z : result.empirical()) {
            for (double g : z.spuriousGaps()) {
                ax.add((double) z.n().n());
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
            Plots.addFit(sp, fitLabel(fit.slope(), result.exponent()), px, fy);
        }
        legendInCorner(sp);
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
    String transitionsPlot(Path dir) throws IOException {
        List<String> rows = new ArrayList<>();
        List<Outcome[]> pairs = new ArrayList<>();
        for (Outcome po : Outcome.values()) {
            for (Outcome eo : Outcome.values()) {
                if (result.transitionOccurs(po, eo)) {
                    rows.add(po + " → " + eo);
                    pairs.add(new Outcome[] {po, eo});
                }
            }
        }
        // the heat map draws row 0 at the bottom: keep reading order top-down
        java.util.Collections.reverse(rows);
        java.util.Collections.reverse(pairs);
        // columns in ascending n, as the other figures' x axes (empirical.n may be in any order)
        List<Long> ns = cfg.empirical().n().stream().sorted().toList();
        double[][] z = new double[Math.max(1, rows.size())][ns.size()];
        for (int j = 0; j < rows.size(); j++) {
            Outcome[] pe = pairs.get(j);
            for (int i = 0; i < ns.size(); i++) {
                z[j][i] = result.transitionFraction(ns.get(i), pe[0], pe[1]);
            }
        }
        HeatMapChart chart = Plots.heatmap("Population outcome → empirical outcome (same initialization)",
                "n (samples)", "", ns.stream().map(n -> Long.toString(n)).toList(), rows.isEmpty() ? List.of("none")
                        : rows, z, 0, 1);
        Plots.save(chart, dir, "transitions", cfg.figureTitles());
        return "transitions";
    }
}
