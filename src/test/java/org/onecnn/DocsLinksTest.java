package org.onecnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The documentation travels with the code: a researcher who clones onecnn gets every page README.md and
 * docs/ link to, and every docs/ page that a comment or message in src/ points to. Nothing under src/ may
 * point to the specification files the project was started from, which live outside the repository.
 */
class DocsLinksTest {
    /** Inline Markdown links {@code [text](target)}, with an optional {@code "title"}. */
    private static final Pattern LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** A pointer from source code into the documentation, optionally to a section: {@code docs/model.md §4}. */
    private static final Pattern DOC_POINTER = Pattern.compile("docs/([A-Za-z0-9_-]+\\.md)(?:#([a-z0-9-]+))?"
            + "(?: (?:§|sections? )(\\d+))?");

    private static Path root() {
        Path root = Path.of("").toAbsolutePath();
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")) && Files.isRegularFile(root.resolve("README.md")),
                "tests run from the repository root, got " + root);
        return root;
    }

    /** README.md and every Markdown file under docs/. */
    private static List<Path> markdownFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> s = Files.walk(root.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    /** The text outside fenced code blocks and inline code spans: what GitHub renders as links. */
    private static String renderedText(String md) {
        StringBuilder sb = new StringBuilder();
        boolean fence = false;
        for (String line : md.split("\n", -1)) {
            if (line.trim().startsWith("```")) {
                fence = !fence;
                continue;
            }
            if (!fence) {
                sb.append(line.replaceAll("`[^`]*`", "``")).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * GitHub's anchors of a Markdown file's headings: lower case, inline code marks and punctuation other than
     * '-' and '_' removed, spaces turned into '-' (a repeated heading also gets "-1", "-2", ...).
     */
    static Set<String> anchors(String md) {
        Set<String> out = new HashSet<>();
        boolean fence = false;
        for (String line : md.split("\n", -1)) {
            if (line.trim().startsWith("```")) {
                fence = !fence;
                continue;
            }
            if (fence || !line.startsWith("#")) {
                continue;
            }
            String text = line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT);
            String slug = text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            String s = slug;
            for (int i = 1; out.contains(s); i++) {
                s = slug + "-" + i;
            }
            out.add(s);
        }
        return out;
    }

    @Test
    void anchorsFollowGitHub() {
        Set<String> a = anchors("# Title\n## Stopping rules\n```\n# not a heading\n```\n"
                + "### Finite samples (the DL4J/ND4J empirical engine)\n## `onecnn doctor`\n## Stopping rules\n");
        assertEquals(Set.of("title", "stopping-rules", "finite-samples-the-dl4jnd4j-empirical-engine", "onecnn-doctor",
                "stopping-rules-1"), a);
    }

    @Test
    void everyRelativeLinkInReadmeAndDocsResolvesInsideTheRepository() throws IOException {
        Path root = root();
        List<Path> files = markdownFiles(root);
        assertTrue(files.size() >= 8, "README.md and the docs/ pages, got " + files);
        List<String> bad = new ArrayList<>();
        int checked = 0;
        for (Path f : files) {
            String text = renderedText(Files.readString(f, StandardCharsets.UTF_8));
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[A-Za-z][A-Za-z0-9+.-]*:.*")) {
                    continue; // http:, https:, mailto:: outside links are allowed
                }
                checked++;
                String where = root.relativize(f) + " -> " + target;
                int hash = target.indexOf('#');
                String pathPart = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = pathPart.isEmpty() ? f : f.getParent().resolve(pathPart).normalize();
                if (!resolved.startsWith(root)) {
                    bad.add(where + " (leaves the repository)");
                } else if (!Files.exists(resolved)) {
                    bad.add(where + " (no such file)");
                } else if (anchor != null && resolved.toString().endsWith(".md")
                        && !anchors(Files.readString(resolved, StandardCharsets.UTF_8)).contains(anchor)) {
                    bad.add(where + " (no heading with that anchor)");
                }
            }
        }
        assertTrue(checked >= 20, "expected the docs to link to each other, found " + checked + " relative links");
        assertTrue(bad.isEmpty(), "broken links: " + bad);
    }

    @Test
    void nothingUnderSrcPointsOutsideTheRepositoryAndEveryDocsPointerResolves() throws IOException {
        Path root = root();
        // built from pieces so that this file does not match itself
        List<String> forbidden = List.of(".." + "/shared", "shared" + "/spec", "shared" + "/peers", "MATH" + ".md",
                "EXPERIMENTS" + ".md");
        List<String> bad = new ArrayList<>();
        int pointers = 0;
        List<Path> files;
        try (Stream<Path> s = Files.walk(root.resolve("src"))) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (!(name.endsWith(".java") || name.endsWith(".yaml") || name.endsWith(".py")
                    || name.endsWith(".properties") || name.endsWith(".md") || name.equals("INDEX"))) {
                continue;
            }
            String text = Files.readString(f, StandardCharsets.UTF_8);
            for (String x : forbidden) {
                if (text.contains(x)) {
                    bad.add(root.relativize(f) + " mentions " + x);
                }
            }
            Matcher m = DOC_POINTER.matcher(text);
            while (m.find()) {
                pointers++;
                Path doc = root.resolve("docs").resolve(m.group(1));
                if (!Files.isRegularFile(doc)) {
                    bad.add(root.relativize(f) + " points to docs/" + m.group(1) + ", which does not exist");
                    continue;
                }
                String md = Files.readString(doc, StandardCharsets.UTF_8);
                if (m.group(2) != null && !anchors(md).contains(m.group(2))) {
                    bad.add(root.relativize(f) + " points to docs/" + m.group(1) + "#" + m.group(2)
                            + ", which has no such heading");
                }
                if (m.group(3) != null && !Pattern.compile("(?m)^#+ " + m.group(3) + "\\. ").matcher(md).find()) {
                    bad.add(root.relativize(f) + " points to section " + m.group(3) + " of docs/" + m.group(1)
                            + ", which has no such section");
                }
            }
        }
        assertTrue(pointers >= 20, "expected comments to point into docs/, found " + pointers);
        assertTrue(bad.isEmpty(), String.join("\n", bad));
    }

    /**
     * What a user reads or runs besides src/ (README.md, docs/, scripts/, peers/) stands alone too: the peers that
     * the speed comparisons name are in the repository's peers/, each with a line in peers/README.md, and nothing
     * points to a folder beside the checkout.
     */
    @Test
    void docsScriptsAndPeersPointOnlyIntoTheRepository() throws IOException {
        Path root = root();
        List<String> forbidden = List.of(".." + "/shared", "shared" + "/spec", "shared" + "/peers", "MATH" + ".md");
        List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
        for (String dir : List.of("docs", "scripts", "peers")) {
            try (Stream<Path> s = Files.walk(root.resolve(dir))) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        List<String> bad = new ArrayList<>();
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.ISO_8859_1); // any bytes: only ASCII is searched
            for (String x : forbidden) {
                if (text.contains(x)) {
                    bad.add(root.relativize(f) + " mentions " + x);
                }
            }
        }
        assertTrue(bad.isEmpty(), String.join("\n", bad));
        String index = Files.readString(root.resolve("peers/README.md"), StandardCharsets.UTF_8);
        for (String peer : List.of("ensemble_numpy.py", "ensemble_torch.py", "population_numpy.py", "ensemble_avx2.c")) {
            assertTrue(Files.isRegularFile(root.resolve("peers").resolve(peer)), "peers/" + peer);
            assertTrue(index.contains("`" + peer + "`"), "peers/README.md has no line for " + peer);
        }
    }
}
