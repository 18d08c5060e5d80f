package org.onecnn.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.onecnn.backend.ComputeProfile;
import org.onecnn.empirical.EmpiricalEngine;
import org.onecnn.empirical.EmpiricalEngines;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EnsembleTrainer;
import org.onecnn.empirical.data.Dataset;
import org.onecnn.empirical.data.DatasetGenerator;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.experiment.Bounds;
import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.MemoryBudget;
import org.onecnn.util.SeedStream;
import org.onecnn.util.SeededRandom;

/**
 * Throughput of full-batch gradient descent for an ensemble of students on one shared data set, the
 * workload described in docs/engines.md (Benchmarks): {@code n} Gaussian samples of {@code k} patches of
 * size {@code p} at stride {@code s} ({@code s = p}: non-overlapping), teacher {@code w* = e_1},
 * {@code a* ~ N(0, I_k)}, students {@code v ~ N(0, I_p)}, {@code a ~ N(0, 0.01 I_k)}, η = 0.05, float32 unless
 * told otherwise, on the empirical engine named ({@code fused} by default, or {@code dl4j}). Reports
 * sample-gradients per second, {@code n · R · steps / seconds}, over the timed steps after the untimed warm-up
 * steps (three, and for the fused engine {@link #WARM_UP_NANOS} of work: its kernels run slowly until C2 has
 * compiled and recompiled them, 1.5–2 s into a run). Sample chunk and reduction block come from the compute profile.
 *
 * <p>{@code ensemble}: one ensemble holding all R students (for DL4J, the layers' ensemble width);
 * {@code single}: R ensembles of one student each, trained one after the other.
 */
public final class EmpiricalBench {
    /** The bench's teacher {@code a*}. */
    /** How long the fused engine steps untimed before the timed steps (JIT compilation; see {@code run}). */
    static final long WARM_UP_NANOS = 3_000_000_000L;

    static final SeedStream TEACHER = SeedStream.of("bench-teacher", "the output layer a* of the bench's teacher");
    /** The bench's data set. */
    static final SeedStream DATA = SeedStream.of("bench-data", "the bench's data set");
    /** The bench's students. */
    static final SeedStream STUDENTS = SeedStream.of("bench-students", "the initial points of the bench's students");

    private EmpiricalBench() {
    }

    /** Benchmark parameters. */
    public record Spec(long n, int k, int p, int students, int steps, String mode, String dataType, long seed,
            int sampleChunk, int reductionBlock, String engine, int s, int threads) {
        /** The workload of earlier versions: the fused engine, non-overlapping patches, every core. */
        public Spec(long n, int k, int p, int students, int steps, String mode, String dataType, long seed,
                int sampleChunk, int reductionBlock) {
            this(n, k, p, students, steps, mode, dataType, seed, sampleChunk, reductionBlock, EmpiricalEngines.DEFAULT, p,
                    Runtime.getRuntime().availableProcessors());
        }

        public Spec {
            if (n < 1) {
                throw new InvalidInputException("--n", "must be >= 1, got " + n);
            }
            InvalidInputException.requirePositive("--k", k);
            InvalidInputException.requirePositive("--p", p);
            InvalidInputException.requirePositive("--students", students);
            InvalidInputException.requirePositive("--steps", steps);
            Bounds.requireSteps("--steps", steps);
            if (s < 1 || s > p) {
                throw new InvalidInputException("--s", "the stride must satisfy 1 <= s <= p = " + p + ", got " + s);
            }
            InvalidInputException.requirePositive("--threads", threads);
            if ((long) (k - 1) * s + p > Bounds.MAX_DIMENSION) {
                throw new InvalidInputException(k >= p ? "--k" : "--p", "the input dimension d = (k−1)·s + p = "
                        + ((long) (k - 1) * s + p) + " exceeds " + Bounds.MAX_DIMENSION
                        + ", the most onecnn holds in one array");
            }
            // the engine by name, refused with the known ones before anything loads
            if (!EmpiricalEngines.names().contains(engine)) {
                throw new InvalidInputException("--engine", "unknown empirical engine '" + engine + "'; known: "
                        + String.join(", ", EmpiricalEngines.names()));
            }
            if (!mode.equals("ensemble") && !mode.equals("single")) {
                throw new InvalidInputException("--mode", "must be ensemble or single, got " + mode);
            }
            if (!dataType.equals("float") && !dataType.equals("double")) {
                throw new InvalidInputException("--data-type", "must be float or double, got " + dataType);
            }
        }

        /** The input dimension {@code d = (k − 1)·s + p}. */
        public int d() {
            return (k - 1) * s + p;
        }
    }

