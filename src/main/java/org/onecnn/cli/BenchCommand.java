package org.onecnn.cli;

import java.util.concurrent.Callable;

import org.onecnn.bench.EmpiricalBench;
import org.onecnn.bench.PopulationBench;
import org.onecnn.util.InvalidInputException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code onecnn bench ...}: throughput benchmarks (never part of the unit tests). */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Throughput benchmarks; the last line is "
        + "the figure of merit.", subcommands = {BenchCommand.Population.class, BenchCommand.Empirical.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code bench population}. */
    @Command(name = "population", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = {
        "Algorithm 1 on the exact population loss, workload described in docs/engines.md#benchmarks (ratio 9, "
            + "eta 0.05), exactly --steps steps per run.", "Last line: run_steps_per_s=<number>."})
    static final class Population implements Callable<Integer> {
        @Option(names = "--k", defaultValue = "100", description = "Patches (default ${DEFAULT-VALUE}).")
        int k;
        @Option(names = "--p", defaultValue = "6", description = "Patch size (default ${DEFAULT-VALUE}).")
        int p;
        @Option(names = "--inits", defaultValue = "5000", description = "Runs (default ${DEFAULT-VALUE}).")
        int inits;
        @Option(names = "--steps", defaultValue = "1000", description = "Steps per run (default ${DEFAULT-VALUE}).")
        long steps;
        @Option(names = "--engine", defaultValue = "reduced", description = "reduced or full (default "
                + "${DEFAULT-VALUE}).")
        String engine;
        @Option(names = "--threads", description = "Threads (default: all cores).")
        Integer threads;
        @Option(names = "--repeats", defaultValue = "5", description = "Timed passes; the median is reported "
                + "(default ${DEFAULT-VALUE}).")
        int repeats;
        @Option(names = "--ratio", defaultValue = "9", description = "Teacher ratio (1ᵀa*)²/‖a*‖² (default "
                + "${DEFAULT-VALUE}).")
        double ratio;
        @Option(names = "--eta", defaultValue = "0.05", description = "Step size (default ${DEFAULT-VALUE}).")
        double eta;
        @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws Exception {
            int n = Main.threadsOrAllCores(threads);
            PopulationBench.run(new PopulationBench.Spec(k, p, inits, steps, engine, n, repeats, ratio, eta, seed),
                    System.out);
            return 0;
        }
    }

    /** {@code bench empirical}. */
    @Command(name = "empirical", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = {
        "Full-batch gradient descent of an ensemble of students on one shared data set (float32 unless told "
            + "otherwise) on an empirical engine (fused unless told otherwise), workload described in "
            + "docs/engines.md#benchmarks.", "Last line: sample_gradients_per_s=<number>."})
    static final class Empirical implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Mixin
        ProfileOption profile;
        @Option(names = "--n", defaultValue = "4096", description = "Samples (default ${DEFAULT-VALUE}).")
        long n;
        @Option(names = "--k", defaultValue = "25", description = "Patches (default ${DEFAULT-VALUE}).")
        int k;
        @Option(names = "--p", defaultValue = "6", description = "Patch size (default ${DEFAULT-VALUE}).")
        int p;
        @Option(names = "--students", defaultValue = "256", description = "Students R (default ${DEFAULT-VALUE}).")
        int students;
        @Option(names = "--steps", defaultValue = "20", description = "Timed steps (default ${DEFAULT-VALUE}).")
        int steps;
        @Option(names = "--mode", defaultValue = "ensemble", description = "ensemble (one network of R students) or "
                + "single (R networks of one) (default ${DEFAULT-VALUE}).")
        String mode;
        @Option(names = "--data-type", defaultValue = "float", description = "float or double (default "
                + "${DEFAULT-VALUE}).")
        String dataType;
        @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--engine", defaultValue = org.onecnn.empirical.EmpiricalEngines.DEFAULT,
                completionCandidates = EngineNames.class, description = "Empirical engine: ${COMPLETION-CANDIDATES} "
                + "(default ${DEFAULT-VALUE}).")
        String engine;
        @Option(names = "--s", description = "Stride of the patches, 1 <= s <= p; s < p overlaps (default: p).")
        Integer stride;
        @Option(names = "--threads", description = "Threads of the fused engine (default: -Donecnn.threads, else all "
                + "cores).")
        Integer threads;

        @Override
        public Integer call() {
            // every argument, the engine and the profile on this machine are checked before ND4J loads or anything
            // is allocated, as run and doctor check them (ComputeContext.problem)
            var parse = spec.commandLine().getParseResult();
            boolean explicitProfile = parse.hasMatchedOption("--profile");
            boolean explicitEngine = parse.hasMatchedOption("--engine");
            // the cuda engine without --profile: the GPU profiles' settings (their reduction block, 2048, keeps an
            // H200 busy with the GPU workload; the cpu profile's 4096 would leave half of its multiprocessors idle)
            // (an unknown --engine borrows nothing: it is refused with the known ones below)
            String borrowed = org.onecnn.empirical.EmpiricalEngines.names().contains(engine)
                    ? org.onecnn.empirical.EmpiricalEngines.named(engine).bench().defaultProfile() : null;
            org.onecnn.backend.ComputeProfile base = !explicitProfile && borrowed != null
                    ? ProfileOption.load(borrowed)
                    : profile.load();
            // as in a run: without --engine, the profile's engine (cuda-hopper: cuda), else the default (fused)
            String chosenName = explicitEngine || base.engine() == null ? engine : base.engine();
            boolean fromProfile = !explicitEngine && base.engine() != null;
            org.onecnn.backend.ComputeProfile chosen = base.withDataType(
                    org.onecnn.backend.Precision.parse("--data-type", dataType));
            if (threads != null) {
                org.onecnn.experiment.Bounds.requireThreads("--threads", threads);
                java.util.List<String> threaded = org.onecnn.empirical.EmpiricalEngines.known().values().stream()
                        .filter(e -> e.bench().threads()).map(org.onecnn.empirical.EmpiricalEngine::name).toList();
                if (threaded.isEmpty()) {
                    throw new InvalidInputException("--threads", "no installed engine has threads of its own: remove "
                            + "--threads");
                }
                if (!threaded.contains(chosenName)) {
                    throw new InvalidInputException("--threads", "only the " + String.join(" and the ", threaded)
                            + " engine" + (threaded.size() == 1 ? " has" : "s have") + " threads of its own; the "
                            + chosenName + " engine" + (fromProfile ? " (profile " + base.name() + "'s)" : "")
                            + " would ignore it: remove --threads or add --engine " + threaded.get(0));
                }
            }
            EmpiricalBench.Spec spec = new EmpiricalBench.Spec(n, k, p, students, steps, mode, dataType, seed,
                    chosen.maxSamplesPerChunk(), chosen.reductionBlock(), chosenName, stride == null ? p : stride,
                    threads != null ? threads : org.onecnn.empirical.EmpiricalEngines.names().contains(chosenName)
                            ? org.onecnn.empirical.EmpiricalEngines.named(chosenName).bench().defaultThreads() : 1);
            org.onecnn.empirical.EmpiricalEngine chosenEngine = org.onecnn.empirical.EmpiricalEngines.named(
                    chosenName);
            try {
                chosenEngine.requireRunnable();
            } catch (InvalidInputException x) {
                String problem = x.field().isEmpty() ? x.getMessage() : x.getMessage().substring(x.field().length()
                        + 2);
                throw fromProfile ? new InvalidInputException(ProfileOption.FIELD, "profile " + base.name()
                        + " uses the " + chosenName + " engine, which cannot run here: " + problem + "; or use a "
                        + "profile made for this machine (e.g. cpu)") : new InvalidInputException("--engine", problem);
            }
            java.util.Optional<org.onecnn.empirical.EngineProblem> problem =
                    org.onecnn.experiment.setup.ComputeContext.problem(chosenName, chosen,
                            org.onecnn.experiment.setup.ComputeContext.probe(),
                            org.onecnn.experiment.setup.ComputeContext::cudaReadiness);
            // without --profile the bench only borrows a profile's chunk sizes (cuda-hopper's for --engine cuda, on
            // any GPU): then only what stops the engine itself counts, not the profile's GPUs or memory
            if (problem.isPresent() && (explicitProfile || problem.get().engine())) {
                throw new InvalidInputException(problem.get().engine() && !fromProfile ? "--engine"
                        : ProfileOption.FIELD, problem.get().line());
            }
            EmpiricalBench.requireFits(spec, chosen);
            // an engine without ND4J (fused, cuda) runs where no ND4J jar is: nothing of ND4J is checked or loaded
            if (chosenEngine.usesNd4j()) {
                org.onecnn.experiment.setup.ComputeContext.forBench(chosen, dataType, seed);
            }
            EmpiricalBench.run(spec, System.out);
            return 0;
        }
    }

    /** The installed engines' names, which {@code bench empirical --help} lists for {@code --engine}. */
    static final class EngineNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return org.onecnn.empirical.EmpiricalEngines.names().iterator();
        }
    }
}
