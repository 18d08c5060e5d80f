package org.onecnn.experiment.samplesize;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.onecnn.experiment.Sections;
import org.onecnn.experiment.samplesize.SampleSizeResult.SampleSize;
import org.onecnn.experiment.samplesize.SampleSizeResult.Size;
import org.onecnn.model.Outcome;
import org.onecnn.population.RunResult;
import org.onecnn.report.Statistics;
import org.onecnn.report.Table;

/**
 * The statistics of a sample-size run, from its result rows: {@link #of} turns the population runs and the cells'
 * tables into a {@link SampleSizeResult}. Nothing here writes a file ({@link SampleSizeReport} does).
 *
 * <p><b>The design, and the intervals.</b> At each n, D data sets are each trained from the same R
 * initializations: the R·D runs form a crossed table (initialization × data set), and neither the runs nor the
 * data sets are independent draws (two data sets of the same n gave 50 % and 7 % of population-spurious
 * initializations ending GLOBAL in issue 9). Every probability P(class | n) — one per {@link Outcome}: GLOBAL,
 * SPURIOUS, NOT_CONVERGED, DIVERGED and OTHER, each a column of its own — is the share of the R·D runs in that
 * class, with the 95 % interval of {@link Statistics#crossedProportion}: Wilson's interval on the effective number
 * of runs that the two-way (initialization, data set) variance estimate leaves, with Student's t on its
 * Satterthwaite degrees of freedom. The population row (n = inf) has R independent runs and Wilson's interval.
 * Beside each n the result gives the spread between data sets (sd, min and max of the per-set proportions), the
 * data sets' intraclass correlation and the design effect of P(SPURIOUS), and the paired difference
 * P_n(SPURIOUS) − P_∞(SPURIOUS) on the same initializations ({@link Statistics#crossedMean} of {@code 1[run r on
 * set d is SPURIOUS] − 1[population run r is SPURIOUS]}).
 *
 * <p><b>Unconverged runs</b> are a class of their own (p_not_converged), never "other": a run still moving at the
 * budget may yet reach either minimum.
 *
 * <p><b>Cost.</b> Each n also gives its mean number of steps per run and the sample-gradients spent, {@code
 * Σ_runs steps × (samples per step)} with n samples per step in full batch and the batch size otherwise: the
 * numbers that size a study (docs/experiments.md).
 */
final class SampleSizeStatistics {
    /** Confidence of every interval. */
    static final double CONFIDENCE = 0.95;

    /** The number of per-n columns of the summary that the population row leaves NaN (spread to the difference). */
    private static final int PER_SET_COLUMNS = 13;

    static final List<String> SUMMARY_COLUMNS = summaryColumns();

    private SampleSizeStatistics() {
    }

    /** An outcome's name in the summary's columns: {@code p_<column>}, e.g. {@code p_not_converged}. */
    static String column(Outcome o) {
        return o.name().toLowerCase(Locale.ROOT);
    }

    private static List<String> summaryColumns() {
        List<String> c = new ArrayList<>(List.of("n", "n_runs", "n_datasets"));
        for (Outcome o : Outcome.values()) {
            String k = column(o);
            c.addAll(List.of("p_" + k, "p_" + k + "_lo", "p_" + k + "_hi"));
        }
        c.addAll(List.of("p_global_dataset_sd", "p_global_dataset_min", "p_global_dataset_max",
                "p_spurious_dataset_sd", "p_spurious_dataset_min", "p_spurious_dataset_max",
                "p_not_converged_dataset_max", "spurious_icc_dataset", "spurious_icc_init", "spurious_design_effect",
                "spurious_minus_population", "spurious_minus_population_lo", "spurious_minus_population_hi",
                "mean_steps", "sample_gradients", "spurious_pi_minus_phi_median", "spurious_loss_n_median",
                "spurious_population_loss_median"));
        return List.copyOf(c);
    }

