package org.onecnn.experiment;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.onecnn.report.Json;
import org.onecnn.util.AtomicFiles;

/**
 * Interrupted run folders for the resume tests, made without killing anything: a folder as a run
 * leaves it right after it started, and a complete folder turned back into an interrupted one.
 */
public final class RunFolders {
    private RunFolders() {
    }

    private static ConfigLoader.Loaded load(Path dir) {
        return ConfigLoader.load(dir.resolve("config.yaml").toString(), List.of());
    }

    /**
     * A run folder as a run of {@code config} with {@code sets} has it right after it started:
     * {@code config.yaml} and a {@code provenance.json} with the config hash, nothing computed.
     */
    public static void started(Path dir, String config, List<String> sets) throws IOException {
        ConfigLoader.Loaded loaded = ConfigLoader.load(config, sets);
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("config.yaml"), "# resolved config (test)\n"
                + ConfigLoader.toYaml(loaded.config()));
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("experiment", loaded.config().name());
        prov.put(Runner.CONFIG_HASH, CellStore.configHash(loaded.config()));
        prov.put("status", "running");
        Json.write(dir.resolve("provenance.json"), prov);
    }

    /**
     * Turns a complete run folder (of an experiment that computes in cells) into the interrupted folder that had written cells {@code done} (indices into the
     * experiment's cell list): everything but {@code config.yaml} and {@code provenance.json} is removed,
     * and those cells are written from {@code results.csv} (which is their concatenation, in order) and
     * {@code trajectories.csv} (their parts) exactly as the run wrote them.
     *
     * @return the cell files, by index (of every cell, written or not)
     */
    public static List<Path> interrupt(Path dir, int... done) throws IOException {
        ConfigLoader.Loaded loaded = load(dir);
        List<CellKey> keys = Experiment.of(loaded.config().type()).cellKeys(loaded.config(), loaded.cells());
        List<String> lines = Files.readAllLines(dir.resolve("results.csv"));
        String header = lines.get(0) + "\n";
        List<String> bodies = new ArrayList<>();
        int at = 1;
        for (CellKey k : keys) {
            StringBuilder b = new StringBuilder(header);
            for (int r = 0; r < k.rows(); r++) {
                b.append(lines.get(at++)).append('\n');
            }
            bodies.add(b.toString());
        }
        if (at != lines.size()) {
            throw new IllegalStateException("results.csv has " + (lines.size() - 1) + " rows, the cells " + (at - 1));
        }
        // a sweep's recorded trajectories: the rows of cell i (first column) are the part of cell i, if any
        List<Map<String, String>> parts = new ArrayList<>();
        Path traj = dir.resolve("trajectories.csv");
        List<String> tl = Files.isRegularFile(traj) ? Files.readAllLines(traj) : List.of();
        for (int i = 0; i < keys.size(); i++) {
            StringBuilder b = new StringBuilder();
            for (String l : tl.subList(Math.min(1, tl.size()), tl.size())) {
                if (l.startsWith(i + ",")) {
                    b.append(l).append('\n');
                }
            }
            parts.add(b.length() == 0 ? Map.of() : Map.of(keys.get(i).parts().get(0), tl.get(0) + "\n" + b));
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (!Set.of("config.yaml", "provenance.json").contains(p.getFileName().toString())) {
                    AtomicFiles.deleteTree(p);
                }
            }
        }
        CellStore store = CellStore.fresh(RunFolder.resume(dir), CellStore.configHash(loaded.config()), keys);
        for (int i : done) {
            store.write(keys.get(i), bodies.get(i), parts.get(i));
        }
        List<Path> files = new ArrayList<>();
        for (CellKey k : keys) {
            files.add(dir.resolve(RunFolder.CELLS).resolve(k.file()));
        }
        return files;
    }

    /** Writes {@code csv} (column line and rows) as cell {@code index} of the run in {@code dir}, with a valid header. */
    public static void writeCell(Path dir, int index, String csv) throws IOException {
        ConfigLoader.Loaded loaded = load(dir);
        List<CellKey> keys = Experiment.of(loaded.config().type()).cellKeys(loaded.config(), loaded.cells());
        CellStore.fresh(RunFolder.resume(dir), CellStore.configHash(loaded.config()), keys).write(keys.get(index), csv);
    }
}
