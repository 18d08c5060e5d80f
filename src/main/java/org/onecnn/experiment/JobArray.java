package org.onecnn.experiment;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.onecnn.report.Json;
import org.onecnn.util.AtomicFiles;
import org.onecnn.util.Installation;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.SeedLedger;

/**
 * Job arrays: many processes (the tasks of {@code sbatch --array}, a shell loop) compute the cells of one run into
 * one shared run folder ({@code ./onecnn run … --shard I/N}), and the run is assembled from the cells ({@code
 * ./onecnn merge RUN_FOLDER}, or the last shard by itself) into exactly the files a local run writes.
 *
 * <p><b>The folder.</b> The shards of a run agree on it without talking to each other: {@code --out DIR} if given,
 * else {@code runs/<name>-<first 12 hex digits of the config hash>} (the hash of the resolved config, {@link
 * CellStore#configHash}), so tasks that start at different seconds, on different nodes, land in the same folder,
 * and a different config (another {@code --set}) never does. Each shard creates it if missing ({@code
 * createDirectories}, safe under races).
 *
 * <p><b>The lock protocol</b> (the operating system's locks on {@code .lock}, {@link RunFolder#lock(String,
 * boolean, boolean)}; released when a process dies, also on {@code kill -9}):
 * <ol>
 * <li>The first shard writes {@code config.yaml} and {@code provenance.json}, holding the lock exclusively; every
 * later one finds them and checks, without a lock, that {@code config.yaml} is its own config (else it is refused,
 * nothing changed). Later shards must not wait for the exclusive lock here: computing shards hold it shared, so
 * they would start only when those end ({@link #prepare}).</li>
 * <li>Shared (waiting for it, which only a process holding it exclusively delays): the shard verifies the cells in {@code cells/} ({@link CellStore#verify}) and
 * computes its share of those not done ({@link ShardCellExecutor}), each cell written atomically; then it writes
 * its record {@code shards/shard-III-of-NNN.json} (host, pid, scheduler job ids, cells computed, seed streams
 * drawn).</li>
 * <li>It releases the shared lock and asks for the exclusive one without waiting. If it gets it, no other shard is
 * computing: it re-reads {@code cells/} ({@link CellStore#refresh}); if every cell is there it merges (assembles
 * results, summaries, plots, report, the final {@code provenance.json}) and removes {@code cells/} and {@code
 * shards/}; if some are missing it ends, naming how many. If it does not get the lock, another shard still computes
 * (and will do step 3 after this one), or another process is merging; it ends.</li>
 * </ol>
 * Why the last shard always merges: the last shard to release its shared lock had written all its cells, and so
 * had every other shard (each releases its lock after its cells). Its exclusive request fails only if another
 * process took the exclusive lock after that release, and that process then sees every cell. So once all shards
 * have run to the end, exactly one merge happens (a second process that gets the lock later finds the run
 * complete); a shard killed midway leaves its remaining cells missing, and running it again (same command)
 * computes only those and merges.
 *
 * <p>Byte-identity: a cell is the same bytes whichever shard computes it ({@link CellSweep}), and the merge runs the
 * experiment's own assembly over the cells read back from the store, as a local run does; so every file but {@code
 * provenance.json} equals that of a local run of the same config.
 */
public final class JobArray {
    private JobArray() {
    }

    /** The folder of shard records, removed after the merge (their content is then in {@code provenance.json}). */
    public static final String SHARDS = "shards";

    /** The key of {@code provenance.json} that marks a job array's folder (the number of shards, ...). */
    public static final String KEY = "job_array";

    /** The file name of a shard record: {@code shard-III-of-NNN.json} ({@link Shard#recordFile}). */
    private static final java.util.regex.Pattern RECORD = java.util.regex.Pattern.compile(
            "shard-([0-9]{4,})-of-([0-9]{4,})\\.json");

    /** What a shard did. */
    public record ShardOutcome(Path dir, boolean merged, boolean alreadyComplete, int computed, int done, int total) {
    }

    /** What a merge did. */
    public record MergeOutcome(Path dir, boolean alreadyComplete) {
    }

