package org.onecnn.population;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.onecnn.model.Architecture;
import org.onecnn.model.DuInitialization;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.OutcomeClassifier;
import org.onecnn.model.StopReason;
import org.onecnn.model.Teacher;

/**
 * Runs whose iterates overflow are DIVERGED with stop reason NON_FINITE, on every population engine, whether
 * the budget is a stopping rule or fixed; a step that does not overflow within the budget is not DIVERGED.
 */
class DivergenceTest {
    private static List<InitialPoint> inits(Teacher t, int n) {
        List<InitialPoint> in = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            in.add(DuInitialization.draw(t, 1000 + i));
        }
        return in;
    }

    private static void assertAllDiverged(List<RunResult> rs, String what) {
        assertFalse(rs.isEmpty());
        for (RunResult r : rs) {
            assertEquals(Outcome.DIVERGED, r.outcome(), what + ": run " + r.index());
            assertEquals(StopReason.NON_FINITE, r.reason(), what + ": run " + r.index());
        }
    }

    @Test
    void hugeStepsDivergeOnEveryEngine() {
        Teacher t = Teacher.ratioFamily(4, 5, 1, 1, 1, 7);
        OutcomeClassifier c = OutcomeClassifier.duDefault();
        for (StopSpec stop : List.of(new StopSpec(500, true, true, Double.NaN, 1), StopSpec.fixed(500))) {
            for (String engine : List.of("reduced", "full")) {
                assertAllDiverged(PopulationEngine.named(engine).run(new PopulationJob(t, inits(t, 4), 1e6, stop, c,
                        RecordPlan.NONE), TrajectorySink.NONE), engine);
            }
            // overlapping patches (full engine, stride 3 < p = 5)
            Architecture ov = Architecture.of(5 + 3 * 3, 5, 3);
            assertAllDiverged(PopulationEngine.named("full").run(new PopulationJob(t, inits(t, 4), 1e6, stop, c,
                    RecordPlan.NONE, ov), TrajectorySink.NONE), "full, overlapping");
            Teacher ones = Teacher.of(new double[] {1, 0, 0, 0, 0}, new double[] {1, 1, 1, 1});
            List<InitialPoint> in = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                in.add(InitialPoint.of(new double[] {0.6, 0.8, 0, 0, 0}, new double[] {1, 1, 1, 1}, i));
            }
            assertAllDiverged(new FixedOutputEngine().run(new PopulationJob(ones, in, 1e6, stop, c, RecordPlan.NONE),
                    TrajectorySink.NONE), "fixed-output");
        }
    }

    @Test
    void anOrdinaryStepDoesNotDiverge() {
        Teacher t = Teacher.ratioFamily(4, 5, 1, 1, 1, 7);
        for (RunResult r : PopulationEngine.named("reduced").run(new PopulationJob(t, inits(t, 4), 0.05,
                StopSpec.fixed(500), OutcomeClassifier.duDefault(), RecordPlan.NONE), TrajectorySink.NONE)) {
            assertTrue(r.outcome() != Outcome.DIVERGED && Double.isFinite(r.phi()), r.toString());
        }
    }
}
