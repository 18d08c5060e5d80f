package org.onecnn.util;

/**
 * The counter-based generator Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as
 * 1, 2, 3", SC 2011; the "Random123" library): a pure function from a 64-bit key and a 128-bit counter to 128
 * random bits. Because a block depends on nothing but {@code (key, counter)}, any thread, any device (a GPU kernel
 * included) can produce any block in any order and get the same bits: what onecnn's online samples need
 * ({@code org.onecnn.empirical.data.CounterSamples}).
 *
 * <p>Ten rounds of {@code (c0, c1, c2, c3) ← (hi(M1·c2) ⊕ c1 ⊕ k0, lo(M1·c2), hi(M0·c0) ⊕ c3 ⊕ k1, lo(M0·c0))}
 * with {@code M0 = 0xD2511F53}, {@code M1 = 0xCD9E8D57} (32×32 → 64-bit unsigned products), the key bumped by
 * the Weyl constants {@code W0 = 0x9E3779B9}, {@code W1 = 0xBB67AE85} between rounds. The same function as
 * Apache Commons RNG 1.7's {@code Philox4x32} (which steps its counter before the first block) and Random123's
 * {@code philox4x32_10}; the tests check both, including Random123's known-answer vectors.
 *
 * <p>Why not Commons RNG's class itself: it is a stateful stream (one object per position, the counter stepped
 * with carry), while onecnn addresses blocks directly by (step, sample, block); the function is twenty lines.
 */
public final class Philox4x32 {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;

    private Philox4x32() {
    }

    /**
     * The block of {@code (key0, key1)} at counter {@code (c0, c1, c2, c3)}, written to {@code out[at .. at+3]}.
     */
    public static void block(int key0, int key1, int c0, int c1, int c2, int c3, int[] out, int at) {
        int k0 = key0;
        int k1 = key1;
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
        }
        out[at] = c0;
        out[at + 1] = c1;
        out[at + 2] = c2;
        out[at + 3] = c3;
    }

    /**
     * A uniform double in {@code [0, 1)} from two 32-bit words: the top 53 bits of {@code hi·2³² + lo}, times
     * {@code 2⁻⁵³} (so every value is a multiple of {@code 2⁻⁵³}, exactly representable).
     */
    public static double uniform(int lo, int hi) {
        long bits = ((long) hi << 32) | (lo & 0xFFFFFFFFL);
        return (bits >>> 11) * 0x1.0p-53;
    }
}
