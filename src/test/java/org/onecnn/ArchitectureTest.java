package org.onecnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.onecnn.algorithms.Convotron;
import org.onecnn.model.Architecture;
import org.onecnn.model.DuInitialization;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.InputSampler;
import org.onecnn.model.OutcomeClassifier;
import org.onecnn.model.Teacher;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.PopulationJob;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.StopSpec;
import org.onecnn.population.TrajectorySink;
import org.onecnn.util.SeededRandom;

/**
 * The shape of the code base, checked over the compiled main classes ({@code target/classes}):
 * <ul>
 * <li>packages point one way: no cycle between {@code org.onecnn} packages;</li>
 * <li>{@code population}, {@code algorithms} and {@code model} (and every onecnn package they use) do not depend
 * on ND4J or DL4J, and running them loads no class of either.</li>
 * </ul>
 * A class's dependencies are read from its constant pool: every class name in it (class references, field and
 * method descriptors, generic signatures), as {@code jdeps} sees them. Reflection by name is invisible to both;
 * the run-time check covers what the static one cannot.
 */
class ArchitectureTest {
    /** Packages that must stay pure Java. */
    static final List<String> PURE = List.of("org.onecnn.population", "org.onecnn.algorithms", "org.onecnn.model");
    /** Prefixes of the native numeric stack (binary names, with '/'). */
    static final List<String> NATIVE = List.of("org/nd4j/", "org/deeplearning4j/", "org/bytedeco/");

    private static final Pattern ONECNN = Pattern.compile("(org/onecnn(?:/[a-z][a-z0-9_]*)*)/[A-Z][A-Za-z0-9_$]*");

    /** The folder of the main classes. */
    static Path mainClasses() {
        try {
            return Path.of(Architecture.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One class file: its package and the class names in its constant pool. */
    record ClassFile(String name, String pkg, Set<String> names) {
    }

    static List<ClassFile> readAll(Path root) throws IOException {
        List<ClassFile> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String rel = root.relativize(p).toString().replace(File.separatorChar, '/');
                String name = rel.substring(0, rel.length() - ".class".length());
                int slash = name.lastIndexOf('/');
                String pkg = slash < 0 ? "" : name.substring(0, slash).replace('/', '.');
                try (InputStream in = Files.newInputStream(p)) {
                    out.add(new ClassFile(name, pkg, utf8Constants(in)));
                }
            }
        }
        return out;
    }

    /**
     * The CONSTANT_Utf8 entries of a class file (JVMS §4.4): they hold every class name, descriptor and signature
     * the class refers to.
     */
    static Set<String> utf8Constants(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        Set<String> utf8 = new TreeSet<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8.add(in.readUTF());
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> {
                    in.skipBytes(8);
                    i++; // longs and doubles take two entries
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        return utf8;
    }

    /** Package → package → one class of the first that refers to the second (for the message). */
    static SortedMap<String, SortedMap<String, String>> packageGraph(List<ClassFile> classes) {
        SortedMap<String, SortedMap<String, String>> g = new TreeMap<>();
        for (ClassFile c : classes) {
            if (!c.pkg().startsWith("org.onecnn")) {
                continue;
            }
            SortedMap<String, String> edges = g.computeIfAbsent(c.pkg(), x -> new TreeMap<>());
            for (String u : c.names()) {
                Matcher m = ONECNN.matcher(u);
                while (m.find()) {
                    String to = m.group(1).replace('/', '.');
                    if (!to.equals(c.pkg())) {
                        edges.putIfAbsent(to, c.name().replace('/', '.'));
                    }
                }
            }
        }
        return g;
    }

    /** The strongly connected components with more than one package (Tarjan), each sorted; sorted by first. */
    static List<List<String>> cycles(Map<String, ? extends Map<String, String>> g) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] next = {0};
        for (String v : g.keySet()) {
            if (!index.containsKey(v)) {
                strongConnect(v, g, index, low, stack, onStack, out, next);
            }
        }
        out.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        return out;
    }

