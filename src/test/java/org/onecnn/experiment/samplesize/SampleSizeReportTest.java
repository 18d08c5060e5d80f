package org.onecnn.experiment.samplesize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.model.Outcome;
import org.onecnn.population.RunResult;
import org.onecnn.model.StopReason;
import org.onecnn.report.Statistics;
import org.onecnn.report.Table;

/**
 * The statistics of {@link SampleSizeStatistics} (and the warning of {@link SampleSizeReport}) on result tables
 * written by hand: each class's probability and interval are those of {@link Statistics#crossedProportion} on the
 * initialization × data set table of that class, NOT_CONVERGED is a class of its own (never "other"), the paired
 * difference from the population, the spread between data sets, the cost, the warning about unconverged runs, and
 * the population row as a flag rather than a number.
 */
class SampleSizeReportTest {
    private static final int R = 4;

    private static SampleSizeSpec spec() {
        return (SampleSizeSpec) ConfigLoader.load("sample-size", List.of("init.count=" + R, "empirical.n=[100,200]",
                "empirical.datasets=2", "empirical.max_steps=1000")).config();
    }

    /** Population: runs 0, 1 GLOBAL, runs 2, 3 SPURIOUS. */
    private static List<RunResult> population() {
        List<RunResult> pop = new ArrayList<>();
        for (int r = 0; r < R; r++) {
            pop.add(new RunResult(r, r, r < 2 ? Outcome.GLOBAL : Outcome.SPURIOUS, StopReason.values()[0], 10, 0, 0,
                    0, 0, 0, 1, 0));
        }
        return pop;
    }

    /** One data set's table: the given empirical outcomes of runs 0..R−1, each after {@code steps} steps. */
    private static Table cell(long n, int d, List<RunResult> pop, long steps, String... outcomes) {
        Table.Builder b = Table.builder(SampleSizeCells.COLUMNS);
        for (int r = 0; r < R; r++) {
            List<Object> row = new ArrayList<>();
            for (String c : SampleSizeCells.COLUMNS) {
                row.add(switch (c) {
                    case "n" -> n;
                    case "dataset" -> d;
                    case "run" -> r;
                    case "seed" -> (long) r;
                    case "population_outcome" -> pop.get(r).outcome().name();
                    case "outcome" -> outcomes[r];
                    case "stop_reason" -> "STATIONARY";
                    case "iterations" -> steps;
                    case "pi_minus_phi" -> 0.1 * (r + 1);
                    case "second_order" -> "";
                    default -> 0.5;
                });
            }
            b.row(row);
        }
        return b.build();
    }

