package org.onecnn.empirical;

import java.util.Arrays;

import org.onecnn.empirical.data.Batches;

/**
 * The samples of each minibatch step, the same for every engine: batches of {@code b = min(batch_size, n)}
 * consecutive entries of a permutation of the training set ({@link Batches#permutation} of the spec's seed and the
 * epoch number, epochs counted from 0), a new permutation once fewer than {@code b} entries are left (that tail is
 * dropped). Each chunk of students walks its own copy from epoch 0, so every student sees the same batches.
 */
final class MinibatchOrder {
    private final long n;
    private final int b;
    private final long seed;
    private int[] order;
    private long epoch;
    private long pos;

    MinibatchOrder(long n, int batchSize, long seed) {
        this.n = n;
        this.b = (int) Math.min(batchSize, n);
        this.seed = seed;
    }

    /** The training rows of the next step, in batch order. */
    int[] next() {
        if (order == null || pos + b > n) {
            long[] p = Batches.permutation(n, seed, epoch++);
            order = new int[p.length];
            for (int i = 0; i < p.length; i++) {
                order[i] = (int) p[i];
            }
            pos = 0;
        }
        int[] idx = Arrays.copyOfRange(order, (int) pos, (int) (pos + b));
        pos += b;
        return idx;
    }
}
