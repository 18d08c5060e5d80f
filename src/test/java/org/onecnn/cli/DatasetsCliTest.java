package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.onecnn.empirical.data.DatasetStore;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.Sections;
import org.onecnn.testutil.NumpyTeacher;

/**
 * Data sets in and out of a sample-size run: {@code empirical.save_datasets} writes every data set under
 * {@code datasets/<run folder name>/n-<n>-d-<d>/} and lists them (path and content hash) in provenance; numpy
 * reads them and finds the manifest's teacher in the labels; a second run with {@code empirical.datasets_from}
 * pointing there trains on them and gives byte-identical results; a resumed run that meets its own saved data
 * sets verifies them without rewriting, and another run's data sets under the same name are an error naming the
 * folder. paired-trajectories trains on the saved data sets as on those it generates.
 */
class DatasetsCliTest extends CliFixture {
    private static final List<String> SMALL = List.of("init.count=6", "empirical.datasets=2",
            "empirical.max_steps=200", "empirical.check_every=50", "stop.max_steps=2000");

    private String[] args(Path out, String... sets) {
        List<String> l = new ArrayList<>(List.of("run", "sample-size", "-q", "--out", out.toString()));
        for (String s : SMALL) {
            l.add("--set");
            l.add(s);
        }
        for (String s : sets) {
            l.add("--set");
            l.add(s);
        }
        return l.toArray(new String[0]);
    }

    private static String[] pairedArgs(Path out, List<String> sets) {
        List<String> l = new ArrayList<>(List.of("run", "paired-trajectories", "-q", "--out", out.toString()));
        for (String s : sets) {
            l.add("--set");
            l.add(s);
        }
        return l.toArray(new String[0]);
    }

    private static JsonNode json(Path file) throws java.io.IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void savedDatasetsRetrainToIdenticalResults() throws Exception {
        Path one = home.resolve("runs").resolve("one");
        assertEquals(0, run(args(one, "empirical.n=[40,80]", "empirical.save_datasets=true")), stderr());
        Path saved = home.resolve("datasets").resolve("one");
        JsonNode prov = json(one.resolve("provenance.json")).get("datasets");
        assertEquals(saved.toString(), prov.get("saved_to").asText());
        assertEquals(4, prov.get("sets").size());
        for (JsonNode s : prov.get("sets")) {
            Path f = saved.resolve("n-" + s.get("n").asLong() + "-d-" + s.get("dataset").asInt());
            assertEquals(f.toString(), s.get("path").asText());
            assertEquals(DatasetStore.contentHash(f), s.get("sha256").asText());
            JsonNode m = json(f.resolve("manifest.json"));
            assertEquals(s.get("n").asLong(), m.get("n").asLong());
            assertEquals("FLOAT", m.get("data_type").asText());
            assertEquals("gaussian", m.get("distribution").asText());
        }
        // numpy reads a saved data set and finds the manifest's teacher in its labels
        NumpyTeacher.assertLabelsAreTheTeachers(saved.resolve("n-80-d-1"));

        // trained again on the saved data sets: the same bytes
        Path two = home.resolve("runs").resolve("two");
        assertEquals(0, run(args(two, "empirical.n=[40,80]", "empirical.datasets_from=" + saved)), stderr());
        for (String f : List.of("population.csv", "results.csv", "summary.csv", "summary.json", "per_dataset.csv",
                "transitions.csv", "spurious_position.csv")) {
            assertArrayEquals(Files.readAllBytes(one.resolve(f)), Files.readAllBytes(two.resolve(f)), f);
        }
        JsonNode from = json(two.resolve("provenance.json")).get("datasets");
        assertEquals(saved.toString(), from.get("from").asText());
        assertEquals(prov.get("sets"), from.get("sets"), "the same folders and content hashes");
        // the saved data sets drew the data stream; the retrained run drew no data
        assertTrue(json(one.resolve("provenance.json")).at("/seeds/streams").has("data"));
        assertTrue(!json(two.resolve("provenance.json")).at("/seeds/streams").has("data"), "no data seed drawn");
        assertTrue(Files.readString(two.resolve("config.yaml")).contains("datasets_from: \"" + saved + "\"")
                || Files.readString(two.resolve("config.yaml")).contains("datasets_from: " + saved),
                Files.readString(two.resolve("config.yaml")));

        // paired-trajectories reads them too: the same trajectories as on the data sets it generates itself
        List<String> paired = List.of("seed=2026", "init.count=3", "empirical.n=[40,80]", "empirical.datasets=2",
                "empirical.max_steps=60", "empirical.every=20");
        Path generated = home.resolve("runs").resolve("paired-generated");
        Path read = home.resolve("runs").resolve("paired-read");
        assertEquals(0, run(pairedArgs(generated, paired)), stderr());
        List<String> fromSaved = new ArrayList<>(paired);
        fromSaved.add("empirical.datasets_from=" + saved);
        assertEquals(0, run(pairedArgs(read, fromSaved)), stderr());
        for (String f : List.of("trajectories.csv", "deviation.csv", "summary.csv", "summary.json")) {
            assertArrayEquals(Files.readAllBytes(generated.resolve(f)), Files.readAllBytes(read.resolve(f)), f);
        }
        assertEquals(prov.get("sets"), json(read.resolve("provenance.json")).get("datasets").get("sets"));

        // sizes and data sets per size left out: taken from the folders, and listed in the resolved config
        Sections.Empirical e = ((Sections.FiniteSampleSpec) ConfigLoader.load("sample-size", List.of(
                "empirical.n=null", "empirical.datasets=null", "empirical.datasets_from=" + saved)).config())
                .empirical();
        assertEquals(List.of(40L, 80L), e.n());
        assertEquals(2, e.datasets());
    }