    /**
     * The statistics of a run.
     *
     * @param pop   the population runs (row n = inf), in initialization order
     * @param cells the cells' result tables, n major, data set minor
     */
    static SampleSizeResult of(SampleSizeSpec cfg, List<RunResult> pop, List<Table> cells) {
        Sections.Empirical e = cfg.empirical();
        List<Size> sizes = new ArrayList<>();
        sizes.add(population(pop));
        Table.Builder perDataset = Table.builder("n", "dataset", "n_runs", "p_global", "p_spurious", "p_not_converged",
                "p_diverged", "p_other");
        Table.Builder transitions = Table.builder("n", "population_outcome", "empirical_outcome", "count");
        for (int i = 0; i < e.n().size(); i++) {
            long n = e.n().get(i);
            List<Table> sets = cells.subList(i * e.datasets(), (i + 1) * e.datasets());
            Size z = size(cfg, pop, n, sets, transitions);
            sizes.add(z);
            for (int d = 0; d < sets.size(); d++) {
                Map<Outcome, double[]> ps = z.perSet();
                perDataset.row(n, d, pop.size(), ps.get(Outcome.GLOBAL)[d], ps.get(Outcome.SPURIOUS)[d],
                        ps.get(Outcome.NOT_CONVERGED)[d], ps.get(Outcome.DIVERGED)[d], ps.get(Outcome.OTHER)[d]);
            }
        }
        Table.Builder s = Table.builder(SUMMARY_COLUMNS);
        Table.Builder pos = Table.builder("n", "count", "pi_minus_phi_median", "pi_minus_phi_min",
                "pi_minus_phi_max", "loss_n_median", "population_loss_median");
        List<double[]> fitPoints = new ArrayList<>();
        List<Long> fitN = new ArrayList<>();
        for (Size z : sizes) {
            s.row(summaryRow(z));
            if (!z.spuriousGaps().isEmpty()) {
                double med = Statistics.median(z.spuriousGaps());
                long n = z.n().n(); // the population row has no SPURIOUS gaps: only finite sizes come here
                pos.row(n, z.spuriousGaps().size(), med,
                        z.spuriousGaps().stream().mapToDouble(x -> x).min().orElse(Double.NaN),
                        z.spuriousGaps().stream().mapToDouble(x -> x).max().orElse(Double.NaN), z.lossMedian(),
                        z.popLossMedian());
                fitPoints.add(new double[] {Math.log(n), Math.log(med)});
                fitN.add(n);
            }
        }
        return new SampleSizeResult(pop, sizes, s.build(), perDataset.build(), pos.build(), transitions.build(), fitN,
                Statistics.leastSquares(fitPoints), Statistics.slopeInterval(fitPoints, 0.95),
                SecondOrderSection.of(cfg, cells));
    }