    /** The folder that the shards of {@code loaded} agree on when no {@code --out} is given. */
    public static Path defaultFolder(ConfigLoader.Loaded loaded) {
        return Installation.home().resolve("runs").resolve(loaded.config().name() + "-"
                + CellStore.shortHash(CellStore.configHash(loaded.config())));
    }

    /**
     * Runs shard {@code shard} of the run {@code req} asks for (see the class comment).
     *
     * @param merge whether this shard merges the run if it finds itself the last one (false: {@code --no-merge},
     *              the run is left to {@code onecnn merge}); never where the file system cannot lock
     */
    public static ShardOutcome shard(Runner.Request req, Shard shard, boolean merge) throws IOException,
            InterruptedException {
        if (req.resume() != null) {
            throw new InvalidInputException(Shard.OPTION, "cannot be combined with --resume: run the same --shard "
                    + "command again; it continues where that shard stopped");
        }
        Prepared prepared = Prepared.of(ConfigLoader.load(req.config(), req.sets()));
        ConfigLoader.Loaded loaded = prepared.loaded();
        Experiment exp = prepared.exp();
        List<CellKey> keys = prepared.keys();
        if (keys.isEmpty()) {
            throw new InvalidInputException(Shard.OPTION, "experiments of type " + loaded.config().type() + " do not "
                    + "compute in cells (population-sweep and sample-size do), so they cannot be split into shards; "
                    + "run it without --shard");
        }
        if (shard.count() > keys.size()) {
            throw new InvalidInputException(Shard.OPTION, shard + ": this run has " + keys.size() + " cell"
                    + (keys.size() == 1 ? "" : "s") + ", so at most " + keys.size() + " shards have work; use N ≤ "
                    + keys.size());
        }
        String hash = prepared.hash();
        Path dir = req.out() != null ? req.out() : defaultFolder(loaded);
        RunFolder folder = RunFolder.shared(dir);
        int threads = Math.max(1, req.threads());
        Held held = new Held();
        RunFolder.Lock[] own = new RunFolder.Lock[1];
        // a SIGTERM's shutdown hook (Interruption) says how to go on; the shared provenance.json stays the first
        // shard's
        Interruption.Active active = Interruption.begin(folder, "run the same command again: shard " + shard
                + " continues where it stopped (its finished cells are kept)", false);
        try {
            ShardCellExecutor[] executor = new ShardCellExecutor[1];
            SeedLedger[] ledger = new SeedLedger[1];
            String started = Instant.now().toString();
            CellStore[] store = new CellStore[1];
            Map<String, Object>[] earlier = new Map[1];
            List<Integer> foundDone = new ArrayList<>();
            InvalidInputException[] refused = new InvalidInputException[1];
            CellStore.Caller caller = new CellStore.Caller(Shard.OPTION, "run this shard again", k -> {
                Shard owner = Shard.of(keys.indexOf(k), shard.count());
                return owner.equals(shard) ? "recomputing " + k.label() : "not recomputed here: shard " + owner
                        + " recomputes it when run again (the run is not merged until then)";
            });
            executor[0] = new ShardCellExecutor(shard, threads, () -> {
                // still under the shared lock: the record first, so that whoever merges finds it
                writeRecord(folder, shard, req, started, earlier[0], executor[0].computed(), foundDone,
                        ledger[0].streams(), "done");
                held.set(null);
                if (!merge) {
                    return false;
                }
                RunFolder.Lock x = tryExclusive(folder);
                if (x == null) {
                    return false;
                }
                if (!x.held()) {
                    // without locks two shards could merge at once: the merge is left to onecnn merge
                    System.err.println("onecnn: warning: " + folder.dir() + " cannot be locked on this file system, so "
                            + "no shard merges by itself: run ./onecnn merge " + folder.dir() + " once all shards "
                            + "have ended");
                    return false;
                }
                held.set(x);
                store[0].refresh(folder, System.err::println, caller);
                if (!store[0].missing().isEmpty()) {
                    return false;
                }
                // what the merge builds on is checked before any of it is written: a damaged record or provenance
                // refuses the merge (one line, after this shard ended normally), and the folder stays mergeable
                try {
                    Runner.checkProvenance(folder, Shard.OPTION, "run this shard again", "this shard's cells "
                            + "are written, the run was not merged (none of its files written)");
                    readRecords(folder, shard.count(), Shard.OPTION, "run this shard again");
                } catch (InvalidInputException e) {
                    refused[0] = e;
                    return false;
                }
                // no other shard is writing: what killed ones left half written can go
                folder.removeLeftovers();
                return true;
            });
            prepare(req, loaded, exp, folder, hash, executor[0]);
            checkArray(folder, shard);
            // waits only while a process holds the folder exclusively (creating it, or merging)
            held.set(folder.lock(Shard.OPTION, true, true));
            if (complete(folder)) {
                return new ShardOutcome(dir, false, true, 0, keys.size(), keys.size());
            }
            // one process per shard index: a second task with this index (a scheduler's requeue while the first
            // still runs, a repeated index) would compute the same cells
            own[0] = lockShard(folder, shard);
            earlier[0] = ownRecord(folder, shard);
            store[0] = CellStore.verify(folder, hash, keys, System.err::println, caller);
            for (int i = 0; i < keys.size(); i++) {
                if (shard.owns(i) && store[0].done(keys.get(i))) {
                    foundDone.add(i);
                }
            }
            RunContext ctx = new RunContext(folder, loaded.config(), loaded.cells(), req.threads(), req.quiet(), req.commandLine(),
                    new LinkedHashMap<>(), store[0], executor[0]);
            try (SeedLedger l = SeedLedger.open(loaded.config().seed())) {
                ledger[0] = l;
                try {
                    exp.execute(ctx);
                } catch (ShardCellExecutor.NotLast e) {
                    if (refused[0] != null) {
                        throw refused[0];
                    }
                    return new ShardOutcome(dir, false, false, executor[0].computed().size(),
                            keys.size() - store[0].missing().size(), keys.size());
                } catch (RuntimeException | IOException | InterruptedException e) {
                    writeRecord(folder, shard, req, started, earlier[0], executor[0].computed(), foundDone,
                            l.streams(), "failed: " + e.getMessage());
                    throw e;
                }
                List<Map<String, Object>> records = readRecords(folder, shard.count(), Shard.OPTION,
                        "run this shard again");
                active.complete(() -> finish(folder, ctx, l.streams(), "shard " + shard, req.commandLine(), store[0],
                        records));
            }
            return new ShardOutcome(dir, true, false, executor[0].computed().size(), keys.size(), keys.size());
        } finally {
            active.close();
            held.set(null);
            if (own[0] != null) {
                own[0].close();
            }
        }
    }

