package org.onecnn.experiment.samplesize;

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
 * Finite samples against the population: the same initializations trained on the population loss and on
 * {@code empirical.datasets} data sets of each size in {@code empirical.n}; P(global), P(spurious) against n.
 */
@JsonPropertyOrder({"name", "type", "description", "seed", "model", "teacher", "init", "train", "stop", "classify",
        "empirical", "figures"})
public record SampleSizeSpec(String name, String type, String description, Long seed, Model model,
        TeacherSpec teacher, Init init, Train train, Stop stop, Classify classify, Empirical empirical, Sections.Figures figures)
        implements Sections.FiniteSampleSpec {
    /** The config's {@code type}. */
    public static final String TYPE = "sample-size";

    public SampleSizeSpec {
        ExperimentSpec.requireHeader(name, description, seed);
    }
}