    private static void strongConnect(String v, Map<String, ? extends Map<String, String>> g,
            Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
            List<List<String>> out, int[] next) {
        index.put(v, next[0]);
        low.put(v, next[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : edges(g, v).keySet()) {
            if (!index.containsKey(w)) {
                strongConnect(w, g, index, low, stack, onStack, out, next);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> scc = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                scc.add(w);
            } while (!w.equals(v));
            if (scc.size() > 1) {
                scc.sort(null);
                out.add(scc);
            }
        }
    }

    private static Map<String, String> edges(Map<String, ? extends Map<String, String>> g, String from) {
        Map<String, String> e = g.get(from);
        return e == null ? Map.of() : e;
    }

    /** A cycle as its edges inside the component, each with a class that makes it. */
    static String describe(List<String> scc, Map<String, ? extends Map<String, String>> g) {
        StringBuilder b = new StringBuilder("cycle among " + scc + ":");
        for (String from : scc) {
            for (Map.Entry<String, String> e : edges(g, from).entrySet()) {
                if (scc.contains(e.getKey())) {
                    b.append("\n    ").append(from).append(" -> ").append(e.getKey()).append(" (e.g. ")
                            .append(e.getValue()).append(')');
                }
            }
        }
        return b.toString();
    }

    @Test
    void noCycleBetweenOnecnnPackages() throws IOException {
        SortedMap<String, SortedMap<String, String>> g = packageGraph(readAll(mainClasses()));
        assertTrue(g.containsKey("org.onecnn.algorithms") && g.containsKey("org.onecnn.cli"), "read " + g.keySet());
        List<List<String>> cycles = cycles(g);
        List<String> text = cycles.stream().map(c -> describe(c, g)).toList();
        assertEquals(List.of(), text, cycles.size() + " package cycle(s):\n" + String.join("\n", text));
    }

    /**
     * String literals in a main source that name an engine ({@code "cuda"}) or list two or more engines
     * ({@code "fused, dl4j or cuda"}): outside {@code org.onecnn.empirical} none may, so that every piece of engine
     * knowledge lives with its engine and adding one touches nothing else. {@code engines} are the names to look for.
     */
    static List<String> engineNamesIn(String file, String source, List<String> engines) {
        Pattern literal = Pattern.compile("\"((?:[^\"\\\\\n]|\\\\.)*)\"");
        Pattern word = Pattern.compile("(?<![\\w.-])(" + String.join("|", engines.stream().map(Pattern::quote)
                .toList()) + ")(?![\\w-])");
        List<String> out = new ArrayList<>();
        Matcher m = literal.matcher(source);
        while (m.find()) {
            String v = m.group(1);
            Set<String> named = new TreeSet<>();
            Matcher w = word.matcher(v);
            while (w.find()) {
                named.add(w.group(1));
            }
            if (engines.contains(v) || named.size() >= 2) {
                out.add(file + ": \"" + v + "\"");
            }
        }
        return out;
    }

    /**
     * Literals that contain an engine's name but are something else, each with why: {@code "dl4j"} in
     * {@code Installation} is the DL4J library's version key in provenance ({@code versions.dl4j}), not the engine.
     */
    static final Set<String> NOT_ENGINE_NAMES = Set.of("org/onecnn/util/Installation.java: \"dl4j\"");

    @Test
    void noEngineIsNamedOutsideTheEmpiricalPackage() throws IOException {
        List<String> engines = org.onecnn.empirical.EmpiricalEngines.names();
        assertTrue(engines.containsAll(List.of("fused", "dl4j", "cuda")), engines.toString());
        Path root = Path.of("src/main/java");
        assertTrue(Files.isDirectory(root.resolve("org/onecnn/empirical")), "run from the project's root");
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String rel = root.relativize(p).toString().replace(File.separatorChar, '/');
                if (!rel.startsWith("org/onecnn/empirical/")) {
                    found.addAll(engineNamesIn(rel, Files.readString(p), engines));
                }
            }
        }
        found.removeAll(NOT_ENGINE_NAMES);
        assertEquals(List.of(), found, "engine names in main code outside org.onecnn.empirical: ask the engine "
                + "(EmpiricalEngine) or the registry (EmpiricalEngines) instead");
    }

    /** The scan itself: a name compared, a name in a list, an escaped quote; not a word that only contains one. */
    @Test
    void theEngineNameScanFindsNamesAndLists() {
        List<String> engines = List.of("fused", "dl4j", "cuda");
        String src = "if (\"cuda\".equals(e)) {}\n String h = \"engine: fused, dl4j or cuda\";\n"
                + "String ok = \"cuda-hopper \\\" profile\"; String one = \"the cuda engine\"; String x = \"a\\\\\";"
                + " String y = \"dl4j.version and cuda_x\";";
        assertEquals(List.of("F: \"cuda\"", "F: \"engine: fused, dl4j or cuda\""), engineNamesIn("F", src, engines));
    }

    /** The packages of the experiment types (each a sub-package of {@code org.onecnn.experiment} but setup). */
    static final String EXPERIMENT = "org.onecnn.experiment";
    static final String SETUP = "org.onecnn.experiment.setup";

    static boolean isType(String pkg) {
        return pkg.startsWith(EXPERIMENT + ".") && !pkg.equals(SETUP);
    }

    /**
     * What each room of the experiment framework may use (docs/architecture.md): the contract
     * ({@code org.onecnn.experiment}) uses no experiment type and not the shared setup; the shared setup uses no
     * type, and neither the CLI nor the benches; a type uses no other type except the one whose cells or report it
     * builds on (two-phase uses population-sweep's report setup, overlap-landscape the Double Convotron cells).
     */
    @Test
    void experimentRoomsUseOnlyWhatTheyMay() throws IOException {
        SortedMap<String, SortedMap<String, String>> g = packageGraph(readAll(mainClasses()));
        assertTrue(g.containsKey(SETUP), "read " + g.keySet());
        java.util.Set<String> typeToType = Set.of("org.onecnn.experiment.twophase -> org.onecnn.experiment.sweep",
                "org.onecnn.experiment.overlap -> org.onecnn.experiment.convotron");
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, SortedMap<String, String>> e : g.entrySet()) {
            String from = e.getKey();
            for (Map.Entry<String, String> to : e.getValue().entrySet()) {
                String t = to.getKey();
                String edge = from + " -> " + t + " (e.g. " + to.getValue() + ")";
                if (from.equals(EXPERIMENT) && (isType(t) || t.equals(SETUP))) {
                    bad.add("the contract uses " + edge);
                } else if (from.equals(SETUP) && (isType(t) || t.startsWith("org.onecnn.cli")
                        || t.startsWith("org.onecnn.bench"))) {
                    bad.add("the shared setup uses " + edge);
                } else if (isType(from) && isType(t) && !typeToType.contains(from + " -> " + t)) {
                    bad.add("one type uses another: " + edge);
                }
            }
        }
        assertEquals(List.of(), bad, String.join("\n", bad));
    }

    /**
     * Types receive their resolved spec and its grid points, never the loader's internals: no method of
     * {@code Experiment} or {@code CellSweep}, and no component of {@code RunContext}, mentions {@code ConfigLoader}
     * (its {@code Loaded} or {@code Source}), so the loader can move or change without touching a type.
     */
    @Test
    void theContractTakesNoLoaderInternals() {
        List<String> bad = new ArrayList<>();
        for (Class<?> c : List.of(org.onecnn.experiment.Experiment.class, org.onecnn.experiment.CellSweep.class)) {
            for (java.lang.reflect.Method m : c.getMethods()) {
                if (m.toGenericString().contains("ConfigLoader")) {
                    bad.add(m.toGenericString());
                }
            }
        }
        for (java.lang.reflect.RecordComponent rc : org.onecnn.experiment.RunContext.class.getRecordComponents()) {
            if (rc.getGenericType().getTypeName().contains("ConfigLoader")) {
                bad.add("RunContext." + rc.getName() + ": " + rc.getGenericType().getTypeName());
            }
        }
        assertEquals(List.of(), bad, String.join("\n", bad));
    }

    /** The detector itself: a two-package cycle and a three-package one are found and named, a chain is not. */
    @Test
    void theCycleFinderFindsCycles() {
        Map<String, Map<String, String>> g = new TreeMap<>();
        g.put("a", Map.of("b", "a.X"));
        g.put("b", Map.of("a", "b.Y", "c", "b.Z"));
        g.put("c", Map.of("d", "c.W"));
        g.put("d", Map.of("e", "d.V"));
        g.put("e", Map.of("c", "e.U"));
        g.put("f", Map.of("a", "f.T"));
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d", "e")), cycles(g));
        assertTrue(describe(List.of("a", "b"), g).contains("b -> a (e.g. b.Y)"));
        assertEquals(List.of(), cycles(Map.of("a", Map.of("b", "a.X"), "b", Map.of())));
    }

    /**
     * {@code population}, {@code algorithms}, {@code model} and every onecnn package they reach refer to no class
     * of ND4J, DL4J or JavaCPP.
     */
    @Test
    void purePackagesDoNotDependOnNd4j() throws IOException {
        List<ClassFile> classes = readAll(mainClasses());
        SortedMap<String, SortedMap<String, String>> g = packageGraph(classes);
        SortedSet<String> reach = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(PURE);
        while (!todo.isEmpty()) {
            String p = todo.pop();
            if (reach.add(p)) {
                todo.addAll(g.getOrDefault(p, new TreeMap<>()).keySet());
            }
        }
        assertTrue(reach.containsAll(PURE) && reach.contains("org.onecnn.util"), reach.toString());
        List<String> offending = new ArrayList<>();
        for (ClassFile c : classes) {
            if (reach.contains(c.pkg())) {
                for (String u : c.names()) {
                    for (String n : NATIVE) {
                        if (u.contains(n)) {
                            offending.add(c.name().replace('/', '.') + " refers to " + u);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), offending, "pure-Java packages (and those they use: " + reach + ")");
        // the check sees a real dependency: the empirical engine's data package does refer to ND4J
        assertTrue(classes.stream().anyMatch(c -> c.pkg().equals("org.onecnn.empirical.data")
                && c.names().stream().anyMatch(u -> u.contains("org/nd4j/"))));
    }

    /** Refuses (and records) every class of the native numeric stack; defines everything else itself. */
    static final class Refusing extends URLClassLoader {
        final Set<String> refused = ConcurrentHashMap.newKeySet();

        Refusing(URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            for (String n : NATIVE) {
                if (name.startsWith(n.replace('/', '.'))) {
                    refused.add(name);
                    throw new ClassNotFoundException(name + " (refused: this code must not load ND4J/DL4J)");
                }
            }
            return super.loadClass(name, resolve);
        }
    }

    /** Standard Gaussian inputs drawn in plain Java: what a pure-Java run of Convotron is given. */
    public static final class JavaGaussian implements InputSampler {
        @Override
        public String name() {
            return "java-gaussian";
        }

        @Override
        public double[] draw(int n, int d, long seed) {
            SeededRandom rng = new SeededRandom(seed);
            double[] x = new double[n * d];
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextGaussian();
            }
            return x;
        }

        @Override
        public boolean gaussian() {
            return true;
        }

        @Override
        public boolean identityCovariance() {
            return true;
        }

        @Override
        public boolean symmetric() {
            return true;
        }
    }

    /** What runs in the fresh loader: a population-engine run of a few steps and a Convotron run. */
    public static final class Scenario implements Callable<List<String>> {
        @Override
        public List<String> call() {
            List<String> out = new ArrayList<>();
            Teacher t = Teacher.ratioFamily(4, 3, 2.0, 1.0, 1.0, 7);
            List<InitialPoint> inits = List.of(DuInitialization.draw(t, 1), DuInitialization.draw(t, 2));
            for (String engine : List.of("reduced", "full")) {
                out.add(engine + ": " + PopulationEngine.named(engine).run(new PopulationJob(t, inits, 0.05,
                        StopSpec.fixed(20), OutcomeClassifier.duDefault(), RecordPlan.NONE), TrajectorySink.NONE)
                        .size());
            }
            Architecture arch = Architecture.of(12, 4, 2);
            Teacher ct = Teacher.gaussian(arch.k(), arch.r(), 3);
            Convotron.Result r = Convotron.run(Convotron.Settings.of(arch, new JavaGaussian(), 0.0, 1e-3, 50, 10),
                    Convotron.Run.knownOutput(ct, 5));
            out.add("convotron: " + r.w().length);
            return out;
        }
    }

    @SuppressWarnings("unchecked")
    @Test
    void populationAlgorithmsAndModelLoadNoNd4jClass() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            try {
                urls.add(Path.of(e).toUri().toURL());
            } catch (MalformedURLException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        try (Refusing loader = new Refusing(urls.toArray(new URL[0]))) {
            Class<?> s = loader.loadClass(Scenario.class.getName());
            assertTrue(s.getClassLoader() == loader, "the scenario runs in the fresh loader");
            List<String> out = ((Callable<List<String>>) s.getDeclaredConstructor().newInstance()).call();
            assertEquals(List.of("reduced: 2", "full: 2", "convotron: 4"), out);
            assertEquals(Set.of(), loader.refused, "classes of the native stack were requested");
            // the distributions load without ND4J (their ND4J draws live in NdRandom, so the counter-based samples
            // and data sets work with no ND4J jar), and the loader would have noticed ND4J: NdRandom cannot be linked
            assertTrue(loaderCanInitialise(loader, "org.onecnn.empirical.data.Gaussian"));
            assertFalse(loaderCanLink(loader, "org.onecnn.empirical.data.NdRandom"));
            assertFalse(loader.refused.isEmpty(), "the refusing loader records what it refuses");
        }
    }

    private static boolean loaderCanLink(ClassLoader loader, String name) {
        try {
            // linking verifies every method, which loads the ND4J types they hand to ND4J's methods
            Class.forName(name, true, loader);
            return true;
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    private static boolean loaderCanInitialise(ClassLoader loader, String name) {
        try {
            Class.forName(name, true, loader).getField("INSTANCE").get(null);
            return true;
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }
}
