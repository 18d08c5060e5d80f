package org.onecnn.report;

/**
 * The cell types a {@link Table} accepts and their canonical text form (see the package
 * documentation for the conventions).
 */
final class Cells {
    private Cells() {
    }

    /**
     * Whether {@code cell} is a supported cell value: {@code null}, {@link String},
     * {@link Integer}, {@link Long}, {@link Short}, {@link Byte}, {@link Double}, {@link Float},
     * {@link Boolean} or an enum constant.
     */
    static boolean isSupported(Object cell) {
        return cell == null || cell instanceof String || isIntegral(cell) || isFloating(cell)
                || cell instanceof Boolean || cell instanceof Enum<?>;
    }

    static boolean isIntegral(Object cell) {
        return cell instanceof Integer || cell instanceof Long || cell instanceof Short || cell instanceof Byte;
    }

    static boolean isFloating(Object cell) {
        return cell instanceof Double || cell instanceof Float;
    }

    /**
     * The canonical text of a cell: integers plain, doubles by {@link Double#toString(double)},
     * floats by {@link Float#toString(float)}, enums by {@link Enum#name()}, {@code null} and
     * non-finite numbers ({@code NaN}, {@code ±Infinity}) as the empty string: an undefined value
     * (the median of an empty set, the angle of a diverged run) is a missing field, never a token
     * that a spreadsheet or {@code pandas} would read as a number.
     */
    static String format(Object cell) {
        if (cell == null) {
            return "";
        }
        if (cell instanceof String s) {
            return s;
        }
        if (isIntegral(cell)) {
            return Long.toString(((Number) cell).longValue());
        }
        if (cell instanceof Double d) {
            return Double.isFinite(d) ? Double.toString(d) : "";
        }
        if (cell instanceof Float f && !Float.isFinite(f)) {
            return "";
        }
        if (cell instanceof Float f) {
            // Float.toString, not Double.toString(f), which would print 0.1f as 0.10000000149011612.
            return Float.toString(f);
        }
        if (cell instanceof Enum<?> e) {
            return e.name();
        }
        if (cell instanceof Boolean b) {
            return b.toString();
        }
        throw new IllegalArgumentException("unsupported cell type " + cell.getClass().getName());
    }

    /** A short description of a cell's type for error messages. */
    static String typeName(Object cell) {
        return cell == null ? "null" : cell.getClass().getSimpleName();
    }
}
