package org.onecnn.empirical.cuda;

/**
 * The CUDA driver refused something: {@link #result()} is its result code by name ({@code CUDA_ERROR_…}), the
 * message says what onecnn was doing, in one line.
 */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String result;
    private final String log;

    public CudaException(String result, String message) {
        this(result, message, "");
    }

    /**
     * @param log what the driver said besides the code (the JIT's error and info log, {@link #oneLine one line}),
     *            or empty
     */
    public CudaException(String result, String message, String log) {
        super(log.isEmpty() ? message : message + "; " + log);
        this.result = result;
        this.log = log;
    }

    /** The driver's own words besides the result code (the JIT log of a module that did not load), or empty. */
    public String log() {
        return log;
    }

    /**
     * {@code text} on one line (its non-blank lines joined by " | "), at most {@code max} characters (cut with
     * "…"): a refusal is one line, and a JIT log can run to pages.
     */
    public static String oneLine(String text, int max) {
        if (text == null) {
            return "";
        }
        String joined = String.join(" | ", text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
        return joined.length() <= max ? joined : joined.substring(0, Math.max(0, max - 1)) + "…";
    }

    /** The driver's result code by name ({@code CUDA_ERROR_OUT_OF_MEMORY}, …), or a onecnn reason. */
    public String result() {
        return result;
    }

    /** A driver's log buffer as text, up to its NUL (the JIT writes a C string into it). */
    public static String logText(byte[] buffer) {
        if (buffer == null) {
            return "";
        }
        int len = 0;
        while (len < buffer.length && buffer[len] != 0) {
            len++;
        }
        return new String(buffer, 0, len, java.nio.charset.StandardCharsets.UTF_8).strip();
    }
}
