package org.onecnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecnn.model.Outcome;
import org.onecnn.util.InvalidInputException;

class TableTest {
    @TempDir
    Path tmp;

    private static final String[] NASTY = {
        "plain", "", "a,b", "say \"hi\"", "\"", "\"\"", "line1\nline2", "crlf\r\nend", "lone\rcr", " padded ",
        ",", "\n", "φ ≈ π", "trailing,", "x|y",
    };

    @Test
    void csvRoundTripKeepsEveryString() throws IOException {
        Table.Builder b = Table.builder("text", "with,comma", "with \"quote\"", "multi\nline");
        for (String s : NASTY) {
            b.row(s, s + s, "<" + s + ">", s.isEmpty() ? null : s);
        }
        Table t = b.build();
        Path file = tmp.resolve("sub/dir/t.csv");
        t.writeCsv(file);
        Table back = Table.readCsv(file);
        assertEquals(t.columns(), back.columns());
        assertEquals(t.size(), back.size());
        for (int r = 0; r < t.size(); r++) {
            for (String c : t.columns()) {
                assertEquals(t.getString(r, c), back.get(r, c), "row " + r + " column " + c);
                assertEquals(String.class, back.get(r, c).getClass());
            }
        }
        // And writing the read-back table gives the same bytes.
        assertEquals(t.toCsv(), back.toCsv());
        assertEquals(t.toCsv(), Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void csvQuotesOnlyWhereNeeded() {
        Table t = Table.builder("a", "b").row("x,y", "say \"hi\"").row("plain", "two\nlines").build();
        assertEquals("a,b\n\"x,y\",\"say \"\"hi\"\"\"\nplain,\"two\nlines\"\n", t.toCsv());
    }

    @Test
    void singleColumnWithEmptyCellsRoundTrips() {
        Table t = Table.builder("only").row("").row((Object) null).row("x").row("").build();
        assertEquals("only\n\n\nx\n\n", t.toCsv());
        Table back = Table.parseCsv(t.toCsv());
        assertEquals(4, back.size());
        assertEquals(Arrays.asList("", "", "x", ""), back.column("only"));
    }

    @Test
    void numbersRoundTripExactly() {
        double[] ds = {0.1, 1.0 / 3, -0.0, 1e-5, 1.5e7, Double.MIN_VALUE, Double.MAX_VALUE, Math.PI};
        Table.Builder b = Table.builder("i", "d", "l");
        for (int i = 0; i < ds.length; i++) {
            b.row(i, ds[i], Long.MIN_VALUE + i);
        }
        Table t = b.build();
        Table back = Table.parseCsv(t.toCsv());
        for (int i = 0; i < ds.length; i++) {
            assertEquals(Double.doubleToRawLongBits(ds[i]), Double.doubleToRawLongBits(back.getDouble(i, "d")),
                    "value " + ds[i]);
            assertEquals(i, back.getLong(i, "i"));
            assertEquals(Long.MIN_VALUE + i, back.getLong(i, "l"));
            assertEquals(t.getString(i, "d"), back.getString(i, "d"));
        }
        assertEquals("1.0E-5", t.getString(3, "d"));
    }

    /** Undefined values are an empty CSV field (read back as NaN), never a NaN or Infinity token. */
    @Test
    void nonFiniteNumbersAreEmptyFields() {
        Table t = Table.builder("d", "f").row(Double.NaN, Float.NaN).row(Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)
                .row(Double.NEGATIVE_INFINITY, 1.5f).build();
        assertEquals("d,f\n,\n,\n,1.5\n", t.toCsv());
        Table back = Table.parseCsv(t.toCsv());
        for (int r = 0; r < 3; r++) {
            assertTrue(Double.isNaN(back.getDouble(r, "d")));
            assertEquals("", t.getString(r, "d"));
        }
        String md = t.toMarkdown(Map.of("d", "%.3f"));
        assertFalse(md.contains("NaN") || md.contains("Infinity"), md);
        assertTrue(md.contains("  " + Table.UNDEFINED + " |"), md);
    }

    @Test
    void textDoesNotDependOnDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Table t = Table.builder("x").row(1234567.5).row(0.125).build();
            Locale.setDefault(Locale.ROOT);
            String csv = t.toCsv();
            String md = t.toMarkdown(Map.of("x", "%.2f"));
            Locale.setDefault(Locale.GERMANY);
            assertEquals(csv, t.toCsv());
            assertEquals(md, t.toMarkdown(Map.of("x", "%.2f")));
            assertTrue(md.contains("1234567.50"));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void typedAccessors() {
        Table t = Table.builder("s", "i", "d", "f", "b", "e", "n")
                .row("2.5", 7, 3.0, 0.1f, true, Outcome.SPURIOUS, null)
                .build();
        assertEquals(2.5, t.getDouble(0, "s"));
        assertEquals(7.0, t.getDouble(0, "i"));
        assertEquals(7L, t.getLong(0, "i"));
        assertEquals(3L, t.getLong(0, "d"));
        assertEquals("0.1", t.getString(0, "f"));
        assertEquals("true", t.getString(0, "b"));
        assertEquals("SPURIOUS", t.getString(0, "e"));
        assertEquals("", t.getString(0, "n"));
        assertTrue(Double.isNaN(t.getDouble(0, "n")));
        assertNull(t.get(0, "n"));
        assertThrows(IllegalArgumentException.class, () -> t.getLong(0, "s"));
        assertThrows(IllegalArgumentException.class, () -> t.getLong(0, "n"));
        assertThrows(IllegalArgumentException.class, () -> t.getDouble(0, "b"));
        assertThrows(IllegalArgumentException.class, () -> t.getDouble(0, "e"));
        assertThrows(IllegalArgumentException.class, () -> t.getDouble(0, "nope"));
        assertThrows(IndexOutOfBoundsException.class, () -> t.getDouble(1, "d"));
        Table frac = Table.builder("d").row(2.5).row(1e300).build();
        assertThrows(IllegalArgumentException.class, () -> frac.getLong(0, "d"));
        assertThrows(IllegalArgumentException.class, () -> frac.getLong(1, "d"));
        Table strings = Table.parseCsv("a\nabc\n\n");
        assertThrows(IllegalArgumentException.class, () -> strings.getDouble(0, "a"));
        assertTrue(Double.isNaN(strings.getDouble(1, "a")));
    }

    @Test
    void builderValidates() {
        assertThrows(IllegalArgumentException.class, () -> Table.builder());
        assertThrows(IllegalArgumentException.class, () -> Table.builder("a", "a"));
        assertThrows(IllegalArgumentException.class, () -> Table.builder("a", ""));
        assertThrows(IllegalArgumentException.class, () -> Table.builder("a", null));
        Table.Builder b = Table.builder("a", "b");
        assertThrows(IllegalArgumentException.class, () -> b.row(1));
        assertThrows(IllegalArgumentException.class, () -> b.row(1, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> b.row(1, new Object()));
        assertThrows(IllegalArgumentException.class, () -> b.row(1, new double[] {1}));
        assertEquals(0, b.size());
        b.row(List.of(1, 2));
        assertEquals(1, b.build().size());
    }

    @Test
    void isImmutable() {
        Object[] cells = {"x", 1};
        Table.Builder b = Table.builder("a", "b").row(cells);
        Table t = b.build();
        cells[0] = "changed";
        b.row("later", 2);
        assertEquals("x", t.get(0, "a"));
        assertEquals(1, t.size());
        assertThrows(UnsupportedOperationException.class, () -> t.rows().get(0).set(0, "y"));
        assertThrows(UnsupportedOperationException.class, () -> t.columns().set(0, "y"));
        assertThrows(UnsupportedOperationException.class, () -> t.rows().add(List.of()));
        assertEquals(List.of("x"), t.column("a"));
        assertThrows(IllegalArgumentException.class, () -> t.column("c"));
        assertTrue(t.hasColumn("b"));
        assertFalse(t.hasColumn("c"));
        assertEquals(1, t.indexOf("b"));
    }

    @Test
    void equalityIsByContent() {
        Table a = Table.builder("x").row(1).build();
        assertEquals(a, Table.builder("x").row(1).build());
        assertEquals(a.hashCode(), Table.builder("x").row(1).build().hashCode());
        assertFalse(a.equals(Table.builder("x").row("1").build()));
        assertEquals("Table[1 columns [x], 1 rows]", a.toString());
    }

    @Test
    void parserAcceptsCrlfMissingFinalNewlineAndBom() {
        Table t = Table.parseCsv("\uFEFFa,b\r\n1,\"x\r\ny\"\r\n2,z");
        assertEquals(List.of("a", "b"), t.columns());
        assertEquals(2, t.size());
        assertEquals("x\r\ny", t.get(0, "b"));
        assertEquals("z", t.get(1, "b"));
        assertEquals(0, Table.parseCsv("a,b\n").size());
    }

    @Test
    void parserRejectsMalformedInput() throws IOException {
        assertThrows(InvalidInputException.class, () -> Table.parseCsv(""));
        assertThrows(InvalidInputException.class, () -> Table.parseCsv("a,b\n1\n"));
        assertThrows(InvalidInputException.class, () -> Table.parseCsv("a,b\n1,2,3\n"));
        assertThrows(InvalidInputException.class, () -> Table.parseCsv("a,b\n\"1,2\n"));
        assertThrows(InvalidInputException.class, () -> Table.parseCsv("a,b\n\"1\"x,2\n"));
        assertThrows(InvalidInputException.class, () -> Table.parseCsv("a,b\n1\"x,2\n"));
        assertThrows(InvalidInputException.class, () -> Table.parseCsv("a,a\n1,2\n"));
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "a,b\n1,2\n3\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Table.readCsv(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("record 3"), e.getMessage());
    }

    @Test
    void markdownFormatsAndEscapes() {
        Table t = Table.builder("name", "p", "n", "mixed")
                .row("a|b", 0.123456, 10, 1)
                .row("two\nlines", Double.NaN, 2000, "x")
                .row(null, null, null, null)
                .build();
        String md = t.toMarkdown(Map.of("p", "%.3f", "n", "%,d"));
        List<String> lines = new ArrayList<>(List.of(md.split("\n")));
        assertEquals(5, lines.size());
        assertEquals("| name         |     p |     n | mixed |", lines.get(0));
        assertEquals("| ------------ | ----: | ----: | ----- |", lines.get(1));
        assertEquals("| a\\|b         | 0.123 |    10 | 1     |", lines.get(2));
        assertEquals("| two<br>lines |     – | 2,000 | x     |", lines.get(3));
        assertEquals("|              |       |       |       |", lines.get(4));
        assertThrows(IllegalArgumentException.class, () -> t.toMarkdown(Map.of("nope", "%.3f")));
        assertThrows(IllegalArgumentException.class, () -> t.toMarkdown(Map.of("n", "%.3f")));
    }

    @Test
    void markdownOfReadBackTableLeavesStringsAlone() {
        Table t = Table.parseCsv("p\n0.123456\n");
        assertTrue(t.toMarkdown(Map.of("p", "%.2f")).contains("0.123456"));
    }
}
