package org.onecnn.experiment.setup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.onecnn.backend.Precision;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EnsembleTrainer;
import org.onecnn.empirical.Regime;
import org.onecnn.empirical.data.Dataset;
import org.onecnn.empirical.data.DatasetFolders;
import org.onecnn.empirical.data.DatasetGenerator;
import org.onecnn.empirical.data.DatasetManifest;
import org.onecnn.empirical.data.DatasetStore;
import org.onecnn.model.Teacher;
import org.onecnn.model.Architecture;
import org.onecnn.empirical.layers.WeightNormConv;
import org.onecnn.util.InvalidInputException;
import org.onecnn.util.SeedStream;
import org.onecnn.experiment.RunContext;
import org.onecnn.experiment.Sections;

/**
 * Turns the {@code empirical} section of a config (and the compute profile) into the trainer's
 * {@link EmpiricalSpec}, and derives the data sets' seeds: the data set {@code d} of sample size
 * {@code n} has seed {@code derive(master, "data", n, d)} (by the value of n, so adding a sample size to
 * the list changes no other data set).
 */
public final class EmpiricalSetup {
    /** One seed per data set (its inputs and label noise derive from it): adding a size changes no other set. */
    public static final SeedStream DATA = SeedStream.of("data", "one data set (its inputs and label noise)", "n",
            "dataset");
    /** The order in which minibatch SGD visits the samples (its epoch permutations derive from it). */
    public static final SeedStream MINIBATCH = SeedStream.of("minibatch", "the minibatch order of every data set");

    private EmpiricalSetup() {
    }

    /**
     * Refuse, before any work, what the chosen engine cannot train or this machine cannot run
     * ({@link ComputeContext#check}) and what no engine can measure: online SGD stops and classifies a student by the exact population gradient and loss,
     * which exist in closed form only for Gaussian inputs on non-overlapping patches; a minibatch larger than the
     * smallest data set would silently be the full batch; a gradient or loss tolerance every student meets at
     * step 0 measures nothing. Library checks name their own parameters; here they get their config paths.
     */
    public static void requireMeasurable(Sections.FiniteSampleSpec cfg) {
        Sections.Empirical e = cfg.empirical();
        Architecture arch = cfg.model().architecture();
        // the engine (runnable here, able to train this) and the profile: the one check of every finite-sample type
        ComputeContext.check(cfg);
        try {
            EnsembleTrainer.requireBatchFits(e.regime(), e.batchSize(), e.n().stream().mapToLong(Long::longValue)
                    .min().orElse(0));
            EnsembleTrainer.requireMeasurable(e.regime(), e.inputDistribution(), arch);
        } catch (InvalidInputException x) {
            throw x.under("empirical");
        }
        if (e.inputDistribution().populationClosedForm()) {
            requireGradTolMeasures(cfg);
            requireLossTolMeasures(cfg);
        }
    }

    /** The data type the students compute in: {@code empirical.data_type}, or the compute profile's. */
    public static Precision precision(Sections.FiniteSampleSpec cfg) {
        String t = cfg.empirical().dataType();
        return t != null ? Precision.parse("empirical.data_type", t) : ComputeContext.profile(cfg).dataType();
    }

    /** The empirical gradient at an initial point estimates the exact one: a grad_tol above it stops every student. */
    private static void requireGradTolMeasures(Sections.FiniteSampleSpec cfg) {
        Sections.Empirical e = cfg.empirical();
        PopulationSetup.Probe probe = PopulationSetup.probeInitializations(cfg, PopulationSetup.teacher(cfg), 0,
                false);
        if (e.gradTol() >= probe.maxGrad()) {
            throw new InvalidInputException("empirical.grad_tol", String.format(java.util.Locale.ROOT, "%.3g is "
                    + "at least the exact gradient norm of %s (largest %.3g), which the gradient of L_n "
                    + "estimates: every student would stop at step 0 and nothing would be measured; use a "
                    + "tolerance well below that (default 1e-5)", e.gradTol(), probe.which(), probe.maxGrad()));
        }
    }

    /** ½E[y²] is the loss of the zero network (a = 0, any v): an explicit loss_tol above it counts anything GLOBAL. */
    private static void requireLossTolMeasures(Sections.FiniteSampleSpec cfg) {
        Sections.Empirical e = cfg.empirical();
        if (e.lossTol() == null) {
            return;
        }
        Architecture arch = cfg.model().architecture();
        org.onecnn.model.Teacher t = PopulationSetup.teacher(cfg);
        org.onecnn.population.PopulationLoss pl = arch.overlapping()
                ? new org.onecnn.population.OverlappingGaussian(arch, t)
                : new org.onecnn.population.NonOverlappingGaussian(t);
        double[] v = new double[arch.r()];
        v[0] = 1;
        // on data with label noise σ the zero network's expected L_n is ½E[y²] + σ²/2
        double zero = pl.loss(v, new double[arch.k()]) + e.noise() * e.noise() / 2;
        if (e.lossTol() >= zero) {
            throw new InvalidInputException("empirical.loss_tol", String.format(java.util.Locale.ROOT, "%.3g is "
                    + "at least the expected loss of the zero network (½E[y²] + σ²/2 = %.3g): a stationary "
                    + "student would count as GLOBAL without having learned anything; use a tolerance well below "
                    + "that (null: 1e-6 + σ²)", e.lossTol(), zero));
        }
    }

