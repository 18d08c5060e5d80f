package org.onecnn.util;

import java.util.List;

/**
 * A stream of seeds that one component draws, declared by that component as a constant beside the code that
 * draws it: its label (the input of {@link Seeds#derive}), what it seeds, the names of its indices and whether
 * it is high-volume (one seed per run, step or chunk). The open {@link SeedLedger} records exactly the streams a
 * run draws, with these declarations, so {@code provenance.json} describes each stream in the words of the
 * component that uses it and nothing is listed centrally.
 *
 * <p>Two declarations with the same label draw the same seeds (the label is what is hashed); a component that
 * reuses another's stream refers to that component's constant instead of declaring it again.
 *
 * @param label      the label hashed into every seed of the stream; non-blank
 * @param purpose    what the seeds are used for, one phrase (written to provenance)
 * @param indices    the names of the indices a seed of this stream takes, in order
 * @param highVolume true for streams with one seed per run, step, epoch or chunk (millions in a run): the
 *                   ledger then does not remember their values as parents (see {@link SeedLedger})
 */
public record SeedStream(String label, String purpose, List<String> indices, boolean highVolume) {
    public SeedStream {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("a seed stream needs a label");
        }
        purpose = purpose == null ? "" : purpose;
        indices = List.copyOf(indices);
    }

    /** A low-volume stream (a few seeds per cell: teachers, data sets, stage seeds). */
    public static SeedStream of(String label, String purpose, String... indices) {
        return new SeedStream(label, purpose, List.of(indices), false);
    }

    /** A high-volume stream (one seed per run, step, epoch or chunk). */
    public static SeedStream perItem(String label, String purpose, String... indices) {
        return new SeedStream(label, purpose, List.of(indices), true);
    }

    /**
     * The seed of this stream under {@code parent} at {@code indices}: {@code Seeds.derive(parent, label,
     * indices)}, recorded by the open ledger with this declaration.
     *
     * @throws IllegalArgumentException if the number of indices differs from the declaration's
     */
    public long derive(long parent, long... idx) {
        if (idx.length != indices.size()) {
            throw new IllegalArgumentException("seed stream '" + label + "' takes " + indices.size()
                    + " indices " + indices + ", got " + idx.length);
        }
        return Seeds.derive(parent, this, idx);
    }
}
