package org.onecnn.experiment;

import java.util.List;

/**
 * One cell a run expects: a stored unit of work in the run folder's {@code cells/}. Part of the contract because a
 * type names its cells ({@link Experiment#cellKeys}, {@link CellSweep#key}) and the run folder's store checks them
 * on resume; the store itself lives with the run folder.
 *
 * @param file    its file name in {@code cells/}
 * @param label   what it is: index and axis values, written into the file and checked on resume
 * @param columns its CSV column names
 * @param rows    its number of data rows
 * @param parts   the companion files that may be written with it (file names in {@code cells/})
 */
public record CellKey(String file, String label, List<String> columns, long rows, List<String> parts) {
    public CellKey {
        columns = List.copyOf(columns);
        parts = List.copyOf(parts);
    }

    public CellKey(String file, String label, List<String> columns, long rows) {
        this(file, label, columns, rows, List.of());
    }
}
