package org.onecnn.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entry point for {@code spark-submit} (docs/cluster.md): its arguments are those of {@code onecnn run}, and
 * the cells are computed on the master {@code spark-submit} was given ({@code spark.master}), as by {@code onecnn
 * run ... --spark MASTER}:
 * <pre>
 * spark-submit --class org.onecnn.spark.SparkMain --master spark://HOST:7077 --jars "$(ls target/lib/*.jar | paste -sd,)" \
 *   --driver-java-options "--add-modules jdk.incubator.vector" target/onecnn.jar du2018-table1 --out /shared/runs/t1
 * </pre>
 */
public final class SparkMain {
    private SparkMain() {
    }

    public static void main(String[] args) {
        List<String> argv = new ArrayList<>(List.of("run"));
        argv.addAll(Arrays.asList(args));
        if (!argv.contains("--spark") && argv.stream().noneMatch(a -> a.startsWith("--spark="))) {
            String master = System.getProperty("spark.master");
            if (master == null) {
                System.err.println("onecnn: error: --spark: no Spark master: start this class with spark-submit "
                        + "--master MASTER, or give --spark MASTER");
                System.exit(2);
            }
            argv.add("--spark");
            argv.add(master);
        }
        org.onecnn.cli.Main.main(argv.toArray(new String[0]));
    }
}
