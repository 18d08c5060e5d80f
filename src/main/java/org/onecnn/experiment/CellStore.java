package org.onecnn.experiment;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.onecnn.util.AtomicFiles;
import org.onecnn.util.InvalidInputException;

/**
 * The completed cells of a run ({@code cells/} in the run folder), written by every experiment that
 * computes in cells (population sweeps: one grid cell; sample-size: one sample size and data set) so
 * that {@code --resume} recomputes only what is missing, and never takes in a cell that is not this
 * run's.
 *
 * <p>A cell file is CSV (its column line, then its rows) under one header line:
 * <pre>
 * # onecnn-cell {"format":1,"cell":"cell 3: k=36, ratio=4","config_sha256":"…","rows":300,"body_sha256":"…","parts":{…}}
 * </pre>
 * {@code cell} names the cell (index and axis values), {@code config_sha256} is the SHA-256 of the
 * run's resolved config (as {@link ConfigLoader#toYaml} writes it, the body of {@code config.yaml}),
 * {@code rows} the number of data rows, {@code body_sha256} the SHA-256 of everything after the header
 * line, and {@code parts} the SHA-256 of each companion file written with the cell (a sweep's recorded
 * trajectories), which are written first: the cell file, written last and atomically, commits them.
 *
 * <p>Opening the store verifies every cell before anything is computed. A cell of another config
 * (another experiment, or an edited {@code config.yaml}), or a file that is not a cell of this run,
 * refuses the resume with one line and changes nothing. A cell that is damaged (truncated, edited,
 * binary), holds another cell of this run, or has the wrong row count or columns is reported on one
 * line of standard error and recomputed; the new file replaces it atomically.
 *
 * <p><b>Many processes at once.</b> The tasks of a job array ({@link JobArray}) each open a store on one shared
 * {@code cells/} and write disjoint cells into it at the same time. That is safe because every file is written
 * whole under a temporary name unique to its process and thread and then renamed into place ({@link
 * AtomicFiles}): a reader sees a cell file complete or not at all, and temporary files are skipped. A store knows
 * the cells it verified when it was opened and those it wrote; {@link #refresh} takes in those that other
 * processes wrote since, which the process that merges does once it holds the run folder alone.
 */
public final class CellStore {
    /** The start of a cell file's header line. */
    public static final String HEADER = "# onecnn-cell ";

