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
        ConfigLoader.Loaded loaded = ConfigLoader.load(req.config(), req.sets());
        Experiment exp = Experiment.of(loaded.config().type());
        exp.validate(loaded);
        List<CellStore.Key> keys = exp.cellKeys(loaded);
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
        String hash = CellStore.configHash(loaded.config());
        Path dir = req.out() != null ? req.out() : defaultFolder(loaded);
        RunFolder folder = RunFolder.shared(dir);
        int threads = Math.max(1, req.threads());
        Held held = new Held();
        try {
            ShardCellExecutor[] executor = new ShardCellExecutor[1];
            SeedLedger[] ledger = new SeedLedger[1];
            String started = Instant.now().toString();
            CellStore[] store = new CellStore[1];
            executor[0] = new ShardCellExecutor(shard, threads, () -> {
                // still under the shared lock: the record first, so that whoever merges finds it
                writeRecord(folder, shard, req, started, executor[0].computed(), ledger[0].streams(), "done");
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
                store[0].refresh(folder, System.err::println);
                if (!store[0].missing().isEmpty()) {
                    return false;
                }
                // no other shard is writing: what killed ones left half written can go
                folder.removeLeftovers();
                return true;
            });
            prepare(req, loaded, exp, folder, hash, executor[0]);
            // waits only while a process holds the folder exclusively (creating it, or merging)
            held.set(folder.lock(Shard.OPTION, true, true));
            if (complete(folder)) {
                return new ShardOutcome(dir, false, true, 0, keys.size(), keys.size());
            }
            store[0] = CellStore.verify(folder, hash, keys, System.err::println);
            RunContext ctx = new RunContext(folder, loaded, req.threads(), req.quiet(), req.commandLine(),
                    new LinkedHashMap<>(), store[0], executor[0]);
            try (SeedLedger l = SeedLedger.open(loaded.config().seed())) {
                ledger[0] = l;
                try {
                    exp.execute(ctx);
                } catch (ShardCellExecutor.NotLast e) {
                    return new ShardOutcome(dir, false, false, executor[0].computed().size(),
                            keys.size() - store[0].missing().size(), keys.size());
                } catch (RuntimeException | IOException | InterruptedException e) {
                    writeRecord(folder, shard, req, started, executor[0].computed(), l.streams(), "failed: "
                            + e.getMessage());
                    throw e;
                }
                finish(folder, ctx, l.streams(), "shard " + shard, req.commandLine(), store[0]);
            }
            return new ShardOutcome(dir, true, false, executor[0].computed().size(), keys.size(), keys.size());
        } finally {
            held.set(null);
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
        try {
            if (complete(folder)) {
                return new MergeOutcome(dir, true);
            }
            ConfigLoader.Loaded loaded = ConfigLoader.loadRecorded(folder.path("config.yaml"));
            Experiment exp = Experiment.of(loaded.config().type());
            exp.validate(loaded);
            String hash = CellStore.configHash(loaded.config());
            checkWritten(folder, hash, field);
            List<CellStore.Key> keys = exp.cellKeys(loaded);
            if (keys.isEmpty()) {
                throw new InvalidInputException(field, dir + " holds a run of type " + loaded.config().type()
                        + ", which does not compute in cells: there is nothing to merge; finish it with ./onecnn run "
                        + "--resume " + dir);
            }
            CellStore store = CellStore.verify(folder, hash, keys, System.err::println);
            List<CellStore.Key> missing = store.missing();
            if (!missing.isEmpty()) {
                throw new InvalidInputException(field, dir + ": " + missing.size() + " of " + keys.size() + " cells "
                        + "missing: " + describe(missing, keys, shardCount(folder)) + "; run their shards again (the "
                        + "same ./onecnn run … --shard I/N command), then merge");
            }
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
            RunContext ctx = new RunContext(folder, loaded, threads, quiet, commandLine, new LinkedHashMap<>(),
                    store, none);
            try (SeedLedger l = SeedLedger.open(loaded.config().seed())) {
                exp.execute(ctx);
                finish(folder, ctx, l.streams(), "onecnn merge", commandLine, store);
            }
            return new MergeOutcome(dir, false);
        } finally {
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
                if (Files.isRegularFile(folder.path("provenance.json"))) {
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
            RunFolder.writeAtomically(folder.path("config.yaml"), "# resolved config of " + loaded.source().label()
                    + " (every default filled in); run it again with: ./onecnn run <this file>\n"
                    + ConfigLoader.toYaml(loaded.config()));
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

    /** The number of shards the first shard recorded, or 0. */
    private static int shardCount(RunFolder folder) {
        try {
            return new ObjectMapper().readTree(folder.path("provenance.json").toFile()).path("job_array")
                    .path("shards").asInt(0);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The missing cells by label (at most 10, then how many more), and the shards they belong to. */
    private static String describe(List<CellStore.Key> missing, List<CellStore.Key> keys, int shards) {
        List<String> labels = new ArrayList<>();
        TreeSet<Integer> owners = new TreeSet<>();
        for (CellStore.Key k : missing) {
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

    /** Writes this shard's record {@code shards/shard-III-of-NNN.json} (atomically; a rerun replaces it). */
    private static void writeRecord(RunFolder folder, Shard shard, Runner.Request req, String started,
            List<Integer> computed, Map<String, String> streams, String status) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("shard", shard.toString());
        r.put("host", host());
        r.put("pid", ProcessHandle.current().pid());
        Map<String, String> scheduler = new TreeMap<>();
        for (String v : List.of("SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "PBS_JOBID",
                "PBS_ARRAY_INDEX", "LSB_JOBID", "LSB_JOBINDEX", "SGE_TASK_ID", "JOB_ID")) {
            String val = System.getenv(v);
            if (val != null) {
                scheduler.put(v, val);
            }
        }
        r.put("scheduler", scheduler);
        r.put("command_line", req.commandLine());
        r.put("threads", req.threads());
        r.put("started", started);
        r.put("finished", Instant.now().toString());
        r.put("status", status);
        r.put("cells_computed", computed);
        r.put("seed_streams", new TreeMap<>(streams));
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
     */
    @SuppressWarnings("unchecked")
    private static void finish(RunFolder folder, RunContext ctx, Map<String, String> ownStreams, String by,
            List<String> commandLine, CellStore store) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> prov = Files.isRegularFile(folder.path("provenance.json"))
                ? json.readValue(folder.path("provenance.json").toFile(), LinkedHashMap.class) : new LinkedHashMap<>();
        List<Object> records = new ArrayList<>();
        Path shards = folder.path(SHARDS);
        if (Files.isDirectory(shards)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(shards, "shard-*.json")) {
                List<Path> files = new ArrayList<>();
                s.forEach(files::add);
                files.sort(null);
                for (Path p : files) {
                    records.add(json.readValue(p.toFile(), LinkedHashMap.class));
                }
            }
        }
        Map<String, Object> seeds = prov.get("seeds") instanceof Map<?, ?> m
                ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        Map<String, Object> streams = new TreeMap<>();
        if (seeds.get("streams") instanceof Map<?, ?> old) {
            streams.putAll((Map<String, Object>) old);
        }
        for (Object r : records) {
            if (((Map<String, Object>) r).get("seed_streams") instanceof Map<?, ?> st) {
                ((Map<String, Object>) st).forEach(streams::putIfAbsent);
            }
        }
        ownStreams.forEach(streams::putIfAbsent);
        seeds.put("streams", streams);
        prov.put("seeds", seeds);
        Map<String, Object> array = prov.get("job_array") instanceof Map<?, ?> a
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
        prov.put("job_array", array);
        prov.putAll(ctx.provenance());
        prov.put("status", "complete");
        prov.put("finished", Instant.now().toString());
        Json.write(folder.path("provenance.json"), prov);
        AtomicFiles.deleteTree(shards);
        store.clear();
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