    /**
     * Refuse sizes whose ND4J working set ({@link ComputeProfile#workingSetBytes}, every student in one network
     * in ensemble mode, one in single mode) exceeds the profile's {@code memory_limit_gb}, or whose students
     * exceed the heap, before ND4J allocates anything.
     */
    public static void requireFits(Spec s, ComputeProfile prof) {
        MemoryBudget nd4j = MemoryBudget.of(prof.memoryLimitBytes(), "profile " + prof.name() + "'s memory_limit_gb = "
                + prof.settings().get(ComputeProfile.MEMORY_LIMIT_GB) + " GiB (ND4J's memory)");
        int b = s.dataType().equals("float") ? 4 : 8;
        boolean ensemble = s.mode().equals("ensemble");
        int ms = s.sampleChunk();
        // an engine with arrays of its own (fused, cuda) keeps no activations in ND4J (its working set there is the
        // data set), but a copy of the data set in Java arrays (the cuda engine checks the GPU's memory itself, at open)
        EmpiricalEngine named = EmpiricalEngines.named(s.engine());
        boolean ownArrays = !named.bench().activationsInNd4j(named);
        nd4j.require("the data set and the student(s) trained at once",
            new MemoryBudget.Candidate("--n", s.n(), 1, x -> ComputeProfile.workingSetBytes(x, s.k(), s.p(),
                s.students(), ownArrays ? 0 : ensemble ? s.students() : 1, ms, b)),
            new MemoryBudget.Candidate("--students", s.students(), 1, x -> ComputeProfile.workingSetBytes(s.n(),
                s.k(), s.p(), (int) Math.min(x, Integer.MAX_VALUE), ownArrays ? 0 : ensemble ? x : 1, ms, b)),
            new MemoryBudget.Candidate("--k", s.k(), 1, x -> ComputeProfile.workingSetBytes(s.n(), (int) x, s.p(),
                s.students(), ownArrays ? 0 : ensemble ? s.students() : 1, ms, b)));
        // every engine's data set is generated on the heap: the double fill and, for float, its rounded copy
        // (the fused and cuda engines train on that copy; an ND4J engine copies it off-heap, counted above)
        org.onecnn.backend.Precision type = b == 4 ? org.onecnn.backend.Precision.FLOAT
                : org.onecnn.backend.Precision.DOUBLE;
        MemoryBudget.heap().require("--n", s.n(), 1, x -> DatasetGenerator.peakBytes(x, s.d(), type),
                "the data set as it is generated (its double fill" + (b == 4 ? " and the float copy" : "") + ")");
        MemoryBudget.heap().require("--students", s.students(), 1, x -> x * (8.0 * (s.k() + s.p()) * 4 + 512),
                "the students' initial points and results");
    }

    /** The engine the spec names, with the spec's threads where the engine has its own (fused). */
    static EmpiricalEngine engine(Spec s) {
        EmpiricalEngine e = EmpiricalEngines.named(s.engine());
        return e.bench().threads() ? e.bench().withThreads(e, s.threads()) : e;
    }

