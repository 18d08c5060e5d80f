package org.onecnn.empirical.fused;

import java.util.List;
import java.util.Optional;

import org.onecnn.backend.BackendCheck;
import org.onecnn.backend.ComputeProfile;
import org.onecnn.empirical.EmpiricalEngine;
import org.onecnn.empirical.EngineHost;
import org.onecnn.empirical.EngineProblem;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EngineCapabilities;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.backend.Precision;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.model.InitialPoint;

/**
 * onecnn's own CPU kernels (docs/engines.md, "The fused engine"): per sample, the forward pass and the gradient of
 * every student in one pass, students in the lanes of SIMD registers (the JDK's Vector API), blocks of students
 * and of samples spread over a fixed pool of threads. Every regime, any input distribution, overlapping patches,
 * float and double, any leaky slope.
 *
 * <p>Determinism: every sum over samples has an order fixed by the batch and {@code reductionBlock} alone (see
 * {@link FusedEnsemble}), and a student's lanes never mix with another's, so the values are bit-identical whatever
 * the thread count, the student chunk ({@code max_students_per_chunk}) or the sample chunk.
 *
 * <p>Construction and {@link #capabilities} load no native code and start no thread; {@link #open} converts the
 * training set to the spec's precision once (nothing to do when it is held in that precision). Online, the engine generates each step's batch itself from the
 * counter-based samples ({@link CounterSamples#fill}, rows in parallel), so no ND4J array is involved at all.
 */
public final class FusedEngine implements EmpiricalEngine {
    /** The name configs select it by. */
    public static final String NAME = "fused";

    private final int threads;

    /** An engine using {@code -Donecnn.threads} threads, else one per available processor. */
    public FusedEngine() {
        this(Workers.defaultThreads());
    }

    /**
     * An engine using {@code threads} threads (the values do not depend on it).
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public FusedEngine(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
    }

    /** The threads of an engine made without a count: {@code -Donecnn.threads}, else the available processors. */
    public static int defaultThreads() {
        return Workers.defaultThreads();
    }

    /** The threads each ensemble of this engine works with. */
    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Two: the kernels' threads come from one shared pool ({@link Workers}), and a second training fills the cores
     * while the first does its serial parts (in {@code sample-size} on 2 cores, one at a time used 86 % of the
     * CPU time the wall clock allows).
     */
    @Override
    public int concurrentTrainings() {
        return 2;
    }

    @Override
    public EngineCapabilities capabilities() {
        return EngineCapabilities.everything();
    }

    /**
     * The module of the Vector API is resolved only when the JVM is told to ({@code --add-modules
     * jdk.incubator.vector}: the launcher, the build and the tests do); without it every kernel would fail with a
     * missing class.
     *
     * @throws org.onecnn.util.InvalidInputException naming {@code engine} when the module is absent
     */
    static void requireVectorModule() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new org.onecnn.util.InvalidInputException("engine", "the fused engine needs the JVM option "
                    + "--add-modules jdk.incubator.vector (the ./onecnn launcher adds it); add it, or choose "
                    + "engine dl4j");
        }
    }

    @Override
    public void requireRunnable() {
        requireVectorModule();
    }

    /** The Vector API's module, then, for a CPU profile, {@code memory_limit_gb} against the host's memory. */
    @Override
    public Optional<EngineProblem> problem(ComputeProfile p, EngineHost host) {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Optional.of(new EngineProblem(true, "the fused engine needs the JVM option --add-modules "
                    + "jdk.incubator.vector (the ./onecnn launcher adds it)"));
        }
        return BackendCheck.hostMemoryProblem(p, host.devices()).map(l -> new EngineProblem(false, l));
    }

    /**
     * Threads of its own ({@code --threads}), its arrays in Java (only the data set counts against ND4J's memory),
     * and a long warm-up: C2 compiles its step methods and recompiles its kernel 1.5–2 s into a run.
     */
    @Override
    public Bench bench() {
        return BENCH;
    }

    private static final Bench BENCH = new Bench() {
        @Override
        public boolean threads() {
            return true;
        }

        @Override
        public int defaultThreads() {
            return FusedEngine.defaultThreads();
        }

        @Override
        public EmpiricalEngine withThreads(EmpiricalEngine engine, int threads) {
            return new FusedEngine(threads);
        }

        @Override
        public boolean activationsInNd4j(EmpiricalEngine engine) {
            return false;
        }

        @Override
        public boolean longWarmUp() {
            return true;
        }
    };

    /** Also refuses to start without the Vector API's module ({@link #requireVectorModule}). */
    @Override
    public void require(EmpiricalSpec spec, String distribution) {
        requireVectorModule();
        EmpiricalEngine.super.require(spec, distribution);
    }

    @Override
    public StudentEnsemble open(EmpiricalSpec spec, List<InitialPoint> inits, TrainingSet data,
            CounterSamples online) {
        requireVectorModule();
        if (spec.precision() == Precision.FLOAT) {
            return new FloatEnsemble(spec, threads, inits, data == null ? null : data.xFloats(),
                    data == null ? null : data.yFloats(), online);
        }
        return new DoubleEnsemble(spec, threads, inits, data == null ? null : data.xDoubles(),
                data == null ? null : data.yDoubles(), online);
    }
}
