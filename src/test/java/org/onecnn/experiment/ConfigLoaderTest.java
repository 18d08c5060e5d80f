package org.onecnn.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.experiment.samplesize.SampleSizeSpec;
import org.onecnn.experiment.sweep.PopulationSweepSpec;
import org.onecnn.util.InvalidInputException;

/** Loading, overriding and validating configs: every bad input names its field. */
class ConfigLoaderTest {

    private static InvalidInputException bad(String config, String... sets) {
        return assertThrows(InvalidInputException.class, () -> {
            ConfigLoader.Loaded l = ConfigLoader.load(config, List.of(sets));
            Experiment.of(l.config().type()).validate(l.config(), l.cells());
        });
    }

    @Test
    void builtInsLoadAndExpand() {
        assertEquals(List.of("du2018-table1", "du2018-two-phase", "bg2017-fixed-output", "sample-size",
                "sample-size-quick", "sample-size-large", "paired-trajectories", "dg2019-double-convotron",
                "overlap-landscape"), ConfigLoader.builtIns());
        ConfigLoader.Loaded t1 = ConfigLoader.load("du2018-table1", List.of());
        assertEquals(36, t1.cells().size());
        assertEquals(List.of("k", "ratio"), t1.config().axes());
        // last axis fastest; the cell configs carry the substituted values
        assertEquals(25, ((PopulationSweepSpec) t1.cells().get(1).config()).model().k());
        assertEquals(1.0, ((PopulationSweepSpec) t1.cells().get(1).config()).teacher().ratio());
        assertEquals(36, ((PopulationSweepSpec) t1.cells().get(6).config()).model().k());
        assertEquals(0.0, ((PopulationSweepSpec) t1.cells().get(6).config()).teacher().ratio());
        assertEquals(100, ((PopulationSweepSpec) t1.cells().get(35).config()).model().k());
        assertEquals(25.0, ((PopulationSweepSpec) t1.cells().get(35).config()).teacher().ratio());
        assertEquals(5000, ((PopulationSweepSpec) t1.config()).init().count());
        assertEquals(40000L, ((PopulationSweepSpec) t1.config()).stop().maxSteps());
        assertEquals(0.05, ((PopulationSweepSpec) t1.config()).train().eta().value());
        assertEquals(0.5, ((PopulationSweepSpec) t1.config()).teacher().aNorm());
        for (String name : ConfigLoader.builtIns()) {
            ConfigLoader.Loaded l = ConfigLoader.load(name, List.of());
            Experiment.of(l.config().type()).validate(l.config(), l.cells());
        }
        // bg2017: p is a grid axis and the patches stay non-overlapping
        ConfigLoader.Loaded bg = ConfigLoader.load("bg2017-fixed-output", List.of());
        assertEquals(6, bg.cells().size());
        assertEquals(25, ((PopulationSweepSpec) bg.cells().get(1).config()).model().s());
    }

    @Test
    void overridesByPathAndByUniqueName() {
        ConfigLoader.Loaded l = ConfigLoader.load("du2018-table1", List.of("train.eta=0.1", "init.count=7", "grid.k=[25,49]",
                "classify.a_tol=0.01", "seed=5"));
        assertEquals(0.1, ((PopulationSweepSpec) l.config()).train().eta().value());
        assertEquals(7, ((PopulationSweepSpec) l.config()).init().count());
        assertEquals(0.01, ((PopulationSweepSpec) l.config()).classify().aTol());
        assertEquals(5L, l.config().seed());
        assertEquals(12, l.cells().size());
    }

    @Test
    void unknownKeysAreNamed() {
        InvalidInputException e = bad("du2018-table1", "train.etaa=0.1");
        assertEquals("train.etaa", e.field());
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
        assertTrue(e.getMessage().contains("eta"), "lists the allowed keys: " + e.getMessage());
        e = bad("du2018-table1", "bogus=1");
        assertEquals("bogus", e.field());
        // a bare name is looked up in the sections the experiment's type uses: on a population sweep only
        // train.eta and record.every exist; on sample-size eta is train.eta or empirical.eta
        assertEquals(0.07, ((PopulationSweepSpec) ConfigLoader.load("du2018-table1", List.of("eta=0.07")).config()).train().eta().value());
        assertEquals(7L, ((PopulationSweepSpec) ConfigLoader.load("du2018-table1", List.of("every=7", "record.runs=1")).config()).record()
                .every());
        e = bad("sample-size", "eta=0.1");
        assertEquals("eta", e.field());
        assertTrue(e.getMessage().contains("ambiguous: write train.eta or empirical.eta"), e.getMessage());
        assertEquals(0.2, ((SampleSizeSpec) ConfigLoader.load("sample-size", List.of("empirical.eta=0.2")).config()).empirical().eta());
        // a field of a section the type does not use is refused: setting it would change nothing
        e = bad("du2018-table1", "empirical.n=[100]");
        assertEquals("empirical.n", e.field());
        e = bad("dg2019-double-convotron", "count=5");
        assertEquals("count", e.field());
    }

