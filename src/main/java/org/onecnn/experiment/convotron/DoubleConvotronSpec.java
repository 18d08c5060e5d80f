package org.onecnn.experiment.convotron;

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
 * Double Convotron (Du & Goel) on overlapping patches: {@code convotron.teachers} teachers per stride and input
 * distribution, success when the test error is below {@code convotron.success_error}.
 */
@JsonPropertyOrder({"name", "type", "description", "seed", "model", "convotron", "figures"})
public record DoubleConvotronSpec(String name, String type, String description, Long seed, Model model,
        ConvotronCfg convotron, Sections.Figures figures)
        implements Sections.ConvotronSpec {
    /** The config's {@code type}. */
    public static final String TYPE = "double-convotron";

    public DoubleConvotronSpec {
        ExperimentSpec.requireHeader(name, description, seed);
    }
}
