package org.onecnn.empirical;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

import org.onecnn.backend.BackendCheck;
import org.onecnn.backend.ComputeProfile;
import org.onecnn.backend.ProfileEngines;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.model.InitialPoint;

/**
 * Trains students on finite samples: the arithmetic of {@link EnsembleTrainer}, which keeps everything else
 * (chunking the students, the batch of each step, measuring, stopping, classifying, recording, progress) the
 * same for every engine.
 *
 * <p>An engine is an addition: a class implementing this interface (with a public no-argument constructor) and
 * its name in {@code META-INF/services/org.onecnn.empirical.EmpiricalEngine}; {@link EmpiricalEngines} finds it
 * by {@link #name()}. Construction and {@link #capabilities()} must not load native code (a refused combination
 * must fail before any native library is touched); load it in {@link #open}. The registry holds one instance per
 * name and hands it to every caller, so an engine keeps no state of its own (thread-safe); the state of a training
 * lives in the {@link StudentEnsemble} that {@link #open} returns, used by one thread.
 *
 * <p>The engine also carries everything the rest of onecnn knows about it, so that no code outside this package
 * names an engine: what a compute profile naming it needs ({@link #profileNeeds}), how a profile is judged on this
 * machine ({@link #problem}, shared by {@code doctor}, {@code run} and {@code bench empirical}), what {@code doctor}
 * says about it ({@link #doctor}), and how {@code bench empirical} sizes, warms up and reports it ({@link #bench}).
 * Every one has a default that fits a CPU engine without ND4J.
 */
public interface EmpiricalEngine {
    /** The name configs select it by ({@code dl4j}, …): lower case, no spaces. */
    String name();

    /** What it can train; {@link #require} refuses the rest. */
    EngineCapabilities capabilities();

    /**
     * Students at their initial points, held together, on a fixed training set {@code data} (full-batch and
     * minibatch) or on fresh samples (online: {@code data} null, the batch of step {@code t} is {@code online}'s,
     * which the engine generates itself when {@link StudentEnsemble#stepOnline} asks for it). The engine may copy or
     * convert the arrays (to the spec's precision, to ND4J arrays, to device memory); it must not change them.
     * The seam names no ND4J type, so an engine that does not use ND4J never loads it.
     *
     * @param spec     how to train ({@link EmpiricalSpec#studentChunk()} already respected: {@code inits} is one
     *                 chunk)
     * @param inits    the students' initial points {@code (v, a)}, in slot order
     * @param data     the training set ({@code X} {@code [n, d]}, {@code y} {@code [n]}), or null (online)
     * @param online   the fresh samples of every step (online), or null (a fixed training set)
     */
    StudentEnsemble open(EmpiricalSpec spec, List<InitialPoint> inits, TrainingSet data, CounterSamples online);

    /**
     * Whether this engine computes with ND4J, so that a run must check and configure ND4J's backend before it
     * ({@code org.onecnn.backend.Nd4jSetup}). An engine that does not (the default) runs with no DL4J/ND4J jar on
     * the class path, and a run with it never loads ND4J.
     */
    default boolean usesNd4j() {
        return false;
    }

    /**
     * How many trainings of this engine a sweep may run at once in one process (its cells). Default 1: an engine
     * that drives the machine itself (ND4J's native threads, one GPU) trains one ensemble at a time. An engine whose
     * threads come from a shared pool may allow more, so that one training's serial parts (its per-step
     * reduction, the checks, the second-order classification) leave no core idle. A training's values never
     * depend on it.
     */
    default int concurrentTrainings() {
        return 1;
    }

    /**
     * Refuse in one line, before any work, where this installation cannot run the engine at all (its libraries,
     * JVM modules or devices are missing). Must not load native code. Default: nothing to check.
     *
     * @throws org.onecnn.util.InvalidInputException naming {@code engine}
     */
    default void requireRunnable() {
    }

