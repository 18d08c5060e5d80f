package org.onecnn.experiment.samplesize;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.onecnn.model.Outcome;
import org.onecnn.population.RunResult;
import org.onecnn.report.Statistics;
import org.onecnn.report.Table;

/**
 * What the statistics of a sample-size run found, before any file, figure or prose ({@link SampleSizeStatistics}
 * computes it, {@link SampleSizeReport} writes it, {@link SampleSizeFigures} draws it).
 *
 * @param population  the population runs (row n = inf), in initialization order
 * @param sizes       the population first, then one entry per n in {@code empirical.n} order
 * @param summary     {@code summary.csv}: row 0 the population, then one row per n
 * @param perDataset  {@code per_dataset.csv}: each class's share on each data set of each n
 * @param position    {@code spurious_position.csv}: π − φ at the SPURIOUS runs, per n that has some
 * @param transitions {@code transitions.csv}: per n, (population outcome, empirical outcome) and its count
 * @param fitSizes    the sizes the power-law fit uses (those with SPURIOUS runs), in {@code empirical.n} order
 * @param fit         log median(π − φ) on log n; NaN without two sample sizes with SPURIOUS runs
 * @param exponent    the fit's slope with its 95% Student's t interval (bounds NaN from fewer than three sizes)
 * @param secondOrder the second-order section ({@link SecondOrderSection})
 */
record SampleSizeResult(List<RunResult> population, List<Size> sizes, Table summary, Table perDataset,
        Table position, Table transitions, List<Long> fitSizes, Statistics.Line fit, Statistics.Interval exponent,
        SecondOrderSection secondOrder) {
    SampleSizeResult {
        population = List.copyOf(population);
        sizes = List.copyOf(sizes);
        fitSizes = List.copyOf(fitSizes);
    }

    /**
     * A row's sample size: a number of samples, or the population (the exact dynamics, written "inf" in the
     * tables). The population has no number: {@link #n()} refuses it, so that no code can mistake it for a size.
     */
    record SampleSize(long n, boolean population) {
        /** The population row. */
        static final SampleSize POPULATION = new SampleSize(0, true);

        /** A finite sample size. */
        static SampleSize of(long n) {
            return new SampleSize(n, false);
        }

        /** The number of samples; the population has none. */
        @Override
        public long n() {
            if (population) {
                throw new IllegalStateException("the population has no sample size");
            }
            return n;
        }

        /** As the tables write it: the number, or "inf" for the population. */
        @Override
        public String toString() {
            return population ? "inf" : Long.toString(n);
        }
    }

    /**
     * The statistics of one sample size, or of the population ({@code datasets} 0, no per-set values).
     *
     * @param n               the sample size
     * @param runs            runs at this size: initializations × data sets (the initializations for the population)
     * @param datasets        data sets at this size (0 for the population)
     * @param p               each outcome's probability with its interval, in {@link Outcome} order
     * @param perSet          each outcome's share on each data set (null for the population)
     * @param spurious        the crossed-design statistics of P(SPURIOUS) (null for the population)
     * @param spuriousDiff    P_n(SPURIOUS) − P_∞(SPURIOUS) paired by initialization (null for the population)
     * @param meanSteps       mean steps per run
     * @param sampleGradients sample-gradients spent (NaN for the population)
     * @param spuriousGaps    π − φ of every SPURIOUS run
     * @param lossMedian      median L_n of the SPURIOUS runs
     * @param popLossMedian   median population loss of the SPURIOUS runs
     */
    record Size(SampleSize n, int runs, int datasets, Map<Outcome, Statistics.Interval> p,
            Map<Outcome, double[]> perSet, Statistics.CrossedProportion spurious, Statistics.Interval spuriousDiff,
            double meanSteps, double sampleGradients, List<Double> spuriousGaps, double lossMedian,
            double popLossMedian) {
        Size {
            p = new EnumMap<>(p);
            perSet = perSet == null ? null : new EnumMap<>(perSet);
            spuriousGaps = List.copyOf(spuriousGaps);
        }

        /** The probability of an outcome (the interval's estimate). */
        double share(Outcome o) {
            return p.get(o).estimate();
        }

        /** The probability of an outcome with its interval. */
        Statistics.Interval interval(Outcome o) {
            return p.get(o);
        }
    }

    /** The empirical sizes: {@link #sizes} without the population row. */
    List<Size> empirical() {
        return sizes.subList(1, sizes.size());
    }

    /** The population's statistics (row n = inf). */
    Size populationSize() {
        return sizes.get(0);
    }

    /** The fraction of runs with population outcome {@code po} at sample size n that ended in {@code eo}. */
    double transitionFraction(long n, Outcome po, Outcome eo) {
        double tot = 0;
        double k = 0;
        for (int r = 0; r < transitions.size(); r++) {
            if (transitions.getLong(r, "n") == n && transitions.getString(r, "population_outcome").equals(po.name())) {
                tot += transitions.getLong(r, "count");
                if (transitions.getString(r, "empirical_outcome").equals(eo.name())) {
                    k += transitions.getLong(r, "count");
                }
            }
        }
        return tot == 0 ? Double.NaN : k / tot;
    }

    /** Whether a run with population outcome {@code po} ended in {@code eo} at some n (a row of transitions.csv). */
    boolean transitionOccurs(Outcome po, Outcome eo) {
        for (int r = 0; r < transitions.size(); r++) {
            if (transitions.getString(r, "population_outcome").equals(po.name())
                    && transitions.getString(r, "empirical_outcome").equals(eo.name())) {
                return true;
            }
        }
        return false;
    }
}
