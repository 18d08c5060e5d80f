package org.onecnn.util;

import java.util.SplittableRandom;

/**
 * Derivation of every seed from a run's master seed.
 *
 * <p>The scheme is fixed so that a result can be reproduced from the seeds written beside it: the
 * master seed feeds one {@link SplittableRandom}; each named stream (teacher, cell, data set, ...)
 * is {@code derive(master, label, index...)}, a pure function of its arguments, so the seed of a
 * grid cell or of one initialization does not depend on the order in which threads reach it.
 * Every derivation is reported to the open {@link SeedLedger}, if any, so that a run's provenance lists the
 * streams it drew.
 */
public final class Seeds {
    private Seeds() {
    }

    /**
     * A 64-bit seed that depends only on the master seed, a stream label and indices. Components draw through
     * the {@link SeedStream} they declare ({@link SeedStream#derive}); this form is for streams declared
     * nowhere else (tests, one-off tools) and is recorded without a purpose.
     */
    public static long derive(long master, String label, long... indices) {
        return derive(master, new SeedStream(label, "", namesFor(indices.length), false), indices);
    }

    private static java.util.List<String> namesFor(int n) {
        java.util.List<String> l = new java.util.ArrayList<>();
        for (int i = 1; i <= n; i++) {
            l.add("i" + i);
        }
        return l;
    }

    /** The seed of a declared stream: see {@link SeedStream#derive}. */
    static long derive(long master, SeedStream stream, long... indices) {
        String label = stream.label();
        long h = mix(master ^ 0x9E3779B97F4A7C15L);
        for (int i = 0; i < label.length(); i++) {
            h = mix(h ^ label.charAt(i) * 0xBF58476D1CE4E5B9L);
        }
        for (long idx : indices) {
            h = mix(h ^ mix(idx + 0x94D049BB133111EBL));
        }
        // One draw of a SplittableRandom seeded with the hash, so seeds are well spread.
        long seed = new SplittableRandom(h).nextLong();
        SeedLedger.derived(master, stream, seed);
        return seed;
    }

    /** The 64-bit finaliser of SplitMix64 (Stafford variant 13). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