    /**
     * The report caveat for sample sizes below a student's parameter count r + k, ending in {@code consequence}
     * (what that means for the experiment's figures); null when every n is at least r + k.
     */
    public static String fewSamplesCaveat(Sections.FiniteSampleSpec cfg, String consequence) {
        int params = cfg.model().architecture().r() + cfg.model().architecture().k();
        List<Long> small = cfg.empirical().n().stream().filter(x -> x < params).toList();
        return small.isEmpty() ? null : "n = " + small + " is below the number of parameters of a student (r + k = "
                + params + "): " + consequence;
    }

    public static long dataSeed(Sections.FiniteSampleSpec cfg, long n, int dataset) {
        return DATA.derive(cfg.seed(), n, dataset);
    }

    /**
     * Data set {@code dataset} of sample size {@code n}: read from {@code empirical.datasets_from} when it is given
     * (checked by {@link #requireDatasets} before the run started), else generated with seed
     * {@link #dataSeed}(cfg, n, dataset) from the teacher, the distribution, the noise and the leaky slope of the
     * config, in {@code type}.
     */
    public static Dataset dataset(Sections.FiniteSampleSpec cfg, Teacher teacher, long n, int dataset,
            Precision type) {
        Sections.Empirical e = cfg.empirical();
        if (e.datasetsFrom() != null) {
            return DatasetStore.load(DatasetFolders.folder(Path.of(e.datasetsFrom()), n, dataset));
        }
        return DatasetGenerator.generate(cfg.model().architecture(), teacher, e.leakySlope(), e.inputDistribution(),
                n, e.noise(), dataSeed(cfg, n, dataset), type);
    }

    /**
     * Before any work, every data set of {@code empirical.datasets_from} (if given) must be one the study can
     * train on as if it had generated it: a valid data set ({@link DatasetStore#inspect}: manifest, file headers,
     * shapes, dtypes), of the size its folder name says, for the model's architecture (d, r, s), in the data type
     * the students compute in, from the configured input distribution, label noise σ and leaky slope, and labelled
     * by the configured teacher: the population reference and the classification (φ is the angle to w*) use the
     * config's teacher, so data of another teacher would be compared with the wrong population. The teacher must
     * agree exactly (the manifest stores w*, a* in decimal with round-trip precision, and the message gives the
     * explicit teacher that does). Errors name {@code empirical.datasets_from}, the folder and the fix.
     */
    public static void requireDatasets(Sections.FiniteSampleSpec cfg) {
        DatasetFolders folders = cfg.empirical().datasetFolders();
        if (folders == null) {
            return;
        }
        for (long n : folders.n()) {
            for (int d = 0; d < folders.datasets(); d++) {
                requireDataset(cfg, folders.folder(n, d), n);
            }
        }
    }

