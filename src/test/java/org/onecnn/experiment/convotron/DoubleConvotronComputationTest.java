package org.onecnn.experiment.convotron;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.onecnn.experiment.ConfigLoader;
import org.onecnn.experiment.convotron.ConvotronCells;

/**
 * double-convotron's computation is a function of the spec: the same runs, bit for bit (onecnn orders every
 * operation of Convotron itself), whatever the thread count, in cell order (strides, then distributions within).
 */
class DoubleConvotronComputationTest {
    private static DoubleConvotronSpec small() {
        return (DoubleConvotronSpec) ConfigLoader.load("dg2019-double-convotron", List.of("convotron.teachers=2",
                "convotron.strides=[9,16]", "convotron.schedules.gaussian.steps1=200",
                "convotron.schedules.gaussian.steps2=200", "convotron.schedules.uniform.steps1=200",
                "convotron.schedules.uniform.steps2=200", "convotron.test_samples=500")).config();
    }

    @Test
    void theResultDoesNotDependOnTheThreadCount() throws InterruptedException {
        DoubleConvotronSpec cfg = small();
        DoubleConvotronResult one = DoubleConvotronComputation.compute(cfg, 1, true);
        DoubleConvotronResult three = DoubleConvotronComputation.compute(cfg, 3, true);
        assertEquals(4, one.cells().size());
        assertEquals(8, one.runs());
        String[] order = {"9 gaussian", "9 uniform", "16 gaussian", "16 uniform"};
        for (int c = 0; c < one.cells().size(); c++) {
            DoubleConvotronResult.CellRuns a = one.cells().get(c);
            DoubleConvotronResult.CellRuns b = three.cells().get(c);
            assertEquals(order[c], a.cell().stride() + " " + a.cell().distribution());
            assertEquals(order[c], b.cell().stride() + " " + b.cell().distribution());
            for (int t = 0; t < a.runs().size(); t++) {
                ConvotronCells.Run x = a.runs().get(t);
                ConvotronCells.Run y = b.runs().get(t);
                assertEquals(t, x.teacher());
                assertEquals(ConvotronCells.TEACHER.derive(cfg.seed(), t), x.seed());
                assertEquals(x.seed(), y.seed());
                assertEquals(x.result().stage1Trace().finalOutputAngle(), y.result().stage1Trace().finalOutputAngle());
                assertEquals(x.result().plusTrace().finalRelative(), y.result().plusTrace().finalRelative());
                assertEquals(x.result().minusTrace().finalRelative(), y.result().minusTrace().finalRelative());
                assertEquals(x.result().choice(), y.result().choice());
                assertEquals(x.testRelChosen(), y.testRelChosen());
                assertEquals(x.success(), y.success());
                assertEquals(x.stage3Correct(), y.stage3Correct());
                assertEquals(x.diverged(), y.diverged());
            }
        }
    }
}
