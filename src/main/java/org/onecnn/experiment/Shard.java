package org.onecnn.experiment;

import org.onecnn.util.InvalidInputException;

/**
 * One task of a job array: shard {@code index} of {@code count} ({@code --shard I/N}, 1 ≤ I ≤ N) computes the
 * cells whose index {@code i} (0-based, in the order of {@code cells/}) has {@code i mod N = I − 1}.
 *
 * <p>Why round robin and not contiguous blocks: the cost of a cell grows along the grid (a population sweep's
 * cells slow down with k, a sample-size study's with n), so contiguous blocks would give the last shard the most
 * expensive cells; dealt like cards, every shard gets a slice of every part of the grid. Which shard computes a
 * cell never changes its bytes (cells are pure functions of the spec and their index, see {@link CellSweep}).
 *
 * @param index I, from 1 (as SLURM's {@code $SLURM_ARRAY_TASK_ID} counts with {@code --array=1-N})
 * @param count N, the number of shards
 */
public record Shard(int index, int count) {
    /** The option this value comes from, named in messages. */
    public static final String OPTION = "--shard";

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + " is not 1 ≤ I ≤ N");
        }
    }

    /**
     * Parses {@code I/N}: two decimal integers with 1 ≤ I ≤ N.
     *
     * @throws InvalidInputException naming {@code --shard} and what is wrong, on one line
     */
    public static Shard parse(String text) {
        String t = text == null ? "" : text.strip();
        if (!t.matches("[0-9]{1,9}/[0-9]{1,9}")) {
            throw new InvalidInputException(OPTION, "'" + text + "' is not I/N (shard I of N, two whole numbers "
                    + "with 1 ≤ I ≤ N, e.g. --shard 3/8, or --shard $SLURM_ARRAY_TASK_ID/8 in an sbatch --array=1-8 "
                    + "job)");
        }
        int slash = t.indexOf('/');
        int i = Integer.parseInt(t.substring(0, slash));
        int n = Integer.parseInt(t.substring(slash + 1));
        if (n < 1) {
            throw new InvalidInputException(OPTION, "'" + text + "': the number of shards N must be at least 1");
        }
        if (i < 1 || i > n) {
            throw new InvalidInputException(OPTION, "'" + text + "': shard I must be between 1 and N = " + n
                    + " (shards count from 1, as sbatch --array=1-" + n + " does)");
        }
        return new Shard(i, n);
    }

    /** The shard of {@code count} that computes cell {@code cell} (0-based): {@code cell mod count + 1}. */
    public static Shard of(int cell, int count) {
        return new Shard(cell % count + 1, count);
    }

    /** Whether this shard computes cell {@code cell} (0-based). */
    public boolean owns(int cell) {
        return of(cell, count).index == index;
    }

    /** The number of cells of a sweep of {@code cells} cells that this shard computes. */
    public int share(int cells) {
        return cells / count + (index - 1 < cells % count ? 1 : 0);
    }

    /** {@code I/N}. */
    @Override
    public String toString() {
        return index + "/" + count;
    }

    /** The file name of this shard's record in {@code shards/}: {@code shard-0003-of-0008.json}. */
    public String recordFile() {
        return String.format("shard-%04d-of-%04d.json", index, count);
    }
}
