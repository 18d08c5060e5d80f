package org.onecnn.report;

import java.awt.Font;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.Path2D;
import java.awt.geom.PathIterator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The strings a figure may draw, for {@link TextGraphics}: XChart hands a text to the graphics only as the
 * outline of its glyphs, so the string is recognised by its outline. For every known string, font and font
 * render context the outline {@code new TextLayout(text, font, frc).getOutline(null)} (what XChart fills) is
 * computed once and keyed by its exact path; a filled shape with the same path is that string. A shape that
 * matches nothing (a marker, a line, a string not registered) is drawn as it is, so an unknown string still
 * appears, only as curves.
 *
 * <p>A string may also be hidden: XChart's logarithmic axes label every tick 1…9 × 10^k when asked to label
 * more than the decades, and the labels {@link Plots} does not want (they would overlap) are dropped. A string
 * that is shown anywhere is never hidden.
 */
final class FigureText {
    /**
     * A recognised outline: the string, the font it was drawn in, whether to drop it, and whether it was turned a
     * quarter turn anticlockwise about its origin (XChart's y-axis title).
     */
    record Match(String text, Font font, boolean hidden, boolean rotated) {
    }

    /** The turn of XChart's y-axis title outline. */
    static final java.awt.geom.AffineTransform QUARTER_TURN = java.awt.geom.AffineTransform.getRotateInstance(
            -Math.PI / 2, 0, 0);

    private final List<Font> fonts;
    private final Set<String> shown = new LinkedHashSet<>();
    private final Set<String> hidden = new LinkedHashSet<>();
    private final Map<FontRenderContext, Map<String, Match>> byOutline = new HashMap<>();
    private int built = -1;

    FigureText(List<Font> fonts) {
        this.fonts = List.copyOf(fonts);
    }

    void show(String s) {
        if (s != null && !s.isBlank()) {
            shown.add(s);
        }
    }

    void hide(String s) {
        if (s != null && !s.isBlank()) {
            hidden.add(s);
        }
    }

    /** The strings shown, in the order they were registered (for tests). */
    Set<String> shown() {
        return java.util.Collections.unmodifiableSet(shown);
    }

    /**
     * The string whose outline {@code shape} is, or null. XChart makes its outlines with the graphics' font render
     * context or with {@code new FontRenderContext(null, …)} of its own, so each of those is tried.
     */
    Match match(Shape shape, FontRenderContext frc) {
        if (!(shape instanceof Path2D)) {
            return null; // TextLayout outlines are paths; rectangles, ellipses and lines are not text
        }
        if (built != shown.size() + hidden.size()) {
            byOutline.clear();
            built = shown.size() + hidden.size();
        }
        String key = key(shape);
        List<FontRenderContext> contexts = new ArrayList<>();
        contexts.add(frc);
        for (boolean aa : new boolean[] {true, false}) {
            for (boolean fm : new boolean[] {false, true}) {
                contexts.add(new FontRenderContext(null, aa, fm));
            }
        }
        for (FontRenderContext c : contexts) {
            Match m = outlines(c).get(key);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    private Map<String, Match> outlines(FontRenderContext frc) {
        return byOutline.computeIfAbsent(frc, c -> {
            Map<String, Match> m = new HashMap<>();
            for (Font f : fonts) {
                for (String s : hidden) {
                    if (!shown.contains(s)) {
                        m.putIfAbsent(key(new TextLayout(s, f, c).getOutline(null)), new Match(s, f, true, false));
                    }
                }
                for (String s : shown) {
                    TextLayout layout = new TextLayout(s, f, c);
                    m.put(key(layout.getOutline(null)), new Match(s, f, false, false));
                    m.put(key(layout.getOutline(QUARTER_TURN)), new Match(s, f, false, true));
                }
            }
            return m;
        });
    }

    /** The path of a shape, segment by segment, exactly (outlines of one string in one font are identical). */
    static String key(Shape shape) {
        StringBuilder b = new StringBuilder();
        double[] c = new double[6];
        int[] coords = {2, 2, 4, 6, 0};
        for (PathIterator it = shape.getPathIterator(null); !it.isDone(); it.next()) {
            int type = it.currentSegment(c);
            b.append(type);
            for (int i = 0; i < coords[type]; i++) {
                b.append(',').append((float) c[i]);
            }
            b.append(';');
        }
        return b.toString();
    }
}
