package org.onecnn.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.w3c.dom.Document;

/**
 * Figures are written under {@code target/test-figures/} (not a temporary directory) so they can
 * be looked at after {@code mvn test}.
 */
class PlotsTest {
    private static final Path OUT = Paths.get("target", "test-figures");
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @Test
    void lineChartWithIntervalsAndReference() throws Exception {
        long[] n = {10, 30, 100, 300, 1000, 3000};
        long[][] successes = {{3, 12, 55, 190, 700, 2150}, {0, 2, 9, 40, 130, 410}};
        XYChart chart = Plots.line("Fraction reaching the global minimum", "sample size n", "fraction", true, false);
        String[] names = {"k = 2", "k = 4"};
        for (int s = 0; s < 2; s++) {
            double[] x = new double[n.length];
            double[] y = new double[n.length];
            double[] lo = new double[n.length];
            double[] hi = new double[n.length];
            for (int i = 0; i < n.length; i++) {
                Statistics.Interval w = Statistics.wilson(successes[s][i], n[i], 0.95);
                x[i] = n[i];
                y[i] = w.estimate();
                lo[i] = w.lower();
                hi[i] = w.upper();
            }
            Plots.addSeriesWithErrorBars(chart, names[s], x, y, lo, hi);
        }
        Plots.addHorizontalLine(chart, "population", 0.72, 10, 3000);
        checkFiles(chart, "line_intervals");
    }

    /** Faint points take the colour of their series at low opacity, stay out of the legend and of the palette. */
    @Test
    void faintPointsBesideASeries() throws Exception {
        XYChart chart = Plots.line("Per data set", "n", "fraction", true, false);
        Plots.addSeriesWithErrorBars(chart, "P", new double[] {100, 1000}, new double[] {0.2, 0.3},
                new double[] {0.1, 0.25}, new double[] {0.3, 0.35});
        Plots.addFaintPoints(chart, "P per set", "P", new double[] {98, 102, 980, 1020, -1},
                new double[] {0.1, 0.3, 0.28, 0.32, 0.5});
        org.knowm.xchart.XYSeries pts = chart.getSeriesMap().get("P per set");
        assertEquals(4, pts.getXData().length, "the point at x = -1 cannot be drawn on a log axis");
        assertFalse(pts.isShowInLegend());
        java.awt.Color owner = chart.getSeriesMap().get("P").getMarkerColor();
        assertEquals(new java.awt.Color(owner.getRed(), owner.getGreen(), owner.getBlue(), Plots.FAINT_ALPHA),
                pts.getMarkerColor());
        Plots.addSeries(chart, "Q", new double[] {100, 1000}, new double[] {0.5, 0.6});
        assertFalse(owner.equals(chart.getSeriesMap().get("Q").getMarkerColor()), "Q takes the next palette slot");
        assertThrows(IllegalArgumentException.class, () -> Plots.addFaintPoints(chart, "x", "nope", new double[1],
                new double[1]));
        checkFiles(chart, "faint_points");
    }

    @Test
    void logLogWithZerosAndNaNDoesNotThrow() throws Exception {
        XYChart chart = Plots.line("Loss (log-log)", "iteration", "loss", true, true);
        double[] x = {0, 1, 10, 100, 1000, Double.NaN, 10000};
        double[] y = {5, 1, 0.1, 0, Double.NaN, 1e-3, 1e-4};
        Plots.addSeries(chart, "run 1", x, y);
        Plots.addSeries(chart, "all zero", new double[] {0, 1, 2}, new double[] {0, 0, 0});
        Plots.addSeriesWithErrorBars(chart, "with CI", new double[] {1, 10, 100}, new double[] {0, 0.2, 0.02},
                new double[] {0, 0.1, 0}, new double[] {0.3, 0.3, 0.05});
        Plots.addHorizontalLine(chart, "zero reference", 0, 1, 100);
        Plots.addHorizontalLine(chart, "floor", 1e-4, 1, 10000);
        assertTrue(chart.getSeriesMap().containsKey("run 1"));
        assertTrue(!chart.getSeriesMap().containsKey("all zero"), "a series with nothing drawable is skipped");
        assertTrue(!chart.getSeriesMap().containsKey("zero reference"));
        checkFiles(chart, "loglog_zeros");
    }

