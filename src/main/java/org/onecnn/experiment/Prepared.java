package org.onecnn.experiment;

import java.util.List;

/**
 * A loaded config made ready to run, merge or split: its type, validated (everything checkable before a run
 * folder exists), the keys of the cells it computes in (empty for a type that does not) and its config hash.
 * The one place for the load → {@link Experiment#of} → validate → cell keys → config hash sequence that a run, a
 * resume, a job-array task and a merge all start with, so they cannot drift apart.
 *
 * @param loaded the resolved config and its source
 * @param exp    the experiment type of the config
 * @param keys   the cells' keys ({@link Experiment#cellKeys})
 * @param hash   the config hash ({@link CellStore#configHash})
 */
public record Prepared(ConfigLoader.Loaded loaded, Experiment exp, List<CellKey> keys, String hash) {
    public Prepared {
        keys = List.copyOf(keys);
    }

    /**
     * Prepares a loaded config: the type's {@code validate} runs first, so bad input is refused before the keys
     * and the hash are computed (both are pure functions of the resolved config).
     */
    public static Prepared of(ConfigLoader.Loaded loaded) {
        Experiment exp = Experiment.of(loaded.config().type());
        exp.validate(loaded.config(), loaded.cells());
        return new Prepared(loaded, exp, exp.cellKeys(loaded.config(), loaded.cells()), CellStore.configHash(loaded.config()));
    }

    /** The resolved config. */
    public ExperimentSpec config() {
        return loaded.config();
    }

    /**
     * Writes the run's {@code config.yaml}: the one header line (where it came from, how to run it again) and the
     * resolved config, every default filled in.
     */
    public void writeConfig(RunFolder folder) {
        writeConfig(folder, loaded);
    }

    /** As {@link #writeConfig(RunFolder)}, for a loaded config. */
    static void writeConfig(RunFolder folder, ConfigLoader.Loaded loaded) {
        RunFolder.writeAtomically(folder.path("config.yaml"), "# resolved config of " + loaded.source().label()
                + " (every default filled in); run it again with: ./onecnn run <this file>\n"
                + ConfigLoader.toYaml(loaded.config()));
    }
}
