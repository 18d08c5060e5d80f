package org.onecnn.empirical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.onecnn.backend.Precision;
import org.onecnn.empirical.dl4j.Dl4jEngine;
import org.onecnn.empirical.fused.FusedEngine;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.model.Architecture;
import org.onecnn.util.InvalidInputException;

/**
 * The engine seam's checks: the registry, what each engine says it can train (refused naming the parameter),
 * what the trainer can measure whatever the engine, the regimes and the spec's own parameter names.
 */
class EmpiricalEnginesTest {
    private static final Architecture FLAT = Architecture.nonOverlapping(4, 3);
    private static final Architecture OVERLAPPING = Architecture.of(9, 3, 2);

    /** The field {@code action} refuses with, after checking the message names it first. */
    private static String refusedField(Runnable action) {
        InvalidInputException e = assertThrows(InvalidInputException.class, action::run);
        assertTrue(e.getMessage().startsWith(e.field() + ": "), e.getMessage());
        return e.field();
    }

    @Test
    void theRegistryKnowsTheFusedDl4jAndCudaEnginesAndFusedIsTheDefault() {
        assertEquals(List.of("fused", "dl4j", "cuda", "testbed"), EmpiricalEngines.names()); // testbed: the test engine
        assertEquals("fused", EmpiricalEngines.DEFAULT);
        assertTrue(EmpiricalEngines.named("fused") instanceof FusedEngine);
        assertSame(EmpiricalEngines.named("fused"), EmpiricalEngines.defaultEngine());
        assertTrue(EmpiricalEngines.named("dl4j") instanceof Dl4jEngine);
        assertEquals(EmpiricalEngines.named("dl4j").name(), "dl4j");
        assertTrue(EmpiricalEngines.named("cuda") instanceof org.onecnn.empirical.cuda.CudaEngine);
    }