    public static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Who reads the store, for its messages: the argument a refusal names ({@code --resume}, {@code --shard},
     * {@code merge}'s {@code RUN_FOLDER}), the command that tries again once the folder is fixed, and what happens
     * to a damaged cell (recomputed by a resume; not by a merge, which computes nothing), so that the warning says
     * what the process then does.
     */
    public record Caller(String field, String again, java.util.function.Function<CellKey, String> then) {
        /** {@code run --resume}: a damaged cell is recomputed. */
        public static final Caller RESUME = new Caller("--resume", "resume again", k -> "recomputing " + k.label());
    }

    private final Path dir;
    private final String configHash;
    private final List<CellKey> keys;
    /** The done cells (file names) and, for each, the parts its header commits. */
    private final Map<String, Set<String>> done;

    private CellStore(Path dir, String configHash, List<CellKey> keys, Map<String, Set<String>> done) {
        this.dir = dir;
        this.configHash = configHash;
        this.keys = List.copyOf(keys);
        this.done = done;
    }

    /** The SHA-256 (hex) of a resolved config, as recorded in {@code provenance.json} and in every cell. */
    public static String configHash(ExperimentSpec cfg) {
        return sha256(ConfigLoader.toYaml(cfg).getBytes(StandardCharsets.UTF_8));
    }

    /** The store of a new run: nothing done yet. */
    public static CellStore fresh(RunFolder folder, String configHash, List<CellKey> keys) {
        return new CellStore(folder.path(RunFolder.CELLS), configHash, keys, new ConcurrentHashMap<>());
    }

    /**
     * Verifies every cell in {@code cells/} against {@code keys}: before anything is computed and before
     * anything in the folder is changed.
     *
     * @param warn receives one line per damaged cell (which will be recomputed)
     * @throws InvalidInputException if {@code cells/} holds a cell of another config or a file that is not
     *                               one of this run's cells
     */
    public static CellStore verify(RunFolder folder, String configHash, List<CellKey> keys, Consumer<String> warn) {
        return verify(folder, configHash, keys, warn, Caller.RESUME);
    }

    /** {@link #verify(RunFolder, String, List, Consumer)} with the messages of {@code caller}. */
    public static CellStore verify(RunFolder folder, String configHash, List<CellKey> keys, Consumer<String> warn,
            Caller caller) {
        Path dir = folder.path(RunFolder.CELLS);
        return new CellStore(dir, configHash, keys, scan(folder, configHash, keys, warn, Set.of(), caller));
    }

    /**
     * Takes in the cells that other processes wrote into {@code cells/} since this store was opened (the shards
     * of a job array), each verified as {@link #verify} does; cells this store holds already are not read again.
     * Only where no other process writes into {@code cells/} meanwhile (the caller holds the run folder
     * exclusively), since a cell that another process is writing at this moment would be taken as damaged.
     *
     * @param warn receives one line per damaged cell (which is not taken in)
     * @throws InvalidInputException as {@link #verify}: a cell of another config or a file that is not a cell
     */
    public void refresh(RunFolder folder, Consumer<String> warn) {
        refresh(folder, warn, Caller.RESUME);
    }

    /** {@link #refresh(RunFolder, Consumer)} with the messages of {@code caller}. */
    public void refresh(RunFolder folder, Consumer<String> warn, Caller caller) {
        scan(folder, configHash, keys, warn, done.keySet(), caller).forEach(done::putIfAbsent);
    }

    /** The cells this run expects that are not done, in order. */
    public List<CellKey> missing() {
        return keys.stream().filter(k -> !done(k)).toList();
    }

    /** The intact cells in {@code cells/} (file name to the parts its header commits); see {@link #verify}. */
    private static Map<String, Set<String>> scan(RunFolder folder, String configHash, List<CellKey> keys,
            Consumer<String> warn, Set<String> known, Caller caller) {
        Path dir = folder.path(RunFolder.CELLS);
        Map<String, Set<String>> done = new ConcurrentHashMap<>();
        if (!Files.exists(dir)) {
            return done;
        }
        if (!Files.isDirectory(dir)) {
            throw refuse(folder, caller, dir + " is not a folder");
        }
        Map<String, CellKey> byFile = new LinkedHashMap<>();
        Set<String> partNames = new LinkedHashSet<>();
        for (CellKey k : keys) {
            byFile.put(k.file(), k);
            partNames.addAll(k.parts());
        }
        Set<String> present = new TreeSet<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                present.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw refuse(folder, caller, "cannot list " + dir + ": " + e.getMessage());
        }
        List<String> damaged = new ArrayList<>();
        for (String name : present) {
            if (AtomicFiles.isLeftover(name) || known.contains(name)) {
                continue;
            }
            Path p = dir.resolve(name);
            Header h = readHeader(p);
            if (h != null && !h.configHash().equals(configHash)) {
                throw refuse(folder, caller, "cells/" + name + " was written by a run of another config (config hash "
                        + shortHash(h.configHash()) + ", this run's is " + shortHash(configHash) + "): cells copied "
                        + "from another run, or config.yaml edited; nothing was changed; start a new run");
            }
            CellKey k = byFile.get(name);
            if (k == null) {
                if (partNames.contains(name)) {
                    continue;
                }
                throw refuse(folder, caller, "cells/" + name + " is not a cell of this run" + (h == null ? "" : " (it holds "
                        + h.label() + ")") + "; move it out of " + dir + " and " + caller.again() + " (nothing was changed)");
            }
            String problem = h == null ? "has no onecnn-cell header line (truncated, edited, binary, or written by "
                    + "an older onecnn)" : check(dir, k, h);
            if (problem == null) {
                done.put(name, Set.copyOf(h.parts().keySet()));
            } else {
                damaged.add("onecnn: warning: " + folder.path(RunFolder.CELLS).resolve(name) + " " + problem
                        + "; " + caller.then().apply(k));
            }
        }
        damaged.forEach(warn);
        return done;
    }

