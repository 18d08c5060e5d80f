package org.onecnn.experiment.paired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.onecnn.empirical.EmpiricalResult;
import org.onecnn.model.Outcome;
import org.onecnn.model.StopReason;
import org.onecnn.population.RunResult;

/**
 * paired-trajectories' deviation: {@code max_t |φ_t(n) − φ_t(∞)|} over the times both runs recorded, undefined
 * (NaN) when either run diverged, with which one did kept apart (the report counts empirical divergences).
 */
class PairedDeviationTest {
    private static PairedTrajectoriesResult.PopulationPoint pop(long step, double phi) {
        return new PairedTrajectoriesResult.PopulationPoint(step, phi, 1);
    }

    private static PairedTrajectoriesResult.EmpiricalPoint emp(long step, double phi) {
        return new PairedTrajectoriesResult.EmpiricalPoint(step, phi, 1, 1);
    }

    private static RunResult popRun(int i, Outcome o) {
        return new RunResult(i, i, o, StopReason.BUDGET, 20, 0, 0, 0, 0, 0, 0, 0);
    }

    private static EmpiricalResult empRun(int i, Outcome o) {
        return new EmpiricalResult(i, i, o, StopReason.BUDGET, 20, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void deviationIsTheLargestAngleGapOverTheCommonTimes() {
        List<List<PairedTrajectoriesResult.PopulationPoint>> population = List.of(
                List.of(pop(0, 1.0), pop(10, 0.5), pop(20, 0.1)),
                List.of(pop(0, 2.0), pop(10, 2.5), pop(20, 3.0)),
                List.of(pop(0, 1.0), pop(10, 1.0)));
        Map<Integer, List<PairedTrajectoriesResult.EmpiricalPoint>> emp = Map.of(
                0, List.of(emp(0, 1.0), emp(10, 0.75), emp(20, 0.0)),
                1, List.of(emp(0, 2.0), emp(10, 2.0), emp(20, 3.0)),
                // a longer empirical record: the point past the population's last is not compared
                2, List.of(emp(0, 1.0), emp(10, 1.25), emp(20, 9.0)));
        PairedTrajectoriesResult.Pass pass = PairedTrajectoriesComputation.pass(250, 1, population,
                List.of(popRun(0, Outcome.GLOBAL), popRun(1, Outcome.GLOBAL), popRun(2, Outcome.GLOBAL)), emp,
                List.of(empRun(0, Outcome.GLOBAL), empRun(1, Outcome.SPURIOUS), empRun(2, Outcome.GLOBAL)));
        assertEquals(250, pass.n());
        assertEquals(1, pass.dataset());
        assertEquals(0.25, pass.deviations().get(0).deviation());
        assertEquals(0.5, pass.deviations().get(1).deviation());
        assertEquals(0.25, pass.deviations().get(2).deviation());
        assertEquals(3, pass.trajectories().get(2).size());
        for (PairedTrajectoriesResult.Deviation d : pass.deviations()) {
            assertTrue(d.defined());
        }
    }

    @Test
    void aDivergedRunLeavesTheDeviationUndefinedAndSaysWhichRunDiverged() {
        List<List<PairedTrajectoriesResult.PopulationPoint>> population = List.of(
                List.of(pop(0, 1.0), pop(10, 0.5)), List.of(pop(0, 1.0), pop(10, 0.5)));
        Map<Integer, List<PairedTrajectoriesResult.EmpiricalPoint>> emp = Map.of(
                0, List.of(emp(0, 1.0), emp(10, 0.6)), 1, List.of(emp(0, 1.0), emp(10, 0.7)));
        PairedTrajectoriesResult.Pass pass = PairedTrajectoriesComputation.pass(1000, 0, population,
                List.of(popRun(0, Outcome.GLOBAL), popRun(1, Outcome.DIVERGED)), emp,
                List.of(empRun(0, Outcome.DIVERGED), empRun(1, Outcome.GLOBAL)));
        PairedTrajectoriesResult.Deviation d0 = pass.deviations().get(0);
        PairedTrajectoriesResult.Deviation d1 = pass.deviations().get(1);
        assertTrue(d0.empiricalDiverged());
        assertFalse(d0.populationDiverged());
        assertFalse(d1.empiricalDiverged());
        assertTrue(d1.populationDiverged());
        assertFalse(d0.defined());
        assertFalse(d1.defined());
        assertTrue(Double.isNaN(d0.deviation()));
        assertTrue(Double.isNaN(d1.deviation()));
    }
}
