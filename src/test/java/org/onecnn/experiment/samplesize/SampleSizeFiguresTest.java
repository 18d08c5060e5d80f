package org.onecnn.experiment.samplesize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.onecnn.report.Plots;
import org.onecnn.report.Statistics;
import org.onecnn.report.SvgText;

/**
 * spurious_position's fit entry: the exponent carries its 95% interval on the figure (a bare exponent from three
 * medians would read as exact), and the legend stands in the plot's top right corner, one entry a line, where
 * the fit's line sample cannot run into the median's label as it did in the one-row legend below.
 */
class SampleSizeFiguresTest {
    @TempDir
    Path dir;

    @Test
    void fitLabelCarriesTheExponentsInterval() {
        assertEquals("fit: ∝ n^-0.18, 95% interval [-1.29, 0.93]",
                SampleSizeFigures.fitLabel(-0.177, new Statistics.Interval(-0.177, -1.288, 0.933)));
        assertEquals("fit: ∝ n^-0.50 (no interval)",
                SampleSizeFigures.fitLabel(-0.5, new Statistics.Interval(-0.5, Double.NaN, Double.NaN)));
    }

    @Test
    void positionLegendIsInTheCornerAndItsTextIsText() throws Exception {
        XYChart sp = Plots.line("Position", "n (samples)", "π − φ", true, true);
        Plots.addSeriesWithErrorBars(sp, "median (bars: min–max)", new double[] {200, 1000, 5000},
                new double[] {0.7, 0.41, 0.39}, new double[] {0.6, 0.28, 0.26}, new double[] {1.3, 0.75, 0.43});
        String label = SampleSizeFigures.fitLabel(-0.177, new Statistics.Interval(-0.177, -1.288, 0.933));
        Plots.addFit(sp, label, new double[] {200, 1000, 5000}, new double[] {0.64, 0.48, 0.36});
        SampleSizeFigures.legendInCorner(sp);
        Plots.save(sp, dir, "spurious_position", false);
        assertEquals(Styler.LegendPosition.InsideNE, sp.getStyler().getLegendPosition());
        assertEquals(Styler.LegendLayout.Vertical, sp.getStyler().getLegendLayout());
        List<String> t = SvgText.texts(dir.resolve("spurious_position.svg"));
        assertTrue(t.contains(label) && t.contains("median (bars: min–max)"), t.toString());
        assertTrue(Files.size(dir.resolve("spurious_position.pdf")) > 0);
    }
}
