package org.onecnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input battery: every experiment type and every command, fed what a new user might type. Each
 * case must be refused up front, as the README promises: exit code 2, exactly one line on standard error
 * starting {@code onecnn: error: } and naming the field, no exception text or stack trace, and nothing
 * written anywhere under onecnn's home (no run folder, no {@code --out} folder). No case may start real
 * work: the timeout would catch one that does.
 */
class BadInputBatteryTest {
    @TempDir
    Path home;

    private Path in;
    private Console console;

    /**
     * A case: a label, the field its error must name and the arguments (both built from the inputs folder: a field
     * may name a file there).
     */
    record Case(String label, Function<Path, String> field, Function<Path, String[]> args) {
        @Override
        public String toString() {
            return label;
        }
    }

    private static Case c(String label, String field, String... args) {
        return new Case(label, dir -> field, dir -> args);
    }

    private static Case f(String label, String field, Function<Path, String[]> args) {
        return new Case(label, dir -> field, args);
    }

    /** A case whose field names a file of the inputs folder. */
    private static Case ff(String label, Function<Path, String> field, Function<Path, String[]> args) {
        return new Case(label, field, args);
    }

    /**
     * The compute profile, the engine and their options, refused alike by run (every experiment type that uses a
     * profile), bench empirical and doctor, each line naming the option or field and, for a bad file, the file and
     * its key.
     */
    static Stream<Case> computeCases() {
        String ss = "sample-size";
        String pt = "paired-trajectories";
        List<Case> l = new ArrayList<>();
        for (String type : List.of(ss, pt)) {
            for (String[] bad : new String[][] {{"huge-memory", "memory_limit_gb"}, {"twice", "max_students_per_chunk"},
                {"full-width", "nd4j.max_threads"}}) {
                String file = bad[0] + ".properties";
                l.add(ff(type + ": profile file " + file, d -> "empirical.profile: " + d.resolve(file) + ": " + bad[1],
                        d -> new String[] {"run", type, "-q", "--profile", d.resolve(file).toString()}));
            }
            // the chunk execute sizes from the profile's own max_samples_per_chunk: was refused after the run folder
            // was made (a smaller empirical.sample_chunk passed the estimate)
            l.add(ff(type + ": profile too small for one student", d -> "empirical.profile: "
                    + d.resolve("tiny-memory.properties") + ": memory_limit_gb", d -> with(run(type,
                    "empirical.sample_chunk=2048", "empirical.n=[60000]"), "--profile",
                    d.resolve("tiny-memory.properties").toString())));
            // doctor refuses a profile that may use more memory than the machine has: so does a run
            l.add(ff(type + ": more memory than the machine has", d -> "empirical.profile: profile more-than-ram "
                    + "may use 1000000 GiB", d -> new String[] {"run", type, "-q", "--profile",
                    d.resolve("more-than-ram.properties").toString()}));
        }
        for (String[] bad : new String[][] {{"huge-memory", "memory_limit_gb"}, {"twice", "max_students_per_chunk"},
            {"full-width", "nd4j.max_threads"}}) {
            String file = bad[0] + ".properties";
            l.add(ff("bench empirical: profile file " + file, d -> "--profile: " + d.resolve(file) + ": " + bad[1],
                    d -> new String[] {"bench", "empirical", "--profile", d.resolve(file).toString()}));
            l.add(ff("doctor: profile file " + file, d -> "--profile: " + d.resolve(file) + ": " + bad[1],
                    d -> new String[] {"doctor", "--profile", d.resolve(file).toString()}));
        }
        l.add(ff("bench empirical: more memory than the machine has", d -> "--profile: profile more-than-ram may use "
                + "1000000 GiB", d -> new String[] {"bench", "empirical", "--profile",
                d.resolve("more-than-ram.properties").toString()}));
        l.add(ff("bench empirical, dl4j: more memory than the machine has", d -> "--profile: profile more-than-ram "
                + "may use 1000000 GiB", d -> new String[] {"bench", "empirical", "--engine", "dl4j", "--profile",
                d.resolve("more-than-ram.properties").toString()}));
        l.add(ff("doctor: more memory than the machine has", d -> "--profile: profile more-than-ram may use 1000000 "
                + "GiB", d -> new String[] {"doctor", "--profile", d.resolve("more-than-ram.properties").toString()}));
        l.add(c("bench empirical: threads beyond 4096", "--threads", "bench", "empirical", "--threads", "99999"));
        l.add(c("bench empirical: threads for an engine without its own", "--threads", "bench", "empirical",
                "--engine", "dl4j", "--threads", "2"));
        l.add(c("bench empirical: unknown profile", "--profile: no profile named 'nosuch'", "bench", "empirical",
                "--profile", "nosuch"));
        if (!org.onecnn.empirical.cuda.CudaDrivers.libcudaPresent()) {
            // no NVIDIA driver here: the cuda engine, chosen by a profile or by name, is refused before anything
            for (String type : List.of(ss, pt)) {
                l.add(c(type + ": profile cuda-hopper (engine cuda) without a driver", "empirical.profile: profile "
                        + "cuda-hopper uses the cuda engine, which cannot run here", "run", type, "-q", "--profile",
                        "cuda-hopper"));
                l.add(c(type + ": engine cuda without a driver", "empirical.engine", run(type,
                        "empirical.engine=cuda")));
                l.add(c(type + ": engine cuda with profile cuda-blackwell without a driver", "empirical.profile",
                        with(run(type, "empirical.engine=cuda"), "--profile", "cuda-blackwell")));
            }
            l.add(c("bench empirical: profile cuda-hopper (engine cuda) without a driver", "--profile: profile "
                    + "cuda-hopper uses the cuda engine, which cannot run here", "bench", "empirical", "--profile",
                    "cuda-hopper"));
            l.add(c("bench empirical: engine cuda without a driver", "--engine", "bench", "empirical", "--engine",
                    "cuda"));
            l.add(c("doctor: profile cuda-hopper without a driver", "--profile: profile cuda-hopper uses the cuda "
                    + "engine, which cannot run here", "doctor", "--profile", "cuda-hopper"));
        }
        return l.stream();
    }