    /**
     * Assembles the run in {@code dir} from its cells: every cell must be there and intact, else one line names
     * the missing ones and nothing changes. A folder already merged (by its last shard) is left as it is.
     *
     * @param field the name of the argument, for messages
     */
    public static MergeOutcome merge(Path dir, int threads, boolean quiet, List<String> commandLine, String field)
            throws IOException, InterruptedException {
        RunFolder folder = RunFolder.merge(dir, field);
        RunFolder.Lock lock;
        try {
            lock = folder.lock(field, false, false);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(field, dir + ": shards are still computing there (or another onecnn "
                    + "process runs it); merge once they have ended (the last shard merges by itself)");
        }
        Interruption.Active active = Interruption.begin(folder, "merge again: ./onecnn merge " + dir, false);
        try {
            if (complete(folder)) {
                return new MergeOutcome(dir, true);
            }
            Prepared prepared = Prepared.of(ConfigLoader.loadRecorded(folder.path("config.yaml")));
            ConfigLoader.Loaded loaded = prepared.loaded();
            Experiment exp = prepared.exp();
            String hash = prepared.hash();
            checkWritten(folder, hash, field);
            List<CellKey> keys = prepared.keys();
            if (keys.isEmpty()) {
                throw new InvalidInputException(field, dir + " holds a run of type " + loaded.config().type()
                        + ", which does not compute in cells: there is nothing to merge; finish it with ./onecnn run "
                        + "--resume " + dir);
            }
            Map<String, Object> prov = Runner.checkProvenance(folder, field, "merge again");
            if (!(prov.get(KEY) instanceof Map<?, ?>)) {
                throw new InvalidInputException(field, dir + " was not started as a job array (its provenance.json "
                        + "has no job_array): there is nothing to merge; finish it with ./onecnn run --resume " + dir);
            }
            int shards = shardCountOf(prov);
            // merge computes nothing: a damaged cell is named in the refusal below, not "recomputed"
            List<String> damaged = new ArrayList<>();
            CellStore store = CellStore.verify(folder, hash, keys, damaged::add, new CellStore.Caller(field,
                    "merge again", k -> "not merged"));
            List<CellKey> missing = store.missing();
            if (!missing.isEmpty()) {
                String why = damaged.isEmpty() ? "" : " (" + damaged.size() + " of them damaged: " + damaged.stream()
                        .limit(3).map(w -> w.replaceFirst("^onecnn: warning: ", "").replaceFirst("; not merged$", ""))
                        .reduce((a, b) -> a + "; " + b).orElse("") + (damaged.size() > 3 ? "; …" : "") + ")";
                throw new InvalidInputException(field, dir + ": " + missing.size() + " of " + keys.size() + " cells "
                        + "missing" + (damaged.isEmpty() ? "" : " or damaged") + ": " + describe(missing, keys, shards) + why + "; run their shards again "
                        + "(the same ./onecnn run … --shard I/N command: it recomputes them), then merge again");
            }
            List<Map<String, Object>> records = readRecords(folder, shards, field, "merge again");
            folder.removeLeftovers();
            CellExecutor none = new CellExecutor() {
                @Override
                public void run(CellSweep sweep, CellStore s, LongConsumer progress) {
                    for (int i = 0; i < sweep.size(); i++) {
                        if (!s.done(sweep.key(i))) {
                            throw new IllegalStateException(sweep.key(i).label() + " is not done");
                        }
                    }
                }

                @Override
                public boolean computes(int index) {
                    return false;
                }

                @Override
                public String describe() {
                    return "none (merge of cells computed by a job array)";
                }
            };
            RunContext ctx = new RunContext(folder, loaded.config(), loaded.cells(), threads, quiet, commandLine, new LinkedHashMap<>(),
                    store, none);
            try (SeedLedger l = SeedLedger.open(loaded.config().seed())) {
                exp.execute(ctx);
                active.complete(() -> finish(folder, ctx, l.streams(), "onecnn merge", commandLine, store, records));
            }
            return new MergeOutcome(dir, false);
        } finally {
            active.close();
            lock.close();
        }
    }

