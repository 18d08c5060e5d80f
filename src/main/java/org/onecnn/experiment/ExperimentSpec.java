package org.onecnn.experiment;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

import org.onecnn.util.InvalidInputException;

/**
 * An experiment as a user writes it in YAML, with every default filled in: one record per experiment type,
 * bound by Jackson from the config's {@code type} (the subtypes are registered from {@link ExperimentTypes}), holding
 * only the sections that type reads. Each section is a record whose compact constructor fills its defaults and
 * validates, naming the offending field by its full path; so the resolved {@code config.yaml} of a run lists
 * exactly what the run used.
 *
 * <p>Every spec has the four scalars {@code name}, {@code type}, {@code description} and {@code seed}
 * ({@link #requireHeader}); a spec with a {@code grid} (population sweeps) expands into cells
 * ({@link ConfigLoader#cells}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type",
        visible = true)
public interface ExperimentSpec {
    /** The experiment's name: it names the run folder. */
    String name();

    /** The experiment type, as registered in {@link ExperimentTypes}. */
    String type();

    /** One line for the report. */
    String description();

    /** The master seed; every other seed is derived from it. */
    Long seed();

    /**
     * How the figures are drawn (section {@code figures}): every built-in type has it, since every one draws figures;
     * a type of your own that draws none need not declare the section (null: the defaults).
     */
    default Sections.Figures figures() {
        return null;
    }

    /** Whether figures carry titles ({@code figures.titles}, default true). */
    default boolean figureTitles() {
        return figures() == null || figures().titles();
    }

    /** The grid axes and their values (field path or unique field name → values); empty for types without one. */
    default Map<String, List<JsonNode>> grid() {
        return Map.of();
    }

    /** Grid axis names in order. */
    default List<String> axes() {
        return List.copyOf(grid().keySet());
    }

    /** The top-level keys every type has (not sections). */
    List<String> SCALARS = List.of("name", "type", "description", "seed");

    /** The longest experiment name: the run folder adds a timestamp, and file names stop at 255 bytes. */
    int MAX_NAME = 100;

    /**
     * Checks an experiment's name: it becomes a folder name ({@code runs/<name>-<timestamp>}).
     *
     * @throws InvalidInputException naming the field {@code name}
     */
    static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("name", "is required (it names the run folder)");
        }
        // no path separators, nothing hidden ('.x'), nothing a shell reads as an option ('-x'), and short enough
        // for any file system
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || name.contains("..")) {
            throw new InvalidInputException("name", "may only contain letters, digits, '.', '_' and '-', must start "
                    + "with a letter or digit and may not contain '..', got '" + name + "'");
        }
        if (name.length() > MAX_NAME) {
            throw new InvalidInputException("name", "is " + name.length() + " characters long; use at most " + MAX_NAME
                    + " (it names the run folder)");
        }
    }

    /**
     * Checks the scalars of a spec as {@link ConfigLoader#bind} gives them: a valid name, and the description
     * and seed filled in (an absent section or scalar is filled with its defaults before binding, so a spec's
     * constructor has nothing to default). Call it first in a spec's compact constructor.
     */
    static void requireHeader(String name, String description, Long seed) {
        requireName(name);
        if (description == null || seed == null) {
            throw new IllegalArgumentException("a spec is bound by ConfigLoader, which fills description and seed");
        }
    }
}
