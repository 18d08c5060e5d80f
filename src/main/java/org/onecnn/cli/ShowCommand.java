package org.onecnn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.onecnn.experiment.ConfigLoader;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code onecnn show NAME|FILE}: the config as written, or resolved with every default. */
@Command(name = "show", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Print an experiment's config (as shipped, or --resolved with every default and override).")
final class ShowCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME|FILE")
    String config;

    @Option(names = "--resolved", description = "Print the resolved config (defaults filled in, overrides applied).")
    boolean resolved;

    @Option(names = {"-s", "--set"}, paramLabel = "FIELD=VALUE", description = "Override a field (with --resolved).")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() {
        if (!resolved && sets.isEmpty()) {
            System.out.print(ConfigLoader.source(config).text());
            return 0;
        }
        ConfigLoader.Loaded l = ConfigLoader.load(config, sets);
        System.out.print(ConfigLoader.toYaml(l.config()));
        System.out.println("# " + l.cells().size() + " cell(s)");
        return 0;
    }
}
