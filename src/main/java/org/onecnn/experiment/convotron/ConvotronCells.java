package org.onecnn.experiment.convotron;

import java.util.ArrayList;
import java.util.List;

import org.onecnn.algorithms.DoubleConvotron;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.model.Architecture;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.Parallel;
import org.onecnn.util.Progress;
import org.onecnn.util.SeedStream;
import org.onecnn.experiment.Sections;

/**
 * Double Convotron over strides and input distributions, shared by the double-convotron and
 * overlap-landscape experiments. Teacher {@code t} has the seed {@code derive(master, "teacher", t)}
 * whatever the stride and the distribution, so every cell sees the same teachers (the same w*, and the
 * same leading entries of a*). Cells run in parallel; each cell's result depends only on its seeds.
 */
public final class ConvotronCells {
    /**
     * The teachers: one per index, the same at every stride and distribution (so cells compare like with like).
     * The label is the one every earlier run used: it is hashed, so changing it changes every teacher.
     */
    public static final SeedStream TEACHER = SeedStream.of("teacher",
            "teacher t (w*, a*), the same at every stride and input distribution", "teacher");

    private ConvotronCells() {
    }

    /** One cell: a stride and a distribution, with its settings and teachers. */
    public record Cell(int stride, String distribution, DoubleConvotron.Settings settings,
            List<DoubleConvotron.Problem> problems) {
    }

    /**
     * One Double Convotron run judged: the cell, the teacher's index and seed, the algorithm's result, whether it
     * succeeded and whether stage 3 chose the better sign. Both experiments that run Double Convotron judge runs
     * here, so "success" has one definition.
     *
     * @param success       not diverged, and the chosen sign's final relative test error is below
     *                      {@code convotron.success_error}
     * @param stage3Correct whether the chosen sign's final relative test error is at most the other sign's (true
     *                      when the other's is not finite); {@code null} for a diverged run, whose choice is undefined
     */
    public record Run(Cell cell, int teacher, DoubleConvotron.Result result, boolean success, Boolean stage3Correct) {
        /** Judges run {@code teacher} of {@code cell}. */
        public static Run judge(Cell cell, int teacher, DoubleConvotron.Result r, double successError) {
            double chosen = r.chosenTrace().finalRelative();
            // a diverged run (stage 1, or the chosen sign's stage 2, overflowed) fails, and its choice is undefined
            boolean div = r.diverged();
            double other = r.choice().sign() > 0 ? r.minusTrace().finalRelative() : r.plusTrace().finalRelative();
            Boolean ok = div ? null : !Double.isFinite(other) || chosen <= other;
            return new Run(cell, teacher, r, !div && chosen < successError, ok);
        }

        /** The teacher's seed. */
        public long seed() {
            return cell.problems().get(teacher).seed();
        }

        public boolean diverged() {
            return result.diverged();
        }

        /** The chosen sign's final relative test error. */
        public double testRelChosen() {
            return result.chosenTrace().finalRelative();
        }
    }

    /** The architecture of stride s with the experiment's d and p (validated). */
    public static Architecture architecture(Sections.ConvotronSpec cfg, int s) {
        int d = cfg.model().d();
        int p = cfg.model().p();
        if (s > p || (d - p) % s != 0 || 2 * s <= p) {
            List<Integer> fit = new ArrayList<>();
            for (int t = p; 2 * t > p; t--) {
                if ((d - p) % t == 0) {
                    fit.add(t);
                }
            }
            throw new InvalidInputException("convotron.strides", "stride " + s + (cfg.convotron().strides().isEmpty()
                    ? " (strides [] means p down to ⌊p/2⌋+1)" : "") + " does not fit d = " + d + ", p = " + p
                    + ": Double Convotron needs p/2 < s <= p and (d - p) % s = 0; " + (fit.isEmpty()
                    ? "no stride fits this d and p, change model.d or model.p" : "strides that fit: " + fit));
        }
        return Architecture.of(d, p, s);
    }

    public static DoubleConvotron.Settings settings(Sections.ConvotronSpec cfg, Architecture arch, String dist) {
        Sections.ConvotronCfg c = cfg.convotron();
        Sections.Schedule sch = c.schedule(dist);
        long t1 = sch.steps1();
        long t2 = sch.steps2();
        return new DoubleConvotron.Settings(arch, InputDistribution.named(dist), c.leakySlope(), t1, sch.eta1(), t2,
                sch.eta2(), c.initScale(), c.testSamples(), c.testSamples(), Math.max(1, t1 / 100),
                Math.max(1, t2 / 100));
    }

    /** One line for a report: the distribution and its two-stage schedule. */
    public static String describeSchedule(Sections.ConvotronCfg c, String dist) {
        Sections.Schedule sch = c.schedule(dist);
        return String.format(java.util.Locale.ROOT, "%s input, %s: T1 = %d, η1 = %s; T2 = %d, η2 = %s", dist,
                InputDistribution.named(dist), sch.steps1(), sch.eta1(), sch.steps2(), sch.eta2());
    }

    public static long teacherSeed(Sections.ConvotronSpec cfg, int t) {
        return TEACHER.derive(cfg.seed(), t);
    }

    public static List<Cell> cells(Sections.ConvotronSpec cfg, List<Integer> strides, List<String> distributions) {
        List<Cell> cells = new ArrayList<>();
        for (int s : strides) {
            Architecture arch = architecture(cfg, s);
            for (String dist : distributions) {
                List<DoubleConvotron.Problem> ps = new ArrayList<>();
                for (int t = 0; t < cfg.convotron().teachers(); t++) {
                    ps.add(DoubleConvotron.Problem.gaussian(arch, teacherSeed(cfg, t)));
                }
                cells.add(new Cell(s, dist, settings(cfg, arch, dist), ps));
            }
        }
        return cells;
    }

    /**
     * The run-steps of all cells, the unit of their progress: per teacher {@code T₁} stage-1 steps and
     * {@code 2 T₂} stage-2 steps (both signs), all of equal cost up to the patch count.
     */
    public static long runSteps(List<Cell> cells) {
        long n = 0;
        for (Cell c : cells) {
            n += (long) c.problems().size() * (c.settings().steps1() + 2 * c.settings().steps2());
        }
        return n;
    }

    /** {@link #run} with every run judged ({@link Run#judge}): the runs of each cell, in cell and teacher order. */
    public static List<List<Run>> runJudged(List<Cell> cells, int threads, Progress progress, double successError)
            throws InterruptedException {
        List<List<DoubleConvotron.Result>> res = run(cells, threads, progress);
        List<List<Run>> out = new ArrayList<>();
        for (int ci = 0; ci < cells.size(); ci++) {
            List<Run> runs = new ArrayList<>();
            for (int t = 0; t < cells.get(ci).problems().size(); t++) {
                runs.add(Run.judge(cells.get(ci), t, res.get(ci).get(t), successError));
            }
            out.add(runs);
        }
        return out;
    }

    /** Run every cell (in parallel), results in cell order; progress in {@link #runSteps} units. */
    private static List<List<DoubleConvotron.Result>> run(List<Cell> cells, int threads, Progress progress)
            throws InterruptedException {
        List<java.util.concurrent.Callable<List<DoubleConvotron.Result>>> work = new ArrayList<>();
        for (Cell c : cells) {
            work.add(() -> DoubleConvotron.run(c.settings(), c.problems(), progress::step));
        }
        return Parallel.runUnchecked(threads, "onecnn-convotron", work);
    }
}