    /**
     * What a compute profile whose {@code engine} names this one needs ({@code cuda}: a GPU profile, compute
     * capability 7.0 and above). Default: nothing beyond ND4J's range on a GPU profile.
     */
    default ProfileEngines.Needs profileNeeds() {
        return ProfileEngines.Needs.NONE;
    }

    /**
     * The first reason the profile {@code p} cannot run on {@code host} with this engine, or empty: the one
     * judgement of {@code onecnn doctor}, a run's check and {@code bench empirical}, so that what one refuses the
     * others refuse too. Must not load native code where the engine cannot run. Default: for a CPU profile its
     * {@code memory_limit_gb} against the host's memory ({@link BackendCheck#hostMemoryProblem}).
     */
    default Optional<EngineProblem> problem(ComputeProfile p, EngineHost host) {
        return BackendCheck.hostMemoryProblem(p, host.devices()).map(l -> new EngineProblem(false, l));
    }

    /**
     * What {@code onecnn doctor} reports about this engine on {@code host}, or empty: a section printed after the
     * devices, whatever the profile ({@code cuda}: its driver, the PTX and each GPU), or only where the profile
     * selects this engine ({@code chosen}). Default: nothing.
     */
    default Optional<DoctorSection> doctor(EngineHost host, boolean chosen) {
        return Optional.empty();
    }

    /** How {@code bench empirical} treats this engine; see {@link Bench}. */
    default Bench bench() {
        return Bench.PLAIN;
    }

    /**
     * What {@code bench empirical} needs to know of an engine: the profile it borrows chunk sizes from without
     * {@code --profile}, whether it has threads of its own ({@code --threads}), how its memory is counted, how long it
     * warms up, and what it reports after the timing. An engine overrides {@link EmpiricalEngine#bench} with its own.
     */
    interface Bench {
        /** A CPU engine without threads of its own, ND4J's memory model where it uses ND4J, three warm-up steps. */
        Bench PLAIN = new Bench() {
        };

        /** The profile {@code bench empirical} borrows chunk sizes from when no {@code --profile} is given, or null. */
        default String defaultProfile() {
            return null;
        }

        /** Whether the engine has threads of its own, which {@code --threads} sets ({@link #withThreads}). */
        default boolean threads() {
            return false;
        }

        /** Its threads when {@code --threads} is not given (only where {@link #threads()}; else unused). */
        default int defaultThreads() {
            return 1;
        }

        /** The engine with {@code threads} threads of its own (only where {@link #threads()}). */
        default EmpiricalEngine withThreads(EmpiricalEngine engine, int threads) {
            return engine;
        }

        /**
         * Whether its students' activations live in ND4J's memory (counted against {@code memory_limit_gb}, the
         * {@code [c, m, k]} arrays of {@code ComputeProfile.workingSetBytes}); false: only the data set is counted
         * there (an engine with arrays of its own, or one that checks its device's memory itself at open).
         */
        default boolean activationsInNd4j(EmpiricalEngine engine) {
            return engine.usesNd4j();
        }

        /**
         * Whether it steps untimed for a while before the timed steps ({@code bench empirical}'s warm-up time: its
         * Java kernels run slowly until C2 has compiled them), not three steps only.
         */
        default boolean longWarmUp() {
            return false;
        }

        /** Refuse, naming {@code field}, before the data set is drawn, where the bench cannot run the engine. */
        default void requireReady(String field) {
        }

        /**
         * Lines printed after {@code seconds=}, before the last line ({@code sample_gradients_per_s=}), by the
         * engine {@code trained} that ran; default none.
         */
        default void report(EmpiricalEngine trained, int p, int k, double sampleGradientsPerSecond, PrintStream out) {
        }
    }

    /**
     * Refuse, naming the parameter, a combination this engine cannot train.
     *
     * @param distribution the input distribution's name
     * @throws org.onecnn.util.InvalidInputException naming {@code regime}, {@code distribution}, {@code s},
     *         {@code data_type} or {@code leaky_slope}
     */
    default void require(EmpiricalSpec spec, String distribution) {
        capabilities().require(name(), spec.regime(), distribution, spec.arch(), spec.precision(), spec.leakySlope());
    }
}
