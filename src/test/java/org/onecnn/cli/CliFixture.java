package org.onecnn.cli;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a command-line test needs: a fresh onecnn home (system property {@code onecnn.home}, so run folders land
 * in a temporary folder) and the console captured for the duration of each test. Every in-process CLI test
 * extends it (a subclass's own {@code @BeforeEach} runs after this one's, its {@code @AfterEach} before), or, if
 * a {@code run} helper of its own would clash with {@link #run}, calls {@link #open} and {@link #close}. For a
 * command outside a test method ({@code @BeforeAll}) use {@link Console} in a try-with-resources; for onecnn in
 * a separate JVM, {@link Child}.
 */
abstract class CliFixture {
    @TempDir
    Path home;

    Console console;

    @BeforeEach
    void openHomeAndConsole() {
        console = open(home);
    }

    @AfterEach
    void closeHomeAndConsole() {
        close(console);
    }

    /**
     * What {@code @BeforeEach} does, for a test class that cannot extend this one (its own {@code run} helper
     * would be ambiguous with {@link #run}): {@code home} becomes the onecnn home, and the console is captured.
     */
    static Console open(Path home) {
        System.setProperty("onecnn.home", home.toString());
        return Console.capture();
    }

    /** What {@code @AfterEach} does: the console restored, the onecnn home cleared. */
    static void close(Console console) {
        console.close();
        System.clearProperty("onecnn.home");
    }

    /** Runs the command line with these arguments; its output is in {@link #console}. */
    int run(String... args) {
        console.reset();
        return Main.execute(args);
    }

    String stderr() {
        return console.stderr();
    }

    String stdout() {
        return console.stdout();
    }
}
