package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.onecnn.util.TestHooks;

/**
 * onecnn in a child JVM, for the tests that kill a run, hold a lock from another process or need a JVM flag
 * (a small heap): the test's own class path and {@code org.onecnn.cli.Main}, with the fused engine's Vector API
 * module as the launcher adds it and {@code onecnn.home} set to the test's home. Standard error goes into
 * standard output; everything the child prints is kept, character for character, in {@link #output()}, and a
 * {@link TestHooks#MARKER} line counts as the child pausing at its point ({@link #awaitPause}).
 *
 * <p>Start one with {@code Child.in(home).pauseAt(point).singleOmpThread().start(args)}.
 */
final class Child {
    private static final String MAIN = "org.onecnn.cli.Main";

    /** The notice the JVM prints first when the Vector API module is added (the launcher drops it too). */
    static final String INCUBATOR_NOTICE = "WARNING: Using incubator modules: jdk.incubator.vector\n";

    final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CountDownLatch paused = new CountDownLatch(1);
    private final Thread reader;

    private Child(Process process) {
        this.process = process;
        reader = new Thread(this::read, "child-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Copies the child's output as it comes, line by line, so that a pause is seen while the child waits. */
    private void read() {
        try (Reader r = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            for (int c = r.read(); c >= 0; c = r.read()) {
                line.append((char) c);
                if (c == '\n') {
                    output.append(line);
                    if (line.indexOf(TestHooks.MARKER) == 0) {
                        paused.countDown();
                    }
                    line.setLength(0);
                }
            }
            output.append(line); // a last line without its end
        } catch (IOException e) {
            // the process was killed; what was read is in output
        }
    }

    /** A child to start with this onecnn home. */
    static Builder in(Path home) {
        return new Builder(home);
    }

    /** How a child is started. */
    static final class Builder {
        private final Path home;
        private final List<String> jvmFlags = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();

        private Builder(Path home) {
            this.home = home;
        }

        /** The child stops at this {@link TestHooks} point (and prints the marker line); null: it does not. */
        Builder pauseAt(String point) {
            if (point != null) {
                jvmFlags.add("-D" + TestHooks.PAUSE_AT + "=" + point);
            }
            return this;
        }

        /**
         * {@code OMP_NUM_THREADS=1}: on a 2-core machine busy with the rest of the suite, ND4J's spinning OpenMP
         * threads make the empirical engine several times slower.
         */
        Builder singleOmpThread() {
            env.put("OMP_NUM_THREADS", "1");
            return this;
        }

        /** A JVM option, e.g. {@code -Xmx256m}. */
        Builder jvmFlag(String flag) {
            jvmFlags.add(flag);
            return this;
        }

        /** Starts {@code onecnn args…} in the child; its standard input is closed (nothing ever reads it). */
        Child start(List<String> args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString()));
            cmd.addAll(jvmFlags);
            cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-Donecnn.home=" + home));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            return new Child(p);
        }

        /** Runs {@code onecnn args…} in a child to the end (at most {@code seconds}); fails unless it exits 0. */
        String complete(List<String> args, long seconds) throws IOException, InterruptedException {
            Child c = start(args);
            assertEquals(0, c.end(seconds), c.output());
            return c.output();
        }
    }

    /** Everything the child printed so far (all of it once {@link #end} returned). */
    String output() {
        return output.toString();
    }

    /** Waits at most {@code seconds} for the child to end (failing the test if it does not); its exit code. */
    int end(long seconds) throws InterruptedException {
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "child did not finish: " + output);
        reader.join(10_000);
        return process.exitValue();
    }

    /** Waits until the child pauses (a marker line); fails if it ends first. Returns it, paused. */
    Child awaitPause(String point) throws InterruptedException {
        while (!paused.await(200, TimeUnit.MILLISECONDS)) {
            if (!process.isAlive()) {
                reader.join(10_000);
                fail("the child ended (exit " + process.exitValue() + ") without pausing at " + point + ":\n"
                        + output);
            }
        }
        return this;
    }

    /** Kills the child with SIGKILL and checks that it died of it (exit 137 = 128 + 9). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(137, process.exitValue(), "killed by SIGKILL (128 + 9)");
    }
}
