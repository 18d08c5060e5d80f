package org.onecnn.experiment;

/**
 * A kind of experiment ({@code type} in the config): its spec record, its checks and its run. Types are
 * registered in {@code META-INF/services/org.onecnn.experiment.Experiment} and found by {@link ExperimentTypes};
 * adding one is its own package plus a line there.
 *
 * <p>{@link #validate} checks everything that can be checked before a run folder exists, so bad input leaves
 * nothing behind; {@link #execute} runs it and writes results, summaries, plots and {@code report.md} into the
 * run folder.
 */
public interface Experiment {
    /** The config's {@code type} of this experiment. */
    String type();

    /** The spec record a config of this type binds to. */
    Class<? extends ExperimentSpec> specClass();

    /**
     * What a config of this type may not have and where to look instead, e.g. {@code "; its sample sizes are
     * empirical.n"} when someone gives it a grid; empty when there is nothing to say.
     */
    default String gridHint() {
        return "";
    }

    /**
     * Check the config and every point of its grid; throw {@link org.onecnn.util.InvalidInputException} naming the
     * field. Every method here receives the resolved spec and its grid points (one point, the spec itself, for a
     * config without a grid), never the loader's internals.
     */
    void validate(ExperimentSpec spec, java.util.List<GridPoint> points);

    /**
     * The checks that need the run folder's path, made after {@link #validate} and before anything is written:
     * for a new run before its folder is created, on a resume before anything in the folder changes (its
     * {@code provenance.json} is what the run recorded when it started). Returns what the run's first
     * {@code provenance.json} must already hold (e.g. the content hashes of the data sets it reads, so that a run
     * killed in its first cell can be checked on resume); empty by default.
     *
     * @param runFolder the run folder (not yet there for a new run)
     * @param resumed   whether the run is being resumed
     * @throws org.onecnn.util.InvalidInputException naming the field when the run cannot go on
     */
    default java.util.Map<String, Object> beforeWriting(ExperimentSpec spec, java.util.List<GridPoint> points,
            java.nio.file.Path runFolder,
            boolean resumed) throws java.io.IOException {
        return java.util.Map.of();
    }

    /** Run (or, on resume, finish) the experiment. */
    void execute(RunContext ctx) throws java.io.IOException, InterruptedException;

    /** What the run used for its numerics, for provenance ({@code backend} section). */
    default java.util.Map<String, Object> backend() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("engine", "exact population dynamics (closed forms), CPU, double precision");
        m.put("nd4j", "not used");
        return m;
    }

    /**
     * The cells a run of this experiment writes to {@code cells/} as it goes (see {@link CellStore}), so
     * that a resume verifies them before anything runs; none for experiments that recompute everything.
     */
    default java.util.List<CellKey> cellKeys(ExperimentSpec spec, java.util.List<GridPoint> points) {
        return java.util.List.of();
    }

    /**
     * The cells of a run built from its resolved config alone: what an executor on another machine computes a
     * cell from ({@link CellSweep}: a worker that builds the sweep from the same spec gets the same values, so
     * cell {@code i} of this sweep has the bytes of cell {@code i} of the sweep {@link #execute} runs). The
     * sweep's keys are {@link #cellKeys}. Null for a type that computes no cells (it runs on the driver).
     *
     * @throws org.onecnn.util.InvalidInputException if the config asks for something that only the run's own
     *                                               machine can do (such as saving data sets beside the run)
     */
    default CellSweep cells(ExperimentSpec spec, java.util.List<GridPoint> points) {
        return null;
    }

    /** The runner of a config type. */
    static Experiment of(String type) {
        return ExperimentTypes.get(type);
    }
}
