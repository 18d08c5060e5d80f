package org.onecnn.empirical;

import org.nd4j.linalg.api.buffer.DataType;
import org.onecnn.model.Architecture;
import org.onecnn.util.InvalidInputException;

/**
 * How an ensemble of students is trained on finite samples.
 *
 * @param arch           the network shape (overlapping patches allowed)
 * @param leakySlope     α of σ(z) = max(z, αz), in [0, 1)
 * @param dataType       float or double
 * @param eta            step size, > 0
 * @param regime         {@code full-batch} (gradient descent on L_n: Algorithm 1 on the empirical loss),
 *                       {@code minibatch} (SGD over a fixed set, reshuffled every epoch) or {@code online}
 *                       (SGD with fresh samples every step)
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
public record EmpiricalSpec(Architecture arch, double leakySlope, DataType dataType, double eta, String regime,
        int batchSize, long maxSteps, int checkEvery, double gradTol, double lossTol, int studentChunk,
        int sampleChunk, int reductionBlock, long seed) {

    public EmpiricalSpec {
        if (!(leakySlope >= 0 && leakySlope < 1)) {
            throw new InvalidInputException("model.alpha", "leaky slope must lie in [0, 1), got " + leakySlope);
        }
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new InvalidInputException("data_type", "must be float or double, got " + dataType);
        }
        InvalidInputException.requirePositive("train.eta", eta);
        if (!regime.equals("full-batch") && !regime.equals("minibatch") && !regime.equals("online")) {
            throw new InvalidInputException("train.regime", "must be full-batch, minibatch or online, got " + regime);
        }
        InvalidInputException.requirePositive("train.batch_size", batchSize);
        if (maxSteps < 1) {
            throw new InvalidInputException("stop.max_steps", "must be >= 1, got " + maxSteps);
        }
        InvalidInputException.requirePositive("stop.check_every", checkEvery);
        if (!(gradTol >= 0)) {
            throw new InvalidInputException("classify.grad_tol", "must be >= 0, got " + gradTol);
        }
        if (!(lossTol >= 0)) {
            throw new InvalidInputException("classify.loss_tol", "must be >= 0, got " + lossTol);
        }
        InvalidInputException.requirePositive("max_students_per_chunk", studentChunk);
        InvalidInputException.requirePositive("reduction_block", reductionBlock);
        if (sampleChunk < reductionBlock || sampleChunk % reductionBlock != 0) {
            throw new InvalidInputException("max_samples_per_chunk", "must be a positive multiple of reduction_block = "
                    + reductionBlock + ", got " + sampleChunk);
        }
    }
}
