package org.onecnn.empirical;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.onecnn.empirical.data.TrainingSet;

/** Tests' bridge from ND4J arrays {@code X [n, d]}, {@code y [n, 1]} to the engine seam's {@link TrainingSet}. */
public final class TestSets {
    private TestSets() {
    }

    /** {@code {X, y}} as a training set in their own type (the same bits, row-major). */
    public static TrainingSet of(INDArray[] xy) {
        return of(xy[0], xy[1]);
    }

    /** {@code X}, {@code y} as a training set in their own type (the same bits, row-major). */
    public static TrainingSet of(INDArray x, INDArray y) {
        int n = Math.toIntExact(x.size(0));
        int d = Math.toIntExact(x.size(1));
        if (x.dataType() == DataType.FLOAT) {
            return TrainingSet.ofFloats(n, d, x.dup('c').data().asFloat(), y.castTo(DataType.FLOAT).dup('c').data().asFloat());
        }
        return TrainingSet.ofDoubles(n, d, x.castTo(DataType.DOUBLE).dup('c').data().asDouble(),
                y.castTo(DataType.DOUBLE).dup('c').data().asDouble());
    }
}
