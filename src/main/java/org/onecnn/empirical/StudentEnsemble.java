package org.onecnn.empirical;

/**
 * Students held together by an {@link EmpiricalEngine}, in slots {@code 0 … size()−1}: what an engine must provide
 * to {@link EnsembleTrainer}. Every student's arithmetic is independent of its slot mates'. A step moves every
 * student not {@link #freeze frozen} by {@code θ ← θ − (η/b) Σ_{m ∈ batch} ∇ℓ_m(θ)}, {@code ℓ_m = ½(f(x_m) − y_m)²}.
 *
 * <p>The trainer calls, per step {@code t}: at a check or recording point {@link #gradNorms} and {@link #losses}
 * (fixed training set only), {@link #filters} and {@link #outputWeights}, {@link #freeze} for each student that
 * stops, possibly {@link #repack}; then one of the {@code step} methods. Measurements are at the current point
 * and change nothing, so an engine may keep what a measurement computed for the next step (the DL4J engine reuses
 * the full gradient of {@link #gradNorms} in {@link #stepFull}).
 */
public interface StudentEnsemble {
    /** The students now held. */
    int size();

    /** Per slot, {@code ‖∇L_n‖} on the training set (the mean gradient over its {@code n} samples). */
    double[] gradNorms();

    /** Per slot, {@code L_n = (1/n) Σ_m ½ (f_m − y_m)²} on the training set. */
    double[] losses();

    /** Per slot, the filter {@code v} ({@code [size][r]}, in double). */
    double[][] filters();

    /** Per slot, the output weights {@code a} ({@code [size][k]}, in double). */
    double[][] outputWeights();

    /** Slot {@code s} does not move from now on. */
    void freeze(int s);

    /**
     * Keep only the students in slots {@code keep} (ascending), which become slots {@code 0 … keep.length−1},
     * if the engine gains by it (a smaller network once most have stopped).
     *
     * @return whether it did; if not, the slots are unchanged (the stopped students stay frozen)
     */
    boolean repack(int[] keep);

    /** One step on the whole training set ({@code b = n}). */
    void stepFull();

    /** One step on the training samples {@code rows} ({@code b = rows.length}), in that order. */
    void stepRows(int[] rows);

    /**
     * One step on the fresh batch of step {@code step} ({@code b} samples of the {@code CounterSamples} given at
     * open).
     */
    void stepOnline(long step);
}
