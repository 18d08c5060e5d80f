package org.onecnn.experiment.paired;

import java.util.List;

import org.onecnn.model.Teacher;
import org.onecnn.population.RunResult;

/**
 * What a paired-trajectories run computed, before any table or figure: the population trajectory of every
 * initialization, and for every sample size and data set the empirical trajectories of the same initializations
 * with their deviation from the population's.
 *
 * @param teacher        the teacher
 * @param eta            the step size of every run (population and empirical)
 * @param population     the population trajectory of each initialization, in initialization order
 * @param populationRuns the population runs' final states and outcomes, in initialization order
 * @param passes         one pass per sample size (in {@code empirical.n} order) and data set (in order within)
 */
public record PairedTrajectoriesResult(Teacher teacher, double eta, List<List<PopulationPoint>> population,
        List<RunResult> populationRuns, List<Pass> passes) {
    public PairedTrajectoriesResult {
        population = List.copyOf(population);
        populationRuns = List.copyOf(populationRuns);
        passes = List.copyOf(passes);
    }

    /** A recorded point of a population run: φ_t and the population loss after {@code step} updates. */
    public record PopulationPoint(long step, double phi, double loss) {
    }

    /** A recorded point of an empirical run: φ_t, the empirical loss L_n and the population loss L. */
    public record EmpiricalPoint(long step, double phi, double lossN, double populationLoss) {
    }

    /**
     * The empirical runs of every initialization on one data set.
     *
     * @param n            the sample size
     * @param dataset      the data set's index for this n
     * @param trajectories the trajectory of each initialization, in initialization order
     * @param deviations   the deviation of each initialization from its population trajectory, in the same order
     */
    public record Pass(long n, int dataset, List<List<EmpiricalPoint>> trajectories, List<Deviation> deviations) {
        public Pass {
            trajectories = List.copyOf(trajectories);
            deviations = List.copyOf(deviations);
        }
    }

    /**
     * How far one empirical run strayed from the population run of the same initialization:
     * {@code max_t |φ_t(n) − φ_t(∞)|} over the times both recorded.
     *
     * @param run                the initialization's index
     * @param empiricalDiverged  whether the empirical run's iterates became non-finite
     * @param populationDiverged whether the population run's iterates became non-finite
     * @param deviation          the maximal deviation; NaN when either diverged (it is then undefined, and the pair
     *                           is left out of the statistics and the fit)
     */
    public record Deviation(int run, boolean empiricalDiverged, boolean populationDiverged, double deviation) {
        /** Whether both runs stayed finite, so that the deviation is defined. */
        public boolean defined() {
            return !empiricalDiverged && !populationDiverged;
        }
    }

    /** The number of initializations. */
    public int count() {
        return population.size();
    }
}
