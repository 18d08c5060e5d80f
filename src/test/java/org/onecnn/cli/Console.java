package org.onecnn.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard error and output captured for a command-line test (UTF-8), restored by {@link #close}:
 * {@link CliFixture} holds one for each test; elsewhere (a {@code @BeforeAll}) {@code try (Console c =
 * Console.capture()) { … }}.
 */
final class Console implements AutoCloseable {
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PrintStream oldErr = System.err;
    private final PrintStream oldOut = System.out;

    private Console() {
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    /** Starts capturing both streams. */
    static Console capture() {
        return new Console();
    }

    /** Forgets what was captured so far (before each command). */
    void reset() {
        err.reset();
        out.reset();
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Both streams, standard output first: for a failure's message. */
    String output() {
        return stdout() + stderr();
    }

    /** Restores the streams that were in place before {@link #capture}. */
    @Override
    public void close() {
        System.setErr(oldErr);
        System.setOut(oldOut);
    }
}
