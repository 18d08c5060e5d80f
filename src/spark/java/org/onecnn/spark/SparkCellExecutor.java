package org.onecnn.spark;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.onecnn.experiment.CellExecutor;
import org.onecnn.experiment.CellStore;
import org.onecnn.experiment.CellSweep;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.Experiment;
import org.onecnn.util.InvalidInputException;
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
    /** Masters Spark accepts: local, local[N], local[*], local[N,F], spark://, yarn, k8s://, mesos://. */
    private static final Pattern MASTER = Pattern.compile(
            "local(\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?])?|local-cluster\\[[1-9][0-9]*,[1-9][0-9]*,[1-9][0-9]*]"
                    + "|spark://\\S+|yarn|k8s://\\S+|mesos://\\S+");

    /** What every executor JVM needs beyond Spark's own Java 17 flags: the fused engine's Vector API. */
    static final String EXECUTOR_JAVA_OPTIONS = "--add-modules jdk.incubator.vector";

    private final String master;
    private final String cellUri;
    private final String yaml;
    private final String configHash;
    private final String name;

    private SparkCellExecutor(String master, String cellUri, String yaml, String configHash, String name) {
        this.master = master;
        this.cellUri = cellUri;
        this.yaml = yaml;
        this.configHash = configHash;
        this.name = name;
    }

    /**
     * The executor of a run ({@code Runner} looks it up by name, so that a build without Spark runs without it).
     * Checks the master and the cell URI before anything is written.
     *
     * @param master  a Spark master URL ({@code --spark})
     * @param cellUri a Hadoop file system folder for the tasks' cells ({@code --cell-uri}), or null
     */
    public static CellExecutor forRun(String master, String cellUri, ConfigLoader.Loaded loaded, Experiment exp) {
        if (master == null || !MASTER.matcher(master).matches()) {
            throw new InvalidInputException("--spark", "'" + master + "' is not a Spark master: give local[N], "
                    + "spark://HOST:PORT, yarn or k8s://URL (see docs/cluster.md)");
        }
        return new SparkCellExecutor(master, cellUri == null ? null : checkCellUri(cellUri),
                ConfigLoader.toYaml(loaded.config()), CellStore.configHash(loaded.config()), loaded.config().name());
    }

    /** A cell URI must be absolute (a scheme: file, hdfs, s3a, ...) and name a folder; returned without a trailing /. */
    static String checkCellUri(String uri) {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            throw new InvalidInputException("--cell-uri", "'" + uri + "' is not a URI: " + e.getReason());
        }
        if (u.getScheme() == null || u.getPath() == null || u.getPath().isEmpty()) {
            throw new InvalidInputException("--cell-uri", "'" + uri + "' is not an absolute URI of a folder: give e.g. "
                    + "file:///shared/onecnn-cells, hdfs://namenode/onecnn-cells or s3a://bucket/onecnn-cells");
        }
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
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
        try (JavaSparkContext sc = new JavaSparkContext(conf(master, "onecnn " + name))) {
            CellTask task = new CellTask(yaml, configHash, cellUri);
            List<JavaFutureAction<List<CellResult>>> jobs = new ArrayList<>();
            for (int i : todo) {
                jobs.add(sc.parallelize(List.of(i), 1).map(task).collectAsync());
            }
            for (int j = 0; j < todo.size(); j++) {
                int i = todo.get(j);
                CellResult result;
                try {
                    result = jobs.get(j).get().get(0);
                } catch (ExecutionException e) {
                    for (JavaFutureAction<?> f : jobs) {
                        f.cancel(true);
                    }
                    throw new IllegalStateException("Spark could not compute " + sweep.key(i).label() + ": "
                            + firstLine(e.getCause()), e.getCause());
                } catch (InterruptedException e) {
                    for (JavaFutureAction<?> f : jobs) {
                        f.cancel(true);
                    }
                    throw e;
                }
                CellStore.Key key = sweep.key(i);
                CellSweep.Output out = CellBytes.decode(result.cell, configHash, key);
                SeedLedger.addAll(result.streams);
                store.write(key, out.csv(), out.parts());
                progress.accept(sweep.work(i));
            }
        }
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
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
