package org.onecnn.spark;

import org.onecnn.experiment.CellKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.onecnn.experiment.CellExecutor;
import org.onecnn.experiment.CellStore;
import org.onecnn.experiment.CellSweep;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.Experiment;
import org.onecnn.util.SeedLedger;

/**
 * Computes the cells of a run on Apache Spark with plain {@code spark-core} (docs/cluster.md): every cell not yet
 * in the run's store becomes a Spark job of one task ({@code parallelize} of its index, {@code map} by
 * {@link CellTask}); the task ships the resolved config as its YAML text ({@link ConfigLoader#toYaml}), and an
 * executor builds the experiment's cells from it ({@link Experiment#cells}) and returns cell {@code i}'s bytes
 * ({@link CellBytes}). The driver takes the cells in index order as they arrive and writes each through the run's
 * {@link CellStore}, so the run folder is written exactly as a local run writes it, and a driver that dies keeps
 * every cell written so far for {@code --resume}.
 *
 * <p>A cell is a pure function of (resolved config, index) ({@link CellSweep}), so a task that Spark retries (an
 * executor lost, a speculative copy) gives the same bytes; the driver checks that every cell it receives names
 * this run's config hash and the expected cell. With a cell URI ({@code --cell-uri}, any Hadoop file system)
 * tasks also keep their cells there and reuse one found there ({@link CellUri}), so a resubmitted job recomputes
 * only what no attempt finished.
 *
 * <p>One job per cell, submitted at once: Spark's scheduler spreads the tasks over the executors, and each job's
 * result comes back on its own, so the driver writes cell {@code i} as soon as it and the cells before it are done.
 */
public final class SparkCellExecutor implements CellExecutor {
    /** What every executor JVM needs beyond Spark's own Java 17 flags: the fused engine's Vector API. */
    static final String EXECUTOR_JAVA_OPTIONS = "--add-modules jdk.incubator.vector";

    private final String master;
    private final String cellUri;
    private final String yaml;
    private final String configHash;
    private final String name;
    private final int timeoutS;

    private SparkCellExecutor(String master, String cellUri, String yaml, String configHash, String name,
            int timeoutS) {
        this.master = master;
        this.cellUri = cellUri;
        this.yaml = yaml;
        this.configHash = configHash;
        this.name = name;
        this.timeoutS = timeoutS;
    }

    /**
     * The executor of a run ({@code Runner} looks it up by name, so that a build without Spark runs without it).
     * Checks the master and the cell URI before anything is written ({@link SparkChecks}), and from here on keeps
     * Spark's log lines off standard error unless {@code --verbose}.
     *
     * @param master  a Spark master URL ({@code --spark})
     * @param cellUri a Hadoop file system folder for the tasks' cells ({@code --cell-uri}), or null
     */
    public static CellExecutor forRun(String master, String cellUri, ConfigLoader.Loaded loaded, Experiment exp) {
        SparkChecks.quietSparkLogs(org.onecnn.cli.Main.verbose());
        int timeoutS = SparkChecks.timeoutSeconds();
        SparkChecks.checkMaster(master, timeoutS);
        return new SparkCellExecutor(master, cellUri == null ? null : SparkChecks.checkCellUri(cellUri, timeoutS),
                ConfigLoader.toYaml(loaded.config()), CellStore.configHash(loaded.config()), loaded.config().name(),
                timeoutS);
    }

    @Override
    public String describe() {
        return "spark, master " + master + (cellUri == null ? "" : ", cells also kept in " + cellUri);
    }

