package org.onecnn.spark;

import org.onecnn.experiment.CellKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.onecnn.experiment.CellStore;
import org.onecnn.experiment.CellSweep;

/**
 * A computed cell as the bytes a Spark task returns and keeps under a cell URI: one JSON object
 * <pre>
 * {"format":1,"cell":"cell 3: k=36, ratio=4","config_sha256":"…","csv":"…","csv_sha256":"…",
 *  "parts":{"cell-00003-trajectories.csv":"…"},"parts_sha256":{"cell-00003-trajectories.csv":"…"}}
 * </pre>
 * with the cell's label and the run's config hash (as in {@link CellStore}'s cell files), its CSV (column line and
 * rows) and its parts, each with its SHA-256. The encoding is a function of the cell's output alone (fields in
 * this order, parts in the order the cell gives them), so a cell computed twice has the same bytes.
 */
final class CellBytes {
    static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private CellBytes() {
    }

    static byte[] encode(String configHash, CellKey key, CellSweep.Output out) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("cell", key.label());
        m.put("config_sha256", configHash);
        m.put("csv", out.csv());
        m.put("csv_sha256", sha(out.csv()));
        Map<String, String> hashes = new LinkedHashMap<>();
        out.parts().forEach((k, v) -> hashes.put(k, sha(v)));
        m.put("parts", out.parts());
        m.put("parts_sha256", hashes);
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The output of cell {@code key} of the run whose config hash is {@code configHash}.
     *
     * @throws IllegalStateException naming what is wrong, if the bytes are not an intact encoding of that cell
     */
    static CellSweep.Output decode(byte[] bytes, String configHash, CellKey key) {
        String problem = problem(bytes, configHash, key);
        if (problem != null) {
            throw new IllegalStateException(key.label() + ": " + problem);
        }
        JsonNode j = tree(bytes);
        Map<String, String> parts = new LinkedHashMap<>();
        j.get("parts").fields().forEachRemaining(e -> parts.put(e.getKey(), e.getValue().asText()));
        return new CellSweep.Output(j.get("csv").asText(), parts);
    }

    /** What is wrong with {@code bytes} as cell {@code key} of this config, or null if they are intact. */
    static String problem(byte[] bytes, String configHash, CellKey key) {
        JsonNode j = tree(bytes);
        if (j == null || !j.path("format").isInt() || !j.path("csv").isTextual() || !j.path("parts").isObject()
                || !j.path("parts_sha256").isObject()) {
            return "not a onecnn cell (damaged or truncated)";
        }
        if (j.get("format").asInt() != FORMAT) {
            return "cell format " + j.get("format").asInt() + ", not " + FORMAT;
        }
        if (!configHash.equals(j.path("config_sha256").asText())) {
            return "a cell of another config (config hash " + CellStore.shortHash(j.path("config_sha256").asText())
                    + ", this run's is " + CellStore.shortHash(configHash) + ")";
        }
        if (!key.label().equals(j.path("cell").asText())) {
            return "holds " + j.path("cell").asText() + ", not " + key.label();
        }
        if (!sha(j.get("csv").asText()).equals(j.path("csv_sha256").asText())) {
            return "fails its checksum";
        }
        var it = j.get("parts").fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!key.parts().contains(e.getKey())) {
                return "has a part " + e.getKey() + " this cell does not have";
            }
            if (!sha(e.getValue().asText()).equals(j.get("parts_sha256").path(e.getKey()).asText())) {
                return "fails the checksum of its part " + e.getKey();
            }
        }
        return null;
    }

    private static JsonNode tree(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String sha(String text) {
        return CellStore.sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