    /** Whether the run in {@code folder} is assembled: {@code report.md} there and no {@code cells/} left. */
    private static boolean complete(RunFolder folder) {
        return Files.isRegularFile(folder.path("report.md")) && !Files.exists(folder.path(RunFolder.CELLS));
    }

    /**
     * Makes sure the folder holds this config's {@code config.yaml} and a {@code provenance.json}, creating them if
     * this is the first shard, and returns holding no lock. Both files are written once, atomically, under the
     * exclusive lock, and never changed by a shard afterwards, so a shard that finds both checks {@code config.yaml}
     * without any lock. Why not simply wait for the exclusive lock: shards that are computing hold the lock shared,
     * so a shard starting later would wait for all of them to end. The exclusive lock is only tried, and a shard
     * that does not get it while the files are missing waits a little and looks again: the holder is then a shard
     * creating them (a shard computing has found them already).
     */
    private static void prepare(Runner.Request req, ConfigLoader.Loaded loaded, Experiment exp, RunFolder folder,
            String hash, CellExecutor executor) throws IOException, InterruptedException {
        boolean said = false;
        while (true) {
            if (Files.isRegularFile(folder.path("config.yaml"))) {
                checkWritten(folder, hash, Shard.OPTION);
                if (Files.exists(folder.path("provenance.json")) || begun(folder)) {
                    // checked by checkArray: a missing one is rewritten only where no shard has done anything
                    return;
                }
            }
            RunFolder.Lock x = tryExclusive(folder);
            if (x != null) {
                try {
                    initialize(req, loaded, exp, folder, hash, executor);
                } finally {
                    x.close();
                }
                return;
            }
            if (!said && !req.quiet()) {
                System.err.println("waiting for " + folder.dir() + ": another onecnn process holds it");
                said = true;
            }
            Thread.sleep(100);
        }
    }