    @Test
    void emptyLogChartStillDraws() throws Exception {
        XYChart chart = Plots.line("Nothing drawable", "x", "y", true, true);
        Plots.addSeries(chart, "zeros", new double[] {0, 0}, new double[] {0, 0});
        checkFiles(chart, "log_empty");
    }

    @Test
    void heatmap() throws Exception {
        List<Integer> ks = List.of(2, 3, 4, 6, 8);
        List<String> ns = List.of("100", "300", "1000", "3000");
        double[][] z = new double[ns.size()][ks.size()];
        for (int j = 0; j < ns.size(); j++) {
            for (int i = 0; i < ks.size(); i++) {
                z[j][i] = Math.min(1, 0.15 * (j + 1) + 0.1 * i);
            }
        }
        z[0][4] = Double.NaN;
        HeatMapChart chart = Plots.heatmap("P(global)", "k", "n", ks, ns, z, 0, 1);
        checkFiles(chart, "heatmap");
        assertThrows(IllegalArgumentException.class,
                () -> Plots.heatmap("t", "x", "y", ks, ns, new double[3][5], 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> Plots.heatmap("t", "x", "y", ks, ns, new double[4][4], 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Plots.heatmap("t", "x", "y", ks, ns, z, 1, 1));
        double[][] blank = new double[ns.size()][ks.size()];
        for (double[] row : blank) {
            Arrays.fill(row, Double.NaN);
        }
        checkFiles(Plots.heatmap("no data", "k", "n", ks, ns, blank, 0, 1), "heatmap_blank");
    }

    @Test
    void stackedAndGroupedBars() throws Exception {
        List<String> cells = List.of("k=2", "k=4", "k=6", "k=8");
        LinkedHashMap<String, double[]> v = new LinkedHashMap<>();
        v.put("GLOBAL", new double[] {0.9, 0.7, 0.55, 0.4});
        v.put("SPURIOUS", new double[] {0.1, 0.25, 0.35, 0.45});
        v.put("NOT_CONVERGED", new double[] {0, 0.05, 0.1, Double.NaN});
        checkFiles(Plots.bars("Outcomes per cell", "cell", "fraction of runs", cells, v, true), "bars_stacked");
        checkFiles(Plots.bars("Outcomes per cell", "cell", "fraction of runs", cells, v, false), "bars_grouped");
        v.put("bad", new double[] {1});
        assertThrows(IllegalArgumentException.class, () -> Plots.bars("t", "x", "y", cells, v, true));
    }

    /**
     * Each figure type, rendered, read back from its SVG: every label is a {@code <text>} element (not glyph
     * outlines), a log axis labels every plotted sample size and the 1-2-5 steps but not the ticks between (which
     * would crowd), a log axis within one decade still gets several labels, linear, category and heat map axes
     * label their ticks, and the title follows the titles switch.
     */
    @Test
    void everyFigureTypeLabelsItsAxesWithText() throws Exception {
        XYChart line = Plots.line("Probabilities", "n (samples)", "probability", true, false);
        Plots.addSeriesWithErrorBars(line, "P(GLOBAL)", new double[] {200, 1000, 5000}, new double[] {0.2, 0.5, 0.9},
                new double[] {0.1, 0.4, 0.8}, new double[] {0.3, 0.6, 0.95});
        Plots.addHorizontalLine(line, "n = ∞", 0.95, 200 / 1.5, 5000 * 1.5);
        // probability_vs_n's legend: too wide for one row below the plot, so it moves to the right, one column
        Plots.addSeries(line, "P(SPURIOUS)", new double[] {200, 1000, 5000}, new double[] {0.7, 0.4, 0.1});
        Plots.addSeries(line, "P(NOT_CONVERGED)", new double[] {200, 1000, 5000}, new double[] {0.1, 0.1, 0});
        Plots.addHorizontalLine(line, "n = ∞: SPURIOUS", 0.05, 200 / 1.5, 5000 * 1.5);
        Plots.save(line, OUT, "labels_log_x");
        assertEquals(org.knowm.xchart.style.Styler.LegendPosition.OutsideE, line.getStyler().getLegendPosition());
        List<String> t = SvgText.texts(OUT.resolve("labels_log_x.svg"));
        for (String s : List.of("200", "1000", "5000", "500", "2000", "Probabilities", "n (samples)", "probability",
                "P(GLOBAL)", "n = ∞")) {
            assertTrue(t.contains(s), s + " is not a <text> of the SVG: " + t);
        }
        for (String s : List.of("300", "400", "3000", "4000", "7000")) {
            assertFalse(t.contains(s), s + " would crowd the axis: " + t);
        }
        assertTrue(t.stream().filter(s -> s.matches("0(\\.\\d+)?|1")).count() >= 5, "y ticks: " + t);

        // spurious_position: log-log, y within one decade, the fit a line without markers
        XYChart ll = Plots.line("Position", "n (samples)", "π − φ", true, true);
        Plots.addSeriesWithErrorBars(ll, "median", new double[] {200, 1000, 5000}, new double[] {0.9, 0.6, 0.35},
                new double[] {0.8, 0.5, 0.3}, new double[] {1.1, 0.7, 0.4});
        Plots.addFit(ll, "fit: ∝ n^-0.29", new double[] {200, 5000}, new double[] {0.92, 0.36});
        assertEquals(org.knowm.xchart.style.markers.SeriesMarkers.NONE, ll.getSeriesMap().get("fit: ∝ n^-0.29")
                .getMarker(), "a fit is a line, not markers");
        Plots.save(ll, OUT, "labels_log_log", false);
        List<String> u = SvgText.texts(OUT.resolve("labels_log_log.svg"));
        assertTrue(u.containsAll(List.of("200", "1000", "5000", "0.3", "0.5", "0.9", "1", "π − φ",
                "fit: ∝ n^-0.29")), u.toString());
        assertFalse(u.contains("Position"), "titles off: " + u);

        HeatMapChart hm = Plots.heatmap("Map", "k", "n", List.of(2, 4), List.of("100", "1000"),
                new double[][] {{0.1, 0.2}, {0.3, 0.4}}, 0, 1);
        Plots.save(hm, OUT, "labels_heatmap");
        List<String> h = SvgText.texts(OUT.resolve("labels_heatmap.svg"));
        assertTrue(h.containsAll(List.of("2", "4", "100", "1000", "k", "n", "Map")), h.toString());

        LinkedHashMap<String, double[]> v = new LinkedHashMap<>();
        v.put("GLOBAL", new double[] {0.9, 0.4});
        v.put("SPURIOUS", new double[] {0.1, 0.6});
        Plots.save(Plots.bars("Bars", "cell", "fraction of runs", List.of("k=2", "k=4"), v, true), OUT, "labels_bars");
        List<String> b = SvgText.texts(OUT.resolve("labels_bars.svg"));
        assertTrue(b.containsAll(List.of("k=2", "k=4", "cell", "fraction of runs", "GLOBAL", "SPURIOUS")),
                b.toString());
        assertTrue(b.stream().filter(s -> s.matches("0(\\.\\d+)?|1")).count() >= 3, "y ticks: " + b);
    }

    /** The PDF is a PDF, and the same chart gives the same bytes (no clock in the document id). */
    @Test
    void pdfIsWrittenAndReproducible() throws Exception {
        XYChart chart = Plots.line("t", "x", "y", true, false);
        Plots.addSeries(chart, "a", new double[] {10, 100}, new double[] {1, 2});
        byte[] first = Files.readAllBytes(Plots.save(chart, OUT, "pdf_once").get(2));
        byte[] again = Files.readAllBytes(Plots.save(chart, OUT, "pdf_twice").get(2));
        assertEquals("%PDF-", new String(first, 0, 5, java.nio.charset.StandardCharsets.US_ASCII));
        assertArrayEquals(first, again);
    }

    @Test
    void decimalPatterns() {
        assertEquals("0.00", Plots.decimalPattern(1));
        assertEquals("0.0", Plots.decimalPattern(50));
        assertEquals("0", Plots.decimalPattern(100));
        assertEquals("0.0000", Plots.decimalPattern(0.01));
        assertEquals("0.000000", Plots.decimalPattern(1e-12));
    }

    @Test
    void validatesArguments() throws IOException {
        XYChart chart = Plots.line("t", "x", "y", false, false);
        assertThrows(IllegalArgumentException.class, () -> Plots.addSeries(chart, "a", new double[2], new double[3]));
        Plots.addSeries(chart, "a", new double[] {1, 2}, new double[] {1, 2});
        assertThrows(IllegalArgumentException.class, () -> Plots.addSeries(chart, "a", new double[1], new double[1]));
        assertThrows(IllegalArgumentException.class, () -> Plots.addSeriesWithErrorBars(chart, "b",
                new double[] {1}, new double[] {1}, new double[] {2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Plots.addHorizontalLine(chart, "r", 1, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> Plots.addHorizontalLine(chart, "r", Double.NaN, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> Plots.save(chart, OUT, "../escape"));
        assertThrows(IllegalArgumentException.class, () -> Plots.save(chart, OUT, ""));
    }

    /** The x resolution in the pHYs chunk (which must be in metres), or -1 if there is none. */
    private static long pixelsPerMetre(byte[] png) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(png);
        int pos = 8;
        while (pos + 8 <= png.length) {
            int length = b.getInt(pos);
            String type = new String(png, pos + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (type.equals("pHYs")) {
                assertEquals(1, png[pos + 16], "unit must be the metre");
                return Integer.toUnsignedLong(b.getInt(pos + 8));
            }
            pos += 12 + length;
        }
        return -1;
    }

    /** Saves the chart and checks that both files are what they claim to be. */
    private static void checkFiles(Chart<?, ?> chart, String name) throws Exception {
        List<Path> files = Plots.save(chart, OUT, name);
        assertEquals(List.of(OUT.resolve(name + ".png"), OUT.resolve(name + ".svg"), OUT.resolve(name + ".pdf")), files);

        byte[] png = Files.readAllBytes(files.get(0));
        assertTrue(png.length > 1000, "PNG is suspiciously small: " + png.length);
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, 8));
        assertEquals(Math.round(Plots.DPI / 0.0254), pixelsPerMetre(png), "pHYs resolution");
        BufferedImage image;
        try (InputStream in = Files.newInputStream(files.get(0))) {
            image = ImageIO.read(in);
        }
        assertNotNull(image, "ImageIO cannot read the PNG");
        assertEquals((int) (Plots.WIDTH * Plots.DPI / 72.0), image.getWidth());
        assertEquals((int) (Plots.HEIGHT * Plots.DPI / 72.0), image.getHeight());
        assertEquals(1333, image.getWidth());
        assertEquals(833, image.getHeight());
        // Not a blank canvas: some pixels differ from the white background.
        int white = 0xFFFFFFFF;
        int nonWhite = 0;
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                if (image.getRGB(x, y) != white) {
                    nonWhite++;
                }
            }
        }
        assertTrue(nonWhite > 100, "PNG looks blank");

        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        // No network access for the SVG DTD, if the encoder declares one.
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document svg = f.newDocumentBuilder().parse(files.get(1).toFile());
        assertEquals("svg", svg.getDocumentElement().getLocalName());
        assertTrue(Files.size(files.get(1)) > 1000);
        byte[] pdf = Files.readAllBytes(files.get(2));
        assertEquals("%PDF-", new String(pdf, 0, 5, java.nio.charset.StandardCharsets.US_ASCII));
    }
}
