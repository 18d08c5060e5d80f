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
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
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
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .disable(YAMLGenerator.Feature.USE_NATIVE_TYPE_ID).build(); // the type is the spec's own field
        // a key given twice is an error, not "the last one wins"
        f.enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        ObjectMapper m = new ObjectMapper(f);
        // no silent coercions: 2 is not true, "yes" is not true, "" is not the default, "5" is not 5
        m.disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);
        m.coercionConfigDefaults().setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                .setAcceptBlankAsEmpty(false);
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        m.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        for (Experiment e : ExperimentTypes.all().values()) {
            // the spec record of each registered type, bound by the config's 'type' (ExperimentSpec)
            m.registerSubtypes(new com.fasterxml.jackson.databind.jsontype.NamedType(e.specClass(), e.type()));
        }
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

    /** The largest config file read: room for thousands of explicit initial points. */
    static final long MAX_CONFIG_BYTES = 64L << 20;

    /** Find a config by built-in name or file path. */
    public static Source source(String nameOrPath) {
        Path path = Path.of(nameOrPath);
        boolean looksLikePath = nameOrPath.contains("/") || nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml");
        if (Files.isRegularFile(path)) {
            try {
                long size = Files.size(path);
                if (size > MAX_CONFIG_BYTES) {
                    // read whole into memory: a huge (or sparse) file would end in an OutOfMemoryError
                    throw new InvalidInputException("config", path + " is " + size + " bytes; a config is a YAML "
                            + "text of at most " + MAX_CONFIG_BYTES + " bytes (64 MiB)");
                }
                return new Source(path.toString(), Files.readString(path, StandardCharsets.UTF_8), false);
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new InvalidInputException("config", path + " is not a text file (a config is YAML text in "
                        + "UTF-8)");
            } catch (IOException e) {
                throw new InvalidInputException("config", "cannot read " + path + ": " + e.getMessage());
            }
        }
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new InvalidInputException("config", path + " is not a regular file (a device, pipe or socket); "
                    + "give a YAML config file or a built-in name (see: onecnn list)");
        }
        if (Files.isDirectory(path)) {
            throw new InvalidInputException("config", path + " is a folder; give a YAML config file or a built-in "
                    + "name (see: onecnn list)" + (Files.isRegularFile(path.resolve("config.yaml"))
                    ? ", or resume this run with --resume " + path : ""));
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
        if (text.isBlank()) {
            throw new InvalidInputException("config", label + " is empty; a config is a YAML mapping of sections "
                    + "(name, type, model, ...), e.g. the output of: onecnn show du2018-table1");
        }
        if (text.indexOf('\0') >= 0) {
            throw new InvalidInputException("config", label + " is not a text file (it contains NUL bytes); a config "
                    + "is YAML text");
        }
        JsonNode n;
        try {
            n = readYaml(text, label);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            String dup = duplicateKey(e);
            if (dup != null) {
                throw new InvalidInputException(dup, "is given twice in " + label + where + "; give each key once");
            }
            throw new InvalidInputException("config", label + " is not valid YAML" + where + ": "
                    + e.getOriginalMessage().split("\n")[0]);
        }
        if (n == null || !n.isObject()) {
            throw new InvalidInputException("config", label + " must be a YAML mapping of sections (name, type, model, ...)");
        }
        return (ObjectNode) n;
    }

    /**
     * The one reading of a config's scalars, the same in a file and in {@code --set} (docs/config.md#numbers-booleans-and-text):
     * a plain (unquoted) scalar is a number only when written in decimal digits ({@code 20}, {@code -3},
     * {@code 0.05}, {@code 1.0e-10}, {@code 2e1}), a boolean only as {@code true} or {@code false}, and null as
     * {@code null}, {@code ~} or nothing. Every other plain scalar is kept as the text it is: YAML 1.1's
     * {@code yes}/{@code no}/{@code on}/{@code off}, {@code 0x14}, {@code 2_0}, {@code 0b101}, {@code 024}
     * (octal 20 in YAML 1.1, 24 in YAML 1.2), {@code .inf}, {@code .nan}. So {@code name: yes} is the name "yes",
     * and where a number or a boolean is needed such text is refused by {@link #bind}, saying how to write the
     * value ({@link #notationHint}), instead of being read silently as 20 or true, or failing as "not valid YAML".
     */
    static JsonNode readYaml(String text, String label) throws JsonProcessingException {
        try (com.fasterxml.jackson.core.JsonParser p = YAML.getFactory().createParser(text)) {
            com.fasterxml.jackson.core.JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            JsonNode root = readValue(p, t);
            if (p.nextToken() != null) {
                throw new InvalidInputException("config", label + " holds more than one YAML document (a second "
                        + "'---' at line " + p.currentLocation().getLineNr() + "); a config is one document");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException(e); // reading a String
        }
    }

    /** A decimal integer: an optional sign and digits, no leading zero. */
    private static final java.util.regex.Pattern DECIMAL_INT = java.util.regex.Pattern.compile("[-+]?(0|[1-9][0-9]*)");
    /** A decimal number: digits with an optional fraction and exponent. */
    private static final java.util.regex.Pattern DECIMAL_FLOAT = java.util.regex.Pattern.compile(
            "[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    private static JsonNode readValue(com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.core.JsonToken t)
            throws IOException {
        JsonNodeFactory nf = JsonNodeFactory.instance;
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = nf.objectNode();
                for (t = p.nextToken(); t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME; t = p.nextToken()) {
                    String key = p.currentName();
                    o.set(key, readValue(p, p.nextToken())); // a key given twice: the parser's duplicate detection
                }
                return o;
            }
            case START_ARRAY: {
                com.fasterxml.jackson.databind.node.ArrayNode a = nf.arrayNode();
                for (t = p.nextToken(); t != com.fasterxml.jackson.core.JsonToken.END_ARRAY; t = p.nextToken()) {
                    a.add(readValue(p, t));
                }
                return a;
            }
            case VALUE_NULL:
                return nf.nullNode();
            case VALUE_TRUE:
            case VALUE_FALSE: {
                String s = p.getText();
                return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")
                        ? nf.booleanNode(t == com.fasterxml.jackson.core.JsonToken.VALUE_TRUE) : nf.textNode(s);
            }
            case VALUE_NUMBER_INT: {
                String s = p.getText();
                if (!DECIMAL_INT.matcher(s).matches()) {
                    return nf.textNode(s);
                }
                return switch (p.getNumberType()) {
                    case INT -> nf.numberNode(p.getIntValue());
                    case LONG -> nf.numberNode(p.getLongValue());
                    default -> nf.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT: {
                String s = p.getText();
                return DECIMAL_FLOAT.matcher(s).matches() ? nf.numberNode(Double.parseDouble(s)) : nf.textNode(s);
            }
            default:
                return nf.textNode(p.getText());
        }
    }

    /** YAML 1.1's other spellings of true and false. */
    private static final java.util.Set<String> YAML11_BOOLEANS = java.util.Set.of("yes", "no", "on", "off", "y", "n");

    /**
     * What is wrong with {@code v} where a value of type {@code target} is needed, in the terms of the YAML a user
     * wrote, or null when there is nothing to add to "expected ...": infinite or NaN for a number, an integer in
     * another notation than decimal digits, a number with a fraction or exponent for an integer, YAML 1.1's
     * {@code yes}/{@code no} for a boolean.
     */
    static String notationHint(Class<?> target, JsonNode v) {
        if (target == null || v == null) {
            return null;
        }
        boolean integer = target == Integer.class || target == int.class || target == Long.class
                || target == long.class;
        boolean number = integer || target == Double.class || target == double.class || target == Float.class
                || target == float.class;
        if (v.isTextual() && number) {
            String s = v.asText().trim();
            String nf = nonFiniteHint(s);
            if (nf != null) {
                return nf;
            }
            java.math.BigInteger other = otherIntegerNotation(s);
            if (other != null) {
                return "'" + s + "' is not written in decimal digits; write " + other;
            }
            if (s.matches("[-+]?0[0-9]+")) {
                return "'" + s + "' has a leading zero (an octal number to YAML 1.1, a decimal one to YAML 1.2); "
                        + "write the integer in decimal digits without it";
            }
            if (s.contains("_") && DECIMAL_FLOAT.matcher(s.replace("_", "")).matches()) {
                return "'" + s + "' has '_' in it; write the number in digits only: " + s.replace("_", "");
            }
            return null;
        }
        if (integer && v.isNumber() && !v.isIntegralNumber()) {
            double d = v.asDouble();
            if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
                return "an integer is needed; write " + new java.math.BigDecimal(d).toBigInteger()
                        + " (decimal digits, without a fraction or exponent)";
            }
            return "an integer is needed, got " + d;
        }
        if ((target == Boolean.class || target == boolean.class) && v.isTextual()
                && YAML11_BOOLEANS.contains(v.asText().toLowerCase(java.util.Locale.ROOT))) {
            return "'" + v.asText() + "' is not a boolean here: write true or false";
        }
        return null;
    }

    /**
     * "is infinite/NaN: use a finite number" for YAML's {@code .inf}, {@code -.inf} and {@code .nan} (any case) or
     * Java's {@code Infinity}/{@code NaN}, else null.
     */
    public static String nonFiniteHint(String s) {
        String t = s.trim();
        if (t.matches("[-+]?\\.(inf|Inf|INF)|[-+]?Infinity")) {
            return "is infinite (" + t + "); use a finite number";
        }
        if (t.matches("\\.(nan|NaN|NAN)|NaN")) {
            return "is NaN (" + t + ", not a number); use a finite number";
        }
        return null;
    }

    /** The value of a hexadecimal, octal ({@code 0o}), binary or '_'-grouped integer, or null for any other text. */
    private static java.math.BigInteger otherIntegerNotation(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([-+]?)(0[xX]([0-9a-fA-F_]+)|0[oO]([0-7_]+)"
                + "|0[bB]([01_]+)|([0-9][0-9_]*_[0-9_]*))").matcher(s);
        if (!m.matches()) {
            return null;
        }
        int radix = m.group(3) != null ? 16 : m.group(4) != null ? 8 : m.group(5) != null ? 2 : 10;
        String digits = (m.group(3) != null ? m.group(3) : m.group(4) != null ? m.group(4) : m.group(5) != null
                ? m.group(5) : m.group(6)).replace("_", "");
        if (digits.isEmpty()) {
            return null;
        }
        java.math.BigInteger b = new java.math.BigInteger(digits, radix);
        return m.group(1).equals("-") ? b.negate() : b;
    }

    /** The dotted path of a key given twice (Jackson's strict duplicate detection), or null. */
    private static String duplicateKey(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg == null || !msg.startsWith("Duplicate field '")) {
            return null;
        }
        String key = msg.substring("Duplicate field '".length(), msg.indexOf('\'', "Duplicate field '".length()));
        List<String> parts = new ArrayList<>();
        parts.add(key);
        if (e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser jp) {
            for (com.fasterxml.jackson.core.JsonStreamContext c = jp.getParsingContext().getParent(); c != null;
                    c = c.getParent()) {
                if (c.getCurrentName() != null) {
                    parts.add(0, c.getCurrentName());
                }
            }
        }
        return String.join(".", parts);
    }

    /**
     * The {@code type} a config will have after the overrides, or null when that cannot be told yet (the
     * config or an override is bad: {@link #load} reports it).
     */
    public static String peekType(String nameOrPath, List<String> sets) {
        try {
            ObjectNode tree = parse(source(nameOrPath).text(), nameOrPath);
            for (String s : sets) {
                applySet(tree, s);
            }
            return tree.path("type").isTextual() ? tree.get("type").asText() : null;
        } catch (InvalidInputException e) {
            return null;
        }
    }

    /** Load, override and bind: the resolved experiment (grid not yet expanded). */
    public static Loaded load(String nameOrPath, List<String> sets) {
        return load(nameOrPath, sets, false);
    }

    /**
     * The config a run folder recorded ({@code config.yaml}, onecnn's own output, checked against the config hash
     * of {@code provenance.json} by the caller): loaded as {@link #load} does, except that a field the grid
     * replaces is not refused (a resolved config holds none, but one written where the grid's replaced fields
     * could not be left out, {@link #toYaml}, still resumes).
     */
    public static Loaded loadRecorded(Path configYaml) {
        return load(configYaml.toString(), List.of(), true);
    }

    private static Loaded load(String nameOrPath, List<String> sets, boolean recorded) {
        Source src = source(nameOrPath);
        ObjectNode tree = parse(src.text(), src.label());
        java.util.Set<String> set = new java.util.HashSet<>();
        for (String s : sets) {
            String path = applySet(tree, s);
            if (!set.add(path)) {
                // like a duplicate YAML key: the last one would silently win
                throw new InvalidInputException(path, "is given twice (by --set, or by --set and --profile); give "
                        + "each field once");
            }
            for (String earlier : set) {
                if (earlier.startsWith(path + ".")) {
                    // the whole section replaces (and silently drops) a field set before it
                    throw new InvalidInputException(path, "replaces the whole " + path + " section, dropping the "
                            + "earlier --set " + earlier + "; set " + path + " first, then its fields");
                }
            }
        }
        ExperimentSpec cfg = bind(tree);
        List<GridPoint> cells = cells(cfg); // the axes are checked (every cell validated) before the fields they replace
        Map<String, String> replaced = replacedByGrid(cfg);
        if (!recorded) {
            refuseGivenFieldsTheGridReplaces(tree, src.builtIn(), set, replaced);
            refuseStrideTheStridesReplace(tree, cfg, set);
        }
        ExperimentSpec canonical = withoutReplaced(cfg, replaced);
        return new Loaded(src, canonical, canonical == cfg ? cells : cells(canonical));
    }

    /**
     * The fields of the base config that the grid replaces in every cell, each with the axis replacing it: the
     * axis's own field, and those {@link #setPath} drops with it ({@code model.d} when {@code k}, {@code p} or
     * {@code s} is swept, {@code model.s} of a non-overlapping model when {@code p} is). Their base values are
     * used nowhere.
     */
    public static Map<String, String> replacedByGrid(ExperimentSpec cfg) {
        Map<String, String> out = new LinkedHashMap<>();
        if (cfg.axes().isEmpty()) {
            return out;
        }
        ObjectNode base = YAML.valueToTree(cfg);
        base.remove("grid");
        Map<String, JsonNode> before = leaves(base, "");
        for (String a : cfg.axes()) {
            ObjectNode t = base.deepCopy();
            // a value no config holds: every field the axis sets or drops differs from the base afterwards
            setPath(t, resolvePath(a, cfg.type()), JsonNodeFactory.instance.textNode("\u0000grid"));
            Map<String, JsonNode> after = leaves(t, "");
            for (Map.Entry<String, JsonNode> e : before.entrySet()) {
                if (!e.getValue().equals(after.get(e.getKey()))) {
                    out.putIfAbsent(e.getKey(), a);
                }
            }
        }
        return out;
    }

    /** The leaves (scalars, lists, nulls) of a tree of mappings, by dotted path. */
    private static Map<String, JsonNode> leaves(JsonNode n, String prefix) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isObject()) {
                out.putAll(leaves(e.getValue(), path));
            } else {
                out.put(path, e.getValue());
            }
        }
        return out;
    }

    /**
     * No field the user gives may be without effect: a field of the config file, or one given by {@code --set},
     * that a grid axis replaces in every cell is refused, naming both. A built-in's own fields are not the user's
     * (bg2017-fixed-output gives {@code model.p: 5} and sweeps {@code p}); a null (the default) sets nothing.
     */
    private static void refuseGivenFieldsTheGridReplaces(ObjectNode tree, boolean builtIn, java.util.Set<String> sets,
            Map<String, String> replaced) {
        if (replaced.isEmpty()) {
            return;
        }
        JsonNode noGrid = tree.deepCopy();
        ((ObjectNode) noGrid).remove("grid");
        for (Map.Entry<String, JsonNode> e : leaves(noGrid, "").entrySet()) {
            String field = e.getKey();
            String axis = replaced.get(field);
            if (axis == null || e.getValue().isNull()) {
                continue;
            }
            boolean given = !builtIn || sets.stream().anyMatch(sp -> field.equals(sp) || field.startsWith(sp + "."));
            if (!given) {
                continue;
            }
            String axisPath = resolvePath(axis, tree.path("type").asText(null));
            String value = e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString();
            throw new InvalidInputException(field, field.equals(axisPath)
                    ? "is " + value + ", but the grid axis grid." + axis + " replaces it in every cell, so it would "
                            + "change nothing; remove " + field + " (the values swept are those of grid." + axis + ")"
                    : "is " + value + ", but the grid axis grid." + axis + " sets " + axisPath + " in every cell, "
                            + "which drops " + field + " (it follows from " + axisPath + "), so it would change "
                            + "nothing; remove " + field);
        }
    }

    /**
     * Double Convotron and overlap-landscape run every stride of {@code convotron.strides} on the input dimension
     * {@code model.d}: {@code model.s} is used nowhere, so a stride the user gives would change nothing (and, by
     * {@code --set}, it drops {@code model.d}, which then silently follows from the default {@code k}: {@code --set
     * model.s=12} on dg2019-double-convotron ran d = 304 instead of 160). Refused naming both fields. A file's
     * {@code s} equal to {@code p}, the default, is what {@code show --resolved} writes: it is let through.
     */
    private static void refuseStrideTheStridesReplace(ObjectNode tree, ExperimentSpec cfg, java.util.Set<String> sets) {
        if (!(cfg instanceof Sections.ConvotronSpec c)) {
            return;
        }
        JsonNode s = tree.path("model").path("s");
        if (s.isMissingNode() || s.isNull()) {
            return;
        }
        if (!sets.contains("model.s") && c.model().s() == c.model().p()) {
            return;
        }
        throw new InvalidInputException("model.s", "is " + s.asText() + ", but experiments of type " + cfg.type()
                + " run every stride of convotron.strides (on d = model.d), so it would change nothing; remove "
                + "model.s and give the strides in convotron.strides, e.g. --set 'convotron.strides=["
                + s.asText() + "]'");
    }

    /**
     * The config with the fields the grid replaces left at their defaults, as {@link #toYaml} writes it (without
     * them) and as it reads back: a run and its resume have one base config. The config itself where that does not
     * bind (a base value the grid replaces is needed for the base config to be valid).
     */
    private static ExperimentSpec withoutReplaced(ExperimentSpec cfg, Map<String, String> replaced) {
        ObjectNode t = strippedTree(cfg, replaced);
        if (t == null) {
            return cfg;
        }
        try {
            return bind(t);
        } catch (InvalidInputException e) {
            return cfg;
        }
    }

    /** The config as a tree without the fields the grid replaces, or null when there are none. */
    private static ObjectNode strippedTree(ExperimentSpec cfg, Map<String, String> replaced) {
        if (replaced.isEmpty()) {
            return null;
        }
        ObjectNode t = YAML.valueToTree(cfg);
        for (String field : replaced.keySet()) {
            String[] parts = field.split("\\.");
            JsonNode n = t;
            for (int i = 0; i < parts.length - 1 && n != null; i++) {
                n = n.get(parts[i]);
            }
            if (n instanceof ObjectNode o) {
                o.remove(parts[parts.length - 1]);
            }
        }
        return t;
    }

    /** A loaded experiment: where it came from, the resolved config and its cells. */
    public record Loaded(Source source, ExperimentSpec config, List<GridPoint> cells) {
    }

    /**
     * The tree of the all-defaults config of {@code type} (of every registered type, merged, for a null or
     * unknown type): the schema used to resolve short field names.
     */
    static JsonNode schema(String type) {
        if (ExperimentTypes.known(type)) {
            return SCHEMAS.computeIfAbsent(type, t -> {
                ObjectNode tree = JsonNodeFactory.instance.objectNode();
                tree.put("name", "schema");
                tree.put("type", t);
                return YAML.valueToTree(bind(tree));
            });
        }
        ObjectNode all = JsonNodeFactory.instance.objectNode();
        for (String t : ExperimentTypes.names()) {
            schema(t).fields().forEachRemaining(e -> {
                if (!all.has(e.getKey())) {
                    all.set(e.getKey(), e.getValue());
                }
            });
        }
        return all;
    }

    private static final Map<String, JsonNode> SCHEMAS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The config sections experiments of {@code type} read, in file order (every section of every type for a
     * null or unknown type): the top-level keys of its spec other than {@link ExperimentSpec#SCALARS}. A bare
     * field name ({@code --set eta=...}) is looked up only in these, and a config or {@code --set} naming any
     * other section is refused (it would change nothing).
     */
    public static java.util.Set<String> sections(String type) {
        java.util.Set<String> s = new java.util.LinkedHashSet<>();
        schema(type).fieldNames().forEachRemaining(s::add);
        s.removeAll(ExperimentSpec.SCALARS);
        return java.util.Collections.unmodifiableSet(s);
    }

    /**
     * Resolve a field name to its dotted path: a path is returned as is when its first segment is a
     * top-level key; a bare name must name exactly one field of the schema.
     */
    static String resolvePath(String name) {
        return resolvePath(name, null);
    }

    /**
     * As {@link #resolvePath(String)}, a bare name looked up only in the sections experiments of {@code type}
     * use ({@link #sections}; all of them for a null or unknown type): {@code eta} is
     * {@code train.eta} on a population sweep and ambiguous on sample-size ({@code train.eta} and
     * {@code empirical.eta}).
     */
    public static String resolvePath(String name, String type) {
        JsonNode schema = schema(null);
        String[] parts = name.split("\\.");
        if (name.isEmpty() || parts.length == 0 || parts[0].isEmpty()) {
            throw new InvalidInputException("--set", "expected field=value with a field name before '=', got '"
                    + name + "'");
        }
        if (schema.has(parts[0])) {
            return name;
        }
        java.util.Set<String> used = sections(type);
        List<String> hits = new ArrayList<>();
        collectLeaf(schema, "", parts[0], hits);
        List<String> usedHits = hits.stream().filter(h -> used.contains(h.substring(0, h.indexOf('.')))).toList();
        if (usedHits.size() == 1) {
            return usedHits.get(0) + (parts.length > 1 ? name.substring(parts[0].length()) : "");
        }
        if (hits.isEmpty()) {
            throw new InvalidInputException(name, "unknown key; known sections: " + String.join(", ", fieldNames(schema))
                    + " (write a path such as train.eta)");
        }
        if (usedHits.isEmpty()) {
            throw new InvalidInputException(name, "is " + String.join(" or ", hits) + ", in a section experiments of "
                    + "type " + type + " do not use (they use " + String.join(", ", used) + ")");
        }
        throw new InvalidInputException(name, "ambiguous: write " + String.join(" or ", usedHits));
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
    public static String applySet(ObjectNode tree, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new InvalidInputException("--set", "expected field=value, got '" + assignment + "'");
        }
        String type = tree.path("type").isTextual() ? tree.get("type").asText() : null;
        String path = resolvePath(assignment.substring(0, eq).trim(), type);
        String section = path.split("\\.")[0];
        if (ExperimentTypes.known(type) && !ExperimentSpec.SCALARS.contains(section)
                && !sections(type).contains(section)) {
            throw new InvalidInputException(path, "experiments of type " + type + " do not use the " + section
                    + " section, so setting it would change nothing; they use " + String.join(", ",
                    sections(type)));
        }
        String raw = assignment.substring(eq + 1).trim();
        if (raw.isEmpty()) {
            throw new InvalidInputException(path, "--set " + path + "= has no value; give one (" + path
                    + "=null restores the default)");
        }
        JsonNode value;
        try {
            // read as a file's value is (readYaml): --set x=0x14 and x: 0x14 are refused alike
            value = readYaml(raw, "--set " + path);
            if (value == null || value.isMissingNode()) {
                value = JsonNodeFactory.instance.nullNode();
            }
        } catch (JsonProcessingException e) {
            value = JsonNodeFactory.instance.textNode(raw);
        }
        setPath(tree, path, value);
        return path;
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
        if (parts.length > 2 && parts[0].equals("grid")) {
            // a grid axis is a field path: grid.train.eta=[...] is the axis 'train.eta', not a section 'train'
            JsonNode grid = tree.get("grid");
            ObjectNode g = grid instanceof ObjectNode o ? o : tree.putObject("grid");
            g.set(path.substring("grid.".length()), value);
            return;
        }
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

    /**
     * Bind a tree strictly to the spec of its type; every problem becomes one {@link InvalidInputException}. A
     * section the type does not read is refused, naming the sections it does.
     */
    public static ExperimentSpec bind(JsonNode tree) {
        JsonNode t = tree.path("type");
        String type = t.isTextual() ? t.asText() : null;
        if (!t.isMissingNode() && !t.isNull() && !t.isTextual()) {
            throw new InvalidInputException("type", "expected a string" + ", got " + t);
        }
        JsonNode name = tree.path("name");
        if (name.isTextual() || name.isNull() || name.isMissingNode()) {
            ExperimentSpec.requireName(name.isTextual() ? name.asText() : null);
        }
        Experiment exp = ExperimentTypes.get(type);
        refuseUnusedSections(tree, exp);
        try {
            return YAML.treeToValue(withDefaults(tree, exp.specClass()), exp.specClass());
        } catch (ValueInstantiationException e) {
            Throwable c = e.getCause();
            while (c != null && !(c instanceof InvalidInputException)) {
                c = c.getCause();
            }
            if (c != null) {
                throw underSection((InvalidInputException) c, path(e));
            }
            // a value the section's checks did not anticipate: name the section, never a Java class
            throw new InvalidInputException(path(e), "cannot be read" + given(tree, e) + "; see onecnn show "
                    + "du2018-table1 --resolved for the form of every section");
        } catch (UnrecognizedPropertyException e) {
            String p = path(e);
            TreeSet<String> known = new TreeSet<>();
            for (Object o : e.getKnownPropertyIds()) {
                known.add(String.valueOf(o));
            }
            throw new InvalidInputException(p, "unknown key; allowed here: " + String.join(", ", known));
        } catch (InvalidFormatException e) {
            String hint = notationHint(e.getTargetType(), node(tree, e));
            throw new InvalidInputException(path(e), hint != null ? hint : "cannot read '" + e.getValue() + "' as "
                    + typeName(e.getTargetType()));
        } catch (MismatchedInputException e) {
            String hint = notationHint(e.getTargetType(), node(tree, e));
            throw new InvalidInputException(path(e), hint != null ? hint : "expected " + typeName(e.getTargetType())
                    + given(tree, e));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof com.fasterxml.jackson.core.exc.InputCoercionException ice) {
                boolean isLong = ice.getTargetType() == Long.class || ice.getTargetType() == long.class;
                throw new InvalidInputException(path(e), "is out of range: expected " + typeName(ice.getTargetType())
                        + " from " + (isLong ? Long.MIN_VALUE : Integer.MIN_VALUE) + " to " + (isLong ? Long.MAX_VALUE
                        : Integer.MAX_VALUE) + given(tree, e));
            }
            Throwable c = e.getCause();
            if (c instanceof InvalidInputException iie) {
                throw iie;
            }
            throw new InvalidInputException(path(e), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("config", e.getOriginalMessage());
        }
    }

    /**
     * A problem found while a section was built, named by its YAML path: the sections name their fields by
     * path already; a value or library class they call names only its own parameter ({@code regime},
     * {@code ratio}), and the config layer adds the path of the section it was read from.
     */
    private static InvalidInputException underSection(InvalidInputException e, String section) {
        String f = e.field();
        boolean bare = !f.isEmpty() && !f.contains(".") && !ExperimentSpec.SCALARS.contains(f)
                && !f.startsWith("-") && !f.equals("config");
        if (!bare || section.equals("config")) {
            return e;
        }
        // the failure is reported at the field itself (a value's factory) or at its section (a record)
        return section.endsWith("." + f) ? e.under(section.substring(0, section.length() - f.length() - 1))
                : e.under(section);
    }

    /**
     * {@code tree} with every absent (or null) section of {@code spec} given as {@code {}}, so that the section's
     * record fills each of its defaults, and the description and seed defaulted ("", 1): the one place a spec's
     * missing parts are filled, whatever its type.
     */
    private static JsonNode withDefaults(JsonNode tree, Class<? extends ExperimentSpec> spec) {
        ObjectNode t = ((ObjectNode) tree).deepCopy();
        for (java.lang.reflect.RecordComponent c : spec.getRecordComponents()) {
            String key = SNAKE.translate(c.getName());
            JsonNode v = t.get(key);
            if ((v == null || v.isNull()) && (c.getType().isRecord() || Map.class.isAssignableFrom(c.getType()))) {
                t.putObject(key);
            }
        }
        if (t.path("description").isMissingNode() || t.path("description").isNull()) {
            t.put("description", "");
        }
        if (t.path("seed").isMissingNode() || t.path("seed").isNull()) {
            t.put("seed", 1L);
        }
        return t;
    }

    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /** Refuses a top-level key that is a section of other types only, or no key of any type at all. */
    private static void refuseUnusedSections(JsonNode tree, Experiment exp) {
        Iterator<String> it = tree.fieldNames();
        while (it.hasNext()) {
            String key = it.next();
            if (ExperimentSpec.SCALARS.contains(key)) {
                continue; // (the schema of a type is bound from its scalars alone: no recursion below)
            }
            java.util.Set<String> used = sections(exp.type());
            if (used.contains(key)) {
                continue;
            }
            java.util.Set<String> any = sections(null);
            if (key.equals("grid")) {
                throw new InvalidInputException("grid", "type " + exp.type() + " has no grid (only population-sweep "
                        + "experiments sweep a grid" + exp.gridHint() + "); remove the grid section");
            }
            if (any.contains(key)) {
                throw new InvalidInputException(key, "experiments of type " + exp.type() + " do not use the " + key
                        + " section, so it would change nothing; remove it (they use " + String.join(", ", used)
                        + ")");
            }
            TreeSet<String> known = new TreeSet<>(ExperimentSpec.SCALARS);
            known.addAll(used);
            throw new InvalidInputException(key, "unknown key; allowed here: " + String.join(", ", known));
        }
    }

    /** The value at the failing path of the tree, or null when it cannot be found. */
    private static JsonNode node(JsonNode tree, JsonMappingException e) {
        StringBuilder ptr = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                ptr.append('/').append(r.getFieldName().replace("~", "~0").replace("/", "~1"));
            } else if (r.getIndex() >= 0) {
                ptr.append('/').append(r.getIndex());
            }
        }
        JsonNode v = ptr.length() == 0 ? null : tree.at(ptr.toString());
        return v == null || v.isMissingNode() ? null : v;
    }

    /** {@code ", got <value>"} for the value at the failing path of the tree, or "" when it cannot be found. */
    private static String given(JsonNode tree, JsonMappingException e) {
        StringBuilder ptr = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                ptr.append('/').append(r.getFieldName().replace("~", "~0").replace("/", "~1"));
            } else if (r.getIndex() >= 0) {
                ptr.append('/').append(r.getIndex());
            }
        }
        JsonNode v = tree.at(ptr.toString());
        if (v == null || v.isMissingNode() || ptr.length() == 0) {
            return "";
        }
        String s = v.isTextual() ? "'" + v.asText() + "'" : v.toString();
        return ", got " + (s.length() > 60 ? s.substring(0, 60) + "..." : s);
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

    /** The most cells a grid may have (each cell is a file of its own and a row of every summary). */
    public static final int MAX_CELLS = 100_000;

    /** Expand the grid (cartesian product, last axis fastest) into validated cells. */
    public static List<GridPoint> cells(ExperimentSpec cfg) {
        ObjectNode base = YAML.valueToTree(cfg);
        base.remove("grid");
        List<String> axes = cfg.axes();
        List<String> paths = new ArrayList<>();
        for (String a : axes) {
            String p;
            try {
                p = resolvePath(a, cfg.type());
            } catch (InvalidInputException e) {
                throw new InvalidInputException("grid." + a, "is not a field of the config: " + e.getMessage());
            }
            if (p.startsWith("grid") || p.equals("name") || p.equals("type")) {
                throw new InvalidInputException("grid." + a, "cannot be a grid axis");
            }
            if (p.equals("seed")) {
                // refused before any work: its column would clash with results.csv's per-run seed column
                throw new InvalidInputException("grid." + a, "the master seed cannot be a grid axis: it seeds the "
                        + "whole experiment, and every run of a cell already has a seed of its own (the seed column of "
                        + "results.csv); to repeat the sweep under other seeds, run it once per seed (--set seed=N), "
                        + "or raise init.count");
            }
            if (p.equals("description")) {
                throw new InvalidInputException("grid." + a, "the description cannot be a grid axis: it changes no "
                        + "result");
            }
            String section = p.split("\\.")[0];
            if (!ExperimentSpec.SCALARS.contains(section) && !sections(cfg.type()).contains(section)) {
                throw new InvalidInputException("grid." + a, "experiments of type " + cfg.type() + " do not use the "
                        + section + " section, so sweeping it would change nothing");
            }
            if (paths.contains(p)) {
                // two axes over one field: the later would silently override the earlier in every cell
                throw new InvalidInputException("grid." + a, "sweeps " + p + ", as grid." + axes.get(paths.indexOf(p))
                        + " already does; give one axis per field");
            }
            paths.add(p);
        }
        List<GridPoint> cells = new ArrayList<>();
        int[] idx = new int[axes.size()];
        long total = 1;
        for (String a : axes) {
            total *= cfg.grid().get(a).size(); // each factor < 2^31 and the product stays below MAX_CELLS
            if (total > MAX_CELLS) {
                throw new InvalidInputException("grid." + a, "the grid has more than " + MAX_CELLS
                        + " cells; sweep fewer values");
            }
        }
        for (int c = 0; c < total; c++) {
            long rem = c;
            for (int i = axes.size() - 1; i >= 0; i--) {
                int n = cfg.grid().get(axes.get(i)).size();
                idx[i] = (int) (rem % n);
                rem /= n;
            }
            ObjectNode t = base.deepCopy();
            LinkedHashMap<String, JsonNode> values = new LinkedHashMap<>();
            for (int i = 0; i < axes.size(); i++) {
                JsonNode v = cfg.grid().get(axes.get(i)).get(idx[i]);
                values.put(axes.get(i), v);
                setPath(t, paths.get(i), v);
            }
            ExperimentSpec cc;
            try {
                cc = bind(t);
            } catch (InvalidInputException e) {
                String label = new GridPoint(c, values, null).label();
                throw new InvalidInputException(e.field(), (axes.isEmpty() ? "" : "in grid cell " + label + ": ")
                        + e.getMessage().substring(e.field().isEmpty() ? 0 : e.field().length() + 2));
            }
            cells.add(new GridPoint(c, values, cc));
        }
        return cells;
    }

    /**
     * The resolved config as YAML: every default filled in, except the fields the grid replaces in every cell
     * ({@link #replacedByGrid}), which are left out (their values are the grid's), so that the file lists only what
     * the run uses and runs again as it is.
     */
    public static String toYaml(ExperimentSpec cfg) {
        try {
            ObjectNode t = strippedTree(cfg, replacedByGrid(cfg));
            if (t != null) {
                try {
                    bind(t); // reads back (withoutReplaced): else written whole
                    return YAML.writeValueAsString(t);
                } catch (InvalidInputException e) {
                    // the base config needs a replaced value to be valid: written whole
                }
            }
            return YAML.writeValueAsString(cfg);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