    @Test
    void overridesAndYamlAreReadStrictly() {
        // null restores the default; an empty value is an error, not the default
        assertEquals(1000, ((PopulationSweepSpec) ConfigLoader.load("du2018-table1", List.of("init.count=null")).config()).init().count());
        assertEquals("init.count", bad("du2018-table1", "init.count=").field());
        // booleans are true or false only
        assertTrue(((PopulationSweepSpec) ConfigLoader.load("du2018-table1", List.of("init.sign_restarts=true")).config()).init()
                .signRestarts());
        assertEquals("init.sign_restarts", bad("du2018-table1", "init.sign_restarts=1").field());
        assertEquals("init.sign_restarts", bad("du2018-table1", "init.sign_restarts=on").field());
        assertEquals("stop.settled", assertThrows(InvalidInputException.class, () -> ConfigLoader.bind(ConfigLoader.parse(
                "name: x\ntype: population-sweep\nstop:\n  settled: no\n", "t"))).field());
        // a key given twice is refused, naming its path
        assertEquals("stop.max_steps", assertThrows(InvalidInputException.class, () -> ConfigLoader.parse(
                "name: x\nstop:\n  max_steps: 5\n  max_steps: 6\n", "t")).field());
        // numbers are numbers: a quoted one is text
        assertEquals("init.count", bad("du2018-table1", "init.count='5'").field());
        assertEquals(1.0, ((PopulationSweepSpec) ConfigLoader.load("du2018-table1", List.of("teacher.w_norm=1"))
                .config()).teacher().wNorm());
        // duplicates in lists that key cells, data sets or strides
        assertEquals("grid.ratio", bad("du2018-table1", "grid.ratio=[0,4,4.0]").field());
        assertEquals("empirical.n", bad("sample-size", "empirical.n=[500,2000,500]").field());
        assertEquals("convotron.strides", bad("dg2019-double-convotron", "convotron.strides=[16,16]").field());
    }

    @Test
    void impossibleShapesAreNamed() {
        InvalidInputException e = bad("du2018-two-phase", "model.d=110");
        assertEquals("model.d", e.field());
        assertTrue(e.getMessage().contains("(d - p) % s"), e.getMessage());
        e = bad("du2018-two-phase", "model.s=30");
        assertEquals("model.s", e.field());
        e = bad("du2018-table1", "grid.ratio=[0,30]");
        assertEquals("teacher.ratio", e.field());
        assertTrue(e.getMessage().contains("k=25, ratio=30"), "names the cell: " + e.getMessage());
        e = bad("du2018-table1", "grid.k=[0]");
        assertEquals("model.k", e.field());
        e = bad("du2018-two-phase", "model.s=5");
        assertEquals("model.s", e.field());
        assertTrue(e.getMessage().contains("non-overlapping"), e.getMessage());
    }

    @Test
    void badNumbersAreNamed() {
        assertEquals("train.eta", bad("du2018-table1", "train.eta=0").field());
        assertEquals("train.eta", bad("du2018-table1", "train.eta=-0.1").field());
        assertEquals("train.eta", bad("du2018-table1", "train.eta=.nan").field());
        assertEquals("train.eta", bad("du2018-table1", "train.eta=abc").field());
        assertEquals("train.eta", bad("du2018-table1", "train.eta=auto").field());
        assertEquals("stop.max_steps", bad("du2018-table1", "stop.max_steps=0").field());
        assertEquals("init.count", bad("du2018-table1", "init.count=-3").field());
        assertEquals("teacher.a_norm", bad("du2018-table1", "teacher.a_norm=.nan").field());
        assertEquals("model.k", bad("du2018-two-phase", "model.k=abc").field());
        assertEquals("model.k", bad("du2018-two-phase", "model.k=2.5").field());
        assertEquals("classify.phi_global", bad("du2018-table1", "classify.phi_global=4").field());
        assertEquals("stop.target_loss", bad("du2018-table1", "stop.target_loss=-1").field());
        assertEquals("grid.k", bad("du2018-table1", "grid.k=[]").field());
    }