    private static void requireDataset(Sections.FiniteSampleSpec cfg, Path folder, long n) {
        String field = "empirical.datasets_from";
        DatasetManifest m;
        try {
            m = DatasetStore.inspect(folder);
        } catch (InvalidInputException x) {
            throw new InvalidInputException(field, "not a data set: " + x.getMessage());
        }
        try {
            DatasetStore.requireFinite(folder, m);
        } catch (InvalidInputException x) {
            throw new InvalidInputException(field, x.getMessage());
        }
        Sections.Empirical e = cfg.empirical();
        Architecture arch = cfg.model().architecture();
        String at = folder + " ";
        if (m.n() != n) {
            throw new InvalidInputException(field, at + "holds n = " + m.n() + " samples but its name says n = " + n
                    + "; rename the folder n-" + m.n() + "-d-<d>");
        }
        if (m.d() != arch.d() || m.r() != arch.r() || m.s() != arch.s()) {
            throw new InvalidInputException(field, at + "was made for d = " + m.d() + ", p = " + m.r() + ", s = "
                    + m.s() + " (k = " + m.k() + "), the model has d = " + arch.d() + ", p = " + arch.r() + ", s = "
                    + arch.s() + " (k = " + arch.k() + "); set model.k=" + m.k() + ", model.p=" + m.r() + ", model.s="
                    + m.s());
        }
        String type = precision(cfg).key();
        if (!m.dataType().equalsIgnoreCase(type)) {
            throw new InvalidInputException(field, at + "holds " + m.dataType() + " data, the students compute in "
                    + type + "; set empirical.data_type=" + m.dataType().toLowerCase(java.util.Locale.ROOT));
        }
        if (!m.distribution().equals(e.distribution())) {
            throw new InvalidInputException(field, at + "has " + m.distribution() + " inputs, the config "
                    + e.distribution() + "; set empirical.distribution=" + m.distribution());
        }
        if (Double.compare(m.noiseSigma(), e.noise()) != 0) {
            throw new InvalidInputException(field, at + "has label noise σ = " + m.noiseSigma() + ", the config "
                    + e.noise() + " (it sets the loss tolerance of GLOBAL); set empirical.noise=" + m.noiseSigma());
        }
        if (Double.compare(m.leakySlope(), e.leakySlope()) != 0) {
            throw new InvalidInputException(field, at + "was labelled with leaky slope " + m.leakySlope()
                    + ", the config has " + e.leakySlope() + "; set empirical.leaky_slope=" + m.leakySlope());
        }
        Teacher t = PopulationSetup.teacher(cfg);
        if (!Arrays.equals(m.wStar(), t.wStar()) || !Arrays.equals(m.aStar(), t.aStar())) {
            throw new InvalidInputException(field, at + "was labelled by another teacher (" + m.teacher()
                    + ") than the config's (" + t.description() + "); the population reference and the angle φ use "
                    + "the config's teacher, so it must be the data's: set teacher.family=explicit, teacher.w_star="
                    + Arrays.toString(m.wStar()) + ", teacher.a_star=" + Arrays.toString(m.aStar()));
        }
    }

    /**
     * Records the data sets of {@code empirical.datasets_from} in the run's provenance ({@link #datasetsProvenance},
     * key {@code datasets}), hashed before any training, so the record names the bytes the run read. For an
     * experiment that recomputes everything on a resume (no cells kept); sample-size records them in the first
     * {@code provenance.json} ({@link #datasetsFromRecord}).
     */
    public static void recordDatasetsFrom(RunContext ctx, Sections.FiniteSampleSpec cfg) {
        Sections.Empirical e = cfg.empirical();
        if (e.datasetsFrom() != null) {
            ctx.provenance().put("datasets", datasetsProvenance("from", Path.of(e.datasetsFrom()), e.n(),
                    e.datasets()));
        }
    }

    /**
     * The provenance record ({@code datasets}) of the data sets of {@code empirical.datasets_from}, or null when
     * the run generates its data: computed before the run folder exists (or, on a resume, changes), so that the
     * first {@code provenance.json} already holds every content hash and a run killed in its first cell can be
     * checked when it resumes. On a resume ({@code recorded}: the folder's {@code provenance.json}) a data set
     * whose content hash differs from the recorded one is refused: cells done then were trained on the old data,
     * and done and new cells would mix two data sets.
     *
     * @param recorded the {@code provenance.json} of the run being resumed; null for a new run
     * @throws InvalidInputException ({@code empirical.datasets_from}) naming the first changed folder
     */
    public static Map<String, Object> datasetsFromRecord(Sections.FiniteSampleSpec cfg, Path recorded)
            throws java.io.IOException {
        Sections.Empirical e = cfg.empirical();
        if (e.datasetsFrom() == null) {
            return null;
        }
        Map<String, Object> now = datasetsProvenance("from", Path.of(e.datasetsFrom()), e.n(), e.datasets());
        if (recorded == null || !Files.isRegularFile(recorded)) {
            return now;
        }
        com.fasterxml.jackson.databind.JsonNode before = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(recorded.toFile()).path("datasets");
        if (!before.path("from").isTextual()) {
            // killed before its first provenance.json held the record (or made by an onecnn that wrote it only at
            // the end): nothing to compare with; this session records the data it trains on
            return now;
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sets = (List<Map<String, Object>>) now.get("sets");
        Map<String, String> was = new LinkedHashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode s : before.path("sets")) {
            was.put(s.path("path").asText(), s.path("sha256").asText(null));
        }
        for (Map<String, Object> set : sets) {
            String path = (String) set.get("path");
            Object is = set.get("sha256");
            if (was.containsKey(path) && !java.util.Objects.equals(was.get(path), is)) {
                throw new InvalidInputException("empirical.datasets_from", path + " changed since the run started "
                        + "(content hash was " + was.get(path) + ", is now " + is + "); cells done then were trained "
                        + "on the old data: restore it, or start a new run on the new data");
            }
        }
        return now;
    }

