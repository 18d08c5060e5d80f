package org.onecnn.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.onecnn.util.AtomicFiles;
import org.onecnn.util.InvalidInputException;

/**
 * An immutable table: an ordered list of uniquely named columns and rows of cells.
 *
 * <p>A cell is {@code null}, a {@link String}, an integral number ({@link Integer}, {@link Long},
 * {@link Short}, {@link Byte}), a {@link Double} or {@link Float}, a {@link Boolean} or an enum
 * constant; anything else is rejected when the row is added, so that every writer knows how to
 * print every cell. The text forms are those of the package documentation: integers plain,
 * doubles by {@link Double#toString(double)} (exact round trip), enums by name, {@code null} and
 * non-finite numbers (undefined values) as an empty field in CSV and {@value #UNDEFINED} in Markdown.
 *
 * <p>A table read back with {@link #readCsv(Path)} holds only strings (CSV has no types); the
 * typed accessors {@link #getDouble(int, String)}, {@link #getLong(int, String)} and
 * {@link #getString(int, String)} read numbers from either kind of cell, so code that resumes an
 * interrupted run can treat a fresh table and a read-back one alike.
 *
 * <pre>{@code
 * Table t = Table.builder("n", "fraction", "outcome")
 *         .row(100, 0.25, Outcome.GLOBAL)
 *         .row(1000, Double.NaN, Outcome.SPURIOUS)
 *         .build();
 * t.writeCsv(dir.resolve("summary.csv"));
 * }</pre>
 */
public final class Table {
    /** How Markdown shows an undefined number (a non-finite double or float). */
    public static final String UNDEFINED = "–";

    private final List<String> columns;
    private final List<List<Object>> rows;
    private final Map<String, Integer> index;

