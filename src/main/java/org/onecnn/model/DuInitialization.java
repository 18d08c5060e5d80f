package org.onecnn.model;

import org.onecnn.util.SeededRandom;

/**
 * The random initialization of Du et al. (2018): {@code v ~ Unif(S^{r−1})} and
 * {@code a ~ Unif(Ball(0, |1ᵀa*| c/√k))}, uniform in the ball (not on its sphere): a uniform direction
 * times radius {@code R U^{1/k}}. The radius is 0 when {@code 1ᵀa* = 0}, so then {@code a = 0}.
 *
 * <p>Each point is a pure function of its seed, so a run can be replayed from the seed recorded in
 * {@code results.csv}.
 */
public final class DuInitialization {
    private DuInitialization() {
    }

    /** The radius {@code |1ᵀa*| c / √k} of the ball {@code a} is drawn from. */
    public static double ballRadius(Teacher t) {
        return Math.abs(t.sumA()) * t.c() / Math.sqrt(t.k());
    }

    /** One initialization drawn from {@code seed}. */
    public static InitialPoint draw(Teacher t, long seed) {
        SeededRandom rng = new SeededRandom(seed);
        double[] v = rng.unitVector(t.r());
        double[] dir = rng.unitVector(t.k());
        double radius = ballRadius(t) * Math.pow(rng.nextDouble(), 1.0 / t.k());
        for (int i = 0; i < dir.length; i++) {
            dir[i] *= radius;
        }
        return InitialPoint.of(v, dir, seed);
    }
}
