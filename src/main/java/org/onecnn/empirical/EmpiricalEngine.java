package org.onecnn.empirical;

import java.util.List;

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