    private Table(List<String> columns, List<List<Object>> rows) {
        this.columns = columns;
        this.rows = rows;
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            idx.put(columns.get(i), i);
        }
        this.index = idx;
    }

    /**
     * Starts a table with the given column names.
     *
     * @throws IllegalArgumentException if there are no columns, or a name is null, empty or repeated
     */
    public static Builder builder(String... columns) {
        Objects.requireNonNull(columns, "columns");
        return new Builder(Arrays.asList(columns));
    }

    /** Same as {@link #builder(String...)}, from a list. */
    public static Builder builder(List<String> columns) {
        Objects.requireNonNull(columns, "columns");
        return new Builder(columns);
    }

    /** Collects rows; {@link #build()} returns an immutable {@link Table}. Not thread-safe. */
    public static final class Builder {
        private final List<String> columns;
        private final List<List<Object>> rows = new ArrayList<>();

        private Builder(List<String> columns) {
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("a table needs at least one column");
            }
            List<String> copy = new ArrayList<>(columns.size());
            for (int i = 0; i < columns.size(); i++) {
                String c = columns.get(i);
                if (c == null || c.isEmpty()) {
                    throw new IllegalArgumentException("column " + i + " has no name");
                }
                if (copy.contains(c)) {
                    throw new IllegalArgumentException("column name '" + c + "' is repeated");
                }
                copy.add(c);
            }
            this.columns = Collections.unmodifiableList(copy);
        }

        /**
         * Appends a row.
         *
         * @param cells one cell per column, in column order
         * @throws IllegalArgumentException if the row's width differs from the number of columns or
         *                                  a cell has an unsupported type
         */
        public Builder row(Object... cells) {
            Objects.requireNonNull(cells, "cells (pass new Object[] {null} for a single null cell)");
            if (cells.length != columns.size()) {
                throw new IllegalArgumentException("row " + rows.size() + " has " + cells.length + " cells, expected "
                        + columns.size() + " " + columns);
            }
            for (int i = 0; i < cells.length; i++) {
                if (!Cells.isSupported(cells[i])) {
                    throw new IllegalArgumentException("row " + rows.size() + ", column '" + columns.get(i)
                            + "': unsupported cell type " + cells[i].getClass().getName());
                }
            }
            // Arrays.asList over a private copy: fixed size, allows null cells (List.of does not).
            rows.add(Collections.unmodifiableList(Arrays.asList(cells.clone())));
            return this;
        }

        /** Same as {@link #row(Object...)}, from a list. */
        public Builder row(List<?> cells) {
            Objects.requireNonNull(cells, "cells");
            return row(cells.toArray());
        }

        /** Rows added so far. */
        public int size() {
            return rows.size();
        }

        public Table build() {
            return new Table(columns, Collections.unmodifiableList(new ArrayList<>(rows)));
        }
    }

    /** The column names, in order (unmodifiable). */
    public List<String> columns() {
        return columns;
    }

    /** The rows, in order; each row has one cell per column (unmodifiable, may hold nulls). */
    public List<List<Object>> rows() {
        return rows;
    }

    /** The number of rows (the header is not a row). */
    public int size() {
        return rows.size();
    }

    /** Whether the table has a column of this name. */
    public boolean hasColumn(String column) {
        return index.containsKey(column);
    }

    /**
     * The position of a column.
     *
     * @throws IllegalArgumentException if there is no such column
     */
    public int indexOf(String column) {
        Integer i = index.get(column);
        if (i == null) {
            throw new IllegalArgumentException("no column '" + column + "' in " + columns);
        }
        return i;
    }

    /**
     * The cells of one column, top to bottom (unmodifiable, may hold nulls).
     *
     * @throws IllegalArgumentException if there is no such column
     */
    public List<Object> column(String column) {
        int c = indexOf(column);
        List<Object> out = new ArrayList<>(rows.size());
        for (List<Object> r : rows) {
            out.add(r.get(c));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * One cell as stored (for a read-back table, a {@link String}).
     *
     * @throws IndexOutOfBoundsException if {@code row} is not in {@code [0, size())}
     * @throws IllegalArgumentException  if there is no such column
     */
    public Object get(int row, String column) {
        return rows.get(row).get(indexOf(column));
    }

    /**
     * A cell as text, exactly as {@link #toCsv()} writes it (before quoting): {@code null} gives
     * {@code ""}, a double gives {@link Double#toString(double)}.
     */
    public String getString(int row, String column) {
        return Cells.format(get(row, column));
    }

    /**
     * A cell as a double: a number cell is widened, a string cell is parsed with
     * {@link Double#parseDouble(String)} (which accepts {@code NaN}, {@code Infinity},
     * {@code -Infinity} and the exponent form that {@link #toCsv()} writes). An empty or
     * {@code null} cell, a missing value, gives {@code NaN}.
     *
     * @throws IllegalArgumentException if the cell is not a number and does not parse as one
     */
    public double getDouble(int row, String column) {
        Object cell = get(row, column);
        if (cell == null) {
            return Double.NaN;
        }
        if (cell instanceof Number n) {
            return n.doubleValue();
        }
        if (cell instanceof String s) {
            if (s.isEmpty()) {
                return Double.NaN;
            }
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(cellName(row, column) + ": not a number: '" + s + "'", e);
            }
        }
        throw new IllegalArgumentException(cellName(row, column) + ": a " + Cells.typeName(cell) + " is not a number");
    }

    /**
     * A cell as a long: an integral cell is widened, a floating cell must hold an integer value
     * exactly, a string cell is parsed with {@link Long#parseLong(String)}.
     *
     * @throws IllegalArgumentException if the cell is empty, {@code null}, fractional, out of range
     *                                  or not a number (there is no "missing" long)
     */
    public long getLong(int row, String column) {
        Object cell = get(row, column);
        if (Cells.isIntegral(cell)) {
            return ((Number) cell).longValue();
        }
        if (Cells.isFloating(cell)) {
            double d = ((Number) cell).doubleValue();
            // (double) Long.MAX_VALUE is 2^63, which does not fit: hence the strict upper bound.
            if (d != Math.rint(d) || d < -0x1p63 || d >= 0x1p63) {
                throw new IllegalArgumentException(cellName(row, column) + ": " + d + " is not a long");
            }
            return (long) d;
        }
        if (cell instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(cellName(row, column) + ": not an integer: '" + s + "'", e);
            }
        }
        throw new IllegalArgumentException(cellName(row, column) + ": a " + Cells.typeName(cell) + " is not a long");
    }

    private String cellName(int row, String column) {
        return "row " + row + ", column '" + column + "'";
    }

    // ------------------------------------------------------------------------------------------
    // CSV

    /**
     * The table as CSV (RFC 4180, except that lines end with {@code '\n'}): the header line, then
     * one line per row, every line terminated by {@code '\n'}. A field is quoted when it contains
     * a comma, a double quote, {@code '\n'} or {@code '\r'}; a double quote inside a quoted field
     * is doubled. Numbers follow the package conventions, so a double written here is read back
     * by {@link Double#parseDouble(String)} to the identical value. {@code null} and the empty
     * string both become an empty field.
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder();
        appendCsvLine(sb, columns);
        for (List<Object> r : rows) {
            appendCsvLine(sb, r);
        }
        return sb.toString();
    }

    /** Writes {@link #toCsv()} to {@code file} in UTF-8, atomically (see the package documentation). */
    public void writeCsv(Path file) throws IOException {
        AtomicFiles.writeString(file, toCsv());
    }

    private static void appendCsvLine(StringBuilder sb, List<?> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            appendCsvField(sb, Cells.format(cells.get(i)));
        }
        sb.append('\n');
    }

    private static void appendCsvField(StringBuilder sb, String s) {
        boolean quote = false;
        for (int i = 0; i < s.length() && !quote; i++) {
            char ch = s.charAt(i);
            quote = ch == ',' || ch == '"' || ch == '\n' || ch == '\r';
        }
        if (!quote) {
            sb.append(s);
            return;
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"') {
                sb.append('"');
            }
            sb.append(ch);
        }
        sb.append('"');
    }

    /**
     * Reads a CSV file written by {@link #writeCsv(Path)} (or any RFC 4180 file in UTF-8). Every
     * cell comes back as a {@link String}, the empty field as {@code ""}; use the typed accessors
     * to read numbers. Lines may end with {@code "\n"} or {@code "\r\n"}, the last one may lack its
     * terminator, and a leading UTF-8 byte order mark is skipped.
     *
     * @throws InvalidInputException if the file is empty, a row's width differs from the header's,
     *                               a header name is empty or repeated, or a quote is unbalanced
     * @throws IOException           if the file cannot be read
     */
    public static Table readCsv(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return parseCsv(text);
        } catch (InvalidInputException e) {
            throw e.under(file.toString());
        }
    }

    /**
     * Parses CSV text; see {@link #readCsv(Path)}.
     *
     * @throws InvalidInputException if the text is not a well-formed table
     */
    public static Table parseCsv(String text) {
        Objects.requireNonNull(text, "text");
        List<List<String>> records = CsvParser.parse(text);
        if (records.isEmpty()) {
            throw new InvalidInputException("", "CSV has no header line");
        }
        Builder b;
        try {
            b = new Builder(records.get(0));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("", "CSV header: " + e.getMessage());
        }
        int width = records.get(0).size();
        for (int i = 1; i < records.size(); i++) {
            List<String> r = records.get(i);
            if (r.size() != width) {
                throw new InvalidInputException("", "CSV record " + (i + 1) + " has " + r.size()
                        + " fields, the header has " + width);
            }
            b.row(r.toArray());
        }
        return b.build();
    }

    /** A small RFC 4180 reader: records of fields, quoted fields may hold commas, quotes, newlines. */
    private static final class CsvParser {
        private CsvParser() {
        }

        static List<List<String>> parse(String text) {
            int pos = text.startsWith("\uFEFF") ? 1 : 0;
            int n = text.length();
            List<List<String>> records = new ArrayList<>();
            if (pos == n) {
                return records;
            }
            List<String> record = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            int line = 1;
            while (true) {
                // At the start of a field.
                if (pos < n && text.charAt(pos) == '"') {
                    int startLine = line;
                    pos++;
                    while (true) {
                        if (pos >= n) {
                            throw new InvalidInputException("", "CSV line " + startLine
                                    + ": unterminated quoted field");
                        }
                        char ch = text.charAt(pos++);
                        if (ch == '"') {
                            if (pos < n && text.charAt(pos) == '"') {
                                field.append('"');
                                pos++;
                            } else {
                                break;
                            }
                        } else {
                            if (ch == '\n') {
                                line++;
                            }
                            field.append(ch);
                        }
                    }
                    if (pos < n && !isDelimiter(text, pos)) {
                        throw new InvalidInputException("", "CSV line " + line + ": text after a closing quote");
                    }
                } else {
                    while (pos < n && !isDelimiter(text, pos)) {
                        char ch = text.charAt(pos++);
                        if (ch == '"') {
                            throw new InvalidInputException("", "CSV line " + line
                                    + ": a quote inside an unquoted field");
                        }
                        field.append(ch);
                    }
                }
                record.add(field.toString());
                field.setLength(0);
                if (pos >= n) {
                    records.add(record);
                    return records;
                }
                char ch = text.charAt(pos);
                if (ch == ',') {
                    pos++;
                    continue;
                }
                // End of line: "\n" or "\r\n".
                pos += ch == '\r' ? 2 : 1;
                line++;
                records.add(record);
                record = new ArrayList<>();
                if (pos >= n) {
                    // The terminator of the last line does not start an empty record.
                    return records;
                }
            }
        }

        private static boolean isDelimiter(String text, int pos) {
            char ch = text.charAt(pos);
            return ch == ',' || ch == '\n' || (ch == '\r' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n');
        }
    }

    // ------------------------------------------------------------------------------------------
    // Markdown

    /** {@link #toMarkdown(Map)} with no formats. */
    public String toMarkdown() {
        return toMarkdown(Map.of());
    }

    /**
     * The table as a GitHub pipe table: a header line, an alignment line and one line per row,
     * each terminated by {@code '\n'}. Columns with at least one number and no other
     * non-null cell are right-aligned ({@code ---:}); cells are padded with spaces to the column
     * width (counted in chars) so that the plain text lines up too.
     *
     * <p>A format is a {@link String#format} pattern such as {@code "%.3f"} or {@code "%d"},
     * applied with {@link Locale#ROOT} to the non-null, non-string cells of its column (a string
     * cell, for instance from a table read back from CSV, is written as it is). A double formatted
     * that is not finite comes out as {@value #UNDEFINED}. Cells
     * without a format use the package conventions. A {@code '|'} in a cell is escaped as
     * {@code "\|"} and a line break becomes {@code <br>}.
     *
     * @param formats column name to pattern; may be empty, may not name unknown columns
     * @throws IllegalArgumentException if a format names an unknown column or does not fit a cell
     */
    public String toMarkdown(Map<String, String> formats) {
        Objects.requireNonNull(formats, "formats");
        String[] patterns = new String[columns.size()];
        for (Map.Entry<String, String> e : formats.entrySet()) {
            patterns[indexOf(e.getKey())] = Objects.requireNonNull(e.getValue(), "format of " + e.getKey());
        }
        int w = columns.size();
        String[][] text = new String[rows.size() + 1][w];
        int[] width = new int[w];
        boolean[] numeric = new boolean[w];
        boolean[] other = new boolean[w];
        for (int c = 0; c < w; c++) {
            text[0][c] = escapeMarkdown(columns.get(c));
        }
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < w; c++) {
                Object cell = rows.get(r).get(c);
                if (cell instanceof Number) {
                    numeric[c] = true;
                } else if (cell != null) {
                    other[c] = true;
                }
                text[r + 1][c] = escapeMarkdown(formatCell(cell, patterns[c], r, c));
            }
        }
        for (int c = 0; c < w; c++) {
            numeric[c] &= !other[c];
        }
        for (String[] line : text) {
            for (int c = 0; c < w; c++) {
                // 3 is the shortest alignment marker GitHub accepts ("---").
                width[c] = Math.max(width[c], Math.max(3, line[c].length()));
            }
        }
        StringBuilder sb = new StringBuilder();
        appendMarkdownLine(sb, text[0], width, numeric);
        sb.append('|');
        for (int c = 0; c < w; c++) {
            sb.append(' ');
            if (numeric[c]) {
                sb.append("-".repeat(width[c] - 1)).append(':');
            } else {
                sb.append("-".repeat(width[c]));
            }
            sb.append(" |");
        }
        sb.append('\n');
        for (int r = 1; r < text.length; r++) {
            appendMarkdownLine(sb, text[r], width, numeric);
        }
        return sb.toString();
    }

    private String formatCell(Object cell, String pattern, int r, int c) {
        if ((cell instanceof Double d && !Double.isFinite(d)) || (cell instanceof Float f && !Float.isFinite(f))) {
            return UNDEFINED;
        }
        if (pattern == null || cell == null || cell instanceof String) {
            return Cells.format(cell);
        }
        try {
            return String.format(Locale.ROOT, pattern, cell);
        } catch (IllegalFormatException e) {
            throw new IllegalArgumentException(cellName(r, columns.get(c)) + ": format '" + pattern
                    + "' does not fit a " + Cells.typeName(cell) + " (" + e.getMessage() + ")", e);
        }
    }

    private static void appendMarkdownLine(StringBuilder sb, String[] cells, int[] width, boolean[] rightAlign) {
        sb.append('|');
        for (int c = 0; c < cells.length; c++) {
            String pad = " ".repeat(width[c] - cells[c].length());
            sb.append(' ');
            if (rightAlign[c]) {
                sb.append(pad).append(cells[c]);
            } else {
                sb.append(cells[c]).append(pad);
            }
            sb.append(" |");
        }
        sb.append('\n');
    }

    private static String escapeMarkdown(String s) {
        return s.replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>");
    }

    // ------------------------------------------------------------------------------------------

    /** Tables are equal when their columns and cells are equal ({@code 1} and {@code "1"} are not). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Table t && columns.equals(t.columns) && rows.equals(t.rows);
    }

    @Override
    public int hashCode() {
        return 31 * columns.hashCode() + rows.hashCode();
    }

    /** A short description, not the content: {@code Table[3 columns [a, b, c], 10 rows]}. */
    @Override
    public String toString() {
        return "Table[" + columns.size() + " columns " + columns + ", " + rows.size() + " rows]";
    }
}