    @Test
    void anUnknownEngineIsRefusedListingTheKnownOnes() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> EmpiricalEngines.named("tpu"));
        assertEquals("engine", e.field());
        assertTrue(e.getMessage().contains("'tpu'") && e.getMessage().endsWith("known: "
                + String.join(", ", EmpiricalEngines.names())), e.getMessage());
        assertTrue(e.getMessage().contains("dl4j"), e.getMessage());
        // among engines passed in, the same lookup
        EmpiricalEngine fake = new FakeEngine(EngineCapabilities.everything());
        assertSame(fake, EmpiricalEngines.named("fake", List.of(new Dl4jEngine(), fake)));
        InvalidInputException e2 = assertThrows(InvalidInputException.class,
                () -> EmpiricalEngines.named(null, List.of(new Dl4jEngine(), fake)));
        assertTrue(e2.getMessage().endsWith("known: dl4j, fake"), e2.getMessage());
    }

    @Test
    void theDl4jEngineTrainsEveryRegimeDistributionShapeAndDataType() {
        EngineCapabilities c = new Dl4jEngine().capabilities();
        assertEquals(EnumSet.allOf(Regime.class), c.regimes());
        assertEquals(EnumSet.allOf(Precision.class), c.precisions());
        assertTrue(c.overlap() && c.leaky() && c.distributions().isEmpty());
        for (Regime r : Regime.values()) {
            for (String dist : List.of("gaussian", "uniform", "rademacher")) {
                for (Architecture a : List.of(FLAT, OVERLAPPING)) {
                    for (Precision p : Precision.values()) {
                        c.require("dl4j", r, dist, a, p, 0.3);
                    }
                }
            }
        }
        new Dl4jEngine().require(TrainerTest.spec(OVERLAPPING, "online", 8, 10, 4, 64, 32, 0.1), "uniform");
    }

    @Test
    void aNarrowerEngineIsRefusedNamingTheParameter() {
        EngineCapabilities narrow = new EngineCapabilities(EnumSet.of(Regime.FULL_BATCH), Set.of("gaussian"), false,
                EnumSet.of(Precision.DOUBLE), false);
        narrow.require("narrow", Regime.FULL_BATCH, "gaussian", FLAT, Precision.DOUBLE, 0);
        assertEquals("regime", refusedField(() -> narrow.requireRegime("narrow", Regime.MINIBATCH)));
        assertEquals("distribution", refusedField(() -> narrow.requireDistribution("narrow", "uniform")));
        assertEquals("s", refusedField(() -> narrow.requireArchitecture("narrow", OVERLAPPING)));
        assertEquals("data_type", refusedField(() -> narrow.requirePrecision("narrow", Precision.FLOAT)));
        assertEquals("leaky_slope", refusedField(() -> narrow.requireLeakySlope("narrow", 0.1)));
        // the whole check, in the documented order; the message names the engine and what it does take
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> narrow.require("narrow",
                Regime.ONLINE, "uniform", OVERLAPPING, Precision.FLOAT, 0.1));
        assertEquals("regime", e.field());
        assertTrue(e.getMessage().contains("narrow engine") && e.getMessage().contains("full-batch"), e.getMessage());
        // an engine's require(spec, distribution) maps the spec's data type onto the capability
        FakeEngine fake = new FakeEngine(narrow);
        EmpiricalSpec floatSpec = new EmpiricalSpec(FLAT, 0, DataType.FLOAT, 0.1, Regime.FULL_BATCH, 1, 10, 1, 0, 0,
                4, 32, 32, 0);
        assertEquals("data_type", refusedField(() -> fake.require(floatSpec, "gaussian")));
        assertEquals("distribution", refusedField(() -> fake.require(floatSpec, "uniform")));
    }

    @Test
    void capabilitiesNeedARegimeAndADataType() {
        assertThrows(IllegalArgumentException.class, () -> new EngineCapabilities(EnumSet.noneOf(Regime.class),
                Set.of(), true, EnumSet.allOf(Precision.class), true));
        assertThrows(IllegalArgumentException.class, () -> new EngineCapabilities(EnumSet.allOf(Regime.class),
                Set.of(), true, EnumSet.noneOf(Precision.class), true));
    }

    @Test
    void onlineSgdIsMeasurableOnlyForGaussianInputsOnNonOverlappingPatches() {
        for (Regime r : List.of(Regime.FULL_BATCH, Regime.MINIBATCH)) {
            EnsembleTrainer.requireMeasurable(r, InputDistribution.named("uniform"), OVERLAPPING);
        }
        EnsembleTrainer.requireMeasurable(Regime.ONLINE, InputDistribution.named("gaussian"), FLAT);
        for (String d : List.of("uniform", "rademacher")) {
            assertEquals("regime", refusedField(() -> EnsembleTrainer.requireMeasurable(Regime.ONLINE,
                    InputDistribution.named(d), FLAT)));
        }
        assertEquals("regime", refusedField(() -> EnsembleTrainer.requireMeasurable(Regime.ONLINE, InputDistribution.named("gaussian"),
                OVERLAPPING)));
    }

    @Test
    void aMinibatchLargerThanTheSmallestSetIsRefused() {
        EnsembleTrainer.requireBatchFits(Regime.MINIBATCH, 50, 50);
        EnsembleTrainer.requireBatchFits(Regime.FULL_BATCH, 500, 50);
        EnsembleTrainer.requireBatchFits(Regime.ONLINE, 500, 50);
        assertEquals("batch_size", refusedField(() -> EnsembleTrainer.requireBatchFits(Regime.MINIBATCH, 51, 50)));
    }

    @Test
    void regimesHaveTheirConfigNamesAndUnknownOnesAreRefusedListingThem() {
        for (Regime r : Regime.values()) {
            assertSame(r, Regime.parse(r.key()));
            assertEquals(r.key(), r.toString());
        }
        assertEquals("full-batch, minibatch, online", Regime.allowed());
        assertTrue(Regime.FULL_BATCH.usesTrainingSet() && Regime.MINIBATCH.usesTrainingSet()
                && !Regime.ONLINE.usesTrainingSet());
        for (String bad : new String[] {"bogus", "Full-Batch", " online", "", null}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Regime.parse(bad));
            assertEquals("regime", e.field());
            assertTrue(e.getMessage().contains("full-batch, minibatch, online"), e.getMessage());
        }
    }

    @Test
    void theSpecNamesItsOwnParameters() {
        Consumer<Runnable> ok = Runnable::run;
        ok.accept(() -> spec(0.0, 0.1, "full-batch", 1, 1, 0, 0, 32));
        assertEquals("leaky_slope", refusedField(() -> spec(1.0, 0.1, "full-batch", 1, 1, 0, 0, 32)));
        assertEquals("eta", refusedField(() -> spec(0.0, 0, "full-batch", 1, 1, 0, 0, 32)));
        assertEquals("regime", refusedField(() -> spec(0.0, 0.1, "bogus", 1, 1, 0, 0, 32)));
        assertEquals("batch_size", refusedField(() -> spec(0.0, 0.1, "minibatch", 0, 1, 0, 0, 32)));
        assertEquals("max_steps", refusedField(() -> spec(0.0, 0.1, "full-batch", 1, 0, 0, 0, 32)));
        assertEquals("grad_tol", refusedField(() -> spec(0.0, 0.1, "full-batch", 1, 1, -1, 0, 32)));
        assertEquals("loss_tol", refusedField(() -> spec(0.0, 0.1, "full-batch", 1, 1, 0, Double.NaN, 32)));
        assertEquals("max_samples_per_chunk", refusedField(() -> spec(0.0, 0.1, "full-batch", 1, 1, 0, 0, 48)));
        assertEquals("data_type", refusedField(() -> new EmpiricalSpec(FLAT, 0, DataType.HALF, 0.1,
                Regime.FULL_BATCH, 1, 1, 1, 0, 0, 1, 32, 32, 0)));
        assertEquals(Regime.MINIBATCH, spec(0.0, 0.1, "minibatch", 1, 1, 0, 0, 32).regime());
        EmpiricalSpec s = spec(0.0, 0.1, "minibatch", 7, 1, 0.5, 0, 32);
        EmpiricalSpec b = s.withBudget(99, 0);
        assertEquals(99, b.maxSteps());
        assertEquals(0, b.gradTol());
        assertEquals(s, b.withBudget(1, 0.5));
    }

    private static EmpiricalSpec spec(double alpha, double eta, String regime, int batch, long steps, double gradTol,
            double lossTol, int sampleChunk) {
        return new EmpiricalSpec(FLAT, alpha, DataType.DOUBLE, eta, regime, batch, steps, 1, gradTol, lossTol, 4,
                sampleChunk, 32, 0);
    }
}