    private static InvalidInputException refuse(RunFolder folder, Caller caller, String what) {
        return new InvalidInputException(caller.field(), folder.dir() + ": " + what);
    }

    /** What is wrong with a cell whose header was read, or null if it is intact and the expected cell. */
    private static String check(Path dir, CellKey k, Header h) {
        if (h.format() != FORMAT) {
            return "has cell format " + h.format() + ", not " + FORMAT;
        }
        if (!h.label().equals(k.label())) {
            return "holds " + h.label() + ", not " + k.label() + " (a copy of another cell?)";
        }
        byte[] body;
        try {
            byte[] all = Files.readAllBytes(dir.resolve(k.file()));
            body = java.util.Arrays.copyOfRange(all, h.headerBytes(), all.length);
        } catch (IOException e) {
            return "cannot be read (" + e.getMessage() + ")";
        }
        if (!sha256(body).equals(h.bodyHash())) {
            return "fails its checksum (changed or damaged since it was written)";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        long lines = text.chars().filter(c -> c == '\n').count();
        if (!text.endsWith("\n") || lines - 1 != h.rows() || h.rows() != k.rows()) {
            return "has " + (lines - 1) + " rows, expected " + k.rows();
        }
        if (!text.substring(0, text.indexOf('\n')).equals(String.join(",", k.columns()))) {
            return "has other columns than this version of onecnn writes";
        }
        for (Map.Entry<String, String> part : h.parts().entrySet()) {
            if (!k.parts().contains(part.getKey())) {
                return "lists a part " + part.getKey() + " this cell does not have";
            }
            Path p = dir.resolve(part.getKey());
            try {
                if (!Files.isRegularFile(p) || !sha256(Files.readAllBytes(p)).equals(part.getValue())) {
                    return "has its part " + part.getKey() + " missing or changed";
                }
            } catch (IOException e) {
                return "has its part " + part.getKey() + " unreadable (" + e.getMessage() + ")";
            }
        }
        return null;
    }

    private record Header(int format, String label, String configHash, long rows, String bodyHash,
            Map<String, String> parts, int headerBytes) {
    }

    /** The header of a cell file, or null if the file does not start with a well-formed one. */
    private static Header readHeader(Path p) {
        if (!Files.isRegularFile(p)) {
            return null;
        }
        byte[] start;
        try (var in = Files.newInputStream(p)) {
            start = in.readNBytes(64 * 1024);
        } catch (IOException e) {
            return null;
        }
        int nl = -1;
        for (int i = 0; i < start.length; i++) {
            if (start[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            return null;
        }
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(start, 0, nl)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        if (!line.startsWith(HEADER)) {
            return null;
        }
        try {
            JsonNode j = JSON.readTree(line.substring(HEADER.length()));
            Map<String, String> parts = new LinkedHashMap<>();
            if (j.has("parts")) {
                j.get("parts").fields().forEachRemaining(e -> parts.put(e.getKey(), e.getValue().asText()));
            }
            if (!j.path("format").isInt() || !j.path("cell").isTextual() || !j.path("config_sha256").isTextual()
                    || !j.path("rows").canConvertToLong() || !j.path("body_sha256").isTextual()) {
                return null;
            }
            return new Header(j.get("format").asInt(), j.get("cell").asText(), j.get("config_sha256").asText(),
                    j.get("rows").asLong(), j.get("body_sha256").asText(), parts, nl + 1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether {@code k} is complete and verified (written by this run, or found intact on resume). */
    public boolean done(CellKey k) {
        return done.containsKey(k.file());
    }

    /** The cells this run expects, in order. */
    public List<CellKey> keys() {
        return keys;
    }


    /**
     * Writes cell {@code k}: {@code parts} (file name → CSV text, each one of {@code k.parts()}) first,
     * then the cell file with {@code csv} (column line and rows, as {@code Table.toCsv()} gives), each
     * atomically; the cell file commits the parts.
     */
    public void write(CellKey k, String csv, Map<String, String> parts) throws IOException {
        Map<String, String> partHashes = new LinkedHashMap<>();
        for (String stale : k.parts()) {
            // a part of an earlier, interrupted attempt that this one does not write must not be read back
            if (!parts.containsKey(stale)) {
                Files.deleteIfExists(dir.resolve(stale));
            }
        }
        for (Map.Entry<String, String> part : parts.entrySet()) {
            if (!k.parts().contains(part.getKey())) {
                throw new IllegalArgumentException(part.getKey() + " is not a part of " + k.file());
            }
            String text = withHeader(k.label() + " (" + part.getKey() + ")", part.getValue(),
                    part.getValue().chars().filter(c -> c == '\n').count() - 1, Map.of());
            AtomicFiles.writeString(dir.resolve(part.getKey()), text);
            partHashes.put(part.getKey(), sha256(text.getBytes(StandardCharsets.UTF_8)));
        }
        long rows = csv.chars().filter(c -> c == '\n').count() - 1;
        if (rows != k.rows()) {
            throw new IllegalStateException(k.label() + ": " + rows + " rows computed, " + k.rows() + " expected");
        }
        AtomicFiles.writeString(dir.resolve(k.file()), withHeader(k.label(), csv, rows, partHashes));
        done.put(k.file(), Set.copyOf(partHashes.keySet()));
    }

    /** {@link #write(CellKey, String, Map)} without parts. */
    public void write(CellKey k, String csv) throws IOException {
        write(k, csv, Map.of());
    }

    private String withHeader(String label, String csv, long rows, Map<String, String> partHashes) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("format", FORMAT);
        h.put("cell", label);
        h.put("config_sha256", configHash);
        h.put("rows", rows);
        h.put("body_sha256", sha256(csv.getBytes(StandardCharsets.UTF_8)));
        if (!partHashes.isEmpty()) {
            h.put("parts", partHashes);
        }
        try {
            return HEADER + JSON.writeValueAsString(h) + "\n" + csv;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CSV text (column line and rows) of a done cell. */
    public String read(CellKey k) throws IOException {
        if (!done(k)) {
            throw new IllegalStateException(k.label() + " is not done");
        }
        return body(k.file());
    }

    /** The CSV text of part {@code part} of a done cell, or null if the cell was written without it. */
    public String readPart(CellKey k, String part) throws IOException {
        if (!done(k)) {
            throw new IllegalStateException(k.label() + " is not done");
        }
        return done.get(k.file()).contains(part) ? body(part) : null;
    }

    /**
     * CSV texts with the same column line (cells of one run, or their parts) joined under one column line: the
     * first whole, each other without its column line; {@code null} entries (a cell written without the part)
     * are skipped; empty if there is none. This is how a run's {@code results.csv} is the concatenation of its
     * cells.
     */
    public static String concat(List<String> csvs) {
        StringBuilder all = new StringBuilder();
        for (String csv : csvs) {
            if (csv != null) {
                all.append(all.length() == 0 ? csv : csv.substring(csv.indexOf('\n') + 1));
            }
        }
        return all.toString();
    }

    private String body(String file) throws IOException {
        String text = Files.readString(dir.resolve(file));
        return text.substring(text.indexOf('\n') + 1);
    }

    /**
     * Deletes this run's cell files and parts once the run is assembled, then {@code cells/} if that left
     * it empty: a file that is not this run's is never deleted.
     */
    public void clear() throws IOException {
        for (CellKey k : keys) {
            Files.deleteIfExists(dir.resolve(k.file()));
            for (String part : k.parts()) {
                Files.deleteIfExists(dir.resolve(part));
            }
        }
        AtomicFiles.removeLeftovers(dir);
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                if (s.iterator().hasNext()) {
                    return;
                }
            }
            Files.delete(dir);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The first 12 hex digits, enough to tell two configs apart in a message. */
    public static String shortHash(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }
}
