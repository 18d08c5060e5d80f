package org.onecnn.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.onecnn.util.AtomicFiles;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import de.rototor.pdfbox.graphics2d.PdfBoxGraphics2D;

/**
 * Figures with one consistent style, saved as PNG, SVG (text kept as text) and PDF.
 *
 * <p>The factories ({@link #line}, {@link #heatmap}, {@link #bars}) return ordinary XChart charts
 * of {@link #WIDTH} × {@link #HEIGHT} points with a white background, a colour-blind-safe palette
 * (Okabe and Ito), one font size for every text ({@link #FONT_SIZE} points, the title bold)
 * and axis tick labels formatted with {@link Locale#ROOT}. Legends sit outside the plot area
 * (below for line and bar charts, a colour bar to the right of heat maps) so they never hide data.
 * Callers may restyle a chart further through {@code chart.getStyler()} before saving it.
 *
 * <p>Loading this class sets {@code java.awt.headless=true}, unless the property is already set,
 * so that figures can be drawn on machines without a display (CI, batch nodes). The property only
 * takes effect if AWT has not been initialised earlier in the JVM.
 *
 * <p>Drawing needs fonts: on a minimal Linux image without fontconfig fonts, AWT fails when
 * measuring text; installing any TrueType font package (for example DejaVu) fixes it.
 */
public final class Plots {
    static {
        // Why here: the first AWT class loaded decides whether the JVM is headless, and every
        // figure goes through this class. An explicit -Djava.awt.headless=false is respected.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Chart width in points (1/72 inch) used by the factories. */
    public static final int WIDTH = 800;
    /** Chart height in points used by the factories. */
    public static final int HEIGHT = 500;
    /**
     * Resolution of the PNG files: a chart of {@code w × h} points becomes
     * {@code floor(w·DPI/72) × floor(h·DPI/72)} pixels (1333 × 833 for the default size).
     */
    public static final int DPI = 120;

    /** Okabe–Ito colours, in the order series receive them (yellow last: faint on white). */
    private static final Color[] PALETTE = {
        new Color(0, 114, 178), // blue
        new Color(213, 94, 0), // vermillion
        new Color(0, 158, 115), // bluish green
        new Color(204, 121, 167), // reddish purple
        new Color(230, 159, 0), // orange
        new Color(86, 180, 233), // sky blue
        new Color(0, 0, 0), // black
        new Color(240, 228, 66), // yellow
    };

    /** Marker shapes, so that series stay distinguishable in greyscale prints. */
    private static final Marker[] MARKERS = {
        SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP,
        SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS, SeriesMarkers.OVAL,
    };

    /**
     * Heat map colours, light to dark (ColorBrewer YlGnBu, stopped before its darkest blues so that
     * the black cell annotations stay readable on every cell).
     */
    private static final Color[] HEAT_COLORS = {
        new Color(255, 255, 217), new Color(237, 248, 177), new Color(199, 233, 180), new Color(127, 205, 187),
        new Color(65, 182, 196), new Color(29, 145, 192),
    };

    private static final Color REFERENCE_COLOR = new Color(68, 68, 68);
    private static final Color NO_DATA_COLOR = new Color(215, 215, 215);
    private static final Color GRID_COLOR = new Color(225, 225, 225);
    private static final Color BORDER_COLOR = new Color(160, 160, 160);
    private static final BasicStroke REFERENCE_STROKE =
            new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {7f, 4f}, 0f);
    private static final String INTERVAL_SUFFIX = " [interval]";
    private static final String PNG_METADATA_FORMAT = "javax_imageio_png_1.0";

    /** Heat maps with at most this many cells per side get their values written in the cells. */
    private static final int MAX_ANNOTATED_CELLS_PER_SIDE = 15;

    private Plots() {
    }

    // ------------------------------------------------------------------------------------------
    // Saving

    /** Writes the figure with its title: {@link #save(Chart, Path, String, boolean)} with titles on. */
    public static List<Path> save(Chart<?, ?> chart, Path dir, String baseName) throws IOException {
        return save(chart, dir, baseName, true);
    }