    @Test
    void aResumedRunVerifiesItsSavedDatasetsAndAnotherRunsAreAnError() throws Exception {
        Path first = home.resolve("a").resolve("same-name");
        assertEquals(0, run(args(first, "empirical.save_datasets=true", "empirical.n=[40]")), stderr());
        Path saved = home.resolve("datasets").resolve("same-name").resolve("n-40-d-0");
        String hash = DatasetStore.contentHash(saved);
        FileTime written = Files.getLastModifiedTime(saved.resolve("manifest.json"));
        // resumed as if interrupted before its report (no cell kept: every cell is computed again and meets its
        // saved data set): verified, not rewritten, and the same results
        byte[] results = Files.readAllBytes(first.resolve("results.csv"));
        Files.delete(first.resolve("report.md"));
        assertEquals(0, run("run", "--resume", first.toString(), "-q"), stderr());
        assertEquals(hash, DatasetStore.contentHash(saved));
        assertEquals(written, Files.getLastModifiedTime(saved.resolve("manifest.json")));
        assertArrayEquals(results, Files.readAllBytes(first.resolve("results.csv")));
        // the same config under another run folder of the same name: verified too
        Path again = home.resolve("b").resolve("same-name");
        assertEquals(0, run(args(again, "empirical.save_datasets=true", "empirical.n=[40]")), stderr());
        assertEquals(written, Files.getLastModifiedTime(saved.resolve("manifest.json")));
        assertArrayEquals(results, Files.readAllBytes(again.resolve("results.csv")));
        // another seed, same folder name: refused before anything is written, in one line naming the first
        // conflicting folder (n-40-d-0, whichever data set would have trained first) and the field that differs
        Path other = home.resolve("c").resolve("same-name");
        List<String> before = snapshot();
        assertEquals(2, run(args(other, "empirical.save_datasets=true", "empirical.n=[40]", "seed=7")));
        long seed7 = org.onecnn.experiment.setup.EmpiricalSetup.dataSeed((Sections.FiniteSampleSpec) ConfigLoader.load(
                "sample-size", List.of("seed=7")).config(), 40, 0);
        assertOneLine("empirical.save_datasets: " + saved + " holds another data set than the one this run "
                + "generates: seed = " + json(saved.resolve("manifest.json")).get("seed").asLong() + " in its "
                + "manifest, " + seed7 + " in this run's; saved data sets are never overwritten");
        assertEquals(before, snapshot(), "nothing written: no run folder, no data set");
        assertFalse(Files.exists(other));
        assertEquals(hash, DatasetStore.contentHash(saved));

        // a tampered data set (one input changed, the manifest untouched): refused up front, naming the element
        Path x = saved.resolve("X.npy");
        byte[] original = Files.readAllBytes(x);
        byte[] tampered = original.clone();
        int at = tampered.length - 4 * 7; // a float of the last sample's inputs
        tampered[at] ^= 1; // its lowest mantissa bit: still finite, a different number
        Files.write(x, tampered);
        Path fourth = home.resolve("d").resolve("same-name");
        before = snapshot();
        assertEquals(2, run(args(fourth, "empirical.save_datasets=true", "empirical.n=[40]")));
        long element = 40L * 150 - 7;
        assertOneLine("empirical.save_datasets: " + saved + " holds another data set than the one this run "
                + "generates: X.npy differs at element " + element + " (sample 39, input 143)");
        assertEquals(before, snapshot(), "nothing written");
        // the same tampered set on a resume of the run that saved it: refused with the fix a resume can take (its
        // cells were trained on the saved sets; --out and --set cannot be combined with --resume)
        Files.delete(first.resolve("report.md"));
        before = snapshot();
        assertEquals(2, run("run", "--resume", first.toString(), "-q"));
        assertOneLine("empirical.save_datasets: " + saved + " holds another data set than the one this run "
                + "generates: X.npy differs at element " + element + " (sample 39, input 143)");
        assertTrue(stderr().contains("put the original folder back and resume again, or start a new run"), stderr());
        assertFalse(stderr().contains("--out"), stderr());
        assertEquals(before, snapshot(), "nothing written");
        Files.write(x, original);
    }

