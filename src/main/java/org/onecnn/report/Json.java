package org.onecnn.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import org.onecnn.util.AtomicFiles;

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

    /** Configured once; Jackson writers are immutable and thread-safe, so sharing one is safe. */
    private static final ObjectWriter WRITER = createWriter();

    private static ObjectWriter createWriter() {
        SimpleModule module = new SimpleModule("onecnn-report");
        module.addSerializer(Double.class, new WriterSerializer<>(Double.class, (d, gen) -> writeDouble(gen, d)));
        module.addSerializer(Double.TYPE, new WriterSerializer<>(Double.class, (d, gen) -> writeDouble(gen, d)));
        module.addSerializer(Float.class, new WriterSerializer<>(Float.class, (f, gen) -> writeFloat(gen, f)));
        module.addSerializer(Float.TYPE, new WriterSerializer<>(Float.class, (f, gen) -> writeFloat(gen, f)));
        module.addSerializer(double[].class, new WriterSerializer<>(double[].class, Json::writeDoubles));
        module.addSerializer(float[].class, new WriterSerializer<>(float[].class, Json::writeFloats));
        module.addSerializer(Table.class, new TableSerializer());
        JsonMapper mapper = JsonMapper.builder()
                .addModule(module)
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .disable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .build();
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        // DefaultIndenter's default line feed is the platform's; fix it to '\n'.
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators)
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
        return mapper.writer(printer);
    }

    /**
     * The value as pretty-printed JSON, terminated by {@code '\n'}.
     *
     * @throws IllegalArgumentException if Jackson cannot serialise the value (for example a class
     *                                  without properties)
     */
    public static String toJson(Object value) {
        try {
            return WRITER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + (value == null ? "null" : value.getClass().getName())
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
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

    // ------------------------------------------------------------------------------------------

    private static void writeDouble(JsonGenerator gen, double d) throws IOException {
        if (Double.isFinite(d)) {
            gen.writeNumber(d);
        } else {
            gen.writeNull();
        }
    }

    private static void writeFloat(JsonGenerator gen, float f) throws IOException {
        if (Float.isFinite(f)) {
            gen.writeNumber(f);
        } else {
            gen.writeNull();
        }
    }

    /** How one value is written; the serializers below differ only in this. */
    @FunctionalInterface
    private interface ValueWriter<T> {
        void write(T value, JsonGenerator gen) throws IOException;
    }

    /** A serializer that writes a value of {@code type} with a {@link ValueWriter}. */
    private static final class WriterSerializer<T> extends StdSerializer<T> {
        private static final long serialVersionUID = 1L;
        /** Not serialised: Jackson serializers are never Java-serialised here. */
        private final transient ValueWriter<T> writer;

        WriterSerializer(Class<T> type, ValueWriter<T> writer) {
            super(type);
            this.writer = writer;
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            writer.write(value, gen);
        }
    }

    private static void writeDoubles(double[] value, JsonGenerator gen) throws IOException {
        gen.writeStartArray(value, value.length);
        for (double d : value) {
            writeDouble(gen, d);
        }
        gen.writeEndArray();
    }

    private static void writeFloats(float[] value, JsonGenerator gen) throws IOException {
        gen.writeStartArray(value, value.length);
        for (float f : value) {
            writeFloat(gen, f);
        }
        gen.writeEndArray();
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
                writeDouble(gen, d);
            } else if (cell instanceof Float f) {
                writeFloat(gen, f);
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
