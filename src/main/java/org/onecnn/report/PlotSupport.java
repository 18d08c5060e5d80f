package org.onecnn.report;

/**
 * Whether this Java runtime can draw figures ({@link Plots} needs AWT, the module {@code java.desktop}). A runtime
 * made without it (the GPU bundle's {@code jlink}ed one, docs/gpu.md: the module costs 14 MB and X11/freetype
 * libraries a GPU machine may lack) writes every table and report but no figure. This class names no AWT or
 * XChart type, so asking loads nothing of them.
 */
public final class PlotSupport {
    private PlotSupport() {
    }

    /** True when the module {@code java.desktop} is in the boot layer. */
    public static boolean available() {
        return ModuleLayer.boot().findModule("java.desktop").isPresent();
    }

    /** The sentence a report writes in place of its figures where none can be drawn. */
    public static String missingNote() {
        return "No figures: this Java runtime has no java.desktop module (e.g. the GPU bundle's); the tables above "
                + "hold every value, and `onecnn` on a full JDK draws the figures from them.";
    }
}
