package org.onecnn.util;

/**
 * Bad input from a user: a config field, a command-line option, a file. The CLI prints
 * {@link #getMessage()} as one line (field, what is wrong, what is allowed) and exits with code 2.
 */
public class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidInputException(String field, String problem) {
        super(field == null || field.isEmpty() ? problem : field + ": " + problem);
        this.field = field;
    }

    /** The offending field (config path, option or file), or empty. */
    public String field() {
        return field == null ? "" : field;
    }

    /** Same problem, reported under a longer path (e.g. the config section holding the field). */
    public InvalidInputException under(String prefix) {
        String f = field == null || field.isEmpty() ? prefix : prefix + "." + field;
        String msg = getMessage();
        String problem = field == null || field.isEmpty() ? msg : msg.substring(field.length() + 2);
        return new InvalidInputException(f, problem);
    }

    public static double requireFinite(String field, double x) {
        if (!Double.isFinite(x)) {
            throw new InvalidInputException(field, "must be a finite number, got " + x);
        }
        return x;
    }

    public static double requirePositive(String field, double x) {
        if (!(x > 0) || !Double.isFinite(x)) {
            throw new InvalidInputException(field, "must be a finite number > 0, got " + x);
        }
        return x;
    }

    public static int requirePositive(String field, int x) {
        if (x <= 0) {
            throw new InvalidInputException(field, "must be an integer >= 1, got " + x);
        }
        return x;
    }

    public static void requireFinite(String field, double[] xs) {
        for (int i = 0; i < xs.length; i++) {
            if (!Double.isFinite(xs[i])) {
                throw new InvalidInputException(field, "entry " + i + " must be finite, got " + xs[i]);
            }
        }
    }
}
