package org.onecnn.spark;

import org.onecnn.experiment.CellKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.resource.ResourceInformation;
import org.onecnn.experiment.CellStore;
import org.onecnn.experiment.CellSweep;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.Experiment;
import org.onecnn.experiment.ExperimentSpec;
import org.onecnn.util.SeedLedger;

/**
 * What a Spark task does with a cell index: builds the run's cells from the resolved config's YAML text (once per
 * executor JVM and config: {@link #sweep}), takes the cell from the cell URI if an intact copy is kept there, else
 * computes it (its pieces on the task's {@code spark.task.cpus} threads, joined in piece order, so the bytes do not
 * depend on them), keeps it there, and returns its bytes ({@link CellBytes}).
 *
 * <p>On an executor with GPUs, the task uses the one Spark assigned it ({@code spark.task.resource.gpu.amount}:
 * {@link SparkDevices}); which engine and backend compute is the config's ({@code empirical.engine}, {@code
 * empirical.profile}), as on one machine, so the bytes are those of a local run with the same config.
 */
final class CellTask implements Function<Integer, CellResult> {
    private static final long serialVersionUID = 1L;

    /** The cells of each config this JVM has computed for (config hash → sweep): built once, shared by tasks. */
    private static final Map<String, CellSweep> SWEEPS = new ConcurrentHashMap<>();

    private final String yaml;
    private final String configHash;
    private final String cellUri;

    CellTask(String yaml, String configHash, String cellUri) {
        this.yaml = yaml;
        this.configHash = configHash;
        this.cellUri = cellUri;
    }

    /**
     * This executor's seed ledger, opened for the run's master seed when the JVM has none (an executor of its own;
     * in local mode the driver's ledger is open and sees every derivation itself), null otherwise. Spark starts
     * executors per application, and an application is one run (one config, one master seed), so the ledger is
     * never shared by two runs; it stays open while the executor lives and each result carries all it saw so far
     * (the driver's ledger keeps each derivation once).
     */
    private static SeedLedger executorLedger;

    @Override
    public CellResult call(Integer index) throws Exception {
        SeedLedger ledger = ledger(sweepSpec().seed());
        byte[] bytes = computeOnTask(index);
        return new CellResult(bytes, ledger == null ? Map.of() : ledger.derivations());
    }

    /** The executor's ledger (see {@link #executorLedger}), opened on first use; null where another is open. */
    private static synchronized SeedLedger ledger(long master) {
        if (executorLedger == null && !SeedLedger.isOpen()) {
            try {
                executorLedger = SeedLedger.open(master);
            } catch (IllegalStateException openedMeanwhile) {
                return null;
            }
        }
        return executorLedger;
    }

    private byte[] computeOnTask(int index) throws Exception {
        TaskContext task = TaskContext.get();
        String[] gpus = new String[0];
        int cpus = 1;
        if (task != null) {
            ResourceInformation gpu = task.resourcesJMap().get("gpu");
            gpus = gpu == null ? gpus : gpu.addresses();
            cpus = Math.max(1, task.cpus());
        }
        return compute(index, gpus, cpus, task == null ? new Configuration() : hadoopConf());
    }

    /** The cell's bytes (see the class comment), on a task with {@code gpus} assigned and {@code cpus} cores. */
    byte[] compute(int index, String[] gpus, int cpus, Configuration hadoop) throws Exception {
        // first: the cuda engine takes its device when it loads, which building the cells may do
        String device = SparkDevices.use(sweepSpec(), gpus);
        CellSweep sweep = sweep(yaml, configHash);
        CellKey key = sweep.key(index);
        CellUri kept = cellUri == null ? null : new CellUri(cellUri, configHash);
        if (kept != null) {
            byte[] found = kept.read(key, hadoop);
            if (found != null) {
                return found;
            }
        }
        if (device != null) {
            System.err.println("onecnn: " + key.label() + ": " + device);
        }
        byte[] bytes = CellBytes.encode(configHash, key, compute(sweep.job(index), Math.min(cpus,
                sweep.parallelism())));
        if (kept != null) {
            kept.write(key, bytes, hadoop);
        }
        return bytes;
    }

    /** The run's resolved config, bound from its YAML text. */
    private ExperimentSpec sweepSpec() {
        return ConfigLoader.bind(ConfigLoader.parse(yaml, "the run's config"));
    }

    /** The executor's Hadoop configuration, with the application's {@code spark.hadoop.*} settings. */
    private static Configuration hadoopConf() {
        SparkEnv env = SparkEnv.get();
        return env == null ? new Configuration() : SparkHadoopUtil.get().newConfiguration(env.conf());
    }

    /** The cells of the run whose resolved config is {@code yaml}, built once per JVM. */
    static CellSweep sweep(String yaml, String configHash) {
        return SWEEPS.computeIfAbsent(configHash, h -> {
            ExperimentSpec cfg = ConfigLoader.bind(ConfigLoader.parse(yaml, "the run's config"));
            if (!CellStore.configHash(cfg).equals(h)) {
                // another onecnn version on the executors would resolve the config differently
                throw new IllegalStateException("this executor's onecnn resolves the run's config to hash "
                        + CellStore.shortHash(CellStore.configHash(cfg)) + ", not " + CellStore.shortHash(h)
                        + ": the executors run another version of onecnn than the driver");
            }
            ConfigLoader.Loaded loaded = new ConfigLoader.Loaded(new ConfigLoader.Source("spark task", yaml, false),
                    cfg, ConfigLoader.cells(cfg));
            CellSweep s = Experiment.of(cfg.type()).cells(loaded.config(), loaded.cells());
            if (s == null) {
                throw new IllegalStateException("experiments of type " + cfg.type() + " compute no cells");
            }
            return s;
        });
    }

    /** All pieces of a cell, on up to {@code threads} threads, joined in piece order. */
    private static <P> CellSweep.Output compute(CellSweep.Job<P> job, int threads) throws Exception {
        if (threads <= 1 || job.pieces() <= 1) {
            return job.compute(w -> { });
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<P>> fs = new ArrayList<>();
            for (int i = 0; i < job.pieces(); i++) {
                int piece = i;
                fs.add(pool.submit(() -> job.piece(piece, w -> { })));
            }
            List<P> pieces = new ArrayList<>();
            for (Future<P> f : fs) {
                try {
                    pieces.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw org.onecnn.util.Parallel.rethrow(e.getCause());
                }
            }
            return job.finish(pieces);
        } finally {
            pool.shutdownNow();
        }
    }
}
