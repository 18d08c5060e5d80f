/**
 * Data for the empirical (finite-sample) engine: input distributions, teacher labels computed by the same
 * DL4J layers as the students, data sets with a manifest, fresh online batches and minibatch orders, and a
 * store that keeps data sets as {@code .npy} files numpy can read.
 *
 * <h2>Randomness</h2>
 * Every stochastic draw of this package is a pure function of a master seed:
 * <ul>
 *   <li>ND4J draws (inputs, label noise) go through {@link org.onecnn.empirical.data.NdRandom#of(long)}, a
 *       dedicated generator per stream, never ND4J's global generator;</li>
 *   <li>inputs of a data set with seed {@code S}: {@code Seeds.derive(S, "x")}; label noise:
 *       {@code Seeds.derive(S, "noise")} (independent streams: changing σ does not change {@code X});</li>
 *   <li>online batch {@code t}: the data set of seed {@code Seeds.derive(S, "online", t)};</li>
 *   <li>minibatch order of epoch {@code e}: a Fisher–Yates shuffle driven by a {@link java.util.SplittableRandom}
 *       seeded with {@code Seeds.derive(S, "permutation", e)}.</li>
 * </ul>
 */
package org.onecnn.empirical.data;
