/**
 * The Convotron family: online algorithms with provable guarantees for one-hidden-layer CNNs with (possibly
 * overlapping) patches, run against a teacher on fresh samples (docs/algorithms.md).
 * <ul>
 *   <li>{@link org.onecnn.algorithms.Convotron} (Goel, Klivans, Meka 2018): the filter, given the output layer;</li>
 *   <li>{@link org.onecnn.algorithms.DoubleConvotron} (Du and Goel): both layers, in three stages (output layer
 *       from the non-overlapping parts of the patches; Convotron with {@code ±a}; the sign by validation);</li>
 *   <li>{@link org.onecnn.algorithms.EvaluationSet}: fixed labelled test and validation sets;</li>
 *   <li>{@link org.onecnn.algorithms.SampleStream}: the fresh inputs of one run, drawn in chunks by its
 *       {@link org.onecnn.model.InputSampler}.</li>
 * </ul>
 *
 * <h2>Randomness</h2>
 * Every draw is a pure function of a seed: inputs through {@link org.onecnn.model.InputSampler#draw} (one draw per
 * chunk of a run's stream, seeded by {@link org.onecnn.algorithms.SampleStream#CHUNK}; the ND4J-backed
 * distributions of {@code org.onecnn.empirical.data} draw with a dedicated ND4J generator per seed); the initial
 * point and the stage-1 sphere noise from {@link org.onecnn.util.SeededRandom}. The seed streams are the
 * {@link org.onecnn.util.SeedStream} constants of {@link org.onecnn.algorithms.DoubleConvotron} and
 * {@link org.onecnn.algorithms.SampleStream}. A run's result does not depend on the batch it is stepped in.
 *
 * <p>This package does not depend on ND4J: it sees inputs only through {@link org.onecnn.model.InputSampler}
 * (ArchitectureTest checks this statically and at run time).
 *
 * <h2>Cost</h2>
 * The updates are plain Java arithmetic batched over runs (see {@link org.onecnn.algorithms.Convotron} for the
 * measurements against a batched ND4J step). The published setting of Du and Goel's Figure 1 (docs/experiments.md,
 * dg2019-double-convotron: {@code d = 160, r = 16}, {@code s ∈ {9, 12, 16}}, both input distributions, 10,000
 * test and validation samples, 100 recorded points per stage) takes about 6 s for one teacher per cell and
 * about 1 s per teacher in batches of 10, on this 2-core machine ({@code PublishedSettingsTiming} in the tests).
 */
package org.onecnn.algorithms;
