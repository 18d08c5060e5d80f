package org.onecnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

/**
 * What a user reads at the top of the repository stays true: README's profile table lists exactly the profiles
 * shipped in cuda-profiles/, each with its engine, data type and memory as the file says; the licence is
 * Apache-2.0 in LICENSE, pom.xml and CITATION.cff; CITATION.cff has the keys Citation File Format 1.2.0
 * requires; README cites both files.
 */
class RepositoryFilesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    private static String readme() throws IOException {
        return Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    }

    /** README's profile table, section "Backends and profiles": name → [engine, data type, memory]. */
    private static Map<String, List<String>> readmeProfiles() throws IOException {
        String s = readme();
        int from = s.indexOf("## Backends and profiles");
        assertTrue(from >= 0, "README has its Backends and profiles section");
        int to = s.indexOf("\n## ", from + 1);
        String section = s.substring(from, to < 0 ? s.length() : to);
        assertTrue(section.contains("| profile | for | engine | data type | memory |"), section);
        Map<String, List<String>> out = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\|[^|]*\\| `([a-z0-9]+)` \\| ([a-z]+) \\| (\\d+) GiB \\|$")
                .matcher(section);
        while (m.find()) {
            assertTrue(out.put(m.group(1), List.of(m.group(2), m.group(3), m.group(4))) == null, "twice: " + m.group(1));
        }
        return out;
    }

    private static Map<String, List<String>> shippedProfiles() throws IOException {
        Map<String, List<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("cuda-profiles"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".properties")).toList()) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
                String name = f.getFileName().toString().replace(".properties", "");
                // a profile without an engine key runs the default engine, fused (docs/gpu.md)
                out.put(name, List.of(p.getProperty("engine", "fused").strip(), p.getProperty("data_type").strip(),
                        p.getProperty("memory_limit_gb").strip()));
            }
        }
        return out;
    }

    @Test
    void readmesProfileTableIsCudaProfiles() throws IOException {
        Map<String, List<String>> shipped = shippedProfiles();
        assertTrue(shipped.size() >= 8, shipped.toString());
        assertEquals(shipped, readmeProfiles(), "README's profile table (engine, data type, memory) and cuda-profiles/");
    }

    @Test
    void readmeHasNoDoubledHeading() throws IOException {
        for (String line : readme().split("\n")) {
            if (line.startsWith("#")) {
                assertTrue(!line.replaceFirst("^#+\\s*", "").contains("##"), "a heading run into another: " + line);
            }
        }
    }

    @Test
    void licenceAndCitation() throws IOException {
        String licence = Files.readString(ROOT.resolve("LICENSE"), StandardCharsets.UTF_8);
        assertTrue(licence.contains("Apache License") && licence.contains("Version 2.0, January 2004")
                && licence.contains("END OF TERMS AND CONDITIONS"), "LICENSE holds the full Apache-2.0 text");
        String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
        assertTrue(pom.contains("<name>Apache-2.0</name>") && pom.contains("Licensed under the Apache License"), "pom.xml");

        JsonNode cff = new YAMLMapper().readTree(ROOT.resolve("CITATION.cff").toFile());
        assertEquals("1.2.0", cff.get("cff-version").asText());
        for (String key : List.of("message", "title", "authors")) {
            assertTrue(cff.hasNonNull(key), "CITATION.cff needs " + key);
        }
        assertTrue(cff.get("authors").isArray() && cff.get("authors").size() > 0);
        for (JsonNode a : cff.get("authors")) {
            assertTrue(a.hasNonNull("name") || a.hasNonNull("family-names"), "an author is a person or an entity: " + a);
        }
        assertEquals("Apache-2.0", cff.get("license").asText());
        String pomVersion = pom.replaceFirst("(?s).*?<artifactId>onecnn</artifactId>\\s*<version>([^<]+)</version>.*", "$1");
        assertEquals(pomVersion, cff.get("version").asText(), "CITATION.cff's version is the pom's");

        String readme = readme();
        assertTrue(readme.contains("## Citing") && readme.contains("(CITATION.cff)") && readme.contains("(LICENSE)"),
                "README cites LICENSE and CITATION.cff");
    }

    /**
     * docs/library.md has users depend on onecnn: its compile dependencies must not hand them JUnit. pdfbox 3.0.1
     * (under de.rototor's graphics2d, the PDF writer) names junit-jupiter at compile scope; in onecnn's own build the
     * test-scoped JUnit hides that, so only the exclusion in pom.xml keeps it off a user's class path.
     */
    @Test
    void libraryUsersGetNoJUnitThroughPdfbox() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?s)<dependency>\\s*(?:<!--.*?-->\\s*)*<groupId>de\\.rototor\\.pdfbox</groupId>"
                + "(.*?)</dependency>").matcher(pom);
        assertTrue(m.find(), "pom.xml depends on de.rototor.pdfbox:graphics2d");
        assertTrue(m.group(1).matches("(?s).*<exclusion>\\s*<groupId>org\\.junit\\.jupiter</groupId>\\s*"
                + "<artifactId>junit-jupiter</artifactId>\\s*</exclusion>.*"), "graphics2d excludes junit-jupiter: "
                + m.group(1));
    }
}
