package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.onecnn.testutil.NumpyTeacher;

/**
 * python/onecnn_io.py, the Python reader (docs/python.md), on a real run folder: a small sample-size run made here
 * in process, with its data sets saved. python3 with numpy (no pandas, so the numpy-only path is the one tested)
 * loads it, and the test checks against what Java reads from the same files: every CSV table with as many rows
 * as the file has lines below its header, the config equal to Jackson's reading of config.yaml (so the reader's
 * own YAML parser is checked on every field onecnn writes), provenance equal to provenance.json, a saved data set
 * with the manifest's shape, saved parameters under params/ found, and the example's data for probability_vs_n
 * with one point per sample size.
 */
class PythonReaderTest extends CliFixture {
    private static final Path PYTHON = Path.of("python").toAbsolutePath();

    private static final String SCRIPT = String.join("\n",
            "import sys, json, os, numpy as np",
            "sys.path.insert(0, sys.argv[1]); sys.path.insert(0, os.path.join(sys.argv[1], 'examples'))",
            "import onecnn_io, probability_vs_n",
            "folder = sys.argv[2]",
            // saved parameters (empirical.save_params) are any .npy under params/: one made here, in a subfolder
            "os.makedirs(os.path.join(folder, 'params', 'n-40'))",
            "np.save(os.path.join(folder, 'params', 'n-40', 'v.npy'), np.arange(6.0).reshape(2, 3))",
            "run = onecnn_io.load_run(folder, pandas=False)",
            "assert isinstance(run.results, onecnn_io.Table), type(run.results)",
            // dict-style access, as code written for a dict of the folder's parts would do it
            "assert run['results'] is run.results and run['config'] is run.config, 'run[name] is the attribute'",
            "assert run['per_dataset'] is run.tables['per_dataset'], 'run[table] is the table'",
            "assert len(run['results']) == len(run.results)",
            "try:\n    run['no_such_part']\n    raise AssertionError('KeyError expected')\nexcept KeyError:\n    pass",
            "out = {'rows': {k: len(t) for k, t in run.tables.items()}, 'config': run.config,",
            "       'provenance': run.provenance, 'results_columns': run.results.columns,",
            "       'outcome0': str(run.results['outcome'][0]), 'seed_dtype': str(run.results['seed'].dtype),",
            "       'phi_dtype': str(run.results['phi'].dtype),",
            "       'params': {k: list(v.shape) for k, v in run.params.items()},",
            "       'summary_json_keys': sorted(run.summary_json)}",
            "ds = onecnn_io.load_dataset(run.datasets[-1])",
            "out['dataset'] = [list(ds.X.shape), list(ds.y.shape), ds.manifest['n'], ds.manifest['d']]",
            "series = probability_vs_n.probability_series(run)",
            "out['series_n'] = series['n'].tolist()",
            "out['series_ok'] = bool(all(np.all((lo <= p) & (p <= hi)) for p, lo, hi in",
            "    (series[c] for c in ('global', 'spurious', 'not_converged'))))",
            "print(json.dumps(out))");

    @Test
    void theReaderLoadsASampleSizeRunAsJavaReadsIt() throws Exception {
        Path folder = home.resolve("runs").resolve("small");
        assertEquals(0, run("run", "sample-size", "-q", "--out", folder.toString(), "--set", "init.count=6",
                "--set", "empirical.datasets=2", "--set", "empirical.max_steps=200", "--set",
                "empirical.check_every=50", "--set", "stop.max_steps=2000", "--set", "empirical.n=[40,80]",
                "--set", "empirical.save_datasets=true"), stderr());
        NumpyTeacher.requireNumpy();
        JsonNode got = new ObjectMapper().readTree(python(PYTHON.toString(), folder.toString()));

        Map<String, Integer> rows = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".csv")).toList()) {
                String name = f.getFileName().toString();
                rows.put(name.substring(0, name.length() - 4), (int) Files.readAllLines(f).size() - 1);
            }
        }
        assertTrue(rows.keySet().containsAll(List.of("results", "summary", "population", "per_dataset",
                "transitions", "spurious_position")), rows.toString());
        assertEquals(2 * 2 * 6, rows.get("results"), "2 sizes x 2 data sets x 6 initializations");
        Map<String, Integer> pyRows = new TreeMap<>();
        got.get("rows").fields().forEachRemaining(e -> pyRows.put(e.getKey(), e.getValue().asInt()));
        assertEquals(rows, pyRows, "every table, with as many rows as its file");

        JsonNode config = new YAMLMapper().readTree(folder.resolve("config.yaml").toFile());
        assertEquals(config, got.get("config"), "config.yaml read without PyYAML as Jackson reads it");
        assertEquals(new ObjectMapper().readTree(folder.resolve("provenance.json").toFile()), got.get("provenance"));
        String header = Files.readAllLines(folder.resolve("results.csv")).get(0);
        assertEquals(List.of(header.split(",")), toList(got.get("results_columns")));
        assertEquals(Files.readAllLines(folder.resolve("results.csv")).get(1).split(",")[
                List.of(header.split(",")).indexOf("outcome")], got.get("outcome0").asText());
        assertEquals("int64", got.get("seed_dtype").asText(), "an integer column is int64");
        assertEquals("float64", got.get("phi_dtype").asText());
        assertEquals("{\"n-40/v\":[2,3]}", got.get("params").toString());
        assertTrue(toList(got.get("summary_json_keys")).contains("summary"), got.toString());
        JsonNode sets = new ObjectMapper().readTree(folder.resolve("provenance.json").toFile()).at("/datasets/sets");
        JsonNode manifest = new ObjectMapper().readTree(
                Path.of(sets.get(sets.size() - 1).get("path").asText()).resolve("manifest.json").toFile());
        long n = manifest.get("n").asLong();
        long d = manifest.get("d").asLong();
        assertEquals(80, n);
        assertEquals("[[" + n + "," + d + "],[" + n + "]," + n + "," + d + "]", got.get("dataset").toString(),
                "X [n, d], y [n] and the manifest of the last data set");
        assertEquals(List.of("40.0", "80.0"), toList(got.get("series_n")));
        assertTrue(got.get("series_ok").asBoolean(), "each probability inside its interval");
    }

    private static List<String> toList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Runs SCRIPT with python3; fails the test with its output when it fails. */
    private static String python(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", SCRIPT));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        return lines.get(lines.size() - 1);
    }
}
