package org.onecnn.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

import org.onecnn.backend.BackendCheck;
import org.onecnn.backend.ComputeProfile;
import org.onecnn.backend.DeviceProbe;
import org.onecnn.backend.Nd4jSetup;
import org.onecnn.backend.Precision;
import org.onecnn.backend.SystemDeviceProbe;
import org.onecnn.empirical.EmpiricalSpec;

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

    /**
     * Everything that can be checked before a run folder exists: the profile, and, for an engine that computes
     * with ND4J ({@link org.onecnn.empirical.EmpiricalEngine#usesNd4j}), the build and the devices against ND4J's
     * backends. An engine without ND4J (fused, cuda) needs no ND4J backend: nothing of ND4J is checked or loaded.
     */
    public static void check(Sections.FiniteSampleSpec cfg) {
        ComputeProfile p = profile(cfg);
        if (usesNd4j(cfg)) {
            BackendCheck.requireTrainable(p, probe.probe());
        }
    }

    /**
     * Check, then configure ND4J where the engine uses it (the one place its RNG is seeded, from the master seed;
     * a run without ND4J neither loads it nor draws that seed).
     */
    public static ComputeContext open(Sections.FiniteSampleSpec cfg) {
        ComputeProfile p = profile(cfg);
        if (usesNd4j(cfg)) {
            BackendCheck.requireTrainable(p, probe.probe());
            Nd4jSetup.apply(p, ND4J.derive(cfg.seed()));
        }
        return new ComputeContext(cfg, p);
    }

    private static boolean usesNd4j(Sections.FiniteSampleSpec cfg) {
        return cfg.empirical().trainingEngine().usesNd4j();
    }

    /** Benchmarks: the default profile with the given data type, checked and applied. */
    public static ComputeProfile forBench(String profileName, String dataType, long seed) {
        ComputeProfile p = ComputeProfile.load(profileName).withDataType(Precision.parse("--data-type", dataType));
        BackendCheck.requireTrainable(p, probe.probe());
        Nd4jSetup.apply(p, seed);
        return p;
    }

    public Precision dataType() {
        return profile.dataType();
    }

    /** The trainer's settings for {@code students} students on the largest of the experiment's data sets. */
    public EmpiricalSpec spec(int students) {
        long nMax = cfg.empirical().n().stream().mapToLong(Long::longValue).max().orElse(1);
        int chunk = profile.studentChunk(nMax, cfg.model().k(), cfg.model().p(), students);
        return EmpiricalSetup.spec(cfg, dataType(), chunk, profile.maxSamplesPerChunk(), profile.reductionBlock());
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