    @Test
    void classesIntervalsSpreadDifferenceAndCost() {
        List<RunResult> pop = population();
        List<Table> cells = List.of(
                cell(100, 0, pop, 100, "GLOBAL", "GLOBAL", "GLOBAL", "NOT_CONVERGED"),
                cell(100, 1, pop, 300, "GLOBAL", "GLOBAL", "SPURIOUS", "OTHER"),
                cell(200, 0, pop, 50, "GLOBAL", "GLOBAL", "SPURIOUS", "SPURIOUS"),
                cell(200, 1, pop, 50, "GLOBAL", "DIVERGED", "SPURIOUS", "SPURIOUS"));
        SampleSizeResult res = SampleSizeStatistics.of(spec(), pop, cells);
        SampleSizeReport rep = new SampleSizeReport(spec(), res);
        Table s = res.summary();
        assertEquals(SampleSizeStatistics.SUMMARY_COLUMNS, s.columns());
        // n = 100: GLOBAL 5 of 8, SPURIOUS 1, NOT_CONVERGED 1 (not "other"), OTHER 1
        assertEquals("100", s.getString(1, "n"));
        assertEquals(8, s.getLong(1, "n_runs"));
        assertEquals(0.625, s.getDouble(1, "p_global"));
        assertEquals(0.125, s.getDouble(1, "p_spurious"));
        assertEquals(0.125, s.getDouble(1, "p_not_converged"));
        assertEquals(0.125, s.getDouble(1, "p_other"));
        assertEquals(0.0, s.getDouble(1, "p_diverged"));
        double[][] sp = {{0, 0}, {0, 0}, {0, 1}, {0, 0}};
        Statistics.Interval want = Statistics.crossedProportion(sp, 0.95).interval();
        assertEquals(want.lower(), s.getDouble(1, "p_spurious_lo"));
        assertEquals(want.upper(), s.getDouble(1, "p_spurious_hi"));
        // per data set: P(SPURIOUS) 0 and 1/4
        assertEquals(0.0, s.getDouble(1, "p_spurious_dataset_min"));
        assertEquals(0.25, s.getDouble(1, "p_spurious_dataset_max"));
        assertEquals(Math.sqrt(2 * 0.125 * 0.125), s.getDouble(1, "p_spurious_dataset_sd"), 1e-15);
        // paired by initialization: 1[SPURIOUS] − 1[population SPURIOUS] has mean (1 − 4)/8
        assertEquals(-3.0 / 8, s.getDouble(1, "spurious_minus_population"), 1e-15);
        // cost: full batch, n samples per step: 100 × (4 × 100 + 4 × 300)
        assertEquals(200.0, s.getDouble(1, "mean_steps"));
        assertEquals(100.0 * 1600, s.getDouble(1, "sample_gradients"));
        // n = 200: SPURIOUS on 4 of 8, matching the population but for run 2 on... every run 2, 3: difference 0
        assertEquals(0.5, s.getDouble(2, "p_spurious"));
        assertEquals(0.0, s.getDouble(2, "spurious_minus_population"), 1e-15);
        assertEquals(0.125, s.getDouble(2, "p_diverged"));
        for (int row = 0; row < s.size(); row++) {
            double sum = 0;
            for (Outcome o : Outcome.values()) {
                String c = SampleSizeStatistics.column(o);
                double p = s.getDouble(row, "p_" + c);
                sum += p;
                assertTrue(s.getDouble(row, "p_" + c + "_lo") <= p && p <= s.getDouble(row, "p_" + c + "_hi"),
                        "row " + row + " " + c);
            }
            assertEquals(1.0, sum, 1e-12, "row " + row + ": the classes partition the runs");
        }
        // 12.5 % NOT_CONVERGED at n = 100: the warning names that n and suggests a larger budget
        String w = rep.unconvergedWarning();
        assertTrue(w != null && w.contains("n = 100: 12.5%") && !w.contains("n = 200")
                && w.contains("empirical.max_steps=4000"), w);
    }

    @Test
    void noWarningWhenEveryRunConverged() {
        List<RunResult> pop = population();
        List<Table> cells = new ArrayList<>();
        for (long n : new long[] {100, 200}) {
            for (int d = 0; d < 2; d++) {
                cells.add(cell(n, d, pop, 10, "GLOBAL", "GLOBAL", "SPURIOUS", "SPURIOUS"));
            }
        }
        SampleSizeResult res = SampleSizeStatistics.of(spec(), pop, cells);
        assertNull(new SampleSizeReport(spec(), res).unconvergedWarning());
        // identical data sets and equal to the population: no spread, no difference, the data sets add nothing
        assertEquals(0.0, res.summary().getDouble(2, "p_spurious_dataset_sd"));
        assertEquals(0.0, res.summary().getDouble(2, "spurious_icc_dataset"));
        assertEquals(0.0, res.summary().getDouble(2, "spurious_minus_population"));
    }

    /** A size is a number plus a population flag: the population row is "inf" and has no number to misread. */
    @Test
    void sampleSizeIsANumberOrThePopulation() {
        List<RunResult> pop = population();
        List<Table> cells = new ArrayList<>();
        for (long n : new long[] {100, 200}) {
            for (int d = 0; d < 2; d++) {
                cells.add(cell(n, d, pop, 10, "GLOBAL", "GLOBAL", "SPURIOUS", "SPURIOUS"));
            }
        }
        SampleSizeResult res = SampleSizeStatistics.of(spec(), pop, cells);
        SampleSizeResult.SampleSize inf = res.populationSize().n();
        assertTrue(inf.population());
        assertEquals("inf", inf.toString());
        assertThrows(IllegalStateException.class, inf::n);
        assertEquals(List.of(100L, 200L), res.empirical().stream().map(z -> z.n().n()).toList());
        assertEquals("inf", res.summary().getString(0, "n"));
        // keyed by Outcome: the population's shares are those of its runs (2 GLOBAL, 2 SPURIOUS of 4)
        assertEquals(0.5, res.populationSize().share(Outcome.GLOBAL));
        assertEquals(0.5, res.populationSize().share(Outcome.SPURIOUS));
        assertEquals(0.0, res.populationSize().share(Outcome.OTHER));
    }
}
