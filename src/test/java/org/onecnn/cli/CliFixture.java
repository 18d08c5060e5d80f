package org.onecnn.cli;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a command-line test needs: a fresh onecnn home (system property {@code onecnn.home}, so run folders land
 * in a temporary folder) and the console captured for the duration of each test.
 */
abstract class CliFixture {
    @TempDir
    Path home;

    Console console;

    @BeforeEach
    void openHomeAndConsole() {
        System.setProperty("onecnn.home", home.toString());
        console = Console.capture();
    }

    @AfterEach
    void closeHomeAndConsole() {
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
}
