package org.onecnn.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.onecnn.experiment.JobArray;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code onecnn merge RUN_FOLDER}: assemble a job array's run from its cells. */
@Command(name = "merge", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Assemble a run whose cells were computed by a job array (onecnn run ... --shard I/N): "
            + "results.csv, summaries, plots and report.md, the same bytes as a local run of the config.",
            "Every cell must be in RUN_FOLDER/cells and intact; otherwise one line names the missing cells and nothing "
                + "changes. A folder that its last shard merged already is left as it is.",
            "Exit code 0: merged, or merged already (whatever diverged); 2: bad input, or cells missing or damaged, "
                + "nothing changed; 3: merged now, and every run (or every run of one part) diverged; 1: failure."})
final class MergeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_FOLDER", description = "The run folder the shards wrote into.")
    Path dir;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads for the assembly (default: all "
            + "cores). Results do not depend on it.")
    Integer threads;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        int n = Main.threadsOrAllCores(threads);
        org.onecnn.experiment.Bounds.requireThreads("--threads", n);
        long t0 = System.nanoTime();
        JobArray.MergeOutcome o = JobArray.merge(dir, n, quiet, Main.argv, "RUN_FOLDER");
        if (o.alreadyComplete()) {
            System.out.printf("%s was merged already (by its last shard, or it ran in one piece); nothing to do: "
                    + "%s%n", dir.getFileName(), dir.resolve("report.md"));
            // exit 0 even if every run diverged: the process that merged it exited 3, and a scheduler's afterok
            // chain after this merge must go on
            return RunCommand.divergence(dir, false);
        } else {
            System.out.printf("%s merged in %.1f s: %s%n", dir.getFileName(), (System.nanoTime() - t0) / 1e9,
                    dir.resolve("report.md"));
        }
        return RunCommand.divergence(dir);
    }
}
