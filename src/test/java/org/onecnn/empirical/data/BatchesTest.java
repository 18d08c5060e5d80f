package org.onecnn.empirical.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.Seeds;

/** Minibatch orders (the online samples: {@link CounterSamplesTest}). */
class BatchesTest {
    private static final Architecture ARCH = Architecture.of(13, 5, 2);
    private static final Teacher TEACHER = Teacher.gaussian(ARCH.k(), ARCH.r(), 3);

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Test
    void permutationIsADeterministicPermutation() {
        long[] p = Batches.permutation(1000, 5, 2);
        assertArrayEquals(LongStream.range(0, 1000).toArray(), Arrays.stream(p).sorted().toArray());
        assertArrayEquals(p, Batches.permutation(1000, 5, 2));
        assertFalse(Arrays.equals(p, Batches.permutation(1000, 5, 3)), "another epoch");
        assertFalse(Arrays.equals(p, Batches.permutation(1000, 6, 2)), "another seed");
        assertFalse(Arrays.equals(p, LongStream.range(0, 1000).toArray()), "shuffled");
        assertEquals(0, Batches.permutation(0, 5, 0).length);
        assertArrayEquals(new long[] {0}, Batches.permutation(1, 5, 0));
        assertEquals("n", assertThrows(InvalidInputException.class, () -> Batches.permutation(-1, 5, 0)).field());
        assertEquals("epoch", assertThrows(InvalidInputException.class, () -> Batches.permutation(3, 5, -1)).field());
    }

    /**
     * Over E epochs each of the 6 orders of 3 items has count ~ Binomial(E, 1/6): within
     * {@code z·√(E·(1/6)(5/6))}, z = 5, of E/6. The classic wrong shuffle (j uniform in 0..n−1 at every i)
     * gives some orders 5/27 instead of 1/6, 1,111 counts off at E = 60,000, far beyond the 456 allowed.
     */
    @Test
    void permutationsAreUniform() {
        int epochs = 60_000;
        Map<String, Integer> counts = new HashMap<>();
        for (int e = 0; e < epochs; e++) {
            counts.merge(Arrays.toString(Batches.permutation(3, 11, e)), 1, Integer::sum);
        }
        assertEquals(6, counts.size());
        double tol = 5 * Math.sqrt(epochs * (1.0 / 6) * (5.0 / 6));
        for (Map.Entry<String, Integer> c : counts.entrySet()) {
            assertTrue(Math.abs(c.getValue() - epochs / 6.0) <= tol, c.getKey() + ": " + c.getValue());
        }
    }
}
