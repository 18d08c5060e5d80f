package org.onecnn.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One point of a config's grid: its index, the axis values by axis name, and the config with them substituted. A
 * config without a grid has one point, the config itself. Not a stored cell: a point may compute in many cells
 * ({@link CellKey}), or in none.
 */
public record GridPoint(int index, LinkedHashMap<String, JsonNode> values, ExperimentSpec config) {
    /** The point as {@code k=25, ratio=4}. */
    public String label() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, JsonNode> e : values.entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append('=').append(e.getValue().asText());
        }
        return sb.length() == 0 ? "(single cell)" : sb.toString();
    }
}
