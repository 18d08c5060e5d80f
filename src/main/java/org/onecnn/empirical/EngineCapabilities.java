package org.onecnn.empirical;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import org.onecnn.backend.Precision;
import org.onecnn.model.Architecture;
import org.onecnn.util.InvalidInputException;

/**
 * What an {@link EmpiricalEngine} can train, so that a combination it cannot is refused before any work starts
 * (and before ND4J or a device is touched: nothing here loads a native class).
 *
 * <p>Each {@code require…} method throws an {@link InvalidInputException} naming the parameter as the configs
 * spell it ({@code regime}, {@code distribution}, {@code s}, {@code data_type}, {@code leaky_slope}); the config
 * layer adds the section it lives in ({@link InvalidInputException#under}).
 *
 * @param regimes       the regimes the engine trains; not empty
 * @param distributions the input distributions it can train on, by name; <b>empty: every distribution</b> (an
 *                      engine that only consumes samples does not care where they come from)
 * @param overlap       whether it handles overlapping patches (stride {@code s} below the filter size {@code p})
 * @param precisions    the data types it computes in; not empty
 * @param leaky         whether it handles a leaky slope {@code α > 0} (false: ReLU only)
 */
public record EngineCapabilities(Set<Regime> regimes, Set<String> distributions, boolean overlap,
        Set<Precision> precisions, boolean leaky) {

    public EngineCapabilities {
        if (regimes.isEmpty() || precisions.isEmpty()) {
            throw new IllegalArgumentException("an engine trains at least one regime in at least one data type");
        }
        regimes = Set.copyOf(EnumSet.copyOf(regimes));
        distributions = Set.copyOf(distributions);
        precisions = Set.copyOf(EnumSet.copyOf(precisions));
    }

    /** Everything: every regime and distribution, overlapping patches, float and double, any leaky slope. */
    public static EngineCapabilities everything() {
        return new EngineCapabilities(EnumSet.allOf(Regime.class), Set.of(), true, EnumSet.allOf(Precision.class),
                true);
    }

    /** Refuse a regime the engine does not train (parameter {@code regime}). */
    public void requireRegime(String engine, Regime regime) {
        if (!regimes.contains(regime)) {
            throw new InvalidInputException("regime", "the " + engine + " engine does not train " + regime
                    + "; it trains " + join(EnumSet.copyOf(regimes)) + " (or choose another engine)");
        }
    }

    /** Refuse an input distribution the engine cannot train on (parameter {@code distribution}). */
    public void requireDistribution(String engine, String distribution) {
        if (!distributions.isEmpty() && !distributions.contains(distribution)) {
            throw new InvalidInputException("distribution", "the " + engine + " engine cannot train on " + distribution
                    + " inputs; it takes " + join(new java.util.TreeSet<>(distributions)) + " (or choose another engine)");
        }
    }

    /** Refuse overlapping patches ({@code s < p}) where the engine has none (parameter {@code s}). */
    public void requireArchitecture(String engine, Architecture arch) {
        if (arch.overlapping() && !overlap) {
            throw new InvalidInputException("s", "the " + engine + " engine handles non-overlapping patches only "
                    + "(s = p), got s = " + arch.s() + " < p = " + arch.r() + "; use s = p (or choose another engine)");
        }
    }

    /** Refuse a data type the engine does not compute in (parameter {@code data_type}). */
    public void requirePrecision(String engine, Precision precision) {
        if (!precisions.contains(precision)) {
            throw new InvalidInputException("data_type", "the " + engine + " engine does not compute in "
                    + precision.key() + "; it computes in " + EnumSet.copyOf(precisions).stream()
                    .map(Precision::key).collect(Collectors.joining(", "))
                    + " (or choose another engine)");
        }
    }

    /** Refuse a leaky slope {@code α > 0} where the engine has ReLU only (parameter {@code leaky_slope}). */
    public void requireLeakySlope(String engine, double leakySlope) {
        if (leakySlope != 0 && !leaky) {
            throw new InvalidInputException("leaky_slope", "the " + engine + " engine has ReLU only (leaky_slope 0), "
                    + "got " + leakySlope + " (or choose another engine)");
        }
    }

    /** Every check above, in that order. */
    public void require(String engine, Regime regime, String distribution, Architecture arch, Precision precision,
            double leakySlope) {
        requireRegime(engine, regime);
        requireDistribution(engine, distribution);
        requireArchitecture(engine, arch);
        requirePrecision(engine, precision);
        requireLeakySlope(engine, leakySlope);
    }

    /** Every check the spec alone allows: all but the distribution, which the spec does not name. */
    public void require(String engine, EmpiricalSpec spec) {
        requireRegime(engine, spec.regime());
        requireArchitecture(engine, spec.arch());
        requirePrecision(engine, spec.precision());
        requireLeakySlope(engine, spec.leakySlope());
    }

    private static String join(Set<?> xs) {
        return xs.stream().map(Object::toString).collect(Collectors.joining(", "));
    }
}