    /** The population row: R independent runs, Wilson intervals. */
    private static Size population(List<RunResult> pop) {
        Map<Outcome, Integer> c = new EnumMap<>(Outcome.class);
        double steps = 0;
        for (RunResult r : pop) {
            c.merge(r.outcome(), 1, Integer::sum);
            steps += r.iterations();
        }
        Map<Outcome, Statistics.Interval> p = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            p.put(o, Statistics.wilson(c.getOrDefault(o, 0), pop.size(), CONFIDENCE));
        }
        return new Size(SampleSize.POPULATION, pop.size(), 0, p, null, null, null, steps / pop.size(), Double.NaN,
                List.of(), Double.NaN, Double.NaN);
    }

    /** Sample size n from the tables of its data sets (one row per initialization each); adds its transitions. */
    private static Size size(SampleSizeSpec cfg, List<RunResult> pop, long n, List<Table> sets,
            Table.Builder transitions) {
        int runs = pop.size();
        int sets0 = sets.size();
        Map<Outcome, double[][]> y = new EnumMap<>(Outcome.class);
        Map<Outcome, double[]> perSet = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            y.put(o, new double[runs][sets0]);
            perSet.put(o, new double[sets0]);
        }
        double[][] diff = new double[runs][sets0];
        long steps = 0;
        List<Double> gaps = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        List<Double> popLoss = new ArrayList<>();
        Map<Outcome, Map<Outcome, Integer>> trans = new EnumMap<>(Outcome.class);
        for (int d = 0; d < sets0; d++) {
            Table t = sets.get(d);
            for (int row = 0; row < t.size(); row++) {
                int r = (int) t.getLong(row, "run");
                Outcome out = Outcome.valueOf(t.getString(row, "outcome"));
                y.get(out)[r][d] = 1;
                perSet.get(out)[d]++;
                boolean spurious = out == Outcome.SPURIOUS;
                diff[r][d] = (spurious ? 1 : 0) - (pop.get(r).outcome() == Outcome.SPURIOUS ? 1 : 0);
                steps += t.getLong(row, "iterations");
                trans.computeIfAbsent(Outcome.valueOf(t.getString(row, "population_outcome")),
                        x -> new EnumMap<>(Outcome.class)).merge(out, 1, Integer::sum);
                if (spurious) {
                    gaps.add(t.getDouble(row, "pi_minus_phi"));
                    loss.add(t.getDouble(row, "loss_n"));
                    popLoss.add(t.getDouble(row, "population_loss"));
                }
            }
        }
        for (double[] v : perSet.values()) {
            for (int d = 0; d < sets0; d++) {
                v[d] /= runs;
            }
        }
        Map<Outcome, Statistics.Interval> p = new EnumMap<>(Outcome.class);
        Statistics.CrossedProportion spurious = null;
        for (Outcome o : Outcome.values()) {
            Statistics.CrossedProportion cp = Statistics.crossedProportion(y.get(o), CONFIDENCE);
            p.put(o, cp.interval());
            if (o == Outcome.SPURIOUS) {
                spurious = cp;
            }
        }
        // population outcome major, empirical outcome minor, both in enum order (EnumMaps iterate so)
        for (Map.Entry<Outcome, Map<Outcome, Integer>> po : trans.entrySet()) {
            for (Map.Entry<Outcome, Integer> eo : po.getValue().entrySet()) {
                transitions.row(n, po.getKey().name(), eo.getKey().name(), eo.getValue());
            }
        }
        double perStep = samplesPerStep(cfg.empirical(), n);
        return new Size(SampleSize.of(n), runs * sets0, sets0, p, perSet, spurious,
                Statistics.crossedMean(diff, CONFIDENCE), steps / (double) (runs * sets0), steps * perStep, gaps,
                Statistics.median(loss), Statistics.median(popLoss));
    }

    /**
     * Samples whose gradient one step of one student computes: n in full batch, the batch (at most n) in minibatch
     * and the batch in online SGD.
     */
    static double samplesPerStep(Sections.Empirical e, long n) {
        return switch (e.regime()) {
            case FULL_BATCH -> n;
            case MINIBATCH -> Math.min(n, e.batchSize());
            case ONLINE -> e.batchSize();
        };
    }

    private static Object[] summaryRow(Size z) {
        List<Object> row = new ArrayList<>(List.of(z.n().toString(), z.runs(), z.n().population() ? (Object) Double.NaN
                : (Object) z.datasets()));
        for (Statistics.Interval i : z.p().values()) { // an EnumMap: in Outcome order, the columns' order
            row.addAll(List.of(i.estimate(), i.lower(), i.upper()));
        }
        if (z.perSet() == null) {
            for (int k = 0; k < PER_SET_COLUMNS; k++) {
                row.add(Double.NaN);
            }
        } else {
            row.addAll(spread(z.perSet().get(Outcome.GLOBAL)));
            row.addAll(spread(z.perSet().get(Outcome.SPURIOUS)));
            row.add(max(z.perSet().get(Outcome.NOT_CONVERGED)));
            row.add(z.spurious().crossed().columnIcc());
            row.add(z.spurious().crossed().rowIcc());
            row.add(z.spurious().designEffect());
            row.addAll(List.of(z.spuriousDiff().estimate(), z.spuriousDiff().lower(), z.spuriousDiff().upper()));
        }
        row.addAll(List.of(z.meanSteps(), z.sampleGradients(), Statistics.median(z.spuriousGaps()), z.lossMedian(),
                z.popLossMedian()));
        return row.toArray();
    }

    /** sd (NaN for one data set), min, max of per-data-set proportions. */
    private static List<Double> spread(double[] v) {
        List<Double> xs = new ArrayList<>();
        for (double x : v) {
            xs.add(x);
        }
        double m = Statistics.mean(xs);
        return List.of(Statistics.sampleStandardDeviation(xs, m), xs.stream().mapToDouble(x -> x).min().orElse(
                Double.NaN), Statistics.max(xs));
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return v.length == 0 ? Double.NaN : m;
    }
}
