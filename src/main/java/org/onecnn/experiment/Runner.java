package org.onecnn.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.onecnn.report.Json;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.SeedLedger;
import org.onecnn.util.TestHooks;

/**
 * Runs an experiment end to end: load and validate the config (nothing is written if that fails),
 * create the run folder, record the resolved config and provenance, execute, record the end.
 */
public final class Runner {
    private Runner() {
    }

    /**
     * A request from the command line.
     *
     * @param spark   the Spark master to compute the cells on ({@code --spark}), or null: this machine
     * @param cellUri a Hadoop file system URI where Spark tasks also keep finished cells ({@code --cell-uri}), so
     *                that a retried or resumed job reuses them; null: none
     */
    public record Request(String config, List<String> sets, Path out, Path resume, int threads, boolean quiet,
            List<String> commandLine, String spark, String cellUri) {
        /** A request whose cells are computed on this machine. */
        public Request(String config, List<String> sets, Path out, Path resume, int threads, boolean quiet,
                List<String> commandLine) {
            this(config, sets, out, resume, threads, quiet, commandLine, null, null);
        }
    }

    /** The class of the Spark executor, compiled only by the build's spark profile (docs/cluster.md). */
    static final String SPARK_EXECUTOR = "org.onecnn.spark.SparkCellExecutor";

