package org.onecnn.empirical.testbed;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.onecnn.empirical.DoctorSection;
import org.onecnn.empirical.EmpiricalEngine;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EngineCapabilities;
import org.onecnn.empirical.EngineHost;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.empirical.fused.FusedEngine;
import org.onecnn.model.InitialPoint;

/**
 * The test engine: an engine added the way docs/architecture.md says one is, this class and one line in
 * {@code src/test/resources/META-INF/services/org.onecnn.empirical.EmpiricalEngine}, and nothing else. It trains
 * with the fused engine's arithmetic on one thread (the seam is what is under test, not the arithmetic), counts the
 * ensembles it opens, says a section of its own in {@code doctor} when a profile selects it, and one line of its own
 * in {@code bench empirical}. {@code EngineAdditionTest} finds it in doctor, bench empirical and a run.
 */
public final class TestbedEngine implements EmpiricalEngine {
    /** The name configs, profiles and {@code --engine} select it by. */
    public static final String NAME = "testbed";
    /** The ensembles opened by every instance (a run, a bench), for the tests. */
    public static final AtomicInteger OPENED = new AtomicInteger();

    private final FusedEngine arithmetic = new FusedEngine(1);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EngineCapabilities capabilities() {
        return EngineCapabilities.everything();
    }

    @Override
    public StudentEnsemble open(EmpiricalSpec spec, List<InitialPoint> inits, TrainingSet data,
            CounterSamples online) {
        OPENED.incrementAndGet();
        return arithmetic.open(spec, inits, data, online);
    }

    @Override
    public Optional<DoctorSection> doctor(EngineHost host, boolean chosen) {
        return chosen ? Optional.of(new DoctorSection("testbed engine (the test engine: fused arithmetic, one thread)",
                List.of(Map.entry("cpu cores", Integer.toString(host.devices().cpu().cores()))))) : Optional.empty();
    }

    @Override
    public Bench bench() {
        return new Bench() {
            @Override
            public void report(EmpiricalEngine trained, int p, int k, double rate, PrintStream out) {
                out.println("testbed_opened=" + OPENED.get());
            }
        };
    }
}