    /**
     * Writes {@code dir/baseName.png} (at {@link #DPI} dots per inch, with the resolution recorded in the PNG's
     * {@code pHYs} chunk), {@code dir/baseName.svg} and {@code dir/baseName.pdf} (both vector, {@link #WIDTH} ×
     * {@link #HEIGHT} points), creating {@code dir} if needed. All are written atomically and draw the same
     * picture. The SVG keeps every label as text ({@code <text>} elements that can be searched and edited; XChart
     * itself would write glyph outlines, {@link TextGraphics}); the PDF draws text as outlines, so it looks the same
     * everywhere without embedding a font.
     *
     * <p>Before drawing, the axes get their tick labels ({@link #tickLabels}): on a logarithmic axis every plotted
     * x value that lies on a tick (a sample size) and the 1-2-5 steps or the decades, as the axis' span allows.
     *
     * @param chart    any XChart chart
     * @param dir      the output directory
     * @param baseName the file name without extension; no path separators
     * @param titles   whether the chart's title is drawn (config {@code figures.titles}; axis titles and legends
     *                 are always drawn)
     * @return the PNG, the SVG and the PDF path
     * @throws IllegalArgumentException if {@code baseName} is empty, {@code "."}, {@code ".."} or
     *                                  contains a path separator
     * @throws IOException              if a file cannot be written
     */
    public static List<Path> save(Chart<?, ?> chart, Path dir, String baseName, boolean titles) throws IOException {
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(baseName, "baseName");
        if (baseName.isEmpty() || baseName.equals(".") || baseName.equals("..") || baseName.indexOf('/') >= 0
                || baseName.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("baseName must be a plain file name, got '" + baseName + "'");
        }
        chart.getStyler().setChartTitleVisible(titles && chart.getTitle() != null && !chart.getTitle().isEmpty());
        fitLegend(chart);
        FigureText texts = tickLabels(chart);
        Path png = dir.resolve(baseName + ".png");
        Path svg = dir.resolve(baseName + ".svg");
        Path pdf = dir.resolve(baseName + ".pdf");
        BufferedImage image = render(chart, texts);
        AtomicFiles.write(png, out -> writePng(image, new MemoryCacheImageOutputStream(out)));
        AtomicFiles.write(svg, out -> writeSvg(chart, texts, out));
        AtomicFiles.write(pdf, out -> writePdf(chart, texts, out));
        return List.of(png, svg, pdf);
    }

    /**
     * A legend below the plot is one row, which XChart does not wrap: when its entries are wider than the chart
     * (five entries at {@link #FONT_SIZE}, as in probability_vs_n, reach the right edge), it goes to the right of
     * the plot in one column instead, so that no entry is cut off.
     */
    private static void fitLegend(Chart<?, ?> chart) {
        Styler s = chart.getStyler();
        if (s.getLegendPosition() != Styler.LegendPosition.OutsideS || s.getLegendLayout() != Styler.LegendLayout
                .Horizontal) {
            return;
        }
        java.awt.font.FontRenderContext frc = new java.awt.font.FontRenderContext(null, true, false);
        double width = 2.0 * s.getChartPadding();
        for (Object o : chart.getSeriesMap().values()) {
            org.knowm.xchart.internal.series.Series series = (org.knowm.xchart.internal.series.Series) o;
            if (series.isShowInLegend()) {
                // the entry's text, its line-and-marker sample (about three font sizes) and the gaps XChart leaves
                width += s.getLegendFont().getStringBounds(series.getName(), frc).getWidth() + 3.0 * FONT_SIZE
                        + 2.0 * s.getLegendPadding();
            }
        }
        if (width > chart.getWidth()) {
            s.setLegendPosition(Styler.LegendPosition.OutsideE);
            s.setLegendLayout(Styler.LegendLayout.Vertical);
        }
    }

    /** The chart drawn at {@link #DPI}. */
    static BufferedImage render(Chart<?, ?> chart) {
        return render(chart, tickLabels(chart));
    }

