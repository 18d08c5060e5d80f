package org.onecnn.report;

/**
 * The Wilson score interval: moved to {@link Statistics#wilson}; this shim delegates to it.
 *
 * @deprecated use {@link Statistics#wilson} and {@link Statistics.Interval}
 */
@Deprecated
public final class Wilson {
    private Wilson() {
    }

    /**
     * A proportion with its confidence interval, as {@link Statistics.Interval}.
     *
     * @deprecated use {@link Statistics.Interval}
     */
    @Deprecated
    public record Interval(double estimate, double lower, double upper) {
        /** {@code upper − lower}. */
        public double width() {
            return upper - lower;
        }
    }

    /**
     * {@link Statistics#wilson}, same values.
     *
     * @deprecated use {@link Statistics#wilson}
     */
    // MERGE: switch callers to Statistics.wilson, then delete this class
    @Deprecated
    public static Interval of(long successes, long n, double confidence) {
        Statistics.Interval i = Statistics.wilson(successes, n, confidence);
        return new Interval(i.estimate(), i.lower(), i.upper());
    }
}
