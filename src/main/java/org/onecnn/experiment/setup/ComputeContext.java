package org.onecnn.experiment.setup;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.onecnn.backend.BackendCheck;
import org.onecnn.backend.BackendInfo;
import org.onecnn.backend.ComputeProfile;
import org.onecnn.backend.DeviceProbe;
import org.onecnn.backend.Nd4jSetup;
import org.onecnn.backend.Precision;
import org.onecnn.backend.SystemDeviceProbe;
import org.onecnn.empirical.EmpiricalEngine;
import org.onecnn.empirical.EmpiricalEngines;
import org.onecnn.empirical.EngineHost;
import org.onecnn.empirical.EngineProblem;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EngineCapabilities;
import org.onecnn.empirical.cuda.CudaDrivers;
import org.onecnn.empirical.cuda.CudaReadiness;
import org.onecnn.empirical.cuda.Ptx;
import org.onecnn.util.InvalidInputException;
import org.onecnn.experiment.Sections;

/**
 * The compute side of a finite-sample run: the compute profile ({@code empirical.profile}, or
 * {@code --profile}), checked against this build and its devices before anything loads ND4J (so an
 * unsupported GPU is one clear line, never a native crash), then ND4J configured once by
 * {@link Nd4jSetup#apply}, and the profile's data type and chunk sizes handed to the trainer.
 * {@code empirical.data_type} overrides the profile's data type.
 */
public final class ComputeContext {
    /**
     * ND4J's own global generator: onecnn draws nothing from it (every draw has its own generator), but DL4J may,
     * so it is seeded from the master seed too.
     */
    public static final org.onecnn.util.SeedStream ND4J = org.onecnn.util.SeedStream.of("nd4j",
            "ND4J's global generator (DL4J's own draws, if any)");

    private static volatile DeviceProbe probe = new SystemDeviceProbe();

    private final Sections.FiniteSampleSpec cfg;
    private final ComputeProfile profile;

    private ComputeContext(Sections.FiniteSampleSpec cfg, ComputeProfile profile) {
        this.cfg = cfg;
        this.profile = profile;
    }

    /** Replace the device probe (tests stub the boundary where devices are reported); returns the old one. */
    public static DeviceProbe useProbe(DeviceProbe p) {
        DeviceProbe old = probe;
        probe = p;
        return old;
    }

    public static ComputeProfile profile(Sections.FiniteSampleSpec cfg) {
        ComputeProfile p;
        try {
            p = ComputeProfile.load(cfg.empirical().profile());
        } catch (org.onecnn.util.InvalidInputException e) {
            // named as the config field (which --profile sets)
            String m = e.getMessage();
            throw new org.onecnn.util.InvalidInputException("empirical.profile", e.field().equals("profile")
                    ? m.substring("profile: ".length()) : m);
        }
        String t = cfg.empirical().dataType();
        return t == null ? p : p.withDataType(Precision.parse("empirical.data_type", t));
    }

    /** The field a run's profile is named by in its error lines (set by the config or by {@code --profile}). */
    public static final String PROFILE_FIELD = "empirical.profile";

    /**
     * Everything about the compute side that can be checked before a run folder exists, the one check every
     * experiment type that trains on finite samples runs in its {@code validate} (sample-size, paired-trajectories):
     * the profile (loaded and validated by {@link ComputeProfile#load}), the engine ({@code empirical.engine}, or the
     * profile's {@code engine}): that this installation can run it at all ({@link EmpiricalEngine#requireRunnable},
     * e.g. no NVIDIA driver for {@code cuda}) and that it trains what the config asks ({@link EngineCapabilities}),
     * then the profile on this machine for that engine, exactly as {@code onecnn doctor} judges it
     * ({@link #problem}). An engine without ND4J (fused, cuda) needs no ND4J backend: nothing of ND4J is checked or
     * loaded.
     */
    public static void check(Sections.FiniteSampleSpec cfg) {
        ComputeProfile p = profile(cfg);
        EmpiricalEngine engine = cfg.empirical().trainingEngine();
        try {
            engine.requireRunnable();
        } catch (InvalidInputException x) {
            throw fromProfile(p, engine.name()) ? new InvalidInputException(PROFILE_FIELD, "profile " + p.name()
                    + " uses the " + engine.name() + " engine, which cannot run here: " + problemOf(x) + "; or use "
                    + "a profile made for this machine (e.g. cpu)") : x.under("empirical");
        }
        EngineCapabilities can = engine.capabilities();
        try {
            can.requireArchitecture(engine.name(), cfg.model().architecture());
        } catch (InvalidInputException x) {
            throw x.under("model");
        }
        Sections.Empirical e = cfg.empirical();
        try {
            can.requireRegime(engine.name(), e.regime());
            can.requireDistribution(engine.name(), e.distribution());
            can.requirePrecision(engine.name(), p.dataType());
            can.requireLeakySlope(engine.name(), e.leakySlope());
        } catch (InvalidInputException x) {
            throw x.under("empirical");
        }
        Optional<EngineProblem> problem = problem(engine.name(), p, probe.probe(), ComputeContext::cudaReadiness);
        if (problem.isPresent()) {
            throw new InvalidInputException(problem.get().engine() && !fromProfile(p, engine.name())
                    ? "empirical.engine" : PROFILE_FIELD, problem.get().line());
        }
    }

