package org.onecnn.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a Spark task returns: the cell's bytes ({@link CellBytes}; the same bytes whichever attempt computed them)
 * and, from an executor in a JVM of its own, the seed streams its executor's ledger has seen (stream label to its
 * derivations), which the driver adds to the run's ledger so that {@code provenance.json} lists the streams the
 * cells drew wherever they were computed; empty where the driver's ledger saw the derivations itself (local mode).
 */
final class CellResult implements Serializable {
    private static final long serialVersionUID = 1L;

    final byte[] cell;
    final TreeMap<String, TreeSet<String>> streams;

    CellResult(byte[] cell, Map<String, Set<String>> streams) {
        this.cell = cell;
        this.streams = new TreeMap<>();
        streams.forEach((k, v) -> this.streams.put(k, new TreeSet<>(v)));
    }
}
