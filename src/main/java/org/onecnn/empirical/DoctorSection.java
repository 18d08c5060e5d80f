package org.onecnn.empirical;

import java.util.List;
import java.util.Map;

/**
 * What an engine says in {@code onecnn doctor} about this machine ({@link EmpiricalEngine#doctor}): a title line
 * and its rows, printed as doctor prints its own ({@code "  %-26s %s"}), then an empty line.
 *
 * @param title the section's first line
 * @param rows  key and value of each row, in order
 */
public record DoctorSection(String title, List<Map.Entry<String, String>> rows) {
    public DoctorSection {
        rows = List.copyOf(rows);
    }
}
