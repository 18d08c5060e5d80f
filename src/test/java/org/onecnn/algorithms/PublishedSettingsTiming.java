package org.onecnn.algorithms;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.onecnn.empirical.data.Gaussian;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.data.Uniform;

/**
 * Not a test: Double Convotron in the published setting of docs/experiments.md (dg2019-double-convotron), every stride
 * and both input distributions, timed. Arguments: number of seeds per cell (default 1), master seed (default 1).
 */
public final class PublishedSettingsTiming {
    private PublishedSettingsTiming() {
    }

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        long master = args.length > 1 ? Long.parseLong(args[1]) : 1;
        long all = System.nanoTime();
        for (InputDistribution dist : new InputDistribution[] {Gaussian.INSTANCE, Uniform.INSTANCE}) {
            for (int s : DoubleConvotron.Settings.PUBLISHED_STRIDES) {
                DoubleConvotron.Settings st = DoubleConvotron.Settings.published(dist, s);
                List<DoubleConvotron.Problem> ps = new ArrayList<>();
                for (int i = 0; i < seeds; i++) {
                    ps.add(DoubleConvotron.Problem.gaussian(st.architecture(), org.onecnn.util.Seeds.derive(master,
                            "published", s, i)));
                }
                long t0 = System.nanoTime();
                List<DoubleConvotron.Result> rs = DoubleConvotron.run(st, ps);
                double sec = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "%-8s s=%2d k=%2d m=%2d: %d run(s) in %.2f s%n", dist.name(), s,
                        st.architecture().k(), st.nonOverlapLength(), seeds, sec);
                double[] ang = new double[seeds];
                double[] rel = new double[seeds];
                double[] mse = new double[seeds];
                int agree = 0;
                for (int i = 0; i < seeds; i++) {
                    DoubleConvotron.Result r = rs.get(i);
                    ang[i] = r.stage1Trace().finalOutputAngle();
                    rel[i] = r.chosenTrace().finalRelative();
                    mse[i] = r.chosenTrace().finalMse();
                    double other = r.choice().sign() > 0 ? r.minusTrace().finalMse() : r.plusTrace().finalMse();
                    agree += mse[i] <= other ? 1 : 0;
                }
                if (seeds > 1) {
                    java.util.Arrays.sort(ang);
                    java.util.Arrays.sort(rel);
                    java.util.Arrays.sort(mse);
                    System.out.printf(Locale.ROOT, "    stage-1 angle(a, ±a*) median %.3f [min %.3f, max %.3f]; "
                            + "stage-2 test mse (chosen) median %.3g; relative median %.4f [min %.4f, max %.4f]; "
                            + "stage 3 chose the lower-test-error sign %d/%d%n", median(ang), ang[0],
                            ang[seeds - 1], median(mse), median(rel), rel[0], rel[seeds - 1], agree, seeds);
                }
                for (DoubleConvotron.Result r : seeds <= 3 ? rs : List.<DoubleConvotron.Result>of()) {
                    AngleTrace at = r.stage1Trace();
                    System.out.printf(Locale.ROOT,
                            "    stage1 angle(a, ±a*) %.4f -> %.4f, angle(w_non) %.4f | stage2 mse(+a) %.4g rel %.4g, "
                                    + "mse(-a) %.4g rel %.4g | val %.4g / %.4g -> sign %+d%n",
                            at.outputAngle()[0], at.finalOutputAngle(), at.finalFilterAngle(),
                            r.plusTrace().finalMse(), r.plusTrace().finalRelative(), r.minusTrace().finalMse(),
                            r.minusTrace().finalRelative(), r.choice().validationLossPlus(),
                            r.choice().validationLossMinus(), r.choice().sign());
                }
            }
        }
        System.out.printf(Locale.ROOT, "total %.2f s%n", (System.nanoTime() - all) / 1e9);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
