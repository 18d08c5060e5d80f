package org.onecnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class JsonTest {
    @TempDir
    Path tmp;

    record Point(double z, double a, float m, Double boxed, float[] fs) {
    }

    @Test
    void nonFiniteNumbersBecomeNullEverywhere() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("record", new Point(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Double.NaN,
                new float[] {1.5f, Float.NaN}));
        m.put("list", Arrays.asList(1.0, Double.NaN, null));
        m.put("array", new double[] {Double.NEGATIVE_INFINITY, 2});
        m.put("boxed", new Double[] {Double.NaN, 3.0});
        String json = Json.toJson(m);
        assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
        JsonNode root = new ObjectMapper().readTree(json); // strict parse
        assertTrue(root.get("record").get("z").isNull());
        assertTrue(root.get("record").get("a").isNull());
        assertTrue(root.get("record").get("m").isNull());
        assertTrue(root.get("record").get("boxed").isNull());
        assertEquals(1.5, root.get("record").get("fs").get(0).asDouble());
        assertTrue(root.get("record").get("fs").get(1).isNull());
        assertTrue(root.get("list").get(1).isNull());
        assertTrue(root.get("array").get(0).isNull());
        assertEquals(2.0, root.get("array").get(1).asDouble());
        assertTrue(root.get("boxed").get(0).isNull());
    }

    @Test
    void recordsKeepComponentOrderAndMapsInsertionOrder() {
        String json = Json.toJson(new Point(1, 2, 3, 4.0, new float[0]));
        assertTrue(json.indexOf("\"z\"") < json.indexOf("\"a\"") && json.indexOf("\"a\"") < json.indexOf("\"m\""),
                json);
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("b", 1);
        m.put("a", 2);
        assertEquals("{\n  \"b\": 1,\n  \"a\": 2\n}\n", Json.toJson(m));
    }

    @Test
    void wilsonIntervalIsARecord() {
        assertEquals("{\n  \"estimate\": 0.0,\n  \"lower\": 0.0,\n  \"upper\": 1.0\n}\n",
                Json.toJson(new Statistics.Interval(0, 0, 1)));
    }

    @Test
    void writesFileAndUsesOnlyLineFeeds() throws IOException {
        Path f = tmp.resolve("a/b.json");
        Json.write(f, List.of(Map.of("k", "v")));
        String s = Files.readString(f, StandardCharsets.UTF_8);
        assertEquals(Json.toJson(List.of(Map.of("k", "v"))), s);
        assertFalse(s.contains("\r"));
        assertTrue(s.endsWith("}\n]\n"));
        try (var files = Files.list(f.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void tableJsonMatchesTableSerialisedInsideAnotherValue() {
        Table t = Table.builder("x").row(1).build();
        assertEquals(Json.tableToJson(t), Json.toJson(t));
        assertEquals("{\n  \"columns\": [\n    \"x\"\n  ],\n  \"rows\": [\n    {\n      \"x\": 1\n    }\n  ]\n}\n",
                Json.tableToJson(t));
        assertEquals("{\n  \"columns\": [\n    \"x\"\n  ],\n  \"rows\": []\n}\n",
                Json.tableToJson(Table.builder("x").build()));
    }

    @Test
    void unserialisableValueIsAnIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> Json.toJson(new Object()));
    }
}
