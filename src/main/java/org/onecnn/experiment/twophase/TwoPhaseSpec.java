package org.onecnn.experiment.twophase;

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
 * The two phases of weight-normalized GD (Du et al., Figures 1b/2): draws initializations until one run ends
 * at the global minimum and one at the spurious one ({@code two_phase.max_draws} at most) and records both.
 */
@JsonPropertyOrder({"name", "type", "description", "seed", "model", "teacher", "init", "train", "stop", "classify",
        "two_phase", "figures"})
public record TwoPhaseSpec(String name, String type, String description, Long seed, Model model, TeacherSpec teacher,
        Init init, Train train, Stop stop, Classify classify, TwoPhase twoPhase, Sections.Figures figures)
        implements Sections.PopulationSpec {
    /** The config's {@code type}. */
    public static final String TYPE = "two-phase";

    public TwoPhaseSpec {
        ExperimentSpec.requireHeader(name, description, seed);
    }

    /**
     * The two-phase experiment: initializations are drawn (seeds derived from the master seed) until
     * one reaches the global and one the spurious minimum, at most {@code max_draws}; their full
     * trajectories are recorded every {@code every} steps.
     */
    @JsonPropertyOrder({"max_draws", "every"})
    public record TwoPhase(Integer maxDraws, Long every) {
        public TwoPhase {
            maxDraws = maxDraws == null ? 10000 : maxDraws;
            every = every == null ? 10L : every;
            if (maxDraws < 1) {
                throw new InvalidInputException("two_phase.max_draws", "must be >= 1, got " + maxDraws);
            }
            if (every < 1) {
                throw new InvalidInputException("two_phase.every", "must be >= 1, got " + every);
            }
            Bounds.requireSteps("two_phase.every", every);
        }
    }
}
