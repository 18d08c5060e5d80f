/**
 * Data for the empirical (finite-sample) engine: input distributions (each defined once, registered in
 * {@link org.onecnn.empirical.data.InputDistribution#known()}), data sets with a manifest, counter-based online samples and minibatch orders, and a
 * store that keeps data sets as {@code .npy} files numpy can read.
 *
 * <h2>Randomness</h2>
 * Every stochastic draw of this package is a pure function of a master seed:
 * <ul>
 *   <li>a data set with seed {@code S}: the samples of step 0 of the Philox4x32 generator keyed by
 *       {@code CounterSamples.DATASET.derive(S)} ({@link org.onecnn.empirical.data.DatasetGenerator}; pure Java, so a
 *       GPU regenerates it from the key; the noise comes from its own block, so changing σ does not change
 *       {@code X});</li>
 *   <li>online SGD: sample {@code m} of step {@code t} is the counter-based block {@code (m, t)} of the Philox4x32
 *       generator keyed by {@code CounterSamples.KEY.derive(S)} (pure Java, the same on any device);</li>
 *   <li>ND4J draws (the Convotron family's inputs through {@link org.onecnn.empirical.data.InputDistribution#sample})
 *       go through {@link org.onecnn.empirical.data.NdRandom#of(long)}, a dedicated generator per stream, never
 *       ND4J's global generator;</li>
 *   <li>minibatch order of epoch {@code e}: a Fisher–Yates shuffle driven by a {@link java.util.SplittableRandom}
 *       seeded with {@code Batches.PERMUTATION.derive(S, e)}.</li>
 * </ul>
 * Each is a {@link org.onecnn.util.SeedStream} constant of the class that draws it (labels {@code dataset},
 * {@code online}, {@code permutation}).
 */
package org.onecnn.empirical.data;
