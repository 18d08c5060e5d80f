package org.onecnn.experiment.sweep;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

import org.onecnn.experiment.Bounds;
import org.onecnn.experiment.ExperimentSpec;
import org.onecnn.experiment.Sections;
import org.onecnn.experiment.Sections.Classify;
import org.onecnn.experiment.Sections.ConvotronCfg;
import org.onecnn.experiment.Sections.Empirical;
import org.onecnn.experiment.Sections.Init;
import org.onecnn.experiment.Sections.Model;
import org.onecnn.experiment.Sections.Stop;
import org.onecnn.experiment.Sections.TeacherSpec;
import org.onecnn.experiment.Sections.Train;
import org.onecnn.util.InvalidInputException;

/**
 * A population sweep: the exact population dynamics of every initialization of {@code init}, for each cell of
 * the grid (axis name → values; an axis is a field path such as {@code teacher.ratio} or a field name unique in
 * this type, such as {@code ratio}); optionally recording trajectories ({@code record}).
 */
@JsonPropertyOrder({"name", "type", "description", "seed", "model", "teacher", "init", "train", "stop", "classify",
        "grid", "record", "figures"})
public record PopulationSweepSpec(String name, String type, String description, Long seed, Model model,
        TeacherSpec teacher, Init init, Train train, Stop stop, Classify classify, Map<String, List<JsonNode>> grid,
        Record record, Sections.Figures figures)
        implements Sections.PopulationSpec {
    /** The config's {@code type}. */
    public static final String TYPE = "population-sweep";

    public PopulationSweepSpec {
        ExperimentSpec.requireHeader(name, description, seed);
        grid = grid == null ? new LinkedHashMap<>() : new LinkedHashMap<>(grid);
        for (Map.Entry<String, List<JsonNode>> e : grid.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) {
                throw new InvalidInputException("grid." + e.getKey(), "must be a non-empty list of values");
            }
            for (JsonNode v : e.getValue()) {
                if (v == null || v.isNull() || v.isMissingNode()) {
                    throw new InvalidInputException("grid." + e.getKey(), "lists null; give the values to sweep");
                }
            }
            Bounds.requireDistinct("grid." + e.getKey(), e.getValue(), Bounds::gridKey);
        }
    }

    @Override
    public Map<String, List<JsonNode>> grid() {
        return grid;
    }

    /** Trajectories: the first {@code runs} runs of each cell, every {@code every} steps and at {@code steps}. */
    @JsonPropertyOrder({"runs", "every", "steps"})
    public record Record(Integer runs, Long every, List<Long> steps) {
        public Record {
            runs = runs == null ? 0 : runs;
            every = every == null ? 0L : every;
            steps = steps == null ? List.of() : Bounds.copyWithoutNulls("record.steps", steps);
            if (runs < 0) {
                throw new InvalidInputException("record.runs", "must be >= 0, got " + runs);
            }
            if (every < 0) {
                throw new InvalidInputException("record.every", "must be >= 0, got " + every);
            }
            for (Long s : steps) {
                if (s == null || s < 0) {
                    throw new InvalidInputException("record.steps", "must be a list of iterations >= 0");
                }
            }
            Bounds.requireDistinct("record.steps", steps, x -> x);
            Bounds.requireSteps("record.every", every);
            for (Long s : steps) {
                Bounds.requireSteps("record.steps", s);
            }
            // half a recording setting records nothing, silently: refuse it
            if (runs > 0 && every == 0 && steps.isEmpty()) {
                throw new InvalidInputException("record.runs", "is " + runs + " but neither record.every nor "
                        + "record.steps is set, so nothing would be recorded; set record.every (an interval) or "
                        + "record.steps (a list of iterations)");
            }
            if (runs == 0 && (every > 0 || !steps.isEmpty())) {
                throw new InvalidInputException(every > 0 ? "record.every" : "record.steps", "has no effect while "
                        + "record.runs = 0; set record.runs to the number of runs per cell to record");
            }
        }

        public boolean any() {
            return runs > 0 && (every > 0 || !steps.isEmpty());
        }

        public long[] stepsArray() {
            long[] a = new long[steps.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = steps.get(i);
            }
            return a;
        }
    }
}
