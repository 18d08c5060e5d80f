package org.onecnn.experiment.overlap;

import java.util.List;

import org.onecnn.experiment.convotron.ConvotronCells;
import org.onecnn.model.Teacher;
import org.onecnn.population.RunResult;

/**
 * What an overlap-landscape run computed, before any table or figure: the runs of Algorithm 1 per stride and
 * teacher, and the judged Double Convotron runs on the same teachers.
 *
 * @param strides    the strides, in config order
 * @param population the population runs of every (stride, teacher) task, strides in order, teachers within
 * @param convotron  every Double Convotron run, by stride, then distribution, then teacher
 */
public record OverlapLandscapeResult(List<Integer> strides, List<Task> population, List<ConvotronCells.Run> convotron) {
    public OverlapLandscapeResult {
        strides = List.copyOf(strides);
        population = List.copyOf(population);
        convotron = List.copyOf(convotron);
    }

    /**
     * The runs of Algorithm 1 from {@code init.count} Du et al. initializations of one teacher at one stride.
     *
     * @param teacherIndex the teacher's index (the same teacher at every stride)
     * @param teacher      the teacher at this stride's architecture
     * @param runs         one result per initialization, in order (index and seed set)
     */
    public record Task(int stride, int teacherIndex, Teacher teacher, List<RunResult> runs) {
        public Task {
            runs = List.copyOf(runs);
        }
    }
}
