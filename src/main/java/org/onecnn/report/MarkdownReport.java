package org.onecnn.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.onecnn.util.AtomicFiles;

/**
 * A small builder for a Markdown report ({@code report.md}): a title and a sequence of blocks
 * (headings, paragraphs, tables, figures, code, bullet lists).
 *
 * <pre>{@code
 * MarkdownReport.titled("Sweep over k")
 *         .paragraph("Fraction of runs reaching the global minimum.")
 *         .table(summary, Map.of("fraction", "%.3f"))
 *         .image("Global fraction vs k", "fig/global.png")
 *         .write(dir.resolve("report.md"));
 * }</pre>
 *
 * <p>{@link #render()} puts the title as a level-1 heading, separates blocks with one blank line
 * and ends with a single {@code '\n'}; the output depends only on the calls made, so it is
 * byte-identical from run to run. Text is inserted as given (it is Markdown), except where noted.
 *
 * <p>Unlike most classes of this package the builder is mutable (each method appends and returns
 * {@code this}), so that a report can be assembled in a loop without reassigning it. Not
 * thread-safe.
 */
public final class MarkdownReport {
    private final String title;
    private final List<String> blocks = new ArrayList<>();

    private MarkdownReport(String title) {
        this.title = title;
    }

    /**
     * Starts a report with a level-1 title.
     *
     * @throws IllegalArgumentException if the title is empty or spans several lines
     */
    public static MarkdownReport titled(String title) {
        return new MarkdownReport(singleLine("title", title));
    }

    /** A paragraph of Markdown text; trailing line breaks are dropped, empty text is ignored. */
    public MarkdownReport paragraph(String text) {
        Objects.requireNonNull(text, "text");
        String t = stripTrailingNewlines(text);
        if (!t.isBlank()) {
            blocks.add(t);
        }
        return this;
    }

    /**
     * A heading, {@code "#".repeat(level) + " " + text}.
     *
     * @param level 1 to 6 (the title is level 1, so sections usually start at 2)
     * @throws IllegalArgumentException if the level is out of range or the text is empty or
     *                                  spans several lines
     */
    public MarkdownReport heading(int level, String text) {
        if (level < 1 || level > 6) {
            throw new IllegalArgumentException("heading level must be in 1..6, got " + level);
        }
        blocks.add("#".repeat(level) + " " + singleLine("heading", text));
        return this;
    }

    /** A table as {@link Table#toMarkdown(Map)} writes it. */
    public MarkdownReport table(Table table, Map<String, String> formats) {
        Objects.requireNonNull(table, "table");
        blocks.add(stripTrailingNewlines(table.toMarkdown(formats)));
        return this;
    }

    /** A table without number formats. */
    public MarkdownReport table(Table table) {
        return table(table, Map.of());
    }

