package org.onecnn.experiment.paired;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

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
 * Paired trajectories: each initialization trained on the population loss and on data sets of each size in
 * {@code empirical.n}, recording φ_t of both every {@code empirical.every} steps.
 */
@JsonPropertyOrder({"name", "type", "description", "seed", "model", "teacher", "init", "train", "stop", "classify",
        "empirical", "figures"})
public record PairedTrajectoriesSpec(String name, String type, String description, Long seed, Model model,
        TeacherSpec teacher, Init init, Train train, Stop stop, Classify classify, Empirical empirical, Sections.Figures figures)
        implements Sections.FiniteSampleSpec {
    /** The config's {@code type}. */
    public static final String TYPE = "paired-trajectories";

    public PairedTrajectoriesSpec {
        ExperimentSpec.requireHeader(name, description, seed);
    }
}
