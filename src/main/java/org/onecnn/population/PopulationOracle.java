package org.onecnn.population;

import org.onecnn.model.LossOracle;
import org.onecnn.model.SecondOrderClassifier;
import org.onecnn.model.SecondOrderResult;
import org.onecnn.model.Teacher;

/**
 * An exact population loss ({@link PopulationLoss}, weight-normalised) seen as a {@link LossOracle}, for the
 * second-order classification of its stationary points, and the certificate of the spurious point of
 * docs/model.md §3.
 *
 * <p>Rounding bounds: the closed forms add {@code O(N)} terms, {@code N = (k + 1)(p + 1) + 16} (the overlapping form
 * visits {@code k ⌈r/s⌉} pairs of {@code r} products, within that count for the lags it keeps), each of magnitude at
 * most {@code S_L = (‖a‖ + c‖a*‖)² (k + π) / 4π} for the loss and {@code S_G = (‖a‖ + c‖a*‖)(k + π) c / 2π ·
 * max(1, 1/‖v‖)} for a gradient component (every kernel value is at most {@code σσ'/2}, and {@code Σ|a_i| ≤ √k‖a‖});
 * the bounds are {@code N ε S}.
 */
public final class PopulationOracle implements LossOracle {
    private final PopulationLoss loss;

    public PopulationOracle(PopulationLoss loss) {
        this.loss = loss;
    }

    @Override
    public int filterSize() {
        return loss.p();
    }

    @Override
    public int outputs() {
        return loss.k();
    }

    @Override
    public Evaluation evaluate(double[] v, double[] a) {
        double[] gv = new double[v.length];
        double[] ga = new double[a.length];
        double value = loss.gradient(v, a, gv, ga);
        int k = loss.k();
        double na = 0;
        for (double e : a) {
            na += e * e;
        }
        double[] aStar = loss.aStar();
        double ns = 0;
        for (double e : aStar) {
            ns += e * e;
        }
        double nv = 0;
        for (double e : v) {
            nv += e * e;
        }
        double mag = Math.sqrt(na) + loss.c() * Math.sqrt(ns);
        double gamma = ((k + 1.0) * (loss.p() + 1) + 16) * Math.ulp(1.0);
        double lossError = gamma * mag * mag * (k + Math.PI) / (4 * Math.PI);
        double gradError = gamma * mag * (k + Math.PI) * Math.max(1, loss.c()) / (2 * Math.PI)
                * Math.max(1, 1 / Math.sqrt(nv));
        return new Evaluation(value, gv, ga, lossError, gradError);
    }

    /**
     * The second-order certificate of the population spurious point of {@code teacher} (docs/model.md §3): the
     * exact non-overlapping Gaussian loss classified at {@code v = −w*}, {@code a = c (11ᵀ + (π−1)I)⁻¹ (11ᵀ − I) a*}.
     * When {@code a_spᵀa* < 0} (every teacher of the ratio family with ratio below {@code (k + π − 1)/π}) it is a
     * {@code DEGENERATE_MINIMUM}: the {@code a}-block is {@code (11ᵀ + (π−1)I)/2π}, the {@code v}-block vanishes
     * because {@code g(φ) = (π − φ)cos φ + sin φ ≈ (π − φ)³/3}, and the loss rises like the cube of the angle.
     */
    public static SecondOrderResult spuriousCertificate(Teacher teacher) {
        NonOverlappingGaussian pop = new NonOverlappingGaussian(teacher);
        double[] v = teacher.wStarUnit();
        for (int i = 0; i < v.length; i++) {
            v[i] = -v[i];
        }
        return new SecondOrderClassifier().classify(new PopulationOracle(pop), v, pop.spuriousA());
    }
}
