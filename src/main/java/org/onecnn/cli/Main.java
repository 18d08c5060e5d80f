package org.onecnn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import org.onecnn.util.InvalidInputException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code onecnn} command line: a thin layer over the experiment runner and the benchmarks.
 * Bad input is one line on standard error and exit code 2; other failures exit 1; a stack trace only
 * with {@code --verbose}. A run that completed but in which every run diverged exits 3
 * ({@link org.onecnn.experiment.setup.Divergence#ALL_DIVERGED_EXIT}), its run folder kept.
 */
@Command(name = "onecnn", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Gradient descent on one-hidden-layer CNNs: exact population dynamics and finite-sample training.",
        subcommands = {RunCommand.class, MergeCommand.class, ListCommand.class, ShowCommand.class, BenchCommand.class, DoctorCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code for bad input. */
    public static final int BAD_INPUT = 2;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces on errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static boolean verboseFlag;

    /** Whether this command line asked for {@code --verbose} (the Spark executor lets Spark log only then). */
    public static boolean verbose() {
        return verboseFlag;
    }

    static List<String> argv = List.of();

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // only the process's own entry point: tests call execute() in one JVM, which must not collect hooks
        Runtime.getRuntime().addShutdownHook(new Thread(Main::atExit, "onecnn-exit"));
        System.exit(execute(args));
    }

    /**
     * The system property by which the launcher names its stderr filter's pid: the process that drops the JVM's
     * incubator warning and passes the rest of standard error on (the launcher's comment says why).
     */
    static final String STDERR_FILTER = "onecnn.stderrFilterPid";

    /** How long the JVM waits at exit for the filter to pass on the last of standard error. */
    static final long STDERR_FILTER_WAIT_S = 30;

    /**
     * The JVM's shutdown hook, at every end of the process but kill -9: a normal exit, or SIGTERM (kill, timeout,
     * a job's time limit), SIGINT (Ctrl-C) or SIGHUP, after which the JVM exits 128 + the signal's number (143,
     * 130, 129) by itself. A run still going is marked interrupted (see {@link
     * org.onecnn.experiment.Interruption}) and one line says how to resume it; then standard error is closed and
     * the launcher's filter awaited, so that this line, like every last line, is on the terminal before the shell
     * prompt returns (the launcher execs the JVM: the shell waits for the JVM, not for the filter).
     */
    static void atExit() {
        List<String> lines = org.onecnn.experiment.Interruption.interruptAll();
        if (!lines.isEmpty()) {
            // a live progress bar would redraw over the line: the bars end first (their last state, a newline)
            org.onecnn.util.Progress.closeAll();
            for (String l : lines) {
                System.err.println(l);
            }
        }
        System.err.flush();
        awaitStderrFilter(System.getProperty(STDERR_FILTER));
    }

    private static void awaitStderrFilter(String pid) {
        if (pid == null || !pid.matches("[0-9]+")) {
            return;
        }
        // closing fd 2 (the JDK puts /dev/null in its place) ends the filter's input, so it passes on what is
        // left and exits; nothing written to standard error after this point is seen
        try {
            new java.io.FileOutputStream(java.io.FileDescriptor.err).close();
        } catch (java.io.IOException e) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
            try {
                p.onExit().get(STDERR_FILTER_WAIT_S, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // a filter stuck on a full terminal must not keep the JVM: what it has not passed on is lost
            }
        });
    }

    /** Run the command line and return the exit code (tests call this). */
    public static int execute(String... args) {
        argv = List.of(args);
        verboseFlag = List.of(args).contains("--verbose");
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> handle(ex, commandLine.getErr()));
        cl.setParameterExceptionHandler((ex, args1) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            // one line, like every other bad input: the message and where the usage is
            String cmd = qualified(ex.getCommandLine());
            err.println("onecnn: error: " + ex.getMessage().replace('\n', ' ').strip() + " (see: onecnn "
                    + (cmd.isEmpty() ? "" : cmd + " ") + "--help)");
            err.flush();
            return BAD_INPUT;
        });
        return cl.execute(args);
    }

    private static String qualified(CommandLine cl) {
        List<String> names = new ArrayList<>();
        for (CommandLine c = cl; c != null && c.getParent() != null; c = c.getParent()) {
            names.add(0, c.getCommandName());
        }
        return String.join(" ", names);
    }

    /** The {@code --threads} value, or every core the JVM may use when the option is absent. */
    static int threadsOrAllCores(Integer threads) {
        return threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    }

    static int handle(Exception ex, PrintWriter err) {
        Throwable t = ex;
        if (t instanceof InvalidInputException iie) {
            err.println("onecnn: error: " + iie.getMessage());
            if (verboseFlag) {
                iie.printStackTrace(err);
            }
            err.flush();
            return BAD_INPUT;
        }
        if (t instanceof InterruptedException) {
            err.println("onecnn: interrupted");
            err.flush();
            return 130;
        }
        err.println("onecnn: failed: " + t.getClass().getSimpleName() + ": " + t.getMessage()
                + (verboseFlag ? "" : " (run with --verbose for the stack trace)"));
        if (verboseFlag) {
            t.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /** Version from the jar's build info. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            java.util.Properties p = org.onecnn.util.Installation.buildInfo();
            // an installation without DL4J/ND4J (the GPU bundle) says so rather than name the build's backend
            boolean nd4j = Version.class.getClassLoader().getResource("org/nd4j/linalg/factory/Nd4j.class") != null;
            return new String[] {"onecnn " + p.getProperty("onecnn.version", "unknown") + " (" + (nd4j ? "DL4J "
                + p.getProperty("dl4j.version", "?") + ", backend " + p.getProperty("nd4j.backend", "?")
                : "without DL4J/ND4J: engines " + withoutNd4j()) + ", Java " + System.getProperty("java.version") + ")"};
        }

        /** The installed engines that run without ND4J, as the registry lists them ("a, b and c"). */
        private static String withoutNd4j() {
            java.util.List<String> l = org.onecnn.empirical.EmpiricalEngines.known().values().stream()
                    .filter(e -> !e.usesNd4j()).map(org.onecnn.empirical.EmpiricalEngine::name).toList();
            return l.size() < 2 ? String.join("", l) : String.join(", ", l.subList(0, l.size() - 1)) + " and "
                    + l.get(l.size() - 1);
        }
    }
}