    @Test
    void unwritableDatasetsFolderIsRefusedBeforeAnythingIsWritten() throws Exception {
        // datasets/ is a file: no data set can be saved under it (as root, permissions would not stop a write, so
        // the test makes it a file rather than a read-only folder)
        Files.writeString(home.resolve("datasets"), "not a folder\n");
        List<String> before = snapshot();
        Path out = home.resolve("runs").resolve("x");
        assertEquals(2, run(args(out, "empirical.save_datasets=true", "empirical.n=[40]")));
        assertOneLine("empirical.save_datasets: cannot save the data sets under " + home.resolve("datasets")
                .resolve("x") + ": " + home.resolve("datasets") + " is not a folder");
        assertEquals(before, snapshot(), "nothing written");
    }

    /** A data set folder of sample-size's defaults (n = 40, d = 0), saved by a run, with one value replaced. */
    private Path nonFinite(String name, String file, int element, float value) throws Exception {
        Path out = home.resolve("runs").resolve(name);
        assertEquals(0, run(args(out, "empirical.n=[40]", "empirical.save_datasets=true")),
                stderr());
        Path root = home.resolve("datasets").resolve(name);
        Path f = root.resolve("n-40-d-0").resolve(file);
        byte[] b = Files.readAllBytes(f);
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(b.length - 4 * (
                (file.equals("X.npy") ? 40 * 150 : 40) - element), value);
        Files.write(f, b);
        return root;
    }

    @Test
    void nonFiniteDataIsRefusedNamingTheFileAndTheFirstBadValue() throws Exception {
        Path nanX = nonFinite("nan-x", "X.npy", 151, Float.NaN);
        Path infY = nonFinite("inf-y", "y.npy", 3, Float.POSITIVE_INFINITY);
        Path nanY = nonFinite("nan-y", "y.npy", 0, Float.NaN);
        // every label NaN: the first is named
        Path allNan = nanY.resolve("n-40-d-0").resolve("y.npy");
        byte[] y = Files.readAllBytes(allNan);
        java.nio.ByteBuffer yb = java.nio.ByteBuffer.wrap(y).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 40; i++) {
            yb.putFloat(y.length - 4 * (40 - i), Float.NaN);
        }
        Files.write(allNan, y);
        String[][] cases = {
            {nanX.toString(), nanX.resolve("n-40-d-0").resolve("X.npy") + ": holds NaN at element 151 (sample 1, "
                + "input 1); every input must be a finite number"},
            {infY.toString(), infY.resolve("n-40-d-0").resolve("y.npy") + ": holds Infinity at element 3 (the label "
                + "of sample 3); every label must be a finite number"},
            {nanY.toString(), allNan + ": holds NaN at element 0 (the label of sample 0)"}};
        for (String[] c : cases) {
            List<String> before = snapshot();
            assertEquals(2, run(args(home.resolve("runs").resolve("from"), "empirical.n=[40]",
                    "empirical.datasets_from=" + c[0])), stderr());
            assertOneLine("empirical.datasets_from: " + c[1]);
            assertEquals(before, snapshot(), "nothing written");
            // paired-trajectories reads data sets through the same check
            assertEquals(2, run(pairedArgs(home.resolve("runs").resolve("paired"), List.of("empirical.n=[40]",
                    "empirical.datasets=2", "init.count=2", "empirical.datasets_from=" + c[0]))), stderr());
            assertOneLine("empirical.datasets_from: " + c[1]);
            assertEquals(before, snapshot(), "nothing written");
        }
    }

    /** The captured standard error is one line, {@code onecnn: error: } then text starting with {@code start}. */
    private void assertOneLine(String start) {
        String e = stderr();
        assertTrue(e.startsWith("onecnn: error: " + start) && e.indexOf('\n') == e.length() - 1, e);
        assertFalse(e.contains("DatasetManifest["), "no dump of whole records: " + e);
    }

    /** Every path under the home, with its size: what "nothing written" compares. */
    private List<String> snapshot() throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(home)) {
            return s.map(p -> home.relativize(p) + (Files.isRegularFile(p) ? " " + p.toFile().length() : "/"))
                    .sorted().toList();
        }
    }
}
