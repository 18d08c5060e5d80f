package org.onecnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownReportTest {
    @TempDir
    Path tmp;

    @Test
    void titleOnly() {
        assertEquals("# T\n", MarkdownReport.titled("T").render());
    }

    @Test
    void blocksAreSeparatedByOneBlankLine() {
        String md = MarkdownReport.titled("T").paragraph("p\n\n").paragraph("   ").heading(2, "H")
                .bullets(List.of()).code("text", "").render();
        assertEquals("# T\n\np\n\n## H\n\n```text\n```\n", md);
    }

    @Test
    void imageLinksPngAndSvg() {
        String md = MarkdownReport.titled("T").image("a (b)", "figs/x(1).png").render();
        assertEquals("# T\n\n![a (b)](figs/x%281%29.png)\n*(vector versions: [x(1).svg](figs/x%281%29.svg), "
                + "[x(1).pdf](figs/x%281%29.pdf))*\n", md);
    }

    @Test
    void validates() {
        MarkdownReport r = MarkdownReport.titled("T");
        assertThrows(IllegalArgumentException.class, () -> MarkdownReport.titled(" "));
        assertThrows(IllegalArgumentException.class, () -> MarkdownReport.titled("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> r.heading(0, "x"));
        assertThrows(IllegalArgumentException.class, () -> r.heading(7, "x"));
        assertThrows(IllegalArgumentException.class, () -> r.image("x", "/abs/x.png"));
        assertThrows(IllegalArgumentException.class, () -> r.image("x", "x.svg"));
        assertThrows(IllegalArgumentException.class, () -> r.image("x", "a\\x.png"));
        assertThrows(IllegalArgumentException.class, () -> r.image("x", "C:/x.png"));
        assertThrows(IllegalArgumentException.class, () -> r.image("x\ny", "x.png"));
        assertThrows(IllegalArgumentException.class, () -> r.code("a\nb", "x"));
    }

    @Test
    void writesUtf8() throws IOException {
        Path f = tmp.resolve("out/report.md");
        MarkdownReport r = MarkdownReport.titled("φ and π").paragraph("ok");
        r.write(f);
        assertEquals(r.render(), Files.readString(f, StandardCharsets.UTF_8));
    }

    /** A file list links each file named in code type, once, and leaves other code and existing links alone. */
    @Test
    void fileBulletsLinkEveryFile() {
        String md = MarkdownReport.titled("T").fileBullets(List.of("`summary.csv`, `summary.json`: the summary",
                "`second_order.csv`: verdicts; `onecnn run` repeats", "[`a.png`](a.png) already")).render();
        assertEquals("# T\n\n- [`summary.csv`](summary.csv), [`summary.json`](summary.json): the summary\n"
                + "- [`second_order.csv`](second_order.csv): verdicts; `onecnn run` repeats\n"
                + "- [`a.png`](a.png) already\n", md);
        assertEquals("[`a b.csv`](a%20b.csv)", MarkdownReport.link("a b.csv"));
    }
}