    @Override
    public void run(CellSweep sweep, CellStore store, LongConsumer progress) throws IOException,
            InterruptedException {
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < sweep.size(); i++) {
            if (!store.done(sweep.key(i))) {
                todo.add(i);
            }
        }
        if (todo.isEmpty()) {
            return;
        }
        try (JavaSparkContext sc = start(conf(master, "onecnn " + name))) {
            CellTask task = new CellTask(yaml, configHash, cellUri);
            List<JavaFutureAction<List<CellResult>>> jobs = new ArrayList<>();
            try {
                for (int i : todo) {
                    jobs.add(sc.parallelize(List.of(i), 1).map(task).collectAsync());
                }
            } catch (IllegalStateException e) {
                // "Cannot call methods on a stopped SparkContext": the cause is why it stopped
                cancel(jobs);
                throw failure(sc, "before its cells were submitted", e);
            }
            for (int j = 0; j < todo.size(); j++) {
                int i = todo.get(j);
                CellResult result;
                try {
                    result = jobs.get(j).get().get(0);
                } catch (ExecutionException e) {
                    cancel(jobs);
                    throw failure(sc, "while it computed " + sweep.key(i).label(), e.getCause());
                } catch (InterruptedException e) {
                    cancel(jobs);
                    throw e;
                }
                CellKey key = sweep.key(i);
                CellSweep.Output out = CellBytes.decode(result.cell, configHash, key);
                SeedLedger.addAll(result.streams);
                store.write(key, out.csv(), out.parts());
                progress.accept(sweep.work(i));
            }
        }
    }

    private static void cancel(List<? extends JavaFutureAction<?>> jobs) {
        for (JavaFutureAction<?> f : jobs) {
            f.cancel(true);
        }
    }

    /** The one line of a failed run: what happened, where, and its real cause (not a stopped context's). */
    private IllegalStateException failure(JavaSparkContext sc, String when, Throwable cause) {
        if (sc.sc().isStopped()) {
            return new IllegalStateException("Spark (" + master + ") stopped the application " + when + ": its "
                    + "master or cluster manager ended it (--verbose shows Spark's log)", cause);
        }
        return new IllegalStateException("Spark (" + master + ") failed " + when + ": " + SparkChecks.oneLine(cause),
                cause);
    }

    /**
     * A Spark context for {@code conf} within the timeout ({@value SparkChecks#TIMEOUT_PROPERTY}), then, within the
     * timeout again, at least one executor registered unless the master is local (where the driver computes): else
     * the run fails in one line naming the cause. A context is made on a thread of its own because its constructor can block longer (a
     * standalone master that does not answer: three registration attempts of 20 s; YARN: until the application is
     * accepted); one that comes up after the timeout is stopped then.
     */
    private JavaSparkContext start(SparkConf conf) throws InterruptedException {
        CompletableFuture<JavaSparkContext> made = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                made.complete(new JavaSparkContext(conf));
            } catch (Throwable e) { // Spark's SparkException is checked but undeclared
                made.completeExceptionally(e);
            }
        }, "onecnn-spark-context");
        t.setDaemon(true);
        t.start();
        JavaSparkContext sc;
        try {
            sc = timeoutS > 0 ? made.get(timeoutS, TimeUnit.SECONDS) : made.get();
        } catch (TimeoutException e) {
            made.thenAccept(JavaSparkContext::stop);
            throw new IllegalStateException("Spark (" + master + "): no answer from the master within " + timeoutS
                    + " s (" + SparkChecks.TIMEOUT_PROPERTY + "): is it a Spark master of version " + sparkVersion()
                    + ", and does it accept applications from this host? (--verbose shows Spark's log)");
        } catch (ExecutionException e) {
            throw new IllegalStateException("Spark (" + master + ") could not start: " + SparkChecks.oneLine(
                    e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            made.thenAccept(JavaSparkContext::stop);
            throw e;
        }
        try {
            // a second wait of its own: the first includes starting the context (seconds in a cold JVM)
            awaitExecutor(sc, System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS));
            return sc;
        } catch (RuntimeException | InterruptedException e) {
            sc.stop();
            throw e;
        }
    }

    /** Waits until an executor other than the driver has registered, or fails; nothing to wait for in local mode. */
    private void awaitExecutor(JavaSparkContext sc, long deadline) throws InterruptedException {
        if (master.startsWith("local")) {
            return;
        }
        while (true) {
            if (sc.sc().isStopped()) {
                throw new IllegalStateException("Spark (" + master + ") stopped the application as it started: "
                        + "the master did not accept it (--verbose shows Spark's log)");
            }
            if (sc.sc().statusTracker().getExecutorInfos().length > 1) { // the driver is listed too
                return;
            }
            if (timeoutS > 0 && System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Spark (" + master + "): no executor registered within " + timeoutS
                        + " s (" + SparkChecks.TIMEOUT_PROPERTY + "): are workers alive, with the cores and memory "
                        + "the application asks for (spark.executor.cores, spark.executor.memory)? (the master's "
                        + "web UI shows them)");
            }
            Thread.sleep(100);
        }
    }

    private static String sparkVersion() {
        return org.apache.spark.package$.MODULE$.SPARK_VERSION();
    }

    /**
     * The Spark configuration of a run: what {@code spark-submit} or {@code spark.*} system properties give,
     * with the master, the application name, the executors' Java options extended by {@link
     * #EXECUTOR_JAVA_OPTIONS}, and, when onecnn runs its own driver on a cluster (not through {@code
     * spark-submit}, which ships the application's jars itself), onecnn's jars in {@code spark.jars}.
     */
    static SparkConf conf(String master, String appName) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName(appName);
        String opts = conf.get("spark.executor.extraJavaOptions", "");
        if (!opts.contains("jdk.incubator.vector")) {
            conf.set("spark.executor.extraJavaOptions", (EXECUTOR_JAVA_OPTIONS + " " + opts).strip());
        }
        if (!master.startsWith("local") && !conf.contains("spark.jars") && !conf.contains("spark.executor.extraClassPath")) {
            List<String> jars = onecnnJars();
            if (!jars.isEmpty()) {
                conf.set("spark.jars", String.join(",", jars));
            }
        }
        return conf;
    }

    /**
     * The jars of onecnn and its dependencies on this JVM's class path ({@code target/onecnn.jar} and {@code
     * target/lib/*} as the launcher gives them), without Spark's own; empty when onecnn does not run from its jar.
     */
    static List<String> onecnnJars() {
        Set<String> jars = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (e.endsWith("onecnn.jar") && Files.isRegularFile(Path.of(e))) {
                jars.add(Path.of(e).toAbsolutePath().toUri().toString());
                Path lib = Path.of(e).toAbsolutePath().getParent().resolve("lib");
                if (Files.isDirectory(lib)) {
                    try (var s = Files.list(lib)) {
                        s.filter(p -> p.toString().endsWith(".jar")).sorted()
                                .forEach(p -> jars.add(p.toUri().toString()));
                    } catch (IOException ignored) {
                        // the driver's own jar is still shipped; a missing dependency fails the first task, loudly
                    }
                }
            }
        }
        return new ArrayList<>(Arrays.asList(jars.toArray(new String[0])));
    }
}
