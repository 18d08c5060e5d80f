package org.onecnn.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import org.onecnn.util.AtomicFiles;
import org.onecnn.util.PrettyJson;

/**
 * Deterministic, pretty-printed JSON.
 *
 * <p>Output format:
 * <ul>
 *   <li>Two-space indentation, {@code '\n'} line ends whatever the platform, {@code "key": value}
 *       with one space after the colon, {@code []} and {@code {}} for empty containers, and a
 *       final {@code '\n'}. Arrays are indented like objects, one element per line.</li>
 *   <li>Key order is never sorted: maps keep their iteration order (use a {@link java.util.LinkedHashMap}
 *       for a fixed order), records are written in component order, other beans in Jackson's
 *       declaration order.</li>
 *   <li>Doubles are written by {@link Double#toString(double)} (shortest round-tripping form, such
 *       as {@code 0.25} or {@code 1.0E-5}, both valid JSON numbers); integers plain.</li>
 *   <li>{@code NaN}, {@code Infinity} and {@code -Infinity} are written as {@code null}: JSON has no
 *       literal for them, and Jackson's defaults ({@code "NaN"} strings or bare {@code NaN}
 *       tokens) either change a number's type or are rejected by strict parsers. This applies to
 *       {@code double}, {@code float}, their boxes and arrays, wherever they occur.</li>
 *   <li>A {@link Table} is written as by {@link #tableToJson(Table)}, also when nested.</li>
 * </ul>
 */
public final class Json {
    private Json() {
    }

    /** {@link PrettyJson}'s format (numbers, NaN as null, indentation) plus tables. */
    private static final ObjectWriter WRITER = PrettyJson.writer(new SimpleModule("onecnn-report")
            .addSerializer(Table.class, new TableSerializer()));

    /**
     * The value as pretty-printed JSON, terminated by {@code '\n'}.
     *
     * @throws IllegalArgumentException if Jackson cannot serialise the value (for example a class
     *                                  without properties)
     */
    public static String toJson(Object value) {
        return PrettyJson.toJson(WRITER, value);
    }

    /** Writes {@link #toJson(Object)} to {@code file} in UTF-8, atomically (see the package documentation). */
    public static void write(Path file, Object value) throws IOException {
        AtomicFiles.writeString(file, toJson(value));
    }

    /**
     * A table as JSON: {@code {"columns": [names...], "rows": [{column: value, ...}, ...]}}, with the
     * keys of each row in column order. Numbers stay numbers, booleans booleans, enums become
     * their names, strings stay strings (so a table read back from CSV gives strings), and
     * {@code null} cells and non-finite doubles become {@code null}.
     */
    public static String tableToJson(Table table) {
        return toJson(table);
    }

    private static final class TableSerializer extends StdSerializer<Table> {
        private static final long serialVersionUID = 1L;

        TableSerializer() {
            super(Table.class);
        }

        @Override
        public void serialize(Table table, JsonGenerator gen, SerializerProvider provider) throws IOException {
            List<String> columns = table.columns();
            gen.writeStartObject();
            gen.writeArrayFieldStart("columns");
            for (String c : columns) {
                gen.writeString(c);
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("rows");
            for (List<Object> row : table.rows()) {
                gen.writeStartObject();
                for (int i = 0; i < columns.size(); i++) {
                    gen.writeFieldName(columns.get(i));
                    writeCell(gen, row.get(i));
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }

        private static void writeCell(JsonGenerator gen, Object cell) throws IOException {
            if (cell == null) {
                gen.writeNull();
            } else if (cell instanceof String s) {
                gen.writeString(s);
            } else if (Cells.isIntegral(cell)) {
                gen.writeNumber(((Number) cell).longValue());
            } else if (cell instanceof Double d) {
                PrettyJson.writeDouble(gen, d);
            } else if (cell instanceof Float f) {
                PrettyJson.writeFloat(gen, f);
            } else if (cell instanceof Boolean b) {
                gen.writeBoolean(b);
            } else if (cell instanceof Enum<?> e) {
                gen.writeString(e.name());
            } else {
                // Unreachable: Table.Builder rejects other types.
                throw new IllegalStateException("unsupported cell " + cell.getClass().getName());
            }
        }
    }
}
