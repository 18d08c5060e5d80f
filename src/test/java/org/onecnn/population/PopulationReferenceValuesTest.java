package org.onecnn.population;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.onecnn.model.Teacher;
import org.onecnn.report.Table;

/**
 * Reference values of the population loss and gradients, produced by
 * {@code src/test/resources/reference/population_reference.py}: the loss as the kernel double sum
 * (a different route from the closed form of docs/model.md §2) in 80-bit extended precision, the gradients
 * by central differences of it, and a Monte Carlo estimate printed as a sanity check.
 */
class PopulationReferenceValuesTest {

    /**
     * Loss: the reference is exact to ~1e−18 before rounding to double; the Java closed form combines
     * a handful of terms of size up to ~10 with rounding ~1e−16 each: relative 1e−13. Gradients: the
     * central difference (h = 1e−7 in 64-bit-mantissa arithmetic) has truncation error ~h²·|L'''| ≈ 1e−14
     * and rounding ~1e−19/h = 1e−12: absolute 1e−10 leaves a margin of 100.
     */
    private static final double LOSS_REL = 1e-13;
    private static final double GRAD_ABS = 1e-10;

    private static double[] vec(String s) {
        return Arrays.stream(s.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
    }

    @Test
    void closedFormsMatchTheReferenceValues() throws IOException {
        Table t;
        try (InputStream in = getClass().getResourceAsStream("/reference/population_reference.csv")) {
            t = Table.parseCsv(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(4, t.size());
        for (int r = 0; r < t.size(); r++) {
            Teacher teacher = Teacher.of(vec(t.getString(r, "w_star")), vec(t.getString(r, "a_star")));
            NonOverlappingGaussian f = new NonOverlappingGaussian(teacher);
            double[] v = vec(t.getString(r, "v"));
            double[] a = vec(t.getString(r, "a"));
            double[] gv = new double[v.length];
            double[] ga = new double[a.length];
            double l = f.gradient(v, a, gv, ga);
            double ref = t.getDouble(r, "loss");
            assertEquals(ref, l, LOSS_REL * ref, "case " + r + ": loss");
            assertEquals(ref, f.loss(v, a), LOSS_REL * ref, "case " + r + ": loss(v, a)");
            double[] rv = vec(t.getString(r, "grad_v"));
            double[] ra = vec(t.getString(r, "grad_a"));
            for (int i = 0; i < v.length; i++) {
                assertEquals(rv[i], gv[i], GRAD_ABS, "case " + r + ": dL/dv[" + i + "]");
            }
            for (int i = 0; i < a.length; i++) {
                assertEquals(ra[i], ga[i], GRAD_ABS, "case " + r + ": dL/da[" + i + "]");
            }
        }
    }
}
