package org.onecnn.experiment.overlap;

import java.util.ArrayList;
import java.util.List;

import org.onecnn.population.EngineKind;
import org.onecnn.algorithms.DoubleConvotron;
import org.onecnn.experiment.convotron.ConvotronCells;
import org.onecnn.model.Architecture;
import org.onecnn.model.DuInitialization;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.PopulationJob;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.RunResult;
import org.onecnn.population.TrajectorySink;
import org.onecnn.util.Parallel;
import org.onecnn.util.Progress;
import org.onecnn.util.SeedStream;

/**
 * The computation of overlap-landscape: a function of the spec alone (teachers from {@link ConvotronCells#TEACHER},
 * initializations from {@link #INIT}); the thread count changes only how fast, and it writes nothing. Two phases,
 * each in units of equal cost for its progress line: population runs, then Double Convotron run-steps.
 */
public final class OverlapLandscapeComputation {
    /**
     * Du et al. initialization {@code run} of teacher {@code teacher} at stride {@code stride}. The label is the one
     * every earlier run used (it is hashed: changing it changes every initialization); its three indices keep it
     * apart from the two-index "init" stream of the population sweeps.
     */
    public static final SeedStream INIT = SeedStream.perItem("init",
            "Du et al. initialization of one run of Algorithm 1 on the overlapping loss", "stride", "teacher", "run");

    private OverlapLandscapeComputation() {
    }

    /**
     * Runs Algorithm 1 from every initialization of every (stride, teacher) task, then Double Convotron on every
     * (stride, distribution) cell.
     *
     * @param threads worker threads (tasks and cells run in parallel)
     * @param quiet   no progress lines on standard error
     */
    public static OverlapLandscapeResult compute(OverlapLandscapeSpec cfg, int threads, boolean quiet)
            throws InterruptedException {
        List<Integer> strides = cfg.convotron().stridesFor(cfg.model().p());
        List<Task> tasks = tasks(cfg, strides);
        List<ConvotronCells.Cell> dcCells = ConvotronCells.cells(cfg, strides, cfg.convotron().distributions());
        List<List<RunResult>> pop;
        try (Progress progress = Progress.start(cfg.name() + " (population)", (long) tasks.size() * cfg.init().count(),
                "runs", quiet)) {
            pop = population(cfg, tasks, threads, progress);
        }
        List<ConvotronCells.Run> dc = new ArrayList<>();
        try (Progress progress = Progress.start(cfg.name() + " (Double Convotron)", ConvotronCells.runSteps(dcCells),
                "run-steps", quiet)) {
            ConvotronCells.runJudged(dcCells, threads, progress, cfg.convotron().successError()).forEach(dc::addAll);
        }
        List<OverlapLandscapeResult.Task> out = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            Task t = tasks.get(i);
            out.add(new OverlapLandscapeResult.Task(t.stride(), t.teacherIndex(), t.teacher(), pop.get(i)));
        }
        return new OverlapLandscapeResult(strides, out, dc);
    }

    /** A (stride, teacher) task before it runs: the teacher at the stride's architecture and its initializations. */
    private record Task(int stride, int teacherIndex, Teacher teacher, List<InitialPoint> inits) {
    }

    /** Teacher t has the same seed at every stride (w*, a* ~ N(0, I)), so strides compare like with like. */
    private static List<Task> tasks(OverlapLandscapeSpec cfg, List<Integer> strides) {
        List<Task> tasks = new ArrayList<>();
        for (int s : strides) {
            Architecture arch = ConvotronCells.architecture(cfg, s);
            for (int t = 0; t < cfg.convotron().teachers(); t++) {
                Teacher teacher = DoubleConvotron.Problem.gaussian(arch, ConvotronCells.teacherSeed(cfg, t)).teacher();
                List<InitialPoint> in = new ArrayList<>();
                for (int i = 0; i < cfg.init().count(); i++) {
                    in.add(DuInitialization.draw(teacher, INIT.derive(cfg.seed(), s, t, i)));
                }
                tasks.add(new Task(s, t, teacher, in));
            }
        }
        return tasks;
    }

    /** Runs every task on the full engine (the exact overlapping loss), in parallel; results in task order. */
    private static List<List<RunResult>> population(OverlapLandscapeSpec cfg, List<Task> tasks, int threads,
            Progress progress) throws InterruptedException {
        List<java.util.concurrent.Callable<List<RunResult>>> work = new ArrayList<>();
        for (Task task : tasks) {
            work.add(() -> {
                Architecture arch = ConvotronCells.architecture(cfg, task.stride());
                PopulationJob job = new PopulationJob(task.teacher(), task.inits(), cfg.train().eta().value(),
                        cfg.stop().toSpec(), cfg.classify().toClassifier(), RecordPlan.NONE, arch);
                List<RunResult> r = EngineKind.FULL.create().run(job, TrajectorySink.NONE);
                progress.step(r.size());
                return r;
            });
        }
        return Parallel.runUnchecked(threads, "onecnn-overlap", work);
    }
}