    public static double run(Spec s, PrintStream out) {
        EmpiricalEngine.Bench bench = EmpiricalEngines.named(s.engine()).bench();
        bench.requireReady("--engine");
        org.onecnn.backend.Precision type = s.dataType().equals("float") ? org.onecnn.backend.Precision.FLOAT
                : org.onecnn.backend.Precision.DOUBLE;
        Architecture arch = Architecture.of(s.d(), s.p(), s.s());
        SeededRandom rng = new SeededRandom(TEACHER.derive(s.seed()));
        double[] w = new double[s.p()];
        w[0] = 1;
        Teacher teacher = Teacher.of(w, rng.gaussianVector(s.k()));
        Dataset data = DatasetGenerator.generate(arch, teacher, InputDistribution.named("gaussian"), s.n(), 0.0,
                DATA.derive(s.seed()), type);
        List<InitialPoint> inits = new ArrayList<>();
        SeededRandom irng = new SeededRandom(STUDENTS.derive(s.seed()));
        for (int i = 0; i < s.students(); i++) {
            double[] a = irng.gaussianVector(s.k());
            for (int j = 0; j < a.length; j++) {
                a[j] *= 0.1;
            }
            inits.add(InitialPoint.of(irng.gaussianVector(s.p()), a));
        }
        int block = s.reductionBlock();
        int chunk = Math.max(block, (int) Math.min(s.sampleChunk(), s.n()) / block * block);
        EmpiricalSpec spec = new EmpiricalSpec(arch, 0.0, type, 0.05, org.onecnn.empirical.Regime.FULL_BATCH, 1, s.steps(), s.steps(), 0, 0,
                s.students(), chunk, block, s.seed());
        EnsembleTrainer trainer = new EnsembleTrainer(spec, teacher, true, engine(s));
        TrainingSet set = data.trainingSet();
        out.printf(Locale.ROOT, "bench empirical: mode=%s n=%d k=%d p=%d students=%d steps=%d type=%s engine=%s s=%d"
                + "%s%n", s.mode(), s.n(), s.k(), s.p(), s.students(), s.steps(), s.dataType(), s.engine(), s.s(),
                bench.threads() ? " threads=" + s.threads() : "");
        boolean longWarmUp = bench.longWarmUp();
        double seconds;
        if (s.mode().equals("ensemble")) {
            EnsembleTrainer.Stepper st = trainer.stepper(inits, set);
            long w0 = System.nanoTime();
            // warm-up, as JMH does: C2 compiles the fused engine's step methods and recompiles its kernel 1.5–2 s
            // into a run (-XX:+PrintCompilation), and a compilation takes one of the cores; timing before then
            // measured 20–40 % below the steady state. ND4J warms up in a few steps (workspaces)
            for (int i = 0; i < 3 || longWarmUp && i < 2000 && System.nanoTime() - w0 < WARM_UP_NANOS; i++) {
                st.step();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < s.steps(); i++) {
                st.step();
            }
            seconds = (System.nanoTime() - t0) / 1e9;
        } else {
            // one network per student: warm the JIT and ND4J up on the first, then time the steps of each
            // (building a network is not timed)
            EnsembleTrainer.Stepper warm = trainer.stepper(inits.subList(0, 1), set);
            long w0 = System.nanoTime();
            for (int i = 0; i < 1 || longWarmUp && i < 20000 && System.nanoTime() - w0 < WARM_UP_NANOS; i++) {
                warm.step();
            }
            long total = 0;
            for (int i = 0; i < s.students(); i++) {
                EnsembleTrainer.Stepper st = trainer.stepper(inits.subList(i, i + 1), set);
                long t0 = System.nanoTime();
                for (int j = 0; j < s.steps(); j++) {
                    st.step();
                }
                total += System.nanoTime() - t0;
            }
            seconds = total / 1e9;
        }
        double rate = s.n() * (double) s.students() * s.steps() / seconds;
        out.printf(Locale.ROOT, "seconds=%.3f%n", seconds);
        // what the engine adds (cuda: the GPU and its arithmetic rate), before the last line, the figure of merit
        bench.report(trainer.engine(), s.p(), s.k(), rate, out);
        out.printf(Locale.ROOT, "sample_gradients_per_s=%.4g%n", rate);
        return rate;
    }
}