    /**
     * A figure saved by {@link Plots#save}: the PNG inline and links to its SVG and PDF twins beside it,
     *
     * <pre>
     * ![alt](fig/global.png)
     * *(vector versions: [global.svg](fig/global.svg), [global.pdf](fig/global.pdf))*
     * </pre>
     *
     * Spaces and parentheses in the path are percent-encoded so the link survives them, and
     * {@code '['} / {@code ']'} in the alt text are escaped.
     *
     * @param alt          the image's alternative text (one line)
     * @param relativePath path of the PNG relative to the report, with {@code '/'} separators,
     *                     ending in {@code ".png"}
     * @throws IllegalArgumentException if the path is empty, absolute, uses {@code '\'} or does not
     *                                  end in {@code ".png"}
     */
    public MarkdownReport image(String alt, String relativePath) {
        Objects.requireNonNull(alt, "alt");
        Objects.requireNonNull(relativePath, "relativePath");
        if (!relativePath.endsWith(".png") || relativePath.length() == 4 || relativePath.startsWith("/")
                || relativePath.indexOf('\\') >= 0 || relativePath.matches("^[A-Za-z]:.*")) {
            throw new IllegalArgumentException("image path must be relative, use '/', and end in .png, got '"
                    + relativePath + "'");
        }
        if (alt.indexOf('\n') >= 0 || alt.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("alt text must be one line");
        }
        String svg = relativePath.substring(0, relativePath.length() - 4) + ".svg";
        String svgName = svg.substring(svg.lastIndexOf('/') + 1);
        String pdf = relativePath.substring(0, relativePath.length() - 4) + ".pdf";
        String pdfName = pdf.substring(pdf.lastIndexOf('/') + 1);
        String escapedAlt = alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]");
        blocks.add("![" + escapedAlt + "](" + encodePath(relativePath) + ")\n*(vector versions: ["
                + svgName.replace("[", "\\[").replace("]", "\\]") + "](" + encodePath(svg) + "), ["
                + pdfName.replace("[", "\\[").replace("]", "\\]") + "](" + encodePath(pdf) + "))*");
        return this;
    }

    /**
     * A link to a file of the run folder, its name in code type: {@code [`summary.csv`](summary.csv)}, the path
     * percent-encoded as {@link #image} does, so a report's file list opens each file.
     *
     * @param relativePath the file's path relative to the report, with {@code '/'} separators
     */
    public static String link(String relativePath) {
        Objects.requireNonNull(relativePath, "relativePath");
        return "[`" + relativePath + "`](" + encodePath(relativePath) + ")";
    }

    /**
     * A report's file list: the bullets with every file named in code type ({@code `summary.csv`}) turned into a
     * {@linkplain #link link} to it, so each file of the run folder opens from the report.
     */
    public MarkdownReport fileBullets(List<String> items) {
        List<String> linked = new java.util.ArrayList<>();
        for (String item : items) {
            linked.add(FILE_NAME.matcher(item).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                    m.group(1) + link(m.group(2)))));
        }
        return bullets(linked);
    }

    /** A file name in code type not already the text of a link: `name.ext` with a run folder's extensions. */
    private static final java.util.regex.Pattern FILE_NAME = java.util.regex.Pattern.compile(
            "(^|[^\\[])`([A-Za-z0-9_.\\-]+\\.(?:csv|json|yaml|md|png|svg|pdf|npy))`");

    /** The links to the three files {@link Plots#save} writes for figure {@code baseName}, PNG, SVG and PDF. */
    public static String figureLinks(String baseName) {
        return link(baseName + ".png") + ", " + link(baseName + ".svg") + ", " + link(baseName + ".pdf");
    }

    /**
     * A fenced code block. The fence is three backticks, or one more than the longest run of
     * backticks in the text, so any text can be quoted.
     *
     * @param lang the info string ({@code "yaml"}, {@code "text"}, ...), or empty
     */
    public MarkdownReport code(String lang, String text) {
        Objects.requireNonNull(text, "text");
        String info = lang == null ? "" : singleLineOrEmpty("lang", lang);
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        String body = stripTrailingNewlines(text.replace("\r\n", "\n"));
        blocks.add(fence + info + "\n" + (body.isEmpty() ? "" : body + "\n") + fence);
        return this;
    }

    /**
     * A bullet list, one {@code "- "} item per entry; a multi-line item has its continuation lines
     * indented by two spaces so they stay in the item. An empty list adds nothing.
     */
    public MarkdownReport bullets(List<String> items) {
        Objects.requireNonNull(items, "items");
        if (items.isEmpty()) {
            return this;
        }
        StringBuilder sb = new StringBuilder();
        for (String item : items) {
            Objects.requireNonNull(item, "item");
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append("- ").append(stripTrailingNewlines(item.replace("\r\n", "\n")).replace("\n", "\n  "));
        }
        blocks.add(sb.toString());
        return this;
    }

    /** The Markdown text of the report. */
    public String render() {
        StringBuilder sb = new StringBuilder("# ").append(title).append('\n');
        for (String b : blocks) {
            sb.append('\n').append(b).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@link #render()} to {@code file} in UTF-8, atomically (see the package documentation). */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, render());
    }

    // ------------------------------------------------------------------------------------------

    private static String singleLine(String what, String s) {
        Objects.requireNonNull(s, what);
        if (s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return singleLineOrEmpty(what, s);
    }

    private static String singleLineOrEmpty(String what, String s) {
        if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(what + " must be one line, got '" + s + "'");
        }
        return s.strip();
    }

    private static String stripTrailingNewlines(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }

    /** Percent-encodes the characters that would end or break a Markdown link destination. */
    private static String encodePath(String path) {
        return path.replace("%", "%25").replace(" ", "%20").replace("(", "%28").replace(")", "%29")
                .replace("<", "%3C").replace(">", "%3E");
    }
}