    private static BufferedImage render(Chart<?, ?> chart, FigureText texts) {
        double scale = DPI / 72.0;
        int w = (int) (chart.getWidth() * scale);
        int h = (int) (chart.getHeight() * scale);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.scale(scale, scale);
            chart.paint(new TextGraphics(g, texts), chart.getWidth(), chart.getHeight());
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void writeSvg(Chart<?, ?> chart, FigureText texts, java.io.OutputStream out) throws IOException {
        VectorGraphics2D g = new VectorGraphics2D();
        TextGraphics top = new TextGraphics(g, texts);
        chart.paint(top, chart.getWidth(), chart.getHeight());
        // The SVG is made from a copy of the drawing commands, and every graphics of the drawing (top and those made
        // from it) stays reachable until it is written: one that GC finalizes disposes itself, which adds a command
        // to the list being read (a ConcurrentModificationException, seen once in a run; see TextGraphics#family)
        de.erichseifert.vectorgraphics2d.intermediate.MutableCommandSequence commands =
                new de.erichseifert.vectorgraphics2d.intermediate.MutableCommandSequence();
        for (de.erichseifert.vectorgraphics2d.intermediate.commands.Command<?> c : g.getCommands()) {
            commands.add(c);
        }
        new SVGProcessor().getDocument(commands, new PageSize(0, 0, chart.getWidth(), chart.getHeight()))
                .writeTo(out);
        java.lang.ref.Reference.reachabilityFence(top);
    }

    /**
     * One page of the chart's size in points, as XChart's own PDF encoder draws it, with a fixed document id:
     * PDFBox would otherwise derive one from the clock, and the same run must give the same bytes.
     */
    private static void writePdf(Chart<?, ?> chart, FigureText texts, java.io.OutputStream out) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage(new PDRectangle(chart.getWidth(), chart.getHeight()));
            doc.addPage(page);
            PdfBoxGraphics2D g = new PdfBoxGraphics2D(doc, chart.getWidth(), chart.getHeight());
            // every graphics of the drawing reachable until the file is saved (see writeSvg, TextGraphics#family)
            TextGraphics top = new TextGraphics(g, texts);
            try {
                chart.paint(top, chart.getWidth(), chart.getHeight());
            } finally {
                g.dispose();
            }
            try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                content.drawForm(g.getXFormObject());
            }
            doc.setDocumentId(0L);
            doc.save(out);
            java.lang.ref.Reference.reachabilityFence(top);
        }
    }

    private static void writePng(BufferedImage image, ImageOutputStream out) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IOException("no PNG writer in this JVM");
        }
        ImageWriter writer = writers.next();
        try (out) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image),
                    param);
            setResolution(metadata);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, metadata), param);
        } finally {
            writer.dispose();
        }
    }

    /**
     * Records {@link #DPI} in the PNG's pHYs chunk, through the PNG plugin's native tree. Not the
     * standard tree: JDK PNG writers read its {@code HorizontalPixelSize} (millimetres per pixel)
     * as pixels per millimetre, which stores 212 instead of 4724 pixels per metre.
     */
    private static void setResolution(IIOMetadata metadata) throws IIOInvalidTreeException {
        String pixelsPerMetre = Long.toString(Math.round(DPI / 0.0254));
        IIOMetadataNode phys = new IIOMetadataNode("pHYs");
        phys.setAttribute("pixelsPerUnitXAxis", pixelsPerMetre);
        phys.setAttribute("pixelsPerUnitYAxis", pixelsPerMetre);
        phys.setAttribute("unitSpecifier", "meter");
        IIOMetadataNode root = new IIOMetadataNode(PNG_METADATA_FORMAT);
        root.appendChild(phys);
        metadata.mergeTree(PNG_METADATA_FORMAT, root);
    }

    /**
     * The size of every text in a figure (title, axis titles, tick labels, legend, cell values): one size, as
     * journals ask. 14 points on an {@link #WIDTH}-point-wide figure is about 8 points when the figure is set at
     * the 468-point text width of a paper.
     */
    public static final int FONT_SIZE = 14;

    /**
     * Gives the chart's axes their tick labels and collects every string the chart draws, for {@link TextGraphics}.
     *
     * <p>A logarithmic axis of XChart labels only the decades by default (200 and 5000 get no label between 100
     * and 1000 … 10000). Here it labels ticks 1…9 × 10^k: on the x axis every plotted value that is such a tick
     * (the sample sizes), and on both axes the steps the span allows without crowding: all nine within 1.3
     * decades, 1-2-5 within 3, else every decade (every 2nd, 3rd … beyond 8). The labels not wanted are hidden.
     * A linear axis gets XChart's ticks, labelled through a formatting function that records them.
     */
    static FigureText tickLabels(Chart<?, ?> chart) {
        AxesChartStyler s = (AxesChartStyler) chart.getStyler();
        List<Font> fonts = new ArrayList<>(List.of(s.getChartTitleFont(), s.getAxisTitleFont(),
                s.getAxisTickLabelsFont(), s.getLegendFont()));
        if (chart instanceof HeatMapChart h) {
            fonts.add(h.getStyler().getValueFont());
        }
        FigureText t = new FigureText(fonts);
        t.show(chart.getTitle());
        t.show(chart.getXAxisTitle());
        t.show(chart.getYAxisTitle());
        for (Object o : chart.getSeriesMap().values()) {
            org.knowm.xchart.internal.series.Series series = (org.knowm.xchart.internal.series.Series) o;
            if (series.isShowInLegend()) {
                t.show(series.getName());
            }
        }
        if (chart instanceof XYChart xy) {
            xyAxis(t, xy, true);
            xyAxis(t, xy, false);
        } else if (chart instanceof CategoryChart c) {
            for (CategorySeries cs : c.getSeriesMap().values()) {
                for (Object o : cs.getXData()) {
                    t.show(String.valueOf(o));
                }
            }
            c.getStyler().setyAxisTickLabelsFormattingFunction(recording(t));
        } else if (chart instanceof HeatMapChart h) {
            org.knowm.xchart.HeatMapSeries hs = h.getHeatMapSeries();
            hs.getXData().forEach(o -> t.show(String.valueOf(o)));
            hs.getYData().forEach(o -> t.show(String.valueOf(o)));
            // cell values and colour bar labels, formatted as XChart does (its pattern, the default locale)
            java.text.DecimalFormat df = new java.text.DecimalFormat(h.getStyler().getHeatMapValueDecimalPattern());
            for (Number[] cell : hs.getHeatData()) {
                if (cell != null) {
                    t.show(df.format(cell[2]));
                }
            }
            double lo = h.getStyler().getMin();
            double hi = h.getStyler().getMax();
            for (int m = 1; m <= 20; m++) {
                for (int i = 0; i <= m; i++) {
                    t.show(df.format(lo + i * (hi - lo) / m));
                }
            }
        }
        return t;
    }

    private static void xyAxis(FigureText t, XYChart chart, boolean x) {
        XYStyler s = chart.getStyler();
        if (!(x ? s.isXAxisLogarithmic() : s.isYAxisLogarithmic())) {
            if (x) {
                s.setxAxisTickLabelsFormattingFunction(recording(t));
            } else {
                s.setyAxisTickLabelsFormattingFunction(recording(t));
            }
            return;
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        java.util.TreeSet<Double> plotted = new java.util.TreeSet<>();
        for (XYSeries series : chart.getSeriesMap().values()) {
            double[] v = x ? series.getXData() : series.getYData();
            for (double d : v) {
                if (Double.isFinite(d) && d > 0) {
                    lo = Math.min(lo, d);
                    hi = Math.max(hi, d);
                    if (x && series.isShowInLegend() && !REFERENCE_COLOR.equals(series.getLineColor())) {
                        plotted.add(d);
                    }
                }
            }
        }
        Double min = x ? s.getXAxisMin() : s.getYAxisMin();
        Double max = x ? s.getXAxisMax() : s.getYAxisMax();
        lo = min != null && min > 0 ? min : lo;
        hi = max != null && max > 0 ? max : hi;
        if (!(lo <= hi)) {
            return; // nothing drawable on this axis
        }
        if (x) {
            s.setXAxisLogarithmicDecadeOnly(false);
        } else {
            s.setYAxisLogarithmicDecadeOnly(false);
        }
        int k0 = (int) Math.floor(Math.log10(lo));
        int k1 = (int) Math.ceil(Math.log10(hi));
        // plain numbers from 10^-6 to 10^8 (0.0003, 5000), scientific beyond
        String pattern = k0 >= -6 && k1 <= 9 ? (k0 >= 0 ? "0" : "0." + "#".repeat(-k0)) : "0E0";
        if (x) {
            s.setXAxisDecimalPattern(pattern);
        } else {
            s.setYAxisDecimalPattern(pattern);
        }
        java.text.DecimalFormat df = new java.text.DecimalFormat(pattern,
                java.text.DecimalFormatSymbols.getInstance(Locale.ROOT));
        double span = Math.log10(hi / lo);
        int every = (int) Math.max(1, Math.ceil(span / 8));
        for (int k = k0; k <= k1; k++) {
            for (int j = 1; j <= 10; j++) {
                double v = Math.pow(10, k) * j; // XChart's tick value, computed the same way
                boolean wanted = span <= 1.3 || (span <= 3 ? j == 1 || j == 2 || j == 5 || j == 10
                        : (j == 1 && Math.floorMod(k, every) == 0) || (j == 10 && Math.floorMod(k + 1, every) == 0));
                Double near = plotted.ceiling(v * (1 - 1e-9));
                wanted |= near != null && near <= v * (1 + 1e-9);
                if (wanted) {
                    t.show(df.format(v));
                } else {
                    t.hide(df.format(v));
                }
            }
        }
    }

    /** Tick labels of a linear axis: the value with up to 10 significant digits, recorded as shown. */
    private static java.util.function.Function<Double, String> recording(FigureText t) {
        return v -> {
            String label = new java.math.BigDecimal(v).round(new java.math.MathContext(10)).stripTrailingZeros()
                    .toPlainString();
            label = label.equals("-0") ? "0" : label;
            t.show(label);
            return label;
        };
    }

    // ------------------------------------------------------------------------------------------
    // Line charts

    /**
     * An empty XY chart in the house style; add data with {@link #addSeries},
     * {@link #addSeriesWithErrorBars} and {@link #addHorizontalLine}.
     *
     * <p>On a logarithmic axis, points that cannot be drawn (coordinate ≤ 0) are filtered by the
     * {@code add...} methods, since XChart would otherwise throw when painting. The filter looks
     * at the axes when a series is added, so choose log scales here rather than switching them on
     * later through the styler.
     */
    public static XYChart line(String title, String xLabel, String yLabel, boolean logX, boolean logY) {
        XYChart chart = new XYChart(WIDTH, HEIGHT, Styler.ChartTheme.XChart);
        XYStyler s = houseStyle(chart, title, xLabel, yLabel);
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setXAxisLogarithmic(logX);
        s.setYAxisLogarithmic(logY);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setMarkerSize(7);
        return chart;
    }

    /**
     * Adds a data series: a solid line through the points with a marker at each, in the next
     * palette colour and marker shape.
     *
     * <p>Points that cannot be drawn are handled so that painting never fails: a point whose x is
     * not finite (or ≤ 0 on a logarithmic x axis) is dropped; a point whose y is not finite (or
     * ≤ 0 on a logarithmic y axis) is kept as a gap, so the line breaks there rather than joining
     * its neighbours. A series left with no drawable point is not added at all (it would make
     * XChart fail), and does not appear in the legend.
     *
     * @throws IllegalArgumentException if {@code x} and {@code y} differ in length or the name is
     *                                  already used in the chart
     */
    public static void addSeries(XYChart chart, String name, double[] x, double[] y) {
        Objects.requireNonNull(chart, "chart");
        requireName(chart, name);
        requireSameLength(x, y, "x", "y");
        double[][] pts = drawable(chart.getStyler(), x, y);
        if (pts == null) {
            return;
        }
        int slot = nextSlot(chart);
        addDataSeries(chart, name, pts, slot);
    }

    /**
     * Adds a fitted curve (a power law, a regression line): a plain line without markers in the next palette
     * colour, named in the legend, so that it reads as a model and not as more data. Points are handled as in
     * {@link #addSeries}; pass enough of them for a curve (two suffice for a power law on log-log axes).
     *
     * @throws IllegalArgumentException if {@code x} and {@code y} differ in length or the name is already used
     */
    public static void addFit(XYChart chart, String name, double[] x, double[] y) {
        addSeries(chart, name, x, y);
        XYSeries fit = chart.getSeriesMap().get(name);
        if (fit == null) {
            return; // no drawable point: addSeries added nothing
        }
        fit.setMarker(SeriesMarkers.NONE);
        fit.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {10f, 5f},
                0f));
    }

    /**
     * Adds a data series as {@link #addSeries} does, plus an asymmetric interval at each point,
     * such as a Wilson interval ({@link Statistics#wilson}).
     *
     * <p>XChart's own error bars are symmetric ({@code y ± e}), so the intervals are drawn as a
     * companion series instead: one vertical segment from {@code lower[i]} to {@code upper[i]} at
     * each {@code x[i]}, in the data series' colour, without caps, hidden from the legend and drawn
     * beneath the line and markers. Segments rather than a shaded band because the points here are
     * separate experiments (grid cells, sample sizes), not samples of a continuous curve.
     *
     * <p>An interval with a non-finite end is not drawn. On a logarithmic y axis an interval whose
     * lower end is ≤ 0 (a Wilson interval at 0 successes) is drawn from the point upwards if the
     * point is drawable, and not at all otherwise.
     *
     * @throws IllegalArgumentException if the arrays differ in length, a finite interval has
     *                                  {@code lower > upper}, or the name is already used
     */
    public static void addSeriesWithErrorBars(XYChart chart, String name, double[] x, double[] y, double[] lower,
            double[] upper) {
        Objects.requireNonNull(chart, "chart");
        requireName(chart, name);
        requireSameLength(x, y, "x", "y");
        requireSameLength(x, lower, "x", "lower");
        requireSameLength(x, upper, "x", "upper");
        for (int i = 0; i < x.length; i++) {
            if (lower[i] > upper[i]) {
                throw new IllegalArgumentException("interval " + i + " has lower " + lower[i] + " > upper " + upper[i]);
            }
        }
        requireName(chart, name + INTERVAL_SUFFIX);
        XYStyler s = chart.getStyler();
        double[][] pts = drawable(s, x, y);
        if (pts == null) {
            return;
        }
        int slot = nextSlot(chart);
        // Segments separated by NaN: XChart breaks a line at a NaN y.
        double[] sx = new double[3 * x.length];
        double[] sy = new double[3 * x.length];
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (!drawableX(s, x[i]) || !Double.isFinite(lower[i]) || !Double.isFinite(upper[i])) {
                continue;
            }
            double lo = lower[i];
            double hi = upper[i];
            if (s.isYAxisLogarithmic()) {
                if (hi <= 0) {
                    continue;
                }
                if (lo <= 0) {
                    if (!drawableY(s, y[i]) || y[i] >= hi) {
                        continue;
                    }
                    lo = y[i];
                }
            }
            sx[k] = x[i];
            sy[k++] = lo;
            sx[k] = x[i];
            sy[k++] = hi;
            sx[k] = x[i];
            sy[k++] = Double.NaN;
        }
        if (k > 0) {
            XYSeries bars = chart.addSeries(name + INTERVAL_SUFFIX, Arrays.copyOf(sx, k), Arrays.copyOf(sy, k));
            bars.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            bars.setMarker(SeriesMarkers.NONE);
            bars.setLineColor(PALETTE[slot % PALETTE.length]);
            bars.setLineStyle(new BasicStroke(1.5f));
            bars.setShowInLegend(false);
        }
        addDataSeries(chart, name, pts, slot);
    }

    /**
     * Adds a horizontal reference line at {@code y} from {@code xMin} to {@code xMax} (a population
     * value, a threshold), dashed dark grey, with its name in the legend. Like data, a line that
     * cannot be drawn on a logarithmic axis ({@code y ≤ 0}, or {@code xMin ≤ 0} on a log x axis)
     * is not added.
     *
     * @throws IllegalArgumentException if {@code y}, {@code xMin} or {@code xMax} is not finite, or
     *                                  {@code xMin >= xMax}
     */
    public static void addHorizontalLine(XYChart chart, String name, double y, double xMin, double xMax) {
        Objects.requireNonNull(chart, "chart");
        requireName(chart, name);
        if (!Double.isFinite(y) || !Double.isFinite(xMin) || !Double.isFinite(xMax) || !(xMin < xMax)) {
            throw new IllegalArgumentException("need finite y and xMin < xMax, got y = " + y + ", x in [" + xMin
                    + ", " + xMax + "]");
        }
        XYStyler s = chart.getStyler();
        if (!drawableX(s, xMin) || !drawableY(s, y)) {
            return;
        }
        XYSeries line = chart.addSeries(name, new double[] {xMin, xMax}, new double[] {y, y});
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        line.setMarker(SeriesMarkers.NONE);
        line.setLineColor(REFERENCE_COLOR);
        line.setLineStyle(REFERENCE_STROKE);
    }

    /**
     * Adds the points {@code (x[i], y[i])} as small faint markers without a line, in the colour of the data series
     * {@code of} already in the chart, hidden from the legend (say so in the caption): the individual values behind
     * a summarised point, such as the proportion on each data set beside the pooled proportion with its interval.
     * Points that cannot be drawn are dropped as in {@link #addSeries}.
     *
     * @throws IllegalArgumentException if the arrays differ in length, the name is already used, or {@code of} is
     *                                  not a series of the chart
     */
    public static void addFaintPoints(XYChart chart, String name, String of, double[] x, double[] y) {
        Objects.requireNonNull(chart, "chart");
        requireName(chart, name);
        requireSameLength(x, y, "x", "y");
        XYSeries owner = chart.getSeriesMap().get(of);
        if (owner == null) {
            throw new IllegalArgumentException("no series '" + of + "' in the chart");
        }
        XYStyler s = chart.getStyler();
        double[] xs = new double[x.length];
        double[] ys = new double[x.length];
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (drawableX(s, x[i]) && drawableY(s, y[i])) {
                xs[k] = x[i];
                ys[k++] = y[i];
            }
        }
        if (k == 0) {
            return;
        }
        Color c = owner.getMarkerColor() != null ? owner.getMarkerColor() : owner.getLineColor();
        XYSeries pts = chart.addSeries(name, Arrays.copyOf(xs, k), Arrays.copyOf(ys, k));
        pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        pts.setMarker(SeriesMarkers.CIRCLE);
        pts.setMarkerColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), FAINT_ALPHA));
        pts.setShowInLegend(false);
    }

    /** Opacity of {@link #addFaintPoints}: light enough that eight overlapping points still read as a spread. */
    static final int FAINT_ALPHA = 80;

    private static void addDataSeries(XYChart chart, String name, double[][] pts, int slot) {
        XYSeries series = chart.addSeries(name, pts[0], pts[1]);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        Color color = PALETTE[slot % PALETTE.length];
        series.setLineColor(color);
        series.setMarkerColor(color);
        // a marker per point helps a few points (grid cells) and smears a dense curve (a trajectory)
        series.setMarker(pts[0].length <= DENSE ? MARKERS[slot % MARKERS.length] : SeriesMarkers.NONE);
        series.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    }

    /** Series with more points than this are drawn as plain lines, without markers. */
    static final int DENSE = 60;

    /**
     * The palette slot of the next data series: the number of series already in the chart that
     * are data series, i.e. not reference lines (drawn in the reference colour) or interval
     * companions (hidden from the legend). Counting from the chart, not a field, keeps the class
     * free of state.
     */
    private static int nextSlot(XYChart chart) {
        int n = 0;
        for (XYSeries series : chart.getSeriesMap().values()) {
            if (series.isShowInLegend() && !REFERENCE_COLOR.equals(series.getLineColor())) {
                n++;
            }
        }
        return n;
    }

    /** Put the legend inside the plot area, in the given corner, in one column (for many series). */
    public static void legendInside(XYChart chart, Styler.LegendPosition corner) {
        chart.getStyler().setLegendPosition(corner);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
    }

    /** Restrict the x axis to {@code [min, max]}. */
    public static void xRange(XYChart chart, double min, double max) {
        chart.getStyler().setXAxisMin(min);
        chart.getStyler().setXAxisMax(max);
    }

    /**
     * The points of a series as XChart should get them (see {@link #addSeries}), or {@code null}
     * if none can be drawn.
     */
    private static double[][] drawable(AxesChartStyler s, double[] x, double[] y) {
        double[] xs = new double[x.length];
        double[] ys = new double[x.length];
        int k = 0;
        boolean any = false;
        for (int i = 0; i < x.length; i++) {
            if (!drawableX(s, x[i])) {
                continue;
            }
            boolean ok = drawableY(s, y[i]);
            any |= ok;
            xs[k] = x[i];
            ys[k++] = ok ? y[i] : Double.NaN;
        }
        return any ? new double[][] {Arrays.copyOf(xs, k), Arrays.copyOf(ys, k)} : null;
    }

    private static boolean drawableX(AxesChartStyler s, double x) {
        return Double.isFinite(x) && (!s.isXAxisLogarithmic() || x > 0);
    }

    private static boolean drawableY(AxesChartStyler s, double y) {
        return Double.isFinite(y) && (!s.isYAxisLogarithmic() || y > 0);
    }

    // ------------------------------------------------------------------------------------------
    // Heat maps

    /**
     * A heat map of {@code z[j][i]} over the grid {@code xValues[i]} × {@code yValues[j]}; row
     * {@code j = 0} is drawn at the bottom. Colours run from light yellow at {@code zMin} to blue
     * at {@code zMax} (values outside are clamped to the end colours), with a colour bar at the
     * right. Cells whose value is not finite are not painted and show the plot's light grey
     * background: "no data".
     *
     * <p>When neither side has more than 15 cells, each cell shows its value, with 2 significant
     * decimals relative to {@code zMax − zMin} (for example {@code 0.00} for a range of 1). XChart
     * formats these numbers, and the colour bar labels, with the JVM's default locale; axis ticks
     * use {@link Locale#ROOT}.
     *
     * @param xValues column labels (numbers or strings), left to right
     * @param yValues row labels, bottom to top
     * @param z       values indexed {@code [y][x]}
     * @param zMin    value mapped to the lightest colour
     * @param zMax    value mapped to the darkest colour
     * @throws IllegalArgumentException if a label list is empty, {@code z}'s shape does not match
     *                                  the labels, or {@code zMin < zMax} does not hold for finite
     *                                  bounds
     */
    public static HeatMapChart heatmap(String title, String xLabel, String yLabel, List<?> xValues, List<?> yValues,
            double[][] z, double zMin, double zMax) {
        Objects.requireNonNull(xValues, "xValues");
        Objects.requireNonNull(yValues, "yValues");
        Objects.requireNonNull(z, "z");
        if (xValues.isEmpty() || yValues.isEmpty()) {
            throw new IllegalArgumentException("a heat map needs at least one x and one y value");
        }
        if (z.length != yValues.size()) {
            throw new IllegalArgumentException("z has " + z.length + " rows, expected one per y value ("
                    + yValues.size() + ")");
        }
        for (int j = 0; j < z.length; j++) {
            if (z[j] == null || z[j].length != xValues.size()) {
                throw new IllegalArgumentException("z[" + j + "] has " + (z[j] == null ? "no" : z[j].length)
                        + " entries, expected one per x value (" + xValues.size() + ")");
            }
        }
        if (!Double.isFinite(zMin) || !Double.isFinite(zMax) || !(zMin < zMax)) {
            throw new IllegalArgumentException("need finite zMin < zMax, got [" + zMin + ", " + zMax + "]");
        }
        // The theme must be named: HeatMapChart(int, int) never applies one and leaves the
        // styler's fonts, locale and flags unset, which draws an empty chart.
        HeatMapChart chart = new HeatMapChart(WIDTH, HEIGHT, Styler.ChartTheme.XChart);
        HeatMapStyler s = houseStyle(chart, title, xLabel, yLabel);
        s.setPlotGridLinesVisible(false);
        // Cells without data are not painted, so the plot background is what marks "no data".
        s.setPlotBackgroundColor(NO_DATA_COLOR);
        // Cells fill the whole plot area, so no grey margin is mistaken for missing cells.
        s.setPlotContentSize(1.0);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        // category labels (e.g. "SPURIOUS → SPURIOUS") right-aligned next to the axis, with room before it: left-
        // aligned at the default padding, the longest ran into its tick mark on the rendered figures
        s.setYAxisLabelAlignment(org.knowm.xchart.style.AxesChartStyler.TextAlignment.Right);
        s.setAxisTickPadding(8);
        s.setRangeColors(HEAT_COLORS.clone());
        s.setMin(zMin);
        s.setMax(zMax);
        // A border in the cell's own colour hides the anti-aliasing seams between cells.
        s.setDrawBorder(true);
        s.setGradientColorColumnHeight(HEIGHT / 2);
        String pattern = decimalPattern(zMax - zMin);
        s.setHeatMapValueDecimalPattern(pattern);
        boolean annotate = xValues.size() <= MAX_ANNOTATED_CELLS_PER_SIDE
                && yValues.size() <= MAX_ANNOTATED_CELLS_PER_SIDE;
        s.setShowValue(annotate);
        s.setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, FONT_SIZE));
        s.setValueFontColor(Color.BLACK);

        List<Number[]> cells = new ArrayList<>();
        for (int j = 0; j < z.length; j++) {
            for (int i = 0; i < z[j].length; i++) {
                if (Double.isFinite(z[j][i])) {
                    cells.add(new Number[] {i, j, z[j][i]});
                }
            }
        }
        if (cells.isEmpty()) {
            // XChart rejects an empty list but skips null entries: an all-blank map still draws.
            cells.add(null);
        }
        chart.addSeries(nonNull(title), new ArrayList<>(xValues), new ArrayList<>(yValues), cells)
                .setMin(zMin).setMax(zMax);
        return chart;
    }

    /**
     * A {@link java.text.DecimalFormat} pattern with two significant decimals relative to a range:
     * {@code 0.00} for a range in [1, 10), {@code 0} from 100 on, at most 6 decimals.
     */
    static String decimalPattern(double range) {
        int decimals = (int) Math.max(0, Math.min(6, 2 - Math.floor(Math.log10(range))));
        return decimals == 0 ? "0" : "0." + "0".repeat(decimals);
    }

    // ------------------------------------------------------------------------------------------
    // Bar charts

    /**
     * A bar chart of several series over the same categories, for example outcome fractions
     * (global, spurious, not converged, ...) per grid cell: stacked (one bar per category, the
     * series on top of one another) or grouped (the series side by side).
     *
     * <p>A {@code NaN} value is a missing bar; infinite values are rejected. Category labels are
     * rotated by 45° when there are more than 8 of them.
     *
     * @param categories    the x-axis labels, left to right
     * @param seriesValues  series name to one value per category, in legend and colour order
     * @param stacked       stack the series instead of grouping them
     * @throws IllegalArgumentException if there are no categories or series, a series has the wrong
     *                                  length, or a value is infinite
     */
    public static CategoryChart bars(String title, String xLabel, String yLabel, List<String> categories,
            LinkedHashMap<String, double[]> seriesValues, boolean stacked) {
        Objects.requireNonNull(categories, "categories");
        Objects.requireNonNull(seriesValues, "seriesValues");
        if (categories.isEmpty() || seriesValues.isEmpty()) {
            throw new IllegalArgumentException("a bar chart needs at least one category and one series");
        }
        CategoryChart chart = new CategoryChart(WIDTH, HEIGHT, Styler.ChartTheme.XChart);
        CategoryStyler s = houseStyle(chart, title, xLabel, yLabel);
        s.setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Bar);
        s.setStacked(stacked);
        s.setOverlapped(false);
        s.setAvailableSpaceFill(stacked ? 0.6 : 0.8);
        s.setPlotGridVerticalLinesVisible(false);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        if (categories.size() > 8) {
            s.setXAxisLabelRotation(45);
        }
        int slot = 0;
        for (Map.Entry<String, double[]> e : seriesValues.entrySet()) {
            double[] v = Objects.requireNonNull(e.getValue(), "values of " + e.getKey());
            if (v.length != categories.size()) {
                throw new IllegalArgumentException("series '" + e.getKey() + "' has " + v.length
                        + " values, expected one per category (" + categories.size() + ")");
            }
            List<Double> ys = new ArrayList<>(v.length);
            for (double d : v) {
                if (Double.isInfinite(d)) {
                    throw new IllegalArgumentException("series '" + e.getKey() + "' has an infinite value");
                }
                // XChart skips null values; NaN would corrupt the axis range.
                ys.add(Double.isNaN(d) ? null : d);
            }
            CategorySeries series = chart.addSeries(nonNull(e.getKey()), new ArrayList<>(categories), ys);
            Color color = PALETTE[slot % PALETTE.length];
            series.setFillColor(color);
            series.setLineColor(color);
            slot++;
        }
        return chart;
    }

    // ------------------------------------------------------------------------------------------
    // Shared style

    /**
     * Titles the chart and its axes ({@code null} as empty) and applies the house style of every
     * chart type; the caller then sets what its type adds or overrides.
     *
     * @return the chart's styler
     */
    private static <S extends AxesChartStyler> S houseStyle(Chart<S, ?> chart, String title, String xLabel,
            String yLabel) {
        chart.setTitle(nonNull(title));
        chart.setXAxisTitle(nonNull(xLabel));
        chart.setYAxisTitle(nonNull(yLabel));
        S s = chart.getStyler();
        applyAxesStyle(s);
        return s;
    }

    private static void applyAxesStyle(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(true);
        s.setPlotBorderColor(BORDER_COLOR);
        s.setPlotGridLinesVisible(true);
        s.setPlotGridLinesColor(GRID_COLOR);
        s.setPlotGridLinesStroke(new BasicStroke(1f));
        s.setChartFontColor(Color.BLACK);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, FONT_SIZE));
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, FONT_SIZE));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, FONT_SIZE));
        s.setAxisTickLabelsColor(Color.BLACK);
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, FONT_SIZE));
        s.setLegendBackgroundColor(Color.WHITE);
        s.setLegendBorderColor(Color.WHITE);
        s.setSeriesColors(PALETTE.clone());
        s.setChartPadding(12);
        s.setLocale(Locale.ROOT);
        s.setToolTipsEnabled(false);
        s.setAntiAlias(true);
    }

    private static void requireName(Chart<?, ?> chart, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a series needs a non-empty name");
        }
        if (chart.getSeriesMap().containsKey(name)) {
            throw new IllegalArgumentException("series name '" + name + "' is already used in this chart");
        }
    }

    private static void requireSameLength(double[] a, double[] b, String an, String bn) {
        Objects.requireNonNull(a, an);
        Objects.requireNonNull(b, bn);
        if (a.length != b.length) {
            throw new IllegalArgumentException(an + " has " + a.length + " values but " + bn + " has " + b.length);
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
