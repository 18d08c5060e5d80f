package org.onecnn.experiment.overlap;

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
 * P(global minimum) of weight-normalized GD on the exact overlapping population loss as the stride shrinks,
 * beside Double Convotron on the same teachers.
 */
@JsonPropertyOrder({"name", "type", "description", "seed", "model", "init", "train", "stop", "classify", "convotron", "figures"})
public record OverlapLandscapeSpec(String name, String type, String description, Long seed, Model model, Init init,
        Train train, Stop stop, Classify classify, ConvotronCfg convotron, Sections.Figures figures)
        implements Sections.DynamicsSpec, Sections.ConvotronSpec {
    /** The config's {@code type}. */
    public static final String TYPE = "overlap-landscape";

    public OverlapLandscapeSpec {
        ExperimentSpec.requireHeader(name, description, seed);
    }
}
