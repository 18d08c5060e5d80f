package org.onecnn.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import org.onecnn.util.InvalidInputException;

/**
 * Reads experiment configs: a built-in by name (shipped in the jar under {@code experiments/}) or a
 * YAML file by path; applies {@code --set path=value} overrides; binds strictly (unknown keys, wrong
 * types and invalid values are errors naming the field); expands the grid into cells.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = mapper();

    private ConfigLoader() {
    }

    static ObjectMapper mapper() {
        YAMLFactory f = YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .disable(YAMLGenerator.Feature.SPLIT_LINES)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build();
        ObjectMapper m = new ObjectMapper(f);
        m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        m.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        return m;
    }

    /** The YAML mapper used for configs (snake_case keys). */
    public static ObjectMapper yaml() {
        return YAML;
    }

    /** Names of the built-in experiments, in the order of {@code experiments/INDEX}. */
    public static List<String> builtIns() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/experiments/INDEX")) {
            if (in == null) {
                return List.of();
            }
            List<String> names = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line = line.trim();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    names.add(line);
                }
            }
            return names;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in experiment index", e);
        }
    }

    /** The YAML text of a built-in experiment, or {@code null}. */
    public static String builtInText(String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            return null;
        }
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/experiments/" + name + ".yaml")) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read built-in experiment " + name, e);
        }
    }

    /** Where a config came from: a built-in name or a file path, and its text. */
    public record Source(String label, String text, boolean builtIn) {
    }

    /** Find a config by built-in name or file path. */
    public static Source source(String nameOrPath) {
        Path path = Path.of(nameOrPath);
        boolean looksLikePath = nameOrPath.contains("/") || nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml");
        if (Files.isRegularFile(path)) {
            try {
                return new Source(path.toString(), Files.readString(path, StandardCharsets.UTF_8), false);
            } catch (IOException e) {
                throw new InvalidInputException("config", "cannot read " + path + ": " + e.getMessage());
            }
        }
        if (!looksLikePath) {
            String text = builtInText(nameOrPath);
            if (text != null) {
                return new Source(nameOrPath, text, true);
            }
            throw new InvalidInputException("config", "no built-in experiment named '" + nameOrPath
                    + "' and no such file; built-ins: " + String.join(", ", builtIns()) + " (see: onecnn list)");
        }
        throw new InvalidInputException("config", "file not found: " + nameOrPath
                + "; give a path to a YAML file or a built-in name (see: onecnn list)");
    }

    /** Parse YAML text into a tree (a mapping). */
    public static ObjectNode parse(String text, String label) {
        JsonNode n;
        try {
            n = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new InvalidInputException("config", label + " is not valid YAML" + where + ": "
                    + e.getOriginalMessage().split("\n")[0]);
        }
        if (n == null || !n.isObject()) {
            throw new InvalidInputException("config", label + " must be a YAML mapping of sections (name, type, model, ...)");
        }
        return (ObjectNode) n;
    }

    /** Load, override and bind: the resolved experiment (grid not yet expanded). */
    public static Loaded load(String nameOrPath, List<String> sets) {
        Source src = source(nameOrPath);
        ObjectNode tree = parse(src.text(), src.label());
        for (String s : sets) {
            applySet(tree, s);
        }
        ExperimentConfig cfg = bind(tree);
        List<Cell> cells = cells(cfg);
        return new Loaded(src, cfg, cells);
    }

    /** A loaded experiment: where it came from, the resolved config and its cells. */
    public record Loaded(Source source, ExperimentConfig config, List<Cell> cells) {
    }

    /** The tree of the all-defaults config: the schema used to resolve short field names. */
    static JsonNode schema() {
        ExperimentConfig d = new ExperimentConfig("schema", "population-sweep", null, null, null, null, null, null, null,
                null, null, null, null, null, null);
        ObjectNode t = YAML.valueToTree(d);
        return t;
    }

    /**
     * Resolve a field name to its dotted path: a path is returned as is when its first segment is a
     * top-level key; a bare name must name exactly one field of the schema.
     */
    static String resolvePath(String name) {
        JsonNode schema = schema();
        String[] parts = name.split("\\.");
        if (schema.has(parts[0])) {
            return name;
        }
        List<String> hits = new ArrayList<>();
        collectLeaf(schema, "", parts[0], hits);
        if (hits.size() == 1) {
            return hits.get(0) + (parts.length > 1 ? name.substring(parts[0].length()) : "");
        }
        if (hits.isEmpty()) {
            throw new InvalidInputException(name, "unknown key; known sections: " + String.join(", ", fieldNames(schema))
                    + " (write a path such as train.eta)");
        }
        throw new InvalidInputException(name, "ambiguous key, matches " + String.join(" and ", hits)
                + "; write the full path");
    }

    private static void collectLeaf(JsonNode node, String prefix, String name, List<String> hits) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getKey().equals(name) && !path.startsWith("grid")) {
                hits.add(path);
            }
            if (e.getValue().isObject() && !e.getKey().equals("grid")) {
                collectLeaf(e.getValue(), path, name, hits);
            }
        }
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Apply one {@code path=value} override; the value is read as YAML ({@code [1, 2]}, {@code null}, ...). */
    public static void applySet(ObjectNode tree, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new InvalidInputException("--set", "expected field=value, got '" + assignment + "'");
        }
        String path = resolvePath(assignment.substring(0, eq).trim());
        String raw = assignment.substring(eq + 1).trim();
        JsonNode value;
        try {
            value = raw.isEmpty() ? JsonNodeFactory.instance.textNode("") : YAML.readTree(raw);
            if (value == null || value.isMissingNode()) {
                value = JsonNodeFactory.instance.nullNode();
            }
        } catch (JsonProcessingException e) {
            value = JsonNodeFactory.instance.textNode(raw);
        }
        setPath(tree, path, value);
    }

    /**
     * Set a field by path. {@code model.d} and {@code model.k} determine each other (with p and s), so
     * setting one of {@code k, p, s} forgets a resolved {@code d}, and setting {@code d} forgets {@code k}:
     * the override wins over a value that was derived from the old shape. Setting {@code p} of a
     * non-overlapping model ({@code s = p}) keeps it non-overlapping.
     */
    static void setPath(ObjectNode tree, String path, JsonNode value) {
        if (tree.get("model") instanceof ObjectNode model) {
            if (path.equals("model.p") && model.has("s") && model.get("s").equals(model.get("p"))) {
                model.remove("s"); // non-overlapping stays non-overlapping: s follows p
            }
            if (path.equals("model.k") || path.equals("model.p") || path.equals("model.s")) {
                model.remove("d");
            } else if (path.equals("model.d")) {
                model.remove("k");
            }
        }
        String[] parts = path.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null || !child.isObject()) {
                child = node.putObject(parts[i]);
            }
            node = (ObjectNode) child;
        }
        node.set(parts[parts.length - 1], value);
    }

    /** Bind a tree strictly to a config; every problem becomes one {@link InvalidInputException}. */
    public static ExperimentConfig bind(JsonNode tree) {
        try {
            return YAML.treeToValue(tree, ExperimentConfig.class);
        } catch (ValueInstantiationException e) {
            Throwable c = e.getCause();
            while (c != null && !(c instanceof InvalidInputException)) {
                c = c.getCause();
            }
            if (c != null) {
                throw (InvalidInputException) c;
            }
            throw new InvalidInputException(path(e), e.getOriginalMessage());
        } catch (UnrecognizedPropertyException e) {
            String p = path(e);
            TreeSet<String> known = new TreeSet<>();
            for (Object o : e.getKnownPropertyIds()) {
                known.add(String.valueOf(o));
            }
            throw new InvalidInputException(p, "unknown key; allowed here: " + String.join(", ", known));
        } catch (InvalidFormatException e) {
            throw new InvalidInputException(path(e), "cannot read '" + e.getValue() + "' as "
                    + typeName(e.getTargetType()));
        } catch (MismatchedInputException e) {
            throw new InvalidInputException(path(e), "expected " + typeName(e.getTargetType()));
        } catch (JsonMappingException e) {
            Throwable c = e.getCause();
            if (c instanceof InvalidInputException iie) {
                throw iie;
            }
            throw new InvalidInputException(path(e), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("config", e.getOriginalMessage());
        }
    }

    private static String typeName(Class<?> t) {
        if (t == null) {
            return "a different value";
        }
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return "an integer";
        }
        if (t == Double.class || t == double.class) {
            return "a number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(t)) {
            return "a list";
        }
        if (t == Eta.class) {
            return "a number > 0 or 'auto'";
        }
        return "a mapping (section)";
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "config" : sb.toString();
    }

    /** One grid cell: its index, the axis values by axis name, and the config with them substituted. */
    public record Cell(int index, LinkedHashMap<String, JsonNode> values, ExperimentConfig config) {
        /** The cell as {@code k=25, ratio=4}. */
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

    /** Expand the grid (cartesian product, last axis fastest) into validated cells. */
    public static List<Cell> cells(ExperimentConfig cfg) {
        ObjectNode base = YAML.valueToTree(cfg);
        base.remove("grid");
        List<String> axes = cfg.axes();
        List<String> paths = new ArrayList<>();
        for (String a : axes) {
            String p;
            try {
                p = resolvePath(a);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("grid." + a, "is not a field of the config: " + e.getMessage());
            }
            if (p.startsWith("grid") || p.equals("name") || p.equals("type")) {
                throw new InvalidInputException("grid." + a, "cannot be a grid axis");
            }
            paths.add(p);
        }
        List<Cell> cells = new ArrayList<>();
        int[] idx = new int[axes.size()];
        int total = 1;
        for (String a : axes) {
            total = Math.multiplyExact(total, cfg.grid().get(a).size());
        }
        for (int c = 0; c < total; c++) {
            int rem = c;
            for (int i = axes.size() - 1; i >= 0; i--) {
                int n = cfg.grid().get(axes.get(i)).size();
                idx[i] = rem % n;
                rem /= n;
            }
            ObjectNode t = base.deepCopy();
            LinkedHashMap<String, JsonNode> values = new LinkedHashMap<>();
            for (int i = 0; i < axes.size(); i++) {
                JsonNode v = cfg.grid().get(axes.get(i)).get(idx[i]);
                values.put(axes.get(i), v);
                setPath(t, paths.get(i), v);
            }
            ExperimentConfig cc;
            try {
                cc = bind(t);
            } catch (InvalidInputException e) {
                String label = new Cell(c, values, null).label();
                throw new InvalidInputException(e.field(), (axes.isEmpty() ? "" : "in grid cell " + label + ": ")
                        + e.getMessage().substring(e.field().isEmpty() ? 0 : e.field().length() + 2));
            }
            cells.add(new Cell(c, values, cc));
        }
        return cells;
    }

    /** The resolved config as YAML. */
    public static String toYaml(ExperimentConfig cfg) {
        try {
            return YAML.writeValueAsString(cfg);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
