package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.util.TestHooks;

/**
 * The launcher script {@code ./onecnn} itself, signalled as a user, {@code timeout} or a job scheduler does: the
 * pid it starts is the JVM, SIGTERM and SIGINT stop the run with exit 143 and 130 and one last line saying how to
 * resume (on standard error before the process has ended: the launcher's stderr filter must not lag behind), kill
 * -9 leaves no process behind, and the folder resumes to the bytes of an uninterrupted run.
 *
 * <p>The launcher runs on this test's class path ({@code ONECNN_CLASSPATH}), so that it needs no jar (the test
 * phase runs before the package phase), and with this JVM's {@code java} first on the PATH. Each run pauses at a
 * known point ({@link TestHooks}, through {@code ONECNN_JAVA_OPTS}) and is signalled there, once the test has read
 * the pause marker from its standard error: no step depends on how fast the machine is. Standard error goes to a
 * file, so that what it holds when the process has ended is what the user saw before the prompt returned.
 */
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class LauncherSignalTest {
    @TempDir
    Path tmp;

    private static final List<String> SWEEP = List.of("run", "du2018-table1", "--set", "init.count=300", "--set",
            "grid.k=[25,36]", "--set", "grid.ratio=[0,4]", "--threads", "1");

    /** A launcher process and the files its output goes to. */
    private record Launched(Process process, Path stdout, Path stderr) {
        String err() throws IOException {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        }

        String lastErrLine() throws IOException {
            List<String> lines = err().lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    private int runs;

    private Launched launch(List<String> prefix, String pauseAt, List<String> args) throws IOException {
        Path launcher = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "onecnn");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(launcher.toString());
        cmd.addAll(args);
        int n = runs++;
        Path out = tmp.resolve("stdout-" + n);
        Path err = tmp.resolve("stderr-" + n);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("ONECNN_CLASSPATH", System.getProperty("java.class.path"));
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        // as in ResumeFaultTest: ND4J's spinning OpenMP threads slow a busy 2-core machine down
        env.put("OMP_NUM_THREADS", "1");
        env.remove("ONECNN_MAVEN_ARGS");
        if (pauseAt != null) {
            env.put("ONECNN_JAVA_OPTS", "-D" + TestHooks.PAUSE_AT + "=" + pauseAt);
        } else {
            env.remove("ONECNN_JAVA_OPTS");
        }
        return new Launched(pb.start(), out, err);
    }

    /** Waits (without a time limit of its own) until the run prints the pause marker. */
    private static void awaitPause(Launched l) throws IOException, InterruptedException {
        while (!l.err().contains(TestHooks.MARKER)) {
            if (!l.process().isAlive()) {
                fail("the run ended (exit " + l.process().exitValue() + ") without pausing:\n" + l.err());
            }
            Thread.sleep(100);
        }
    }

    /** The process and every process below it, as they are now. */
    private static List<ProcessHandle> tree(Process p) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(p.toHandle());
        p.toHandle().descendants().forEach(all::add);
        return all;
    }

    private static int awaitExit(Launched l, List<ProcessHandle> tree) throws Exception {
        assertTrue(l.process().waitFor(120, TimeUnit.SECONDS), "the run did not stop: " + l.err());
        for (ProcessHandle h : tree) {
            // the stderr filter ends once the JVM's stderr has closed: nothing keeps running
            h.onExit().get(60, TimeUnit.SECONDS);
            assertTrue(!h.isAlive(), h + " " + h.info());
        }
        return l.process().exitValue();
    }

    private static void assertJvm(ProcessHandle h) {
        String command = h.info().command().orElse("");
        assertTrue(command.endsWith("/java"), "the launcher's pid is the JVM itself (exec), not a shell: " + command);
    }

    private static List<String> resume(Path dir) {
        return List.of("run", "--resume", dir.toString(), "--threads", "1", "-q");
    }

    private static void assertInterrupted(Launched l, Path dir) throws IOException {
        assertEquals("onecnn: interrupted; resume with: ./onecnn run --resume " + dir, l.lastErrLine(), l.err());
        String prov = Files.readString(dir.resolve("provenance.json"));
        assertTrue(prov.contains("\"status\": \"interrupted\""), prov);
    }

    /** Whether this JVM ignores SIGINT (started in the background of a script): its children then ignore it too. */
    private static boolean sigintIgnored() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(l.substring(7).strip(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    @Test
    void termIntAndKillOfTheLauncherStopTheRunAndItResumesToIdenticalBytes() throws Exception {
        Path ref = tmp.resolve("uninterrupted");
        List<String> refArgs = new ArrayList<>(SWEEP);
        refArgs.addAll(List.of("--out", ref.toString()));
        Launched r = launch(List.of(), null, refArgs);
        List<ProcessHandle> refTree = tree(r.process());
        assertEquals(0, awaitExit(r, refTree), r.err());
        // the filter passed on the last line (the progress total) before the process ended; the warning it drops
        assertTrue(r.lastErrLine().startsWith("du2018-table1 100% 1200/1200 runs "), r.err());
        assertTrue(!r.err().contains("WARNING: Using incubator modules"), r.err());
        assertTrue(Files.readString(r.stdout()).contains("finished in"));

        Path dir = tmp.resolve("stopped");
        List<String> args = new ArrayList<>(SWEEP);
        args.addAll(List.of("-q", "--out", dir.toString()));
        // timeout(1) on its limit signals its child and the child's process group with SIGTERM, as it does when
        // it is itself sent SIGTERM: here mid-cell (300 initializations are chunks of 256 and 44; the third chunk
        // is the first of cell 1). It exits with the run's status, 143.
        Launched t = launch(List.of("timeout", "600"), "chunk:3", args);
        awaitPause(t);
        List<ProcessHandle> tTree = tree(t.process());
        assertJvm(t.process().toHandle().children().findFirst().orElseThrow());
        t.process().destroy();
        assertEquals(143, awaitExit(t, tTree), t.err());
        assertInterrupted(t, dir);
        assertTrue(Files.isRegularFile(dir.resolve("cells/cell-00000.csv")));

        // kill -9 while a cell is written: the JVM dies at once, its filter ends, the lock is free for the resume
        Launched k = launch(List.of(), "write:cell-00002.csv", resume(dir));
        awaitPause(k);
        List<ProcessHandle> kTree = tree(k.process());
        assertJvm(k.process().toHandle());
        k.process().destroyForcibly();
        assertEquals(137, awaitExit(k, kTree), k.err());

        // kill PID (SIGTERM) while the summary is written
        Launched s = launch(List.of(), "write:summary.json", resume(dir));
        awaitPause(s);
        List<ProcessHandle> sTree = tree(s.process());
        assertJvm(s.process().toHandle());
        s.process().destroy();
        assertEquals(143, awaitExit(s, sTree), s.err());
        assertInterrupted(s, dir);

        // Ctrl-C (SIGINT) while the report is written; not where this JVM was started ignoring SIGINT (a
        // background job of a script), since its children inherit that and then never see it
        if (!sigintIgnored()) {
            Launched c = launch(List.of(), "write:report.md", resume(dir));
            awaitPause(c);
            List<ProcessHandle> cTree = tree(c.process());
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(c.process().pid())).inheritIO().start();
            assertEquals(0, kill.waitFor());
            assertEquals(130, awaitExit(c, cTree), c.err());
            assertInterrupted(c, dir);
        }

        Launched f = launch(List.of(), null, resume(dir));
        assertEquals(0, awaitExit(f, tree(f.process())), f.err());
        ResumeFaultTest.assertSameFiles(ref, dir);
    }
}
