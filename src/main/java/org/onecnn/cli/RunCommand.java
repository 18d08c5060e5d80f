package org.onecnn.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.Runner;
import org.onecnn.util.InvalidInputException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code onecnn run NAME|FILE [--set field=value ...] [--out DIR] [--resume DIR]}. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Run an experiment: a built-in by name (see 'onecnn list') or a YAML config by path.",
            "Writes runs/<name>-<timestamp>/ with config.yaml, provenance.json, results.csv, summary.csv/json, "
                + "plots (PNG, SVG) and report.md.",
            "Exit code 0: done (a warning if some runs diverged); 2: bad input, nothing written; 3: done, but every "
                + "run diverged (non-finite iterates), or every run of one part (the empirical runs, the population "
                + "runs): nothing was measured there; 1: failure."})
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME|FILE", description = "Built-in experiment name or "
            + "path to a YAML config.")
    String config;

    @Option(names = {"-s", "--set"}, paramLabel = "FIELD=VALUE", description = "Override a config field, e.g. "
            + "--set init.count=100 --set grid.k=[25,36]; a name unique among the sections this type uses may be "
            + "given alone (k, ratio, count).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder to create (must not exist); default "
            + "runs/<name>-<UTC timestamp>.")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Finish an interrupted run in DIR: checks that "
            + "every finished cell is intact and this run's, then runs only the missing or damaged cells.")
    Path resume;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores). Results do "
            + "not depend on it.")
    Integer threads;

    @Option(names = "--profile", paramLabel = "NAME|FILE", completionCandidates = ProfileOption.Shipped.class,
            description = "Compute profile for finite-sample experiments: ${COMPLETION-CANDIDATES} "
            + "(cuda-profiles/NAME.properties) or a file; same as --set empirical.profile=NAME.")
    String profile;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Compute the cells on Apache Spark: local[N], "
            + "spark://HOST:PORT, yarn, k8s://URL (docs/cluster.md); needs a build with the spark profile and Spark's "
            + "jars (SPARK_HOME, or spark-submit). Results are the bytes of a run on this machine.")
    String spark;

    @Option(names = "--cell-uri", paramLabel = "URI", description = "With --spark: a Hadoop file system folder "
            + "(file://, hdfs://, s3a://) where tasks also keep finished cells, so a retried or resumed job reuses them.")
    String cellUri;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Option(names = "--shard", paramLabel = "I/N", description = "Job arrays: compute only shard I of N (the cells "
            + "i with i mod N = I-1) into a run folder shared by all N shards: --out DIR, or by default "
            + "runs/<name>-<config hash>. The last shard to finish assembles the run (or: onecnn merge DIR). See "
            + "docs/cluster.md.")
    String shard;

    @Option(names = "--no-merge", description = "With --shard: do not merge the run even if this shard is the last "
            + "to finish; leave it to onecnn merge DIR (for file systems whose locks do not reach across nodes).")
    boolean noMerge;

    @Override
    public Integer call() throws Exception {
        if (config == null && resume == null) {
            throw new InvalidInputException("NAME|FILE", "give a built-in experiment name or a config file (see: "
                    + "onecnn list), or --resume DIR");
        }
        if (config != null && resume != null) {
            throw new InvalidInputException("--resume", "give either NAME|FILE or --resume DIR, not both");
        }
        int n = Main.threadsOrAllCores(threads);
        org.onecnn.experiment.Bounds.requireThreads("--threads", n);
        if (profile != null) {
            // --profile only means something where ND4J trains (sample-size, paired-trajectories): refused elsewhere
            if (resume != null) {
                throw new InvalidInputException("--profile", "cannot be combined with --resume: the run's config.yaml "
                        + "fixes empirical.profile");
            }
            String type = ConfigLoader.peekType(config, sets);
            if (type != null && !ConfigLoader.sections(type).contains("empirical")) {
                throw new InvalidInputException("--profile", "experiments of type " + type + " do not train on ND4J "
                        + "and use no compute profile (only sample-size and paired-trajectories do); remove --profile");
            }
            if (profile.isBlank()) {
                throw new InvalidInputException("--profile", "give a profile name (" + String.join(", ",
                        org.onecnn.backend.ComputeProfile.SHIPPED) + ") or the path to a .properties file");
            }
            sets.add("empirical.profile=" + profile);
        }
        long t0 = System.nanoTime();
        if (shard != null) {
            if (spark != null || cellUri != null) {
                throw new InvalidInputException(spark != null ? "--spark" : "--cell-uri", "cannot be combined with "
                        + "--shard: Spark distributes the cells itself, a job array through the run folder "
                        + "(docs/cluster.md)");
            }
            return shard(org.onecnn.experiment.Shard.parse(shard), n, t0);
        }
        if (noMerge) {
            throw new InvalidInputException("--no-merge", "only means something with --shard I/N");
        }
        Path dir = Runner.run(new Runner.Request(config, sets, out, resume, n, quiet, Main.argv, spark,
                cellUri));
        System.out.printf("%s finished in %.1f s: %s%n", dir.getFileName(), (System.nanoTime() - t0) / 1e9,
                dir.resolve("report.md"));
        return divergence(dir);
    }

    /** One task of a job array (see {@link org.onecnn.experiment.JobArray}). */
    private int shard(org.onecnn.experiment.Shard s, int n, long t0) throws Exception {
        org.onecnn.experiment.JobArray.ShardOutcome o = org.onecnn.experiment.JobArray.shard(new Runner.Request(
                config, sets, out, resume, n, quiet, Main.argv), s, !noMerge);
        Path dir = o.dir();
        double secs = (System.nanoTime() - t0) / 1e9;
        if (o.alreadyComplete()) {
            System.out.printf("shard %s: %s is complete already (merged); nothing to do: %s%n", s, dir.getFileName(),
                    dir.resolve("report.md"));
            return divergence(dir, false);
        }
        if (o.merged()) {
            System.out.printf("shard %s: computed %d cell(s) in %.1f s; every cell of %s is done, so this shard "
                    + "merged it: %s%n", s, o.computed(), secs, dir.getFileName(), dir.resolve("report.md"));
            return divergence(dir);
        }
        String next = noMerge ? "the run is merged by ./onecnn merge " + dir + " once all shards have ended"
                : "the last shard to finish merges the run (or: ./onecnn merge " + dir + ")";
        System.out.printf("shard %s: computed %d cell(s) into %s in %.1f s; at least %d of %d cells are done; %s%n", s,
                o.computed(), dir, secs, o.done(), o.total(), next);
        return 0;
    }

    /**
     * Diverged runs are results, not errors, but a researcher must not miss them: a warning whenever some
     * diverged, and a distinct exit code when all did, or all of one part did (the empirical runs of a sample-size
     * study, say, however many population runs converged): see Divergence.ALL_DIVERGED_EXIT for why.
     */
    static int divergence(Path dir) throws java.io.IOException {
        return divergence(dir, true);
    }

    /**
     * As {@link #divergence(Path)}; with {@code exitCode} false (a process that found the run complete already and
     * did nothing: a second merge, a shard run again) the warnings are printed but the exit code is 0, since this
     * process measured nothing and a scheduler's afterok chain must go on; the process that completed the run
     * exited 3.
     */
    static int divergence(Path dir, boolean exitCode) throws java.io.IOException {
        for (String w : org.onecnn.experiment.setup.Divergence.warnings(dir)) {
            System.err.println("onecnn: warning: " + w);
        }
        long[] dv = org.onecnn.experiment.setup.Divergence.read(dir);
        if (dv != null && dv[1] > 0) {
            boolean all = dv[1] == dv[0];
            String[] part = all ? null : org.onecnn.experiment.setup.Divergence.allDivergedPart(dir);
            String code = exitCode ? " (exit code " + org.onecnn.experiment.setup.Divergence.ALL_DIVERGED_EXIT + ")" : "";
            if (all) {
                System.err.println("onecnn: warning: every one of the " + dv[0] + " runs diverged (non-finite "
                        + "iterates): nothing was measured; lower the step size" + code);
            } else if (part != null) {
                System.err.println("onecnn: warning: every one of the " + part[1] + " " + part[0] + " runs diverged "
                        + "(non-finite iterates): the " + part[0] + " part measured nothing (" + dv[1] + " of "
                        + dv[0] + " runs in all diverged; see " + dir.resolve("report.md") + "); lower its step size"
                        + code);
            } else {
                System.err.println("onecnn: warning: " + dv[1] + " of " + dv[0] + " runs diverged (non-finite "
                        + "iterates); see " + dir.resolve("report.md"));
            }
            if ((all || part != null) && exitCode) {
                return org.onecnn.experiment.setup.Divergence.ALL_DIVERGED_EXIT;
            }
        }
        return 0;
    }
}