    @Test
    void missingAndMalformedFiles(@TempDir Path dir) throws Exception {
        InvalidInputException e = bad(dir.resolve("nope.yaml").toString());
        assertEquals("config", e.field());
        assertTrue(e.getMessage().contains("file not found"), e.getMessage());
        e = bad("no-such-experiment");
        assertTrue(e.getMessage().contains("du2018-table1"), "lists the built-ins: " + e.getMessage());
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "name: x\ntype: [unclosed\n");
        e = bad(broken.toString());
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
        Path list = dir.resolve("list.yaml");
        Files.writeString(list, "- a\n- b\n");
        assertTrue(bad(list.toString()).getMessage().contains("mapping"));
        Path noType = dir.resolve("notype.yaml");
        Files.writeString(noType, "name: x\n");
        assertEquals("type", bad(noType.toString()).field());
    }

    @Test
    void resolvedConfigRoundTrips() {
        ConfigLoader.Loaded l = ConfigLoader.load("du2018-table1", List.of("init.count=11"));
        String yaml = ConfigLoader.toYaml(l.config());
        PopulationSweepSpec again = (PopulationSweepSpec) ConfigLoader.bind(ConfigLoader.parse(yaml, "resolved"));
        assertEquals(((PopulationSweepSpec) l.config()).init(), again.init());
        assertEquals(((PopulationSweepSpec) l.config()).model(), again.model());
        assertEquals(ConfigLoader.cells(again).size(), l.cells().size());
        assertEquals(yaml, ConfigLoader.toYaml(again));
    }

    /**
     * One reading of numbers and booleans, in a file and in --set alike (ConfigLoader.readYaml): integers in decimal
     * digits only, true/false only, finite numbers only, each refusal saying what is wrong in YAML's terms; and
     * YAML 1.1's yes/no is a string where a string is wanted.
     */
    @Test
    void yamlScalarsAreReadOneWayAndRefusedInTheUsersTerms(@TempDir Path dir) throws Exception {
        String[][] cases = {
            // field, value, what the message must say
            {"init.count", "0x14", "'0x14' is not written in decimal digits; write 20"},
            {"init.count", "2_0", "'2_0' is not written in decimal digits; write 20"},
            {"init.count", "0o24", "'0o24' is not written in decimal digits; write 20"},
            {"init.count", "0b10100", "'0b10100' is not written in decimal digits; write 20"},
            {"init.count", "024", "has a leading zero"},
            {"init.count", "2e1", "an integer is needed; write 20"},
            {"init.count", "20.0", "an integer is needed; write 20"},
            {"init.count", "2.5", "an integer is needed, got 2.5"},
            {"init.count", ".inf", "is infinite (.inf); use a finite number"},
            {"teacher.a_norm", ".inf", "is infinite (.inf); use a finite number"},
            {"teacher.a_norm", "-.Inf", "is infinite (-.Inf); use a finite number"},
            {"teacher.a_norm", ".nan", "is NaN (.nan, not a number); use a finite number"},
            {"teacher.a_norm", "1_0.5", "write the number in digits only: 10.5"},
            {"train.eta", ".inf", "is infinite (.inf); use a finite number > 0, or 'auto'"},
            {"stop.settled", "yes", "'yes' is not a boolean here: write true or false"},
            {"stop.settled", "off", "'off' is not a boolean here: write true or false"},
            {"teacher.w_star", "[1, .nan]", "is NaN (.nan, not a number)"},
        };
        for (String[] c : cases) {
            String[] path = c[0].split("\\.");
            Path f = dir.resolve("c.yaml");
            Files.writeString(f, "name: x\ntype: population-sweep\n" + path[0] + ":\n  " + path[1] + ": " + c[1] + "\n");
            for (InvalidInputException e : List.of(bad(f.toString()), bad("du2018-table1", c[0] + "=" + c[1]))) {
                assertTrue(e.field().startsWith(c[0]), c[0] + "=" + c[1] + ": " + e.getMessage());
                assertTrue(e.getMessage().contains(c[2]), c[0] + "=" + c[1] + ": " + e.getMessage());
            }
        }
        // decimal numbers are numbers, true/false booleans, and yes/no text where text is wanted
        Path ok = dir.resolve("ok.yaml");
        Files.writeString(ok, "name: yes\ntype: population-sweep\ndescription: no\nseed: +20\ninit: {count: 20}\n"
                + "stop: {settled: True}\nteacher: {a_norm: 2e-1, ratio: .5}\n");
        PopulationSweepSpec spec = (PopulationSweepSpec) ConfigLoader.load(ok.toString(), List.of()).config();
        assertEquals("yes", spec.name());
        assertEquals("no", spec.description());
        assertEquals(20L, spec.seed());
        assertEquals(20, spec.init().count());
        assertTrue(spec.stop().settled());
        assertEquals(0.2, spec.teacher().aNorm());
        assertEquals(0.5, spec.teacher().ratio());
        assertEquals("yes", ConfigLoader.load("du2018-table1", List.of("name=yes")).config().name());
        // the resolved config quotes such a name, so that it reads back as the same text
        String yaml = ConfigLoader.toYaml(spec);
        Path again = dir.resolve("again.yaml");
        Files.writeString(again, yaml);
        assertEquals(yaml, ConfigLoader.toYaml(ConfigLoader.load(again.toString(), List.of()).config()));
    }

    /**
     * No field the user gives is without effect: a field a grid axis replaces in every cell is refused, naming both,
     * whether given by --set or in a file (a built-in's own fields are fine); the resolved config leaves such fields
     * out, so it loads again as a file, to the same text. The master seed cannot be an axis (its column would clash
     * with the per-run seed column, found only after the work).
     */
    @Test
    void fieldsTheGridReplacesAreRefusedAndLeftOutOfTheResolvedConfig(@TempDir Path dir) throws Exception {
        InvalidInputException e = bad("du2018-table1", "ratio=1000");
        assertEquals("teacher.ratio", e.field());
        assertTrue(e.getMessage().contains("is 1000, but the grid axis grid.ratio replaces it in every cell"),
                e.getMessage());
        e = bad("du2018-table1", "model.d=150");
        assertEquals("model.d", e.field());
        assertTrue(e.getMessage().contains("grid.k sets model.k in every cell, which drops model.d"), e.getMessage());
        e = bad("du2018-table1", "grid=null", "grid.k=[4,9]", "model.k=4");
        assertEquals("model.k", e.field());
        e = bad("bg2017-fixed-output", "model.p=5");
        assertEquals("model.p", e.field());
        Path file = dir.resolve("f.yaml");
        Files.writeString(file, "name: x\ntype: population-sweep\nteacher: {ratio: 9}\ngrid: {ratio: [0, 1]}\n");
        e = bad(file.toString());
        assertEquals("teacher.ratio", e.field());
        assertTrue(e.getMessage().contains("grid.ratio"), e.getMessage());
        // the built-in's own model.p (bg2017 sweeps p) is not the user's, and null sets nothing
        ConfigLoader.load("bg2017-fixed-output", List.of("teacher.w_norm=2"));
        ConfigLoader.load("du2018-table1", List.of("teacher.ratio=null"));
        // the resolved config has no teacher.ratio, model.k or model.d, and runs again as a file
        for (String builtIn : List.of("du2018-table1", "bg2017-fixed-output")) {
            String yaml = ConfigLoader.toYaml(ConfigLoader.load(builtIn, List.of()).config());
            Path dump = dir.resolve(builtIn + ".yaml");
            Files.writeString(dump, yaml);
            assertEquals(yaml, ConfigLoader.toYaml(ConfigLoader.load(dump.toString(), List.of()).config()));
            com.fasterxml.jackson.databind.JsonNode tree = ConfigLoader.parse(yaml, builtIn);
            assertTrue(tree.path("model").path("k").isMissingNode() && tree.path("model").path("d").isMissingNode(),
                    yaml);
        }
        assertTrue(ConfigLoader.parse(ConfigLoader.toYaml(ConfigLoader.load("du2018-table1", List.of()).config()), "t")
                .path("teacher").path("ratio").isMissingNode());
        // the cells still carry the swept values
        ConfigLoader.Loaded l = ConfigLoader.load("du2018-table1", List.of());
        assertEquals(25.0, ((PopulationSweepSpec) l.cells().get(35).config()).teacher().ratio());
        e = bad("du2018-table1", "grid=null", "grid.seed=[1,2]");
        assertEquals("grid.seed", e.field());
        assertTrue(e.getMessage().contains("master seed cannot be a grid axis"), e.getMessage());
    }
}
