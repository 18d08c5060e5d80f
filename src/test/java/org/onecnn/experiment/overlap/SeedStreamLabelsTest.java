package org.onecnn.experiment.overlap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.onecnn.experiment.convotron.ConvotronCells;
import org.onecnn.util.Seeds;

/**
 * The seed streams declared by overlap-landscape and the Double Convotron cells draw exactly the seeds the string
 * labels drew before they were declared ("init" with stride, teacher and run; "teacher" with the teacher's index):
 * the label is hashed, so a changed label would silently change every result.
 */
class SeedStreamLabelsTest {
    @Test
    void declaredStreamsDrawTheSeedsOfTheirLabels() {
        for (long master : new long[] {0, 2028, -7}) {
            for (int s = 4; s <= 6; s++) {
                for (int t = 0; t < 3; t++) {
                    for (int i = 0; i < 3; i++) {
                        assertEquals(Seeds.derive(master, "init", s, t, i),
                                OverlapLandscapeComputation.INIT.derive(master, s, t, i));
                    }
                }
            }
            for (int t = 0; t < 5; t++) {
                assertEquals(Seeds.derive(master, "teacher", t), ConvotronCells.TEACHER.derive(master, t));
            }
        }
        assertEquals("init", OverlapLandscapeComputation.INIT.label());
        assertEquals("teacher", ConvotronCells.TEACHER.label());
    }

    /** Seeds written by runs made before the streams were declared (overlap-landscape, dg2019-double-convotron). */
    @Test
    void declaredStreamsDrawTheSeedsOfEarlierRuns() {
        // overlap-landscape (master seed 2028), results.csv: stride 6, teacher 0, runs 0 and 1; stride 5 and 4,
        // teacher 1, run 2
        assertEquals(-6419031002165955635L, OverlapLandscapeComputation.INIT.derive(2028, 6, 0, 0));
        assertEquals(-7198342146045911922L, OverlapLandscapeComputation.INIT.derive(2028, 6, 0, 1));
        assertEquals(4647104477852130266L, OverlapLandscapeComputation.INIT.derive(2028, 5, 1, 2));
        assertEquals(4312604983728607786L, OverlapLandscapeComputation.INIT.derive(2028, 4, 1, 2));
        // dg2019-double-convotron (master seed 2019), results.csv: teachers 0 and 1
        assertEquals(-8727151307972621866L, ConvotronCells.TEACHER.derive(2019, 0));
        assertEquals(465530417139550615L, ConvotronCells.TEACHER.derive(2019, 1));
    }
}