    /**
     * Before the run folder exists (and on a resume, before anything in it changes), checks that the data sets of
     * a run with {@code empirical.save_datasets} can be saved under {@code root} ({@code datasets/<run folder
     * name>}): the nearest folder of {@code root} that exists is a writable folder, and every data set folder
     * {@code n-<n>-d-<d>} already there holds exactly the data set this run generates
     * ({@link DatasetStore#conflict}; it is generated for the comparison only when its manifest agrees). In
     * order of n, then d, so the folder named is always the first that conflicts.
     *
     * @throws InvalidInputException ({@code empirical.save_datasets}) naming the folder and what is in the way
     */
    public static void requireSavable(Sections.FiniteSampleSpec cfg, Path root) {
        requireSavable(cfg, root, false);
    }

    /**
     * As {@link #requireSavable(Sections.FiniteSampleSpec, Path)}; on a resume ({@code resumed}) the fix is the one
     * a resume can take: {@code --out} and {@code --set} cannot be combined with {@code --resume}, and the cells
     * done so far were trained on the data sets saved there.
     */
    public static void requireSavable(Sections.FiniteSampleSpec cfg, Path root, boolean resumed) {
        String field = "empirical.save_datasets";
        String fix = resumed
                ? "; this run saved its data sets there when it started, and its finished cells were trained on "
                    + "them: put the original folder back and resume again, or start a new run"
                : "; saved data sets are never overwritten: move that folder away, give the run another folder "
                    + "name (--out), or set save_datasets=false";
        Path dir = root.toAbsolutePath().normalize();
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null || !Files.isDirectory(p)) {
            throw new InvalidInputException(field, "cannot save the data sets under " + dir + ": " + p + " is not a "
                    + "folder; move it away, or set save_datasets=false");
        }
        if (!Files.isWritable(p)) {
            throw new InvalidInputException(field, "cannot save the data sets under " + dir + ": " + p + " is not "
                    + "writable; make it writable (chmod u+w " + p + "), or set save_datasets=false");
        }
        if (!p.equals(dir)) {
            return;
        }
        Sections.Empirical e = cfg.empirical();
        Teacher teacher = PopulationSetup.teacher(cfg);
        Precision type = precision(cfg);
        Architecture arch = cfg.model().architecture();
        for (long n : e.n()) {
            for (int d = 0; d < e.datasets(); d++) {
                int dataset = d;
                DatasetManifest expected = DatasetGenerator.manifest(arch, teacher, e.leakySlope(),
                        e.inputDistribution(), n, e.noise(), dataSeed(cfg, n, d), type);
                String conflict = DatasetStore.conflict(DatasetFolders.folder(dir, n, d), expected,
                        () -> dataset(cfg, teacher, n, dataset, type));
                if (conflict != null) {
                    throw new InvalidInputException(field, conflict + fix);
                }
            }
        }
    }

    /**
     * What provenance records of the data sets a run used: {@code root} and, per data set, its n, index, folder
     * and {@link DatasetStore#contentHash} (null for a folder that is not there).
     *
     * @param key   {@code from} (read by the run) or {@code saved_to} (written by it)
     */
    public static Map<String, Object> datasetsProvenance(String key, Path root, List<Long> sizes, int datasets) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, root.toString());
        m.put("content_hash", "SHA-256 of the bytes of X.npy, y.npy and manifest.json, in that order");
        List<Map<String, Object>> sets = new ArrayList<>();
        for (long n : sizes) {
            for (int d = 0; d < datasets; d++) {
                Path f = DatasetFolders.folder(root, n, d);
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("n", n);
                one.put("dataset", d);
                one.put("path", f.toString());
                one.put("sha256", Files.isDirectory(f) ? DatasetStore.contentHash(f) : null);
                sets.add(one);
            }
        }
        m.put("sets", sets);
        return m;
    }

    /**
     * The trainer's settings.
     *
     * @param students      how many students one network may hold (from the profile)
     * @param samples       samples per pass (from the profile), rounded down to a multiple of the block
     * @param block         samples per partial sum (from the profile)
     */
    public static EmpiricalSpec spec(Sections.FiniteSampleSpec cfg, Precision type, int students, int samples, int block) {
        Sections.Empirical e = cfg.empirical();
        int sc = e.studentChunk() != null ? e.studentChunk() : students;
        int sm = e.sampleChunk() != null ? e.sampleChunk() : samples;
        int b = block > 0 ? block : WeightNormConv.DEFAULT_REDUCTION_BLOCK;
        sm = Math.max(b, sm / b * b);
        double eta = e.eta() != null ? e.eta() : cfg.train().eta().value();
        // only minibatch SGD draws from this stream (its epoch permutations); deriving it for the other regimes
        // would list a stream in provenance.json that the run never used
        long order = e.regime() == Regime.MINIBATCH ? MINIBATCH.derive(cfg.seed()) : 0L;
        return new EmpiricalSpec(cfg.model().architecture(), e.leakySlope(), type, eta, e.regime(), e.batchSize(),
                e.maxSteps(), e.checkEvery(), e.gradTol(), e.lossTolerance(), sc, sm, b, order);
    }
}
