package org.onecnn.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Atomic file writes shared by the writers of this package. */
final class Files2 {
    private Files2() {
    }

    /** Something that writes a file's content to a stream. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    static void writeString(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(file, out -> out.write(bytes));
    }

    /**
     * Writes {@code file} through a temporary sibling that is then renamed over it.
     *
     * <p>Why: runs are resumed from their CSV files; a process killed in the middle of a plain
     * write would leave a truncated last line that parses as a wrong number. The rename is atomic
     * where the file system supports it, and a plain replace otherwise. Parent directories are
     * created as needed.
     */
    static void write(Path file, Content content) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        // Not Files.createTempFile: its files are private (mode 600) and would stay so after the
        // rename. The name is unique per process and thread, which is all a writer needs.
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".partial");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