    /** Whether the run's engine is its profile's (the config named none, or the same). */
    private static boolean fromProfile(ComputeProfile p, String engine) {
        return engine.equals(p.engine());
    }

    /** The problem of an error line, without its field. */
    private static String problemOf(InvalidInputException x) {
        String m = x.getMessage();
        return x.field().isEmpty() ? m : m.substring(x.field().length() + 2);
    }

    /**
     * The cuda engine's readiness on this machine ({@link CudaReadiness#check} on the system's driver: where there
     * is no NVIDIA driver nothing of JCuda loads), or what the tests play.
     */
    public static CudaReadiness cudaReadiness() {
        return cudaReadiness.get();
    }

    private static volatile Supplier<CudaReadiness> cudaReadiness = () -> CudaReadiness.check(CudaDrivers::system,
            Ptx.bundled());

    /** Tests play other drivers: replaces how the cuda engine's readiness is found, returns the previous one. */
    public static Supplier<CudaReadiness> useCudaReadiness(Supplier<CudaReadiness> r) {
        Supplier<CudaReadiness> old = cudaReadiness;
        cudaReadiness = r;
        return old;
    }

    /**
     * The first reason the profile {@code p} cannot run on this machine with {@code engine}, or empty: one judgement,
     * used by {@code onecnn doctor}, {@code run} ({@link #check}) and {@code bench empirical}, so that what one
     * refuses the others refuse too. The engine judges ({@link EmpiricalEngine#problem}); {@code cudaCheck} answers
     * the cuda engine's readiness probe (tests play other drivers).
     */
    public static Optional<EngineProblem> problem(String engine, ComputeProfile p, BackendInfo info,
            Supplier<CudaReadiness> cudaCheck) {
        return EmpiricalEngines.named(engine).problem(p, EngineHost.of(info).with(CudaReadiness.class, cudaCheck));
    }

    /**
     * Check, then configure ND4J where the engine uses it (the one place its RNG is seeded, from the master seed;
     * a run without ND4J neither loads it nor draws that seed).
     */
    public static ComputeContext open(Sections.FiniteSampleSpec cfg) {
        ComputeProfile p = profile(cfg);
        if (usesNd4j(cfg)) {
            BackendCheck.requireTrainable(PROFILE_FIELD, p, probe.probe());
            Nd4jSetup.apply(p, ND4J.derive(cfg.seed()));
        }
        return new ComputeContext(cfg, p);
    }

    private static boolean usesNd4j(Sections.FiniteSampleSpec cfg) {
        return cfg.empirical().trainingEngine().usesNd4j();
    }

    /**
     * Benchmarks on ND4J: the profile with the given data type, checked ({@link BackendCheck}, errors naming
     * {@code --profile}) and applied.
     */
    public static ComputeProfile forBench(ComputeProfile profile, String dataType, long seed) {
        ComputeProfile p = profile.withDataType(Precision.parse("--data-type", dataType));
        BackendCheck.requireTrainable("--profile", p, probe.probe());
        Nd4jSetup.apply(p, seed);
        return p;
    }

    /** What the device probe finds on this machine (the stub of the tests, if one is set). */
    public static BackendInfo probe() {
        return probe.probe();
    }

    public Precision dataType() {
        return profile.dataType();
    }

    /** The trainer's settings for {@code students} students on the largest of the experiment's data sets. */
    public EmpiricalSpec spec(int students) {
        // an explicit empirical.student_chunk replaces the chunk the profile's memory limit would choose
        Integer given = cfg.empirical().studentChunk();
        int chunk = given != null ? given : studentChunk(cfg, profile, students);
        return EmpiricalSetup.spec(cfg, dataType(), chunk, profile.maxSamplesPerChunk(), profile.reductionBlock());
    }

    /**
     * The students the profile's {@code memory_limit_gb} lets train at once on the largest data set
     * ({@link ComputeProfile#studentChunk}); when not even one fits, the error names the profile's field, file and key.
     */
    static int studentChunk(Sections.FiniteSampleSpec cfg, ComputeProfile profile, int students) {
        long nMax = cfg.empirical().n().stream().mapToLong(Long::longValue).max().orElse(1);
        try {
            return profile.studentChunk(nMax, cfg.model().k(), cfg.model().p(), students);
        } catch (InvalidInputException x) {
            throw new InvalidInputException(PROFILE_FIELD, profile.source() + ": " + x.getMessage());
        }
    }

    public static String dataTypeName(Sections.FiniteSampleSpec cfg) {
        return profile(cfg).dataType().key();
    }

    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        org.onecnn.empirical.EmpiricalEngine engine = cfg.empirical().trainingEngine();
        m.put("engine", engine.name() + " (empirical); exact population dynamics (reference)");
        m.put("profile", profile.name() + " (" + profile.source() + ")");
        m.put("profile_settings", profile.settings());
        m.put("nd4j", engine.usesNd4j() ? Nd4jSetup.describe() : "not loaded (the " + engine.name()
                + " engine does not use ND4J)");
        return m;
    }
}
