package org.onecnn.experiment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The executor of one job-array task ({@code --shard I/N}): computes, on this machine ({@link LocalCellExecutor}),
 * the cells of its {@link Shard} that the store does not hold yet, and then hands over to {@link Handoff}, which
 * decides whether this process is the last shard and assembles the run. Many shards run this at once against one
 * run folder; they never compute the same cell (their shares are disjoint), and each writes its cells through
 * {@link CellStore#write}, an atomic rename per file.
 *
 * <p>If {@link Handoff#lastShard()} says this process merges, {@link #run} returns: the store then holds every
 * cell, read back from the disk, and the experiment assembles its outputs as after a local run. Otherwise it
 * throws {@link NotLast}, which unwinds the experiment before its assembly; {@link Runner} catches it and ends the
 * shard normally.
 */
public final class ShardCellExecutor implements CellExecutor {
    /** What a shard does once its cells are written. */
    public interface Handoff {
        /**
         * Whether this shard merges the run: true only when it holds the run folder exclusively and every cell is
         * in the store (refreshed from the disk).
         */
        boolean lastShard() throws IOException;
    }

    /** Thrown by {@link #run} when this shard has written its cells and another process will merge. */
    public static final class NotLast extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotLast() {
            super("this shard's cells are written; the run is merged by the last shard or by onecnn merge", null,
                    false, false);
        }
    }

    private final Shard shard;
    private final LocalCellExecutor local;
    private final Handoff handoff;
    private final List<Integer> computed = new ArrayList<>();

    public ShardCellExecutor(Shard shard, int threads, Handoff handoff) {
        this.shard = shard;
        this.local = new LocalCellExecutor(threads);
        this.handoff = handoff;
    }

    @Override
    public String describe() {
        return "job array of " + shard.count() + " shards (shard I computes the cells i with i mod "
                + shard.count() + " = I - 1), each " + local.describe();
    }

    /** N, the number of shards of the job array. */
    public int shardCount() {
        return shard.count();
    }

    @Override
    public boolean computes(int index) {
        return shard.owns(index);
    }

    /** The indices of the cells this executor computed (its share, less what was done already), in order. */
    public synchronized List<Integer> computed() {
        return List.copyOf(computed);
    }

    @Override
    public void run(CellSweep sweep, CellStore store, LongConsumer progress) throws IOException,
            InterruptedException {
        List<Integer> mine = new ArrayList<>();
        for (int i = 0; i < sweep.size(); i++) {
            if (shard.owns(i) && !store.done(sweep.key(i))) {
                mine.add(i);
            }
        }
        synchronized (this) {
            computed.addAll(mine);
        }
        local.run(new Subset(sweep, mine), store, progress);
        if (!handoff.lastShard()) {
            throw new NotLast();
        }
        for (int i = 0; i < sweep.size(); i++) {
            if (!store.done(sweep.key(i))) {
                throw new IllegalStateException("the handoff reported every cell done, but " + sweep.key(i).label()
                        + " is not");
            }
        }
    }

    /** The cells {@code cells} of {@code sweep}, renumbered from 0 (their keys and jobs unchanged). */
    private record Subset(CellSweep sweep, List<Integer> cells) implements CellSweep {
        @Override
        public int size() {
            return cells.size();
        }

        @Override
        public CellKey key(int index) {
            return sweep.key(cells.get(index));
        }

        @Override
        public long work(int index) {
            return sweep.work(cells.get(index));
        }

        @Override
        public int parallelism() {
            return sweep.parallelism();
        }

        @Override
        public Job<?> job(int index) {
            return sweep.job(cells.get(index));
        }
    }
}