    /**
     * The one place that chooses how cells are computed: on this machine ({@link LocalCellExecutor}), or on
     * Apache Spark ({@code --spark}, the class {@value #SPARK_EXECUTOR}, looked up by name because a build
     * without Spark has neither it nor Spark's jars). Called before the run folder is created, so a request that
     * cannot run leaves nothing behind.
     */
    static CellExecutor executor(Request req, ConfigLoader.Loaded loaded, Experiment exp) {
        if (req.spark() == null) {
            if (req.cellUri() != null) {
                throw new InvalidInputException("--cell-uri", "keeps the cells of Spark tasks: give --spark MASTER too");
            }
            return new LocalCellExecutor(Math.max(1, req.threads()));
        }
        if (loaded.config() instanceof Sections.FiniteSampleSpec f && !exp.cellKeys(loaded.config(), loaded.cells()).isEmpty()) {
            f.requireNoSavedDatasets("--spark");
        }
        String missing = "this build of onecnn has no Spark executor (the launcher builds without Spark): build it "
                + "with the spark profile, ONECNN_MAVEN_ARGS=-Pspark ./onecnn run ..., or submit it with spark-submit "
                + "(docs/cluster.md)";
        String noJars = "Spark's jars are not on the class path: run with SPARK_HOME set (or a build with the spark "
                + "profile, whose target/spark-lib the launcher uses), or through spark-submit (docs/cluster.md)";
        try {
            Class.forName(SPARK_EXECUTOR, false, Runner.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new InvalidInputException("--spark", missing);
        }
        try {
            Class.forName("org.apache.spark.SparkConf", false, Runner.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new InvalidInputException("--spark", noJars);
        }
        try {
            return (CellExecutor) Class.forName(SPARK_EXECUTOR).getMethod("forRun", String.class, String.class,
                    ConfigLoader.Loaded.class, Experiment.class).invoke(null, req.spark(), req.cellUri(), loaded, exp);
        } catch (ClassNotFoundException | NoClassDefFoundError | NoSuchMethodException | IllegalAccessException e) {
            throw new InvalidInputException("--spark", missing);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof NoClassDefFoundError) {
                throw new InvalidInputException("--spark", noJars);
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Run; returns the run folder. */
    public static Path run(Request req) throws java.io.IOException, InterruptedException {
        if (req.resume() != null) {
            return resume(req);
        }
        Prepared prepared = Prepared.of(ConfigLoader.load(req.config(), req.sets()));
        ConfigLoader.Loaded loaded = prepared.loaded();
        Experiment exp = prepared.exp();
        CellExecutor executor = executor(req, loaded, exp);
        Path dir = RunFolder.plan(org.onecnn.util.Installation.home().resolve("runs"), loaded.config().name(), req.out());
        Map<String, Object> early = exp.beforeWriting(loaded.config(), loaded.cells(), dir.toAbsolutePath(), false);
        RunFolder folder = RunFolder.create(dir);
        RunFolder.Lock lock = folder.lock();
        try (Interruption.Active active = Interruption.begin(folder, resumeHint(folder), true)) {
            prepared.writeConfig(folder);
            return execute(req, loaded, exp, folder, CellStore.fresh(folder, prepared.hash(), prepared.keys()),
                    executor, early, active);
        } finally {
            lock.close();
        }
    }

    /**
     * Finish an interrupted run. Under the folder's lock, and before anything in the folder changes:
     * the config must be the one the run started with, and every cell must be this run's (see
     * {@link CellStore}); then leftovers of interrupted writes are removed and the missing cells run.
     */
    private static Path resume(Request req) throws java.io.IOException, InterruptedException {
        if (!req.sets().isEmpty()) {
            throw new InvalidInputException("--set", "cannot be combined with --resume: the run's config.yaml is "
                    + "used as it is");
        }
        if (req.out() != null) {
            throw new InvalidInputException("--out", "cannot be combined with --resume");
        }
        RunFolder folder = RunFolder.resume(req.resume());
        RunFolder.Lock lock = folder.lock();
        try (Interruption.Active active = Interruption.begin(folder, resumeHint(folder), true)) {
            ConfigLoader.Loaded loaded = ConfigLoader.loadRecorded(folder.path("config.yaml"));
            if (Files.isRegularFile(folder.path("report.md")) && !Files.isDirectory(folder.path(RunFolder.CELLS))) {
                throw new InvalidInputException("--resume", req.resume() + " is already complete (report.md is there); "
                        + "nothing to resume");
            }
            Prepared prepared = Prepared.of(loaded);
            Experiment exp = prepared.exp();
            CellExecutor executor = executor(req, loaded, exp);
            String hash = prepared.hash();
            String recorded = recordedConfigHash(folder);
            if (recorded != null && !recorded.equals(hash)) {
                if (recorded.equals(writtenConfigHash(folder))) {
                    throw new InvalidInputException("--resume", "this onecnn resolves " + folder.path("config.yaml")
                            + " differently from the onecnn that started the run (config hash " + CellStore.shortHash(
                                    recorded) + ", now " + CellStore.shortHash(hash) + "); nothing was changed; finish "
                            + "it with that version, or start a new run: ./onecnn run " + folder.path("config.yaml"));
                }
                throw new InvalidInputException("--resume", folder.path("config.yaml") + " was edited since the run "
                        + "started (config hash was " + CellStore.shortHash(recorded) + ", is now "
                        + CellStore.shortHash(hash) + "); nothing was changed; start a new run: ./onecnn run "
                        + folder.path("config.yaml"));
            }
            CellStore store = CellStore.verify(folder, hash, prepared.keys(), System.err::println);
            // after the cells (a cell of another config is the more telling refusal), before anything changes
            Map<String, Object> started = checkProvenance(folder, "--resume", "resume again");
            List<Map<String, Object>> records = List.of();
            if (started.containsKey(JobArray.KEY)) {
                // a job array's folder finished here: its shard records go into provenance.json, as a merge does
                records = JobArray.readRecords(folder, JobArray.shardCountOf(started), "--resume", "resume again");
            }
            Map<String, Object> early = exp.beforeWriting(loaded.config(), loaded.cells(), folder.dir().toAbsolutePath(), true);
            List<String> removed = folder.removeLeftovers();
            if (!removed.isEmpty() && !req.quiet()) {
                System.err.println("removed " + removed.size() + " leftover(s) of interrupted writes: "
                        + String.join(", ", removed));
            }
            return execute(req, loaded, exp, folder, store, executor, early, records, active);
        } finally {
            lock.close();
        }
    }

    /** The keys {@code provenance.json} must hold for a run to resume or merge: the record of how it started. */
    private static final List<String> STARTED = List.of("experiment", "type", "config_sha256", "overrides", "versions",
            "started");

    /**
     * The provenance of a run folder that is to be resumed or merged, refusing (one line, nothing changed) if it is
     * missing or broken: it is the only record of how the run started (the experiment and config source, the
     * {@code --set} overrides, the onecnn versions, the start time, the master seed), which no other file of the
     * folder proves, so a resume that wrote a new one would record a run that never happened. Not rebuilt, for that
     * reason: the user restores it (from a backup, another copy of the folder) or starts the run anew.
     *
     * @param again the command that continues once it is restored ("resume again", "merge again")
     */
    public static Map<String, Object> checkProvenance(RunFolder folder, String field, String again) {
        return checkProvenance(folder, field, again, "nothing was changed");
    }

    /**
     * As {@link #checkProvenance(RunFolder, String, String)}, saying {@code state} about the folder (a job-array
     * task that finds it broken only when it would merge has written its cells by then).
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> checkProvenance(RunFolder folder, String field, String again, String state) {
        Path p = folder.path("provenance.json");
        String problem = null;
        Map<String, Object> m = null;
        if (!Files.isRegularFile(p)) {
            problem = "is missing";
        } else {
            try {
                Object o = new com.fasterxml.jackson.databind.ObjectMapper().readValue(p.toFile(), Object.class);
                if (o instanceof Map<?, ?> map) {
                    m = new LinkedHashMap<>((Map<String, Object>) map);
                } else {
                    problem = "is not a JSON object";
                }
            } catch (java.io.IOException e) {
                problem = "is not valid JSON (damaged or truncated)";
            }
        }
        if (m != null) {
            List<String> lacks = new ArrayList<>();
            for (String k : STARTED) {
                if (m.get(k) == null) {
                    lacks.add(k);
                }
            }
            if (!(m.get("seeds") instanceof Map<?, ?> seeds) || !(seeds.get("master") instanceof Number)) {
                lacks.add("seeds.master");
            }
            if (!lacks.isEmpty()) {
                problem = "lacks " + String.join(", ", lacks);
            }
        }
        if (problem != null) {
            throw new InvalidInputException(field, p + " " + problem + ": it is the record of how the run started "
                    + "(experiment, --set overrides, versions, start time, master seed), which nothing else in the "
                    + "folder proves, so it is not rebuilt; " + state + "; put the original back and " + again
                    + ", or start a new run: ./onecnn run " + folder.path("config.yaml"));
        }
        return m;
    }

    /** What the line of an interrupted run says (see {@link Interruption}). */
    static String resumeHint(RunFolder folder) {
        return "resume with: ./onecnn run --resume " + folder.dir();
    }

    /** The config hash recorded in {@code provenance.json} when the run started, or null if there is none. */
    static String recordedConfigHash(RunFolder folder) {
        try {
            com.fasterxml.jackson.databind.JsonNode p = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(folder.path("provenance.json").toFile());
            return p != null && p.path(CONFIG_HASH).isTextual() ? p.get(CONFIG_HASH).asText() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * The hash of {@code config.yaml} as written (its body below the comment line), or null: equal to the
     * recorded hash when the file is untouched, whatever this version of onecnn makes of it.
     */
    static String writtenConfigHash(RunFolder folder) {
        try {
            String text = Files.readString(folder.path("config.yaml"));
            return CellStore.sha256(text.substring(text.indexOf('\n') + 1).getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** The key of the config hash in {@code provenance.json}. */
    public static final String CONFIG_HASH = "config_sha256";

    private static Path execute(Request req, ConfigLoader.Loaded loaded, Experiment exp, RunFolder folder,
            CellStore store, CellExecutor executor, Map<String, Object> early, Interruption.Active active)
            throws java.io.IOException, InterruptedException {
        return execute(req, loaded, exp, folder, store, executor, early, List.of(), active);
    }

    /**
     * @param early   what the type records before any work ({@link Experiment#beforeWriting}), in the first
     *                provenance.json
     * @param records the shard records of a job array's folder being finished by a resume (else empty)
     * @param active  this run in {@link Interruption}: every provenance write and the completion go through it
     */
    private static Path execute(Request req, ConfigLoader.Loaded loaded, Experiment exp, RunFolder folder,
            CellStore store, CellExecutor executor, Map<String, Object> early, List<Map<String, Object>> records,
            Interruption.Active active) throws java.io.IOException, InterruptedException {
        Map<String, Object> prov = provenance(req, loaded, exp, folder);
        // in the first provenance.json, before any work: what a resume checks the folder against
        prov.putAll(early);
        prov.putIfAbsent(CONFIG_HASH, CellStore.configHash(loaded.config()));
        prov.put("cell_executor", executor.describe());
        active.writeProvenance(prov);
        RunContext ctx = new RunContext(folder, loaded.config(), loaded.cells(), req.threads(), req.quiet(), req.commandLine(),
                new LinkedHashMap<>(), store, executor);
        TestHooks.pause("started");
        // the ledger sees every Seeds.derive of the run, so provenance lists exactly the streams it drew
        try (SeedLedger ledger = SeedLedger.open(loaded.config().seed())) {
            try {
                exp.execute(ctx);
            } catch (Throwable e) {
                // every failure, also an Error or a checked exception that a library throws undeclared (Spark's
                // SparkException from its context), leaves the folder marked failed, and it resumes
                recordStreams(prov, ledger);
                prov.put("status", "failed: " + e.getMessage());
                prov.put("finished", Instant.now().toString());
                active.writeProvenance(prov);
                throw e;
            }
            recordStreams(prov, ledger);
        }
        prov.putAll(ctx.provenance());
        boolean array = prov.containsKey(JobArray.KEY);
        if (array) {
            // a job array's folder, finished by this resume: its shards' records and who merged, as onecnn merge
            // records them
            JobArray.recordMerge(prov, records, Map.of(), "onecnn run --resume", req.commandLine());
        }
        prov.put("status", "complete");
        prov.put("finished", Instant.now().toString());
        // one unit against a SIGTERM's shutdown hook (Interruption): recorded complete with the cells gone, or
        // (the hook first) recorded interrupted with the cells kept
        active.complete(() -> {
            Json.write(folder.path("provenance.json"), prov);
            if (array) {
                // after provenance.json holds them (a kill in between leaves a folder that resumes again)
                org.onecnn.util.AtomicFiles.deleteTree(folder.path(JobArray.SHARDS));
            }
            // last: until the cells are gone a resume redoes the assembly (identical bytes), so a kill anywhere
            // before this point, even while provenance.json is written, leaves a folder that resumes
            store.clear();
        });
        return folder.dir();
    }

    /**
     * Adds the streams the ledger saw to {@code seeds.streams} of the provenance (on a resume, to those of the
     * earlier sessions, which drew the seeds of the cells done then).
     */
    private static void recordStreams(Map<String, Object> prov, SeedLedger ledger) {
        Provenance.mergeStreams(prov, List.of(ledger.streams()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> provenance(Request req, ConfigLoader.Loaded loaded, Experiment exp,
            RunFolder folder) {
        ExperimentSpec cfg = loaded.config();
        Map<String, Object> m = new LinkedHashMap<>();
        if (folder.resumed() && Files.isRegularFile(folder.path("provenance.json"))) {
            try {
                m = new com.fasterxml.jackson.databind.ObjectMapper().readValue(folder.path("provenance.json").toFile(),
                        LinkedHashMap.class);
            } catch (java.io.IOException e) {
                m = new LinkedHashMap<>();
            }
            List<Object> resumes = m.get("resumed") instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("at", Instant.now().toString());
            r.put("command_line", req.commandLine());
            r.put("threads", req.threads());
            r.put("git", Provenance.git());
            resumes.add(r);
            m.put("resumed", resumes);
            m.put("status", "running");
            return m;
        }
        m.put("experiment", cfg.name());
        m.put("type", cfg.type());
        m.put("config_source", loaded.source().label() + (loaded.source().builtIn() ? " (built-in)" : ""));
        m.put(CONFIG_HASH, CellStore.configHash(cfg));
        m.put("overrides", req.sets());
        m.put("command_line", req.commandLine());
        Map<String, Object> seeds = new LinkedHashMap<>();
        seeds.put("master", cfg.seed());
        seeds.put("derive", "Seeds.derive(parent, label, indices...) = one SplittableRandom draw seeded with a "
                + "SplitMix64 hash of its arguments; seeds of single runs are in results.csv");
        seeds.put("streams", new TreeMap<String, String>());
        m.put("seeds", seeds);
        m.put("grid_points", loaded.cells().size()); // the grid's size; a sample-size run has 1 and many cells
        m.put("versions", org.onecnn.util.Installation.versions());
        m.put("backend", exp.backend());
        m.put("environment", Provenance.environment(req.threads()));
        m.put("git", Provenance.git());
        m.put("started", Instant.now().toString());
        m.put("finished", null);
        m.put("status", "running");
        return m;
    }
}