    /**
     * Under the exclusive lock: the first shard writes {@code config.yaml} and {@code provenance.json}; a later
     * one checks that the folder holds this config's run (and writes {@code provenance.json} if the first shard
     * was killed between the two).
     */
    private static void initialize(Runner.Request req, ConfigLoader.Loaded loaded, Experiment exp, RunFolder folder,
            String hash, CellExecutor executor) throws IOException {
        if (Files.isRegularFile(folder.path("config.yaml"))) {
            checkWritten(folder, hash, Shard.OPTION);
        } else {
            List<String> other = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(folder.dir())) {
                for (Path p : s) {
                    String n = p.getFileName().toString();
                    if (!n.equals(RunFolder.LOCK) && !AtomicFiles.isLeftover(n)) {
                        other.add(n);
                    }
                }
            }
            if (!other.isEmpty()) {
                throw new InvalidInputException(Shard.OPTION, folder.dir() + " is not empty and holds no config.yaml "
                        + "(it has " + String.join(", ", new TreeSet<>(other)) + "): it is not a run folder of a job "
                        + "array; choose another --out");
            }
            Prepared.writeConfig(folder, loaded);
        }
        if (!Files.isRegularFile(folder.path("provenance.json"))) {
            Map<String, Object> prov = Runner.provenance(req, loaded, exp, folder);
            prov.put(Runner.CONFIG_HASH, hash);
            prov.put("cell_executor", executor.describe());
            Map<String, Object> array = new LinkedHashMap<>();
            array.put("shards", ((ShardCellExecutor) executor).shardCount());
            array.put("folder_from", req.out() != null ? "--out" : "the config hash");
            prov.put("job_array", array);
            Json.write(folder.path("provenance.json"), prov);
        }
    }

    /**
     * Whether shards have worked in {@code folder} already ({@code cells/}, {@code shards/} or {@code report.md}
     * there): then a missing {@code provenance.json} is not that of a first shard killed before it wrote it, and is
     * not written anew (it would record a start that did not happen).
     */
    private static boolean begun(RunFolder folder) {
        return Files.exists(folder.path(RunFolder.CELLS)) || Files.exists(folder.path(SHARDS))
                || Files.exists(folder.path("report.md"));
    }

    /**
     * Refuses, before this shard changes anything, a folder whose {@code provenance.json} is missing or broken
     * ({@link Runner#checkProvenance}), that was not started as a job array, or whose job array has another number
     * of shards than {@code shard}'s N (its cells would be dealt differently: some computed twice, some never).
     */
    private static void checkArray(RunFolder folder, Shard shard) {
        Map<String, Object> prov = Runner.checkProvenance(folder, Shard.OPTION, "run this shard again");
        if (!(prov.get(KEY) instanceof Map<?, ?>)) {
            throw new InvalidInputException(Shard.OPTION, folder.dir() + " holds a run that was not started as a "
                    + "job array (its provenance.json has no job_array); finish it with ./onecnn run --resume "
                    + folder.dir() + ", or give the shards another --out");
        }
        int n = shardCountOf(prov);
        if (n != shard.count()) {
            throw new InvalidInputException(Shard.OPTION, shard + ": " + folder.dir() + " is a job array of " + n
                    + " shards, whose cells are dealt i mod " + n + "; run its shards as --shard I/" + n + " (1 ≤ I ≤ "
                    + n + "), or give a job array of " + shard.count() + " shards another --out");
        }
    }

    /** The number of shards recorded in a job array's provenance ({@code job_array.shards}), or 0. */
    static int shardCountOf(Map<String, Object> prov) {
        return prov.get(KEY) instanceof Map<?, ?> a && a.get("shards") instanceof Number n ? n.intValue() : 0;
    }

    /**
     * Takes the lock of shard {@code shard}'s index, {@code shards/.shard-III-of-NNN.lock} (the operating system's
     * lock, as {@link RunFolder#lock}: released however this process ends), or refuses on one line if another
     * process holds it. A file of its own, not the folder's {@code .lock}: a process's POSIX locks are per file, so
     * this one is kept while the folder's lock changes from shared to exclusive. It lives in {@code shards/}, which
     * the merge removes. Where the file system cannot lock, nothing is guarded (the folder's lock warned already).
     */
    private static RunFolder.Lock lockShard(RunFolder folder, Shard shard) throws IOException {
        Path shards = Files.createDirectories(folder.path(SHARDS));
        Path p = shards.resolve("." + shard.recordFile().replace(".json", ".lock"));
        java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.READ);
        java.nio.channels.FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            ch.close();
            return () -> {
            };
        }
        if (lock == null) {
            ch.close();
            String owner = "";
            try {
                owner = Files.readString(p).strip();
            } catch (IOException e) {
                // the pid is only for the message
            }
            throw new InvalidInputException(Shard.OPTION, shard + " of " + folder.dir() + " is running already in "
                    + "another onecnn process (" + (owner.matches("pid [0-9]+") ? owner : "pid unknown") + "; two "
                    + "tasks with the same index would compute the same cells); this one did nothing; wait for that "
                    + "one to end, or stop it and run this command again");
        }
        try {
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException e) {
            // the pid is only for the message of a refused second task
        }
        java.nio.channels.FileLock held = lock;
        return () -> {
            try {
                held.release();
                ch.close();
            } catch (IOException e) {
                // closing the channel releases it; the process's end does too
            }
        };
    }

    /** Shard {@code shard}'s record from an earlier run of it, or null (none, or damaged: then a warning). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> ownRecord(RunFolder folder, Shard shard) {
        Path p = folder.path(SHARDS).resolve(shard.recordFile());
        if (!Files.exists(p)) {
            return null;
        }
        String problem = recordProblem(p, shard.count());
        if (problem != null) {
            System.err.println("onecnn: warning: " + p + " " + problem + "; this shard writes it anew from what the "
                    + "folder proves: the cells of its share found done (cells_found_done) and those it computes now");
            return null;
        }
        try {
            return new ObjectMapper().readValue(p.toFile(), LinkedHashMap.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** What is wrong with the shard record {@code p} of a job array of {@code count} shards, or null. */
    private static String recordProblem(Path p, int count) {
        java.util.regex.Matcher m = RECORD.matcher(p.getFileName().toString());
        if (!m.matches()) {
            return "is not named shard-III-of-NNN.json";
        }
        if (Integer.parseInt(m.group(2)) != count) {
            return "is the record of a shard of a job array of " + Integer.parseInt(m.group(2)) + " shards, and this "
                    + "folder's has " + count;
        }
        JsonNode r;
        try {
            r = new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            return "is not valid JSON (damaged or truncated)";
        }
        String want = Integer.parseInt(m.group(1)) + "/" + count;
        if (r == null || !r.isObject() || !want.equals(r.path("shard").asText(null))) {
            return "is not the record of shard " + want;
        }
        if (!r.path("cells_computed").isArray() || !r.path("seed_streams").isObject()) {
            return "lacks cells_computed or seed_streams";
        }
        for (JsonNode c : r.get("cells_computed")) {
            if (!c.isInt()) {
                return "has a cells_computed entry that is not a cell index";
            }
        }
        return null;
    }

    /**
     * The shard records in {@code shards/}, each checked ({@link #recordProblem}) before anything is assembled from
     * them: a damaged one refuses on one line naming it, and nothing changes.
     *
     * @param again the command that continues once it is fixed
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> readRecords(RunFolder folder, int count, String field, String again)
            throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        Path shards = folder.path(SHARDS);
        if (!Files.isDirectory(shards)) {
            return records;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(shards, "shard-*")) {
            s.forEach(files::add);
        }
        files.sort(null);
        for (Path p : files) {
            String problem = recordProblem(p, count);
            if (problem != null) {
                java.util.regex.Matcher m = RECORD.matcher(p.getFileName().toString());
                String fix = m.matches() && Integer.parseInt(m.group(2)) == count
                        ? "run shard " + Integer.parseInt(m.group(1)) + "/" + count + " again (the same ./onecnn run "
                                + "… --shard command: it rewrites its record from the cells it finds, then merges)"
                        : "move it out of " + shards + " and " + again;
                throw new InvalidInputException(field, folder.dir() + ": " + SHARDS + "/" + p.getFileName() + " "
                        + problem + "; the run was not merged (none of its files written); " + fix);
            }
            records.add(new ObjectMapper().readValue(p.toFile(), LinkedHashMap.class));
        }
        return records;
    }

    /** Refuses unless {@code config.yaml} in {@code folder} is the resolved config whose hash is {@code hash}. */
    private static void checkWritten(RunFolder folder, String hash, String field) {
        String written = Runner.writtenConfigHash(folder);
        if (!hash.equals(written)) {
            String recorded = Runner.recordedConfigHash(folder);
            throw new InvalidInputException(field, folder.dir() + " holds a run of another config (config hash "
                    + CellStore.shortHash(recorded != null ? recorded : String.valueOf(written)) + ", this one's is "
                    + CellStore.shortHash(hash) + "): every shard of a run needs the same config and --set options "
                    + "and the same onecnn; nothing was changed");
        }
    }

    /** The exclusive lock if no other process holds the folder, else null. */
    private static RunFolder.Lock tryExclusive(RunFolder folder) {
        try {
            return folder.lock(Shard.OPTION, false, false);
        } catch (InvalidInputException e) {
            return null;
        }
    }

    /** The missing cells by label (at most 10, then how many more), and the shards they belong to. */
    private static String describe(List<CellKey> missing, List<CellKey> keys, int shards) {
        List<String> labels = new ArrayList<>();
        TreeSet<Integer> owners = new TreeSet<>();
        for (CellKey k : missing) {
            if (labels.size() < 10) {
                labels.add(k.label());
            }
            if (shards > 0) {
                owners.add(Shard.of(keys.indexOf(k), shards).index());
            }
        }
        String s = String.join("; ", labels) + (missing.size() > labels.size() ? "; and " + (missing.size()
                - labels.size()) + " more" : "");
        if (!owners.isEmpty()) {
            s += " (cells of shard" + (owners.size() == 1 ? " " : "s ") + String.join(", ", owners.stream()
                    .map(i -> i + "/" + shards).toList()) + ")";
        }
        return s;
    }

    /**
     * Writes this shard's record {@code shards/shard-III-of-NNN.json} (atomically; a rerun replaces it). A run of
     * a shard is a session; the record lists every session of this shard ({@code sessions}: where, when, which
     * cells it computed, how it ended), so that running a shard again adds to what earlier runs recorded instead
     * of replacing it; {@code cells_computed} and {@code seed_streams} are the union over the sessions, and {@code
     * cells_found_done} the cells of this shard's share that this session found done in {@code cells/} (computed by
     * an earlier session: what the folder proves where an earlier record was lost).
     *
     * @param earlier this shard's record from its earlier sessions (null: none, or damaged)
     */
    @SuppressWarnings("unchecked")
    private static void writeRecord(RunFolder folder, Shard shard, Runner.Request req, String started,
            Map<String, Object> earlier, List<Integer> computed, List<Integer> foundDone, Map<String, String> streams,
            String status) throws IOException {
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("host", host());
        session.put("pid", ProcessHandle.current().pid());
        Map<String, String> scheduler = new TreeMap<>();
        for (String v : List.of("SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "PBS_JOBID",
                "PBS_ARRAY_INDEX", "LSB_JOBID", "LSB_JOBINDEX", "SGE_TASK_ID", "JOB_ID")) {
            String val = System.getenv(v);
            if (val != null) {
                scheduler.put(v, val);
            }
        }
        session.put("scheduler", scheduler);
        session.put("command_line", req.commandLine());
        session.put("threads", req.threads());
        session.put("started", started);
        session.put("finished", Instant.now().toString());
        session.put("status", status);
        session.put("cells_computed", computed);
        session.put("cells_found_done", foundDone);
        List<Object> sessions = new ArrayList<>();
        TreeSet<Integer> all = new TreeSet<>(computed);
        Map<String, Object> allStreams = new TreeMap<>(streams);
        if (earlier != null) {
            if (earlier.get("sessions") instanceof List<?> l) {
                sessions.addAll(l);
            } else {
                // a record of one session (as onecnn wrote them before sessions were kept)
                Map<String, Object> old = new LinkedHashMap<>(earlier);
                old.remove("shard");
                old.remove("seed_streams");
                sessions.add(old);
            }
            for (Object c : (List<Object>) earlier.get("cells_computed")) {
                all.add(((Number) c).intValue());
            }
            ((Map<String, Object>) earlier.get("seed_streams")).forEach(allStreams::putIfAbsent);
        }
        sessions.add(session);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("shard", shard.toString());
        r.put("status", status);
        r.put("cells_computed", new ArrayList<>(all));
        r.put("seed_streams", allStreams);
        r.put("sessions", sessions);
        Json.write(folder.path(SHARDS).resolve(shard.recordFile()), r);
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return String.valueOf(System.getenv("HOSTNAME"));
        }
    }

    /**
     * The end of a merge, in the order that keeps the folder mergeable after a kill at any point: {@code
     * provenance.json} complete (the first shard's, with the seed streams of every shard and of the merge, the
     * shard records, what the experiment recorded, who merged), then {@code shards/}, then {@code cells/} removed.
     *
     * @param records the shard records, checked before the assembly ({@link #readRecords})
     */
    @SuppressWarnings("unchecked")
    private static void finish(RunFolder folder, RunContext ctx, Map<String, String> ownStreams, String by,
            List<String> commandLine, CellStore store, List<Map<String, Object>> records) throws IOException {
        // checked before the assembly (Runner.checkProvenance), and changed by nobody since: this process holds the
        // folder exclusively
        Map<String, Object> prov = new ObjectMapper().readValue(folder.path("provenance.json").toFile(),
                LinkedHashMap.class);
        recordMerge(prov, records, ownStreams, by, commandLine);
        prov.putAll(ctx.provenance());
        prov.put("status", "complete");
        prov.put("finished", Instant.now().toString());
        Json.write(folder.path("provenance.json"), prov);
        AtomicFiles.deleteTree(folder.path(SHARDS));
        store.clear();
    }

    /**
     * Adds to the provenance {@code prov} of a job array's run what its merge knows: the seed streams of every
     * shard record and {@code ownStreams}, the records themselves ({@code job_array.shard_records}; those already
     * there are kept when {@code records} is empty, as after a merge killed once {@code shards/} was removed), and
     * who merged ({@code job_array.merged}). Also for a job array's folder finished by {@code run --resume}.
     */
    @SuppressWarnings("unchecked")
    static void recordMerge(Map<String, Object> prov, List<Map<String, Object>> records,
            Map<String, String> ownStreams, String by, List<String> commandLine) {
        List<Map<String, ?>> sources = new ArrayList<>();
        for (Map<String, Object> r : records) {
            if (r.get("seed_streams") instanceof Map<?, ?> st) {
                sources.add((Map<String, Object>) st);
            }
        }
        sources.add(ownStreams);
        Provenance.mergeStreams(prov, sources);
        Map<String, Object> array = prov.get(KEY) instanceof Map<?, ?> a
                ? new LinkedHashMap<>((Map<String, Object>) a) : new LinkedHashMap<>();
        if (!records.isEmpty()) {
            array.put("shard_records", records);
        }
        Map<String, Object> merged = new LinkedHashMap<>();
        merged.put("by", by);
        merged.put("at", Instant.now().toString());
        merged.put("host", host());
        merged.put("command_line", commandLine);
        merged.put("git", Provenance.git());
        array.put("merged", merged);
        prov.put(KEY, array);
    }

    /** The one folder lock this process holds at a time (see {@link RunFolder#lock(String, boolean, boolean)}). */
    private static final class Held {
        private RunFolder.Lock lock;

        /** Releases the lock held, if any, then holds {@code next} (null: none). */
        void set(RunFolder.Lock next) {
            if (lock != null) {
                lock.close();
            }
            lock = next;
        }
    }
}
