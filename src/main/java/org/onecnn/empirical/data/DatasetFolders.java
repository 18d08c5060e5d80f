package org.onecnn.empirical.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.onecnn.util.InvalidInputException;

/**
 * The data sets of a study, one {@link DatasetStore} folder per sample size {@code n} and data set index
 * {@code d}, named {@code n-<n>-d-<d>} inside one root folder: what a run with {@code empirical.save_datasets}
 * writes under {@code datasets/<run folder name>/}, and what {@code empirical.datasets_from} reads.
 *
 * <p>A root holds, for every sample size it has, the same number D of data sets, indexed {@code 0 … D − 1}.
 * Entries whose names start with a dot (temporary folders of an interrupted save) and plain files (a README) are
 * not data sets and are skipped; any other folder must be named {@code n-<n>-d-<d>}.
 *
 * @param root     the folder holding the data set folders (absolute, normalized)
 * @param n        the sample sizes found, ascending
 * @param datasets D, the number of data sets of every sample size
 */
public record DatasetFolders(Path root, List<Long> n, int datasets) {
    private static final Pattern NAME = Pattern.compile("n-([1-9][0-9]{0,18})-d-(0|[1-9][0-9]{0,8})");

    public DatasetFolders {
        n = List.copyOf(n);
    }

    /** The folder name of data set {@code d} of sample size {@code n}: {@code n-<n>-d-<d>}. */
    public static String name(long n, int d) {
        return "n-" + n + "-d-" + d;
    }

    /** The folder of data set {@code d} of sample size {@code n} under {@code root}. */
    public static Path folder(Path root, long n, int d) {
        return root.resolve(name(n, d));
    }

    /** The folder of data set {@code d} of sample size {@code n}. */
    public Path folder(long n, int d) {
        return folder(root, n, d);
    }

    /**
     * Lists the data set folders under {@code root}: the sample sizes and the number of data sets of each. Only
     * names are read here; {@link DatasetStore#inspect} checks each folder's content.
     *
     * @throws InvalidInputException (field {@code datasets_from}) if {@code root} is no folder, holds no data set,
     *                               holds a folder of another name, or lacks a data set index that another sample
     *                               size has (the message names the missing folder)
     */
    public static DatasetFolders scan(Path root) {
        Checks.notNull("root", root);
        Path dir = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException("datasets_from", dir + " is not a folder; give a folder holding data set "
                    + "folders n-<n>-d-<d>/ (docs/datasets.md), e.g. datasets/<run folder name>");
        }
        Map<Long, TreeSet<Integer>> found = new TreeMap<>();
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().toList();
        } catch (IOException e) {
            throw new InvalidInputException("datasets_from", "cannot list " + dir + ": " + e.getMessage());
        }
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (name.startsWith(".") || !Files.isDirectory(p)) {
                continue;
            }
            Matcher m = NAME.matcher(name);
            if (!m.matches()) {
                throw new InvalidInputException("datasets_from", p + " is not named n-<n>-d-<d> (sample size n >= 1, "
                        + "data set index d >= 0, no leading zeros); rename it or move it out of " + dir);
            }
            long n;
            int d;
            try {
                n = Long.parseLong(m.group(1));
                d = Integer.parseInt(m.group(2));
            } catch (NumberFormatException e) {
                throw new InvalidInputException("datasets_from", p + ": n or d out of range");
            }
            found.computeIfAbsent(n, x -> new TreeSet<>()).add(d);
        }
        if (found.isEmpty()) {
            throw new InvalidInputException("datasets_from", dir + " holds no data set folder n-<n>-d-<d>/ "
                    + "(docs/datasets.md)");
        }
        int datasets = found.values().stream().mapToInt(s -> s.last() + 1).max().getAsInt();
        for (Map.Entry<Long, TreeSet<Integer>> e : found.entrySet()) {
            for (int d = 0; d < datasets; d++) {
                if (!e.getValue().contains(d)) {
                    throw new InvalidInputException("datasets_from", folder(dir, e.getKey(), d) + " is missing: "
                            + "every sample size needs the same data set indices 0 … " + (datasets - 1)
                            + " (the largest index found is " + (datasets - 1) + ")");
                }
            }
        }
        return new DatasetFolders(dir, new ArrayList<>(found.keySet()), datasets);
    }
}
