package org.onecnn.examples;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.onecnn.model.DuInitialization;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Outcome;
import org.onecnn.model.OutcomeClassifier;
import org.onecnn.model.Teacher;
import org.onecnn.population.PopulationEngine;
import org.onecnn.population.PopulationJob;
import org.onecnn.population.RecordPlan;
import org.onecnn.population.RunResult;
import org.onecnn.population.StopSpec;
import org.onecnn.population.TrajectorySink;

/**
 * Library example 1 (docs/library.md): the exact population dynamics of Algorithm 1 (weight-normalized gradient
 * descent, Du et al. 2018) from Java, without a config or a run folder. One cell of Table 1: {@code k = 25},
 * {@code p = 6}, ratio {@code (1ᵀa*)²/‖a*‖² = 4}, {@code ‖a*‖ = 0.5}, η = 0.05, Du's initialization.
 * Run it with {@code java -cp ... org.onecnn.examples.PopulationDynamicsExample}; ExamplesTest runs it.
 */
public final class PopulationDynamicsExample {
    private PopulationDynamicsExample() {
    }

    /** The outcome counts of {@code runs} initializations on the engine {@code engine} (reduced or full). */
    public static Map<Outcome, Integer> outcomes(String engine, int runs) {
        Teacher teacher = Teacher.ratioFamily(25, 6, 4.0, 0.5, 1.0, 20180710L);
        List<InitialPoint> inits = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            inits.add(DuInitialization.draw(teacher, 1000L + i)); // any seeds of your own
        }
        // budget 40,000 steps; stop early when proved settled (basin certificate) or stationary; check every 50
        StopSpec stop = new StopSpec(40_000, true, true, Double.NaN, 50);
        PopulationJob job = new PopulationJob(teacher, inits, 0.05, stop, OutcomeClassifier.duDefault(),
                RecordPlan.NONE);
        List<RunResult> results = PopulationEngine.named(engine).run(job, TrajectorySink.NONE);
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (RunResult r : results) {
            counts.merge(r.outcome(), 1, Integer::sum);
        }
        return counts;
    }

    public static void main(String[] args) {
        Map<Outcome, Integer> counts = outcomes("reduced", 500);
        System.out.println("k = 25, ratio 4, 500 runs of Algorithm 1 on the exact population loss: " + counts);
    }
}
