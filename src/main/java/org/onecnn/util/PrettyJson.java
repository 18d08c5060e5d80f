package org.onecnn.util;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * Deterministic, pretty-printed JSON: the one format of every JSON file onecnn writes (run folders, reports, data
 * set manifests).
 *
 * <ul>
 *   <li>Two-space indentation, {@code '\n'} line ends whatever the platform, {@code "key": value} with one space
 *       after the colon, {@code []} and {@code {}} for empty containers, and a final {@code '\n'}. Arrays are
 *       indented like objects, one element per line.</li>
 *   <li>Key order is never sorted: maps keep their iteration order, records are written in component order,
 *       other beans in Jackson's declaration order.</li>
 *   <li>Doubles are written by {@link Double#toString(double)} (shortest round-tripping form); integers plain.</li>
 *   <li>{@code NaN} and the infinities are written as {@code null} (JSON has no literal for them; Jackson's
 *       defaults change a number's type or are rejected by strict parsers), for {@code double}, {@code float},
 *       their boxes and arrays, wherever they occur.</li>
 * </ul>
 */
public final class PrettyJson {
    private PrettyJson() {
    }

    /** Configured once; Jackson writers are immutable and thread-safe. */
    private static final ObjectWriter WRITER = writer();

    /**
     * A writer of this format; {@code extra} modules add serializers for further types (such as the report's
     * tables).
     */
    public static ObjectWriter writer(Module... extra) {
        SimpleModule module = new SimpleModule("onecnn-numbers");
        module.addSerializer(Double.class, new DoubleSerializer());
        module.addSerializer(Double.TYPE, new DoubleSerializer());
        module.addSerializer(Float.class, new FloatSerializer());
        module.addSerializer(Float.TYPE, new FloatSerializer());
        module.addSerializer(double[].class, new DoubleArraySerializer());
        module.addSerializer(float[].class, new FloatArraySerializer());
        JsonMapper.Builder b = JsonMapper.builder()
                .addModule(module)
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .disable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        for (Module m : extra) {
            b.addModule(m);
        }
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        // DefaultIndenter's default line feed is the platform's; fix it to '\n'.
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators)
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
        return b.build().writer(printer);
    }

    /**
     * The value as pretty-printed JSON, terminated by {@code '\n'}.
     *
     * @throws IllegalArgumentException if Jackson cannot serialise the value
     */
    public static String toJson(Object value) {
        return toJson(WRITER, value);
    }

    /** {@link #toJson(Object)} with a writer from {@link #writer}. */
    public static String toJson(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + (value == null ? "null" : value.getClass().getName())
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes {@link #toJson(Object)} to {@code file} in UTF-8, atomically ({@link AtomicFiles#writeString}). */
    public static void write(Path file, Object value) throws IOException {
        AtomicFiles.writeString(file, toJson(value));
    }

    /** A finite double as a number, a non-finite one as {@code null}. */
    public static void writeDouble(JsonGenerator gen, double d) throws IOException {
        if (Double.isFinite(d)) {
            gen.writeNumber(d);
        } else {
            gen.writeNull();
        }
    }

    /** A finite float as a number, a non-finite one as {@code null}. */
    public static void writeFloat(JsonGenerator gen, float f) throws IOException {
        if (Float.isFinite(f)) {
            gen.writeNumber(f);
        } else {
            gen.writeNull();
        }
    }

    private static final class DoubleSerializer extends StdSerializer<Double> {
        private static final long serialVersionUID = 1L;

        DoubleSerializer() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            writeDouble(gen, value);
        }
    }

    private static final class FloatSerializer extends StdSerializer<Float> {
        private static final long serialVersionUID = 1L;

        FloatSerializer() {
            super(Float.class);
        }

        @Override
        public void serialize(Float value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            writeFloat(gen, value);
        }
    }

    private static final class DoubleArraySerializer extends StdSerializer<double[]> {
        private static final long serialVersionUID = 1L;

        DoubleArraySerializer() {
            super(double[].class);
        }

        @Override
        public void serialize(double[] value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartArray(value, value.length);
            for (double d : value) {
                writeDouble(gen, d);
            }
            gen.writeEndArray();
        }
    }

    private static final class FloatArraySerializer extends StdSerializer<float[]> {
        private static final long serialVersionUID = 1L;

        FloatArraySerializer() {
            super(float[].class);
        }

        @Override
        public void serialize(float[] value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartArray(value, value.length);
            for (float f : value) {
                writeFloat(gen, f);
            }
            gen.writeEndArray();
        }
    }
}