    private static String[] run(String config, String... sets) {
        List<String> l = new ArrayList<>(List.of("run", config, "-q"));
        for (String s : sets) {
            l.add("--set");
            l.add(s);
        }
        return l.toArray(new String[0]);
    }

    static Stream<Case> cases() {
        String du = "du2018-table1";
        String bg = "bg2017-fixed-output";
        String tp = "du2018-two-phase";
        String ss = "sample-size";
        String pt = "paired-trajectories";
        String dc = "dg2019-double-convotron";
        String ol = "overlap-landscape";
        return Stream.of(
            // ---- unknown and misspelled keys
            c("unknown top-level key via --set", "foo", run(du, "foo=1")),
            c("misspelled nested key via --set", "train.etaa", run(du, "train.etaa=0.1")),
            c("misspelled section via --set", "trian.eta", run(du, "trian.eta=0.1")),
            f("unknown top-level key in a file", "modle", d -> run(d.resolve("unknown-top.yaml").toString())),
            f("unknown nested key in a file", "model.kk", d -> run(d.resolve("unknown-nested.yaml").toString())),
            c("unknown key on sample-size", "empirical.nn", run(ss, "empirical.nn=[100]")),
            c("unknown key on double-convotron", "convotron.teacher", run(dc, "convotron.teacher=3")),
            // ---- wrong types
            c("text for an integer", "init.count", run(du, "init.count=abc")),
            c("list for an integer", "model.k", run(du, "model.k=[1,2]")),
            c("fraction for an integer", "init.count", run(du, "init.count=2.5")),
            c("quoted number for an integer", "init.count", run(du, "init.count='5'")),
            c("integer for a boolean", "init.sign_restarts", run(du, "init.sign_restarts=2")),
            c("yes for a boolean", "init.sign_restarts", run(du, "init.sign_restarts=yes")),
            c("figures.titles not a boolean", "figures.titles", run(ss, "figures.titles=maybe")),
            c("unknown key in figures", "figures.title", run(du, "figures.title=false")),
            c("field a grid axis replaces, by --set", "teacher.ratio", run(du, "ratio=1000")),
            c("field the grid drops (d follows k)", "model.d", run(du, "model.d=150")),
            f("field a grid axis replaces, in a file", "teacher.ratio", d -> run(d.resolve("grid-replaced.yaml")
                    .toString())),
            c("master seed as a grid axis", "grid.seed", run(du, "grid=null", "grid.seed=[1,2]")),
            c("hexadecimal integer", "init.count", run(du, "init.count=0x14")),
            c("integer with '_'", "init.count", run(du, "init.count=2_0")),
            c("YAML 1.2 octal integer", "init.count", run(du, "init.count=0o24")),
            c("exponent for an integer", "init.count", run(du, "init.count=2e1")),
            c("YAML .inf for a number", "teacher.a_norm", run(du, "teacher.a_norm=.inf")),
            f("hexadecimal integer in a file", "init.count", d -> run(d.resolve("hex.yaml").toString())),
            f("YAML .inf in a file", "teacher.ratio", d -> run(d.resolve("inf.yaml").toString())),
            c("mapping for a number", "train.eta", run(du, "train.eta={a: 1}")),
            c("integer beyond int", "model.k", run(du, "model.k=3000000000")),
            c("empty --set value", "init.count", run(du, "init.count=")),
            c("seed beyond long", "seed", run(du, "seed=9223372036854775808")),
            c("malformed YAML in --set", "grid.k", run(du, "grid.k=[25, 36")),
            c("scalar for a section", "model", run(du, "model=5")),
            c("list for the grid", "grid", run(du, "grid=[1]")),
            c("scalar for a grid axis", "grid.k", run(du, "grid.k=5")),
            c("null in a grid list", "grid.k", run(du, "grid.k=[25,null]")),
            c("text for the seed", "seed", run(du, "seed=abc")),
            c("--set without a field", "--set", run(du, "=5")),
            c("--set without a value", "--set", run(du, "k")),
            c("empty string for a number", "init.count", run(du, "init.count=''")),
            c("number for a list", "empirical.n", run(ss, "empirical.n=5")),
            c("text in a convotron list", "convotron.strides", run(dc, "convotron.strides=[a]")),
            // ---- zero, negative, NaN, infinite, absurd
            c("zero count", "init.count", run(du, "init.count=0")),
            c("negative p", "model.p", run(du, "model.p=-3")),
            c("zero step", "train.eta", run(du, "train.eta=0")),
            c("NaN norm", "teacher.a_norm", run(du, "teacher.a_norm=.nan")),
            c("infinite step", "train.eta", run(du, "train.eta=.inf")),
            c("absurd step", "train.eta", run(du, "train.eta=1.0e300")),
            c("absurd teacher norm", "teacher.w_norm", run(du, "teacher.w_norm=1.0e200")),
            c("absurd budget", "stop.max_steps", run(du, "stop.max_steps=1000000000000")),
            c("zero check interval", "stop.check_every", run(du, "stop.check_every=0")),
            c("negative target loss", "stop.target_loss", run(bg, "stop.target_loss=-1")),
            c("absurd gradient tolerance: stationary at step 0", "classify.grad_tol", run(du,
                    "classify.grad_tol=1e308")),
            c("gradient tolerance above every initial gradient", "classify.grad_tol", run(du, "classify.grad_tol=0.5")),
            c("absurd target loss: reached at step 0", "stop.target_loss", run(du, "stop.target_loss=1e308")),
            c("target loss above every initial loss", "stop.target_loss", run(bg, "stop.target_loss=1e9")),
            c("GLOBAL tolerance above the zero network's loss", "empirical.loss_tol", run(ss,
                    "empirical.loss_tol=1e308")),
            c("empirical gradient tolerance above every initial gradient", "empirical.grad_tol", run(ss,
                    "empirical.grad_tol=1e308")),
            c("angle threshold beyond π", "classify.phi_global", run(du, "classify.phi_global=4")),
            c("negative record runs", "record.runs", run(du, "record.runs=-1")),
            c("NaN label noise", "empirical.noise", run(ss, "empirical.noise=.nan")),
            c("absurd label noise σ = 1e200", "empirical.noise", run(ss, "empirical.noise=1.0e200")),
            c("leaky slope 1", "empirical.leaky_slope", run(ss, "empirical.leaky_slope=1")),
            c("zero data sets", "empirical.datasets", run(ss, "empirical.datasets=0")),
            c("zero recording interval", "empirical.every", run(pt, "empirical.every=0")),
            c("NaN Convotron step", "convotron.schedules.gaussian.eta1", run(dc, "convotron.schedules.gaussian.eta1=.nan")),
            c("zero Convotron steps", "convotron.schedules.uniform.steps2", run(dc, "convotron.schedules.uniform.steps2=0")),
            c("success error 2 (trivial)", "convotron.success_error", run(dc, "convotron.success_error=2")),
            c("zero teachers", "convotron.teachers", run(ol, "convotron.teachers=0")),
            c("zero draws", "two_phase.max_draws", run(tp, "two_phase.max_draws=0")),
            c("negative recording interval", "two_phase.every", run(tp, "two_phase.every=-1")),
            // ---- sizes that would exhaust memory (refused with the estimate and the largest value that fits)
            c("p = 1e9", "model.p", run(du, "model.p=1000000000")),
            c("grid k = 1e8", "grid.k", run(du, "grid.k=[100000000]")),
            c("count 2e9 on a sweep", "init.count", run(du, "init.count=2000000000")),
            c("count 2e9 with sign restarts", "init.count", run(du, "init.count=2000000000",
                "init.sign_restarts=true")),
            c("count 2e9 on sample-size", "init.count", run(ss, "init.count=2000000000")),
            c("n = 1e9 on sample-size", "empirical.n", run(ss, "empirical.n=[1000000000]")),
            c("n = 1e9 on paired-trajectories", "empirical.n", run(pt, "empirical.n=[1000000000]")),
            c("count 2e9 on overlap-landscape", "init.count", run(ol, "init.count=2000000000")),
            c("2e9 teachers", "convotron.teachers", run(dc, "convotron.teachers=2000000000")),
            c("2e9 test samples", "convotron.test_samples", run(dc, "convotron.test_samples=2000000000")),
            c("test set beyond one array", "convotron.test_samples", run(dc, "convotron.test_samples=20000000")),
            c("2e9 draws on two-phase", "two_phase.max_draws", run(tp, "two_phase.max_draws=2000000000")),
            c("two-phase trajectory of 1e9 points", "stop.max_steps", run(tp, "stop.max_steps=1000000000",
                "two_phase.every=1")),
            c("d beyond one array", "model.k", run(du, "model.k=2000000000")),
            // ---- impossible shapes and combinations
            c("stride larger than p", "model.s", run(du, "model.s=7")),
            c("d that the patches do not tile", "model.d", run(tp, "model.d=110")),
            c("reduced engine with overlap", "train.engine", run(du, "model.s=3")),
            c("ratio beyond k", "teacher.ratio", run(du, "grid.ratio=[40]")),
            c("unknown teacher family", "teacher.family", run(du, "teacher.family=bogus")),
            c("explicit teacher of the wrong length", "teacher.w_star", run(tp, "teacher.family=explicit",
                "teacher.w_star=[1,2]", "teacher.a_star=[1,2]")),
            c("explicit teacher with a null entry", "teacher.w_star", run(tp, "teacher.family=explicit",
                "model.p=2", "model.k=2", "teacher.w_star=[1,null]", "teacher.a_star=[1,2]")),
            c("explicit teacher without a_star", "teacher", run(tp, "teacher.family=explicit", "teacher.w_star=[1]")),
            c("explicit init without points", "init.points", run(du, "init.scheme=explicit")),
            c("explicit init with a null point", "init.points", run(du, "init.scheme=explicit", "init.points=[null]")),
            c("explicit init point of the wrong shape", "init.points", run(du, "init.scheme=explicit",
                "init.points=[{v: [1, 0], a: [1]}]")),
            c("explicit init point with a NaN", "init.points", run(du, "init.scheme=explicit", "grid=null",
                "model.k=1", "model.p=2", "teacher.ratio=1", "init.points=[{v: [1, .nan], a: [1]}]")),
            c("explicit init point without a", "init.points", run(du, "init.scheme=explicit", "grid=null",
                "model.k=1", "model.p=2", "teacher.ratio=1", "init.points=[{v: [1, 0]}]")),
            c("explicit init point with a zero v", "init.points", run(du, "init.scheme=explicit", "grid=null",
                "model.k=1", "model.p=2", "teacher.ratio=1", "init.points=[{v: [0, 0], a: [1]}]")),
            c("null entry in record.steps", "record.steps", run(du, "record.steps=[1, null]")),
            c("null entry in empirical.n", "empirical.n", run(ss, "empirical.n=[100, null]")),
            c("null entry in convotron.strides", "convotron.strides", run(dc, "convotron.strides=[16, null]")),
            c("null entry in convotron.distributions", "convotron.distributions", run(dc,
                "convotron.distributions=[null]")),
            c("auto step with wn-gd", "train.eta", run(bg, "train.algorithm=wn-gd")),
            c("two-phase with sphere-ones", "init.scheme", run(tp, "init.scheme=sphere-ones")),
            c("overlap-landscape on the reduced engine", "train.engine", run(ol, "train.engine=reduced")),
            c("stride that does not tile d", "convotron.strides", run(dc, "convotron.strides=[7]")),
            c("online SGD on uniform inputs", "empirical.regime", run(ss, "empirical.regime=online",
                "empirical.distribution=uniform")),
            c("online SGD with overlapping patches", "empirical.regime", run(ss, "empirical.regime=online",
                "model.s=3", "train.engine=full")),
            c("online SGD with a batch beyond memory", "empirical.batch_size", run(ss, "empirical.regime=online",
                "empirical.batch_size=2000000000")),
            c("student chunk beyond memory", "empirical.student_chunk", run(ss, "empirical.student_chunk=64",
                "empirical.sample_chunk=1048576", "empirical.n=[2000000]")),
            c("2e9 data sets", "empirical.datasets", run(ss, "empirical.datasets=2000000000")),
            c("paired trajectories of 1e9 points", "empirical.max_steps", run(pt, "empirical.max_steps=1000000000",
                "empirical.every=1")),
            c("recorded trajectories beyond memory", "record.runs", run(du, "record.runs=1000", "record.every=1",
                "stop.max_steps=1000000000")),
            c("paired-trajectories with minibatch", "empirical.regime", run(pt, "empirical.regime=minibatch")),
            c("unknown regime", "empirical.regime", run(ss, "empirical.regime=bogus")),
            c("unknown distribution", "empirical.distribution", run(ss, "empirical.distribution=cauchy")),
            c("unknown data type", "empirical.data_type", run(ss, "empirical.data_type=half")),
            c("unknown type", "type", run(du, "type=bogus")),
            c("name with a space", "name", run(du, "name=bad name")),
            // ---- found by probing as a new user (names, tiny values, settings that would be silently ignored)
            c("name '..'", "name", run(du, "name=..")),
            c("name starting with '.' (hidden folder)", "name", run(du, "name=.hidden")),
            c("name starting with '-'", "name", run(du, "name=-rf")),
            c("name with a path", "name", run(du, "name=a/../../b")),
            c("name of 300 characters", "name", run(du, "name=" + "a".repeat(300))),
            c("subnormal teacher norm", "teacher.a_norm", run(du, "teacher.a_norm=1e-320")),
            c("tiny teacher w norm", "teacher.w_norm", run(du, "teacher.w_norm=1e-300")),
            c("subnormal step", "train.eta", run(du, "train.eta=1e-320")),
            c("tiny empirical step", "empirical.eta", run(ss, "empirical.eta=1e-300")),
            c("subnormal Convotron step", "convotron.schedules.gaussian.eta1", run(dc, "convotron.schedules.gaussian.eta1=1e-320")),
            c("quoted number for a step", "train.eta", run(du, "train.eta='0.1'")),
            c("w_star with family ratio (ignored)", "teacher.w_star", run(du, "teacher.w_star=[1,0,0,0,0,0]")),
            c("a_star with family ones (ignored)", "teacher.a_star", run(bg, "teacher.a_star=[1]")),
            c("init points with scheme du (ignored)", "init.points", run(du,
                "init.points=[{v: [1,0,0,0,0,0], a: [1]}]")),
            c("record.runs without every or steps", "record.runs", run(du, "record.runs=5")),
            c("record.every without runs", "record.every", run(du, "record.every=5")),
            c("record.steps without runs", "record.steps", run(du, "record.steps=[5]")),
            c("record.every beyond 1e9", "record.every", run(du, "record.runs=1", "record.every=10000000000")),
            c("minibatch larger than the data set", "empirical.batch_size", run(ss, "empirical.regime=minibatch",
                "empirical.n=[50,500]", "empirical.batch_size=100")),
            c("Convotron stride with 2s <= p", "convotron.strides", run(dc, "convotron.strides=[1]")),
            c("Convotron default strides that do not tile d", "convotron.strides", run(dc, "convotron.strides=[]")),
            c("explicit teacher with a zero a* (was exit 1 after writing)", "teacher.a_star", run(tp,
                "teacher.family=explicit", "model.k=2", "model.p=2", "teacher.w_star=[1,0]", "teacher.a_star=[0,0]")),
            c("explicit teacher of norm 1e300", "teacher.w_star", run(tp, "teacher.family=explicit", "model.k=2",
                "model.p=2", "teacher.w_star=[1e300,0]", "teacher.a_star=[1,1]")),
            c("explicit teacher with a YAML .nan entry", "teacher.w_star", run(tp, "teacher.family=explicit",
                "model.k=2", "model.p=2", "teacher.w_star=[.nan, 0]", "teacher.a_star=[1,1]")),
            c("explicit teacher with an entry that overflows", "teacher.w_star", run(tp, "teacher.family=explicit",
                "model.k=2", "model.p=2", "teacher.w_star=[1e999, 0]", "teacher.a_star=[1,1]")),
            c("a field set twice (last would win)", "init.count", run(du, "init.count=5", "init.count=6")),
            c("two grid axes over one field", "model.k", run(du, "grid.model.k=[25]")),
            c("a section after one of its fields (drops the field)", "empirical", run(ss, "empirical.n=[50]",
                "empirical=null")),
            c("grid axis by path via --set, quoted value", "train.eta", run(du, "grid.train.eta=['0.1']")),
            c("grid axis by path via --set, duplicate values", "grid.init.sign_restarts", run(du,
                "grid.init.sign_restarts=[true, True]")),
            c("a field set twice, once by its short name", "init.count", run(du, "count=5", "init.count=6")),
            c("empirical.profile by --set and --profile", "empirical.profile", with(run(ss,
                "empirical.profile=cpu"), "--profile", "cpu")),
            c("explicit init point with a of 1e300", "init.points", run(du, "init.scheme=explicit", "grid=null",
                "model.k=2", "model.p=2", "teacher.ratio=1", "init.points=[{v: [1, 0], a: [1e300, 1]}]")),
            c("field of a section sample-size does not use", "two_phase.max_draws", run(ss,
                "two_phase.max_draws=5")),
            c("field of a section double-convotron does not use", "init.count", run(dc, "init.count=5")),
            c("teacher on overlap-landscape (unused)", "teacher.ratio", run(ol, "teacher.ratio=2")),
            // convotron.strides gives every cell's stride; model.s would only have moved d (160 to 304)
            c("stride on double-convotron (strides replace it)", "model.s", run(dc, "model.s=12")),
            c("stride on overlap-landscape (strides replace it)", "model.s", run(ol, "model.s=4")),
            c("empirical section on a population sweep", "empirical.n", run(du, "empirical.n=[100]")),
            // ---- data sets in and out (empirical.save_datasets, empirical.datasets_from)
            f("datasets_from: missing folder", "empirical.datasets_from", d -> run(ss, "empirical.n=null",
                "empirical.datasets=null", "empirical.datasets_from=" + d.resolve("no-such-datasets"))),
            f("datasets_from: a file", "empirical.datasets_from", d -> run(ss, "empirical.n=null",
                "empirical.datasets=null", "empirical.datasets_from=" + d.resolve("afile.txt"))),
            f("datasets_from: a folder without data sets", "empirical.datasets_from", d -> run(ss, "empirical.n=null",
                "empirical.datasets=null", "empirical.datasets_from=" + d.resolve("a-folder"))),
            c("datasets_from: empty string", "empirical.datasets_from", run(ss, "empirical.datasets_from=''")),
            f("datasets_from: a folder that is not a data set", "empirical.datasets_from", d -> run(ss,
                "empirical.n=null", "empirical.datasets=null", "empirical.datasets_from="
                + datasets(d, "not-a-dataset", null, 0))),
            f("datasets_from: wrong d", "empirical.datasets_from", d -> run(ss, "empirical.n=null",
                "empirical.datasets=null", "empirical.datasets_from=" + datasets(d, "wrong-d",
                org.onecnn.model.Architecture.of(12, 6, 6), 0))),
            f("datasets_from: wrong teacher", "empirical.datasets_from", d -> run(ss, "empirical.n=null",
                "empirical.datasets=null", "empirical.datasets_from=" + datasets(d, "wrong-teacher",
                org.onecnn.model.Architecture.of(150, 6, 6), 0))),
            f("datasets_from: wrong data type", "empirical.datasets_from", d -> run(ss, "empirical.n=null",
                "empirical.datasets=null", "empirical.data_type=double", "empirical.datasets_from=" + datasets(d,
                "right-teacher", org.onecnn.model.Architecture.of(150, 6, 6), 1))),
            f("datasets_from: sizes that disagree with empirical.n", "empirical.n", d -> run(ss,
                "empirical.datasets=null", "empirical.datasets_from=" + datasets(d, "right-teacher",
                org.onecnn.model.Architecture.of(150, 6, 6), 1))),
            f("datasets_from with online SGD", "empirical.datasets_from", d -> run(ss, "empirical.n=null",
                "empirical.datasets=null", "empirical.regime=online", "empirical.datasets_from=" + datasets(d,
                "right-teacher", org.onecnn.model.Architecture.of(150, 6, 6), 1))),
            f("datasets_from with save_datasets", "empirical.save_datasets", d -> run(ss, "empirical.n=null",
                "empirical.datasets=null", "empirical.save_datasets=true", "empirical.datasets_from=" + datasets(d,
                "right-teacher", org.onecnn.model.Architecture.of(150, 6, 6), 1))),
            c("save_datasets with online SGD", "empirical.save_datasets", run(ss, "empirical.regime=online",
                "empirical.save_datasets=true")),
            c("save_datasets on paired-trajectories", "empirical.save_datasets", run(pt,
                "empirical.save_datasets=true")),
            c("save_datasets not a boolean", "empirical.save_datasets", run(ss, "empirical.save_datasets=2")),
            f("save_datasets: datasets/ is a file", "empirical.save_datasets", d -> {
                try {
                    // the home's datasets/ (where saved data sets go) made a file: nothing can be saved there
                    Files.writeString(d.getParent().resolve("datasets"), "not a folder\n");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return run(ss, "empirical.save_datasets=true", "empirical.n=[40]");
            }),
            // ---- short names
            c("eta is ambiguous on sample-size", "eta", run(ss, "eta=0.1")),
            c("unknown short name", "etaa", run(du, "etaa=0.1")),
            c("short name only in a section the type does not use", "n", run(du, "n=[100]")),
            c("max_steps is ambiguous on sample-size", "max_steps", run(ss, "max_steps=10")),
            // ---- grids
            c("empty grid list", "grid.k", run(du, "grid.k=[]")),
            c("duplicate grid values", "grid.k", run(du, "grid.k=[25,25]")),
            c("duplicate grid values 4 and 4.0", "grid.ratio", run(du, "grid.ratio=[4,4.0]")),
            c("duplicate grid values on bg2017", "grid.p", run(bg, "grid.p=[5,5]")),
            c("grid over an unknown field", "grid.foo", run(du, "grid.foo=[1]")),
            c("grid over the name", "grid.name", run(du, "grid.name=[a]")),
            c("grid over a section the type does not use", "grid.empirical.n", run(du, "grid={empirical.n: [100]}")),
            c("grid over the seed with a text value", "seed", run(du, "grid.seed=[1, x]")),
            c("grid of a wrong type", "model.k", run(du, "grid.k=[abc]")),
            c("grid on two-phase", "grid.k", run(tp, "grid.k=[20]")),
            f("grid in a sample-size file", "grid", d -> run(d.resolve("grid-sample-size.yaml").toString())),
            f("grid in a double-convotron file", "grid", d -> run(d.resolve("grid-convotron.yaml").toString())),
            // the types' own "takes no grid" checks were removed as unreachable: these show the loader refuses first
            f("grid in a two-phase file", "grid", d -> run(d.resolve("grid-two-phase.yaml").toString())),
            f("grid in a paired-trajectories file", "grid", d -> run(d.resolve("grid-paired.yaml").toString())),
            f("grid in an overlap-landscape file", "grid", d -> run(d.resolve("grid-overlap.yaml").toString())),
            // ---- duplicates
            f("duplicate top-level YAML key", "model", d -> run(d.resolve("dup-top.yaml").toString())),
            f("duplicate nested YAML key", "model.p", d -> run(d.resolve("dup-nested.yaml").toString())),
            c("duplicate sample sizes", "empirical.n", run(ss, "empirical.n=[500,500]")),
            c("empty sample sizes", "empirical.n", run(ss, "empirical.n=[]")),
            c("duplicate strides", "convotron.strides", run(dc, "convotron.strides=[9,9]")),
            c("duplicate distributions", "convotron.distributions", run(dc,
                "convotron.distributions=[gaussian,gaussian]")),
            // ---- files
            f("missing file", "config", d -> run(d.resolve("missing.yaml").toString())),
            f("empty file", "config", d -> run(d.resolve("empty.yaml").toString())),
            f("binary file", "config", d -> run(d.resolve("binary.yaml").toString())),
            f("directory as config", "config", d -> run(d.resolve("a-folder").toString())),
            f("a 3 GiB (sparse) config file (was an OutOfMemoryError)", "config", d -> run(d.resolve("sparse-3g.yaml")
                .toString())),
            c("a device as config", "config", run("/dev/zero")),
            f("malformed YAML", "config", d -> run(d.resolve("malformed.yaml").toString())),
            f("two YAML documents", "config", d -> run(d.resolve("two-docs.yaml").toString())),
            f("YAML list instead of a mapping", "config", d -> run(d.resolve("list.yaml").toString())),
            c("no built-in of that name", "config", run("no-such-experiment")),
            // ---- --out, --resume, --threads, --profile
            f("--out that exists", "--out", d -> with(run(du), "--out", d.resolve("a-folder").toString())),
            // inside another run's folder (its config.yaml beside its lock): that run's resume would break
            f("--out inside another run's cells/", "--out", d -> with(run(du), "--out",
                d.resolve("other-run/cells/mine").toString())),
            f("--out inside another run folder", "--out", d -> with(run(du), "--out",
                d.resolve("other-run/deeper/mine").toString())),
            f("--shard --out inside another run's cells/", "--out", d -> with(run(du), "--shard", "1/2", "--out",
                d.resolve("other-run/cells/mine").toString())),
            f("--out whose parent is a file", "--out", d -> with(run(du), "--out",
                d.resolve("afile.txt").resolve("run").toString())),
            f("--out under a read-only parent", "--out", d -> with(run(du), "--out",
                readOnlyParent(d).resolve("run").toString())),
            f("--resume of a folder that is no run", "--resume", d -> new String[] {"run", "--resume",
                d.resolve("a-folder").toString()}),
            f("--resume of a missing folder", "--resume", d -> new String[] {"run", "--resume",
                d.resolve("nope").toString()}),
            f("--resume with --set", "--set", d -> new String[] {"run", "--resume", d.resolve("a-folder").toString(),
                "--set", "init.count=5"}),
            f("--resume with --profile", "--profile", d -> new String[] {"run", "--resume",
                d.resolve("a-folder").toString(), "--profile", "cpu"}),
            f("--resume with a config name", "--resume", d -> new String[] {"run", du, "--resume",
                d.resolve("a-folder").toString()}),
            c("zero threads", "--threads", "run", du, "--threads", "0"),
            c("absurd threads", "--threads", "run", du, "--threads", "100000"),
            c("--profile on a population sweep", "--profile", "run", du, "--profile", "nosuch"),
            c("--profile on double-convotron", "--profile", "run", dc, "--profile", "cpu"),
            c("unknown --profile on sample-size", "profile", "run", ss, "--profile", "nosuch"),
            c("empty --profile", "profile", "run", ss, "--profile", ""),
            f("a 3 GiB (sparse) profile file (was an OutOfMemoryError)", "profile", d -> new String[] {"run", ss,
                "--profile", d.resolve("sparse-3g.yaml").toString()}),
            f("profile file with an unknown key", "memory_gb", d -> new String[] {"run", ss, "--profile",
                d.resolve("bad-key.properties").toString()}),
            c("no config", "NAME|FILE", "run"),
            c("--resume without a folder", "--resume", "run", "--resume"),
            c("unknown command", "nosuch", "nosuch"),
            c("help on an unknown command", "nosuch", "help", "nosuch"),
            c("unknown option", "--bogus", "run", du, "--bogus"),
            // ---- show, list
            c("show of an unknown name", "config", "show", "no-such-experiment"),
            c("show with a bad override", "model.k", "show", du, "--resolved", "--set", "k=abc"),
            f("show of a directory", "config", d -> new String[] {"show", d.resolve("a-folder").toString()}),
            c("list with an argument", "extra", "list", "extra"),
            // ---- bench population
            c("bench population: 2e9 inits", "--inits", "bench", "population", "--inits", "2000000000"),
            c("bench population: k 0", "--k", "bench", "population", "--k", "0"),
            c("bench population: k·p beyond one array", "--k", "bench", "population", "--k", "2000000000"),
            c("bench population: engine", "--engine", "bench", "population", "--engine", "bogus"),
            c("bench population: negative eta", "--eta", "bench", "population", "--eta", "-1"),
            c("bench population: NaN eta", "--eta", "bench", "population", "--eta", "NaN"),
            c("bench population: ratio beyond k", "--ratio", "bench", "population", "--ratio", "1000"),
            c("bench population: threads", "--threads", "bench", "population", "--threads", "0"),
            c("bench population: steps not a number", "--steps", "bench", "population", "--steps", "abc"),
            c("bench population: absurd steps", "--steps", "bench", "population", "--steps", "1000000000000"),
            c("bench population: repeats", "--repeats", "bench", "population", "--repeats", "0"),
            // ---- bench empirical
            c("bench empirical: n 2e9", "--n", "bench", "empirical", "--n", "2000000000"),
            c("bench empirical: 2e9 students", "--students", "bench", "empirical", "--students", "2000000000"),
            c("bench empirical: n 0", "--n", "bench", "empirical", "--n", "0"),
            c("bench empirical: mode", "--mode", "bench", "empirical", "--mode", "bogus"),
            c("bench empirical: data type", "--data-type", "bench", "empirical", "--data-type", "half"),
            c("bench empirical: profile", "profile", "bench", "empirical", "--profile", "nosuch"),
            c("bench empirical: steps", "--steps", "bench", "empirical", "--steps", "-5"),
            c("bench empirical: engine", "--engine", "bench", "empirical", "--engine", "bogus"),
            c("bench empirical: stride beyond p", "--s", "bench", "empirical", "--p", "6", "--s", "7"),
            c("bench empirical: threads", "--threads", "bench", "empirical", "--threads", "0"),
            // ---- doctor
            c("doctor: unknown profile", "profile", "doctor", "--profile", "nosuch"),
            f("doctor: profile with an unknown key", "memory_gb", d -> new String[] {"doctor", "--profile",
                d.resolve("bad-key.properties").toString()}),
            f("doctor: profile with a negative memory limit", "memory_limit_gb", d -> new String[] {"doctor",
                "--profile", d.resolve("bad-memory.properties").toString()}),
            c("doctor: unknown option", "--bogus", "doctor", "--bogus"));
    }

    /**
     * A folder {@code name} under the inputs holding one data set {@code n-40-d-0/} (float, Gaussian inputs, no
     * noise) for {@code arch}, labelled by sample-size's built-in teacher ({@code teacher} 1) or by another one
     * (0); with a null {@code arch}, a folder {@code n-40-d-0/} that holds no data set.
     */
    private static Path datasets(Path in, String name, org.onecnn.model.Architecture arch, int teacher) {
        Path root = in.resolve(name);
        Path folder = root.resolve("n-40-d-0");
        try {
            if (Files.isDirectory(root)) {
                return root;
            }
            if (arch == null) {
                Files.createDirectories(folder);
                Files.writeString(folder.resolve("X.npy"), "not numpy\n");
                return root;
            }
            org.onecnn.model.Teacher t = teacher == 1
                    ? org.onecnn.experiment.setup.PopulationSetup.teacher((org.onecnn.experiment.Sections.PopulationSpec)
                            org.onecnn.experiment.ConfigLoader.load("sample-size", List.of()).config())
                    : org.onecnn.model.Teacher.gaussian(arch.k(), arch.r(), 3);
            org.onecnn.empirical.data.DatasetStore.saveTo(org.onecnn.empirical.data.DatasetGenerator.generate(arch, t,
                    org.onecnn.empirical.data.Gaussian.INSTANCE, 40, 0.0, 1,
                    org.onecnn.backend.Precision.FLOAT), folder);
            return root;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String[] with(String[] base, String... more) {
        List<String> l = new ArrayList<>(List.of(base));
        l.addAll(List.of(more));
        return l.toArray(new String[0]);
    }

    /**
     * A folder no run folder can be created in: a folder made read-only, or, where the tests run as root
     * (for whom permissions do not stop a write), {@code /proc}, which nobody can create folders in.
     */
    private static Path readOnlyParent(Path d) {
        Path ro = d.resolve("read-only");
        if (Files.isDirectory(ro) && !Files.isWritable(ro)) {
            return ro;
        }
        return Path.of("/proc");
    }

    @BeforeEach
    void setUp() throws IOException {
        console = CliFixture.open(home);
        in = Files.createDirectory(home.resolve("inputs"));
        Files.createDirectory(in.resolve("a-folder"));
        // a run folder (as a run leaves it while it runs: config.yaml, its lock, cells/)
        Files.createDirectories(in.resolve("other-run/cells"));
        Files.writeString(in.resolve("other-run/config.yaml"), "# resolved config\nname: x\n");
        Files.writeString(in.resolve("other-run/.lock"), "pid 1\n");
        Files.writeString(in.resolve("afile.txt"), "a file\n");
        Files.writeString(in.resolve("unknown-top.yaml"), "name: x\ntype: population-sweep\nmodle: {k: 4}\n");
        Files.writeString(in.resolve("unknown-nested.yaml"), "name: x\ntype: population-sweep\nmodel: {kk: 4}\n");
        Files.writeString(in.resolve("dup-top.yaml"), "name: x\ntype: population-sweep\nmodel: {k: 4}\n"
                + "model: {k: 9}\n");
        Files.writeString(in.resolve("dup-nested.yaml"), "name: x\ntype: population-sweep\nmodel:\n  p: 6\n  p: 7\n");
        Files.writeString(in.resolve("grid-sample-size.yaml"), "name: x\ntype: sample-size\ngrid: {k: [4]}\n");
        Files.writeString(in.resolve("grid-convotron.yaml"), "name: x\ntype: double-convotron\nmodel: {d: 160, p: 16}\n"
                + "grid: {p: [16]}\n");
        Files.writeString(in.resolve("grid-two-phase.yaml"), "name: x\ntype: two-phase\ngrid: {k: [4]}\n");
        Files.writeString(in.resolve("grid-paired.yaml"), "name: x\ntype: paired-trajectories\ngrid: {k: [4]}\n");
        Files.writeString(in.resolve("grid-overlap.yaml"), "name: x\ntype: overlap-landscape\ngrid: {p: [6]}\n");
        Files.writeString(in.resolve("grid-replaced.yaml"), "name: x\ntype: population-sweep\nteacher: {ratio: 9}\n"
                + "grid: {ratio: [0, 1]}\n");
        Files.writeString(in.resolve("hex.yaml"), "name: x\ntype: population-sweep\ninit: {count: 0x14}\n");
        Files.writeString(in.resolve("inf.yaml"), "name: x\ntype: population-sweep\nteacher: {ratio: .inf}\n");
        Files.writeString(in.resolve("empty.yaml"), "");
        Files.write(in.resolve("binary.yaml"), new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, 0, 10, 7, 0});
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(in.resolve("sparse-3g.yaml").toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: takes no disk space, but reading it whole would not fit in memory
        }
        Files.writeString(in.resolve("malformed.yaml"), "name: x\ntype: [population-sweep\nmodel: {k: 4\n");
        Files.writeString(in.resolve("two-docs.yaml"), "name: x\ntype: population-sweep\n---\nname: y\n");
        Files.writeString(in.resolve("list.yaml"), "- name: x\n- type: population-sweep\n");
        Files.writeString(in.resolve("bad-key.properties"), "backend=cpu\ndata_type=double\nmemory_limit_gb=4\n"
                + "max_students_per_chunk=64\nmax_samples_per_chunk=8192\nreduction_block=2048\nmemory_gb=3\n");
        Files.writeString(in.resolve("bad-memory.properties"), "backend=cpu\ndata_type=double\nmemory_limit_gb=-1\n"
                + "max_students_per_chunk=64\nmax_samples_per_chunk=8192\nreduction_block=2048\n");
        String profile = "backend=cpu\ndata_type=double\nmemory_limit_gb=4\nmax_students_per_chunk=64\n"
                + "max_samples_per_chunk=8192\nreduction_block=2048\n";
        // was accepted by run, then overflowed (doctor refused it)
        Files.writeString(in.resolve("huge-memory.properties"), profile.replace("=4", "=1e300"));
        // was read as 32 (the last line won)
        Files.writeString(in.resolve("twice.properties"), profile + "max_students_per_chunk=32\n");
        // a full-width 8 was read as 8
        Files.writeString(in.resolve("full-width.properties"), profile + "nd4j.max_threads=\uFF18\n");
        // one student on 60000 samples of k = 25 needs 0.08 GiB with 1048576 samples per pass
        Files.writeString(in.resolve("tiny-memory.properties"), profile.replace("=4", "=0.05").replace("=8192",
                "=1048576").replace("data_type=double", "data_type=float"));
        // a valid profile no machine of these tests has the memory for (976 TiB)
        Files.writeString(in.resolve("more-than-ram.properties"), profile.replace("=4", "=1000000"));
        Path ro = Files.createDirectory(in.resolve("read-only"));
        try {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not POSIX: readOnlyParent falls back
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        CliFixture.close(console);
        Files.setPosixFilePermissions(in.resolve("read-only"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * The decisions the battery relies on, from the accepting side: missing parents of {@code --out} are
     * created (only once the config is valid), and a short name resolves against the sections the type uses.
     */
    @org.junit.jupiter.api.Test
    @Timeout(120)
    void missingParentsOfOutAreCreatedAndShortNamesResolveByType() throws IOException {
        Path target = home.resolve("new-parent").resolve("deeper").resolve("run");
        assertEquals(0, Main.execute("run", "du2018-table1", "-q", "--out", target.toString(), "--set", "count=20",
            "--set", "grid.k=[4]", "--set", "grid.ratio=[1]", "--set", "max_steps=200", "--set", "eta=0.04"),
            console.stderr());
        assertTrue(Files.isRegularFile(target.resolve("report.md")));
        assertTrue(Files.readString(target.resolve("config.yaml")).contains("eta: 0.04"));
    }

    /** Every path under onecnn's home, with its size: what "nothing written" compares. */
    private List<String> snapshot() throws IOException {
        try (Stream<Path> s = Files.walk(home)) {
            return s.map(p -> home.relativize(p) + (Files.isRegularFile(p) ? " " + p.toFile().length() : "/"))
                    .sorted().toList();
        }
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource({"cases", "computeCases"})
    @Timeout(30)
    void refusedInOneLineNamingTheFieldAndNothingWritten(Case cs) throws IOException {
        String[] args = cs.args().apply(in);
        List<String> before = snapshot();
        int code = Main.execute(args);
        String e = console.stderr();
        String what = String.join(" ", args) + " -> " + e;
        assertEquals(2, code, what);
        assertTrue(e.startsWith("onecnn: error: "), what);
        assertTrue(e.endsWith("\n") && e.indexOf('\n') == e.length() - 1, "exactly one line: " + what);
        String field = cs.field().apply(in);
        assertTrue(e.contains(field), "names the field " + field + ": " + what);
        assertFalse(e.contains("Exception") || e.contains("\tat ") || e.contains("Error:"), "no exception text: "
                + what);
        assertFalse(e.contains("  "), "no gaps from empty parts of a message: " + what);
        assertEquals(before, snapshot(), "nothing written: " + what);
        for (String a : args) {
            if (a.startsWith("/proc/")) {
                assertFalse(Files.exists(Path.of(a)), a);
            }
        }
    }
}
