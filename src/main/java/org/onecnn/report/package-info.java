/**
 * Result output: tables (CSV, Markdown, JSON), Wilson intervals, figures (PNG, SVG with text kept as text, PDF) and a
 * Markdown report builder.
 *
 * <h2>Text conventions, shared by every writer in this package</h2>
 *
 * <p>Text output is deterministic: the same inputs give byte-identical CSV, JSON and Markdown on
 * every machine, whatever the JVM's default locale, time zone or line separator. To that end:
 *
 * <ul>
 *   <li>Text is UTF-8, lines end with {@code '\n'} (never {@code "\r\n"}), and a file ends with a
 *       single {@code '\n'}.</li>
 *   <li>Integral cells ({@link java.lang.Integer}, {@link java.lang.Long}, {@link java.lang.Short},
 *       {@link java.lang.Byte}) are written as plain decimal integers without a decimal point or
 *       grouping: {@code 42}, {@code -7}.</li>
 *   <li>{@link java.lang.Double} cells are written with {@link java.lang.Double#toString(double)},
 *       the shortest decimal string that parses back to the same double. It is locale-independent
 *       and round-trips exactly, at the cost of an exponent outside [10<sup>-3</sup>,
 *       10<sup>7</sup>): {@code 0.25}, {@code 1.0}, {@code 1.0E-5}, {@code 1.5E7}, {@code -0.0}.
 *       {@link java.lang.Float} cells use {@link java.lang.Float#toString(float)} for the same
 *       reason.</li>
 *   <li>Non-finite doubles ({@code NaN}, {@code ±Infinity}) mean "undefined" (the median of an
 *       empty set, a slope fitted through fewer than two points, the angle of a diverged run): they
 *       are written as an empty field in CSV (read back as {@code NaN} by
 *       {@link org.onecnn.report.Table#getDouble}), as {@code –} in Markdown and as {@code null} in
 *       JSON, which has no literal for them. No output file ever contains the tokens {@code NaN} or
 *       {@code Infinity}.</li>
 *   <li>Booleans are {@code true}/{@code false}; enum constants are written by
 *       {@link java.lang.Enum#name()}; a {@code null} cell is an empty field (CSV, Markdown) or
 *       {@code null} (JSON).</li>
 *   <li>Optional Markdown formats are {@link java.lang.String#format} patterns applied with
 *       {@link java.util.Locale#ROOT}, so {@code "%.3f"} always uses a dot.</li>
 * </ul>
 *
 * <p>Files are written atomically where the file system allows it (to a temporary sibling, then
 * renamed), so that a run killed mid-write never leaves a truncated CSV for a resumed run to read.
 *
 * <p>Figures are drawn with XChart; their pixels are not promised to be identical across machines
 * (fonts and anti-aliasing differ), only their size and their content.
 */
package org.onecnn.report;
