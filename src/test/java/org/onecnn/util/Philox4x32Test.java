package org.onecnn.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.apache.commons.rng.core.source32.Philox4x32;
import org.junit.jupiter.api.Test;

/** onecnn's Philox4x32-10 against Random123's known answers and Apache Commons RNG 1.7. */
class Philox4x32Test {
    private static int[] block(int k0, int k1, int c0, int c1, int c2, int c3) {
        int[] out = new int[4];
        org.onecnn.util.Philox4x32.block(k0, k1, c0, c1, c2, c3, out, 0);
        return out;
    }

    /** Random123 1.14, {@code examples/kat_vectors}: the three philox4x32 10-round vectors. */
    @Test
    void knownAnswersOfRandom123() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, block(0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, block(-1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                block(0xa4093822, 0x299f31d0, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344));
    }

    /**
     * Commons RNG's stream with state {@code (k0, k1, c0, c1, c2, c3)} steps its counter before its first block,
     * so its first four ints are the block at {@code (c0 + 1, c1, c2, c3)} (no carry for {@code c0 ≠ −1}).
     */
    @Test
    void agreesWithCommonsRng() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 200; i++) {
            int k0 = r.nextInt();
            int k1 = r.nextInt();
            int c0 = r.nextInt(Integer.MAX_VALUE);
            int c1 = r.nextInt();
            int c2 = r.nextInt();
            int c3 = r.nextInt();
            Philox4x32 commons = new Philox4x32(new int[] {k0, k1, c0, c1, c2, c3});
            int[] expected = new int[4];
            for (int j = 0; j < 4; j++) {
                expected[j] = commons.nextInt();
            }
            assertArrayEquals(expected, block(k0, k1, c0 + 1, c1, c2, c3), "block " + i);
        }
    }

    @Test
    void uniformsAreMultiplesOfTwoToTheMinus53InTheUnitInterval() {
        assertEquals(0.0, org.onecnn.util.Philox4x32.uniform(0, 0));
        assertEquals(1.0 - 0x1.0p-53, org.onecnn.util.Philox4x32.uniform(-1, -1));
        assertEquals(0.5, org.onecnn.util.Philox4x32.uniform(0, 0x80000000));
        // the lowest 11 bits do not count
        assertEquals(org.onecnn.util.Philox4x32.uniform(0x7FF, 5), org.onecnn.util.Philox4x32.uniform(0, 5));
        assertTrue(org.onecnn.util.Philox4x32.uniform(0x800, 0) > 0);
    }
}
