package org.onecnn.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import org.onecnn.experiment.ConfigLoader;

import picocli.CommandLine.Command;

/** {@code onecnn list}: the built-in experiments. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "List the built-in experiments.")
final class ListCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        for (String name : ConfigLoader.builtIns()) {
            JsonNode tree = ConfigLoader.parse(ConfigLoader.builtInText(name), name);
            String type = tree.path("type").asText("");
            String desc = tree.path("description").asText("");
            System.out.printf("%-26s %-18s %s%n", name, type, desc);
        }
        System.out.println();
        System.out.println("Run one with: ./onecnn run NAME [--set field=value ...]; see its config with: "
                + "./onecnn show NAME");
        return 0;
    }
}
