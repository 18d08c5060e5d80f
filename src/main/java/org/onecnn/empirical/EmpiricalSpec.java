package org.onecnn.empirical;

import org.nd4j.linalg.api.buffer.DataType;
import org.onecnn.backend.Precision;
import org.onecnn.model.Architecture;
import org.onecnn.util.InvalidInputException;

/**
 * How an ensemble of students is trained on finite samples. The checks name the parameters as this record
 * does (in the configs' spelling); the config layer adds the section they live in.
 *
 * @param arch           the network shape (overlapping patches allowed)
 * @param leakySlope     α of σ(z) = max(z, αz), in [0, 1)
 * @param precision      float or double
 * @param eta            step size, > 0
 * @param regime         which samples form each step's batch (see {@link Regime})
 * @param batchSize      samples per step for {@code minibatch} and {@code online}
 * @param maxSteps       step budget, >= 1
 * @param checkEvery     stationarity is checked (and students stopped) every this many steps
 * @param gradTol        a student whose ‖∇L_n‖ is at most this is stationary and stops
 * @param lossTol        a stationary student with {@code cos φ > 0} and {@code L_n ≤ lossTol} is GLOBAL
 * @param studentChunk   students per network (memory); outcomes do not depend on it, values only through
 *                       the library's rounding (see {@link EnsembleTrainer})
 * @param sampleChunk    samples per forward/backward pass (memory), a multiple of {@code reductionBlock};
 *                       outcomes do not depend on it, values only through the library's rounding
 * @param reductionBlock samples per partial sum of a gradient: fixes the order of every sum over samples
 * @param seed           seed of the minibatch order
 */
public record EmpiricalSpec(Architecture arch, double leakySlope, Precision precision, double eta, Regime regime,
        int batchSize, long maxSteps, int checkEvery, double gradTol, double lossTol, int studentChunk,
        int sampleChunk, int reductionBlock, long seed) {

    public EmpiricalSpec {
        if (!(leakySlope >= 0 && leakySlope < 1)) {
            throw new InvalidInputException("leaky_slope", "must lie in [0, 1), got " + leakySlope);
        }
        if (precision == null) {
            throw new InvalidInputException("data_type", "must be float or double, got null");
        }
        InvalidInputException.requirePositive("eta", eta);
        if (regime == null) {
            throw new InvalidInputException("regime", "must be one of " + Regime.allowed() + ", got null");
        }
        InvalidInputException.requirePositive("batch_size", batchSize);
        if (maxSteps < 1) {
            throw new InvalidInputException("max_steps", "must be >= 1, got " + maxSteps);
        }
        InvalidInputException.requirePositive("check_every", checkEvery);
        if (!(gradTol >= 0)) {
            throw new InvalidInputException("grad_tol", "must be >= 0, got " + gradTol);
        }
        if (!(lossTol >= 0)) {
            throw new InvalidInputException("loss_tol", "must be >= 0, got " + lossTol);
        }
        InvalidInputException.requirePositive("max_students_per_chunk", studentChunk);
        InvalidInputException.requirePositive("reduction_block", reductionBlock);
        if (sampleChunk < reductionBlock || sampleChunk % reductionBlock != 0) {
            throw new InvalidInputException("max_samples_per_chunk", "must be a positive multiple of reduction_block = "
                    + reductionBlock + ", got " + sampleChunk);
        }
    }

    /**
     * The same spec with the regime given by its config name (for callers that hold the name, such as tests).
     *
     * @throws InvalidInputException naming {@code regime} when the name is not one of {@link Regime#allowed()}
     */
    public EmpiricalSpec(Architecture arch, double leakySlope, Precision precision, double eta, String regime,
            int batchSize, long maxSteps, int checkEvery, double gradTol, double lossTol, int studentChunk,
            int sampleChunk, int reductionBlock, long seed) {
        this(arch, leakySlope, precision, eta, Regime.parse(regime), batchSize, maxSteps, checkEvery, gradTol, lossTol,
                studentChunk, sampleChunk, reductionBlock, seed);
    }

    /**
     * The same spec with the type given as ND4J's (for callers that hold one: the DL4J engine's tests). Only this
     * constructor and {@link #dataType()} name ND4J, so the record itself loads without it.
     *
     * @throws InvalidInputException naming {@code data_type} unless FLOAT or DOUBLE
     */
    public EmpiricalSpec(Architecture arch, double leakySlope, DataType dataType, double eta, Regime regime,
            int batchSize, long maxSteps, int checkEvery, double gradTol, double lossTol, int studentChunk,
            int sampleChunk, int reductionBlock, long seed) {
        this(arch, leakySlope, precisionOf(dataType), eta, regime, batchSize, maxSteps, checkEvery, gradTol, lossTol,
                studentChunk, sampleChunk, reductionBlock, seed);
    }

    /** The same spec with ND4J's type and the regime's config name. */
    public EmpiricalSpec(Architecture arch, double leakySlope, DataType dataType, double eta, String regime,
            int batchSize, long maxSteps, int checkEvery, double gradTol, double lossTol, int studentChunk,
            int sampleChunk, int reductionBlock, long seed) {
        this(arch, leakySlope, precisionOf(dataType), eta, Regime.parse(regime), batchSize, maxSteps, checkEvery,
                gradTol, lossTol, studentChunk, sampleChunk, reductionBlock, seed);
    }

    private static Precision precisionOf(DataType t) {
        if (t == DataType.FLOAT) {
            return Precision.FLOAT;
        } else if (t == DataType.DOUBLE) {
            return Precision.DOUBLE;
        }
        throw new InvalidInputException("data_type", "must be float or double, got " + t);
    }

    /** The precision as ND4J's type (for the DL4J engine; loads ND4J). */
    public DataType dataType() {
        return precision == Precision.FLOAT ? DataType.FLOAT : DataType.DOUBLE;
    }

    /** The same spec with another step budget and gradient tolerance (everything else kept). */
    public EmpiricalSpec withBudget(long maxSteps, double gradTol) {
        return new EmpiricalSpec(arch, leakySlope, precision, eta, regime, batchSize, maxSteps, checkEvery, gradTol,
                lossTol, studentChunk, sampleChunk, reductionBlock, seed);
    }
}
