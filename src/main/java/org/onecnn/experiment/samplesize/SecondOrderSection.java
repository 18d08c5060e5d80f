package org.onecnn.experiment.samplesize;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.onecnn.experiment.setup.PopulationSetup;
import org.onecnn.model.Architecture;
import org.onecnn.model.SecondOrderKind;
import org.onecnn.model.SecondOrderResult;
import org.onecnn.population.PopulationOracle;
import org.onecnn.report.MarkdownReport;
import org.onecnn.report.Table;

/**
 * The second-order part of the sample-size report (docs/outcomes.md, "Second-order classification"): how many of
 * the empirical stationary non-global points are strict minima, degenerate minima, saddles … per sample size and
 * outcome ({@code second_order.csv}), and the certificate of the population spurious point of the run's teacher
 * (docs/model.md §3; computed once from the teacher: about 140 closed-form evaluations, milliseconds). Kept apart from
 * {@link SampleSizeReport}, which calls {@link #write}, {@link #json} and {@link #markdown}.
 */
final class SecondOrderSection {
    static final String FILE = "second_order.csv";

    private final Table counts;
    /** Per n, the runs stopped at a far-side (φ > π/2) stationary point the test could not certify (degenerate-flat). */
    private final Map<Long, Integer> uncertifiedFarSide;
    /** Null where no certificate applies (overlapping patches or non-Gaussian input: no closed form). */
    private final SecondOrderResult certificate;

    private SecondOrderSection(Table counts, Map<Long, Integer> uncertifiedFarSide, SecondOrderResult certificate) {
        this.counts = counts;
        this.uncertifiedFarSide = uncertifiedFarSide;
        this.certificate = certificate;
    }

    /**
     * From the cells' rows ({@code outcome}, {@code stop_reason}, {@code second_order}): the rows that were
     * examined (a non-blank {@code second_order}), counted by n, kind and outcome.
     */
    static SecondOrderSection of(SampleSizeSpec cfg, List<Table> cells) {
        Map<Long, Map<String, Integer>> byN = new TreeMap<>();
        Map<Long, Integer> flatFar = new TreeMap<>();
        List<Long> sizes = cfg.empirical().n();
        int perN = cfg.empirical().datasets();
        for (int c = 0; c < cells.size(); c++) {
            long n = sizes.get(c / perN);
            Table t = cells.get(c);
            Map<String, Integer> m = byN.computeIfAbsent(n, x -> new LinkedHashMap<>());
            if (!t.hasColumn("second_order")) {
                continue;
            }
            for (int r = 0; r < t.size(); r++) {
                String kind = t.getString(r, "second_order");
                if (kind != null && !kind.isBlank()) {
                    m.merge(kind + "\t" + t.getString(r, "outcome"), 1, Integer::sum);
                    if (kind.equals(SecondOrderKind.DEGENERATE_FLAT.label()) && t.getDouble(r, "phi") > Math.PI / 2) {
                        flatFar.merge(n, 1, Integer::sum);
                    }
                }
            }
        }
        Table.Builder b = Table.builder("n", "second_order", "outcome", "count");
        byN.forEach((n, m) -> new TreeMap<>(m).forEach((key, count) -> {
            String[] ko = key.split("\t");
            b.row(n, ko[0], ko[1], count);
        }));
        Architecture arch = cfg.model().architecture();
        boolean closedForm = !arch.overlapping() && cfg.empirical().inputDistribution().populationClosedForm();
        return new SecondOrderSection(b.build(), flatFar,
                closedForm ? PopulationOracle.spuriousCertificate(PopulationSetup.teacher(cfg)) : null);
    }

    /** The runs at {@code n} stopped at a far-side stationary point that could not be certified (degenerate-flat). */
    int uncertifiedFarSide(long n) {
        return uncertifiedFarSide.getOrDefault(n, 0);
    }

    void write(java.nio.file.Path dir) throws IOException {
        counts.writeCsv(dir.resolve(FILE));
    }

    /** {@code summary.json}'s {@code second_order}: the certificate's figures (null where none applies). */
    Map<String, Object> json() {
        Map<String, Object> js = new LinkedHashMap<>();
        if (certificate == null) {
            js.put("population_spurious_point", null);
        } else {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("kind", certificate.kind().label());
            c.put("a_block_min_eigenvalue", certificate.aBlockMin());
            c.put("v_block_max_abs_eigenvalue", certificate.vBlockMaxAbs());
            c.put("tolerance", certificate.tol());
            c.put("probe_exponent", certificate.probeExponent());
            js.put("population_spurious_point", c);
        }
        js.put("counts_file", FILE);
        return js;
    }

    /** The report's section. */
    void markdown(MarkdownReport md) {
        md.heading(2, "Second-order classification");
        if (certificate != null) {
            md.paragraph(String.format("Population spurious point (φ = π, a = a_sp; exact Gaussian loss): **%s**. "
                    + "a-block smallest eigenvalue %.4g, v-block largest |eigenvalue| %.3g (tolerance %.3g), "
                    + "the loss rises like t^%.3f along the filter directions.", certificate.kind().label(),
                    certificate.aBlockMin(), certificate.vBlockMaxAbs(), certificate.tol(),
                    certificate.probeExponent()));
        } else {
            md.paragraph("No population certificate: the exact population loss has no closed form here "
                    + "(overlapping patches or non-Gaussian input).");
        }
        if (counts.size() > 0) {
            md.paragraph("Kinds at the stationary non-global empirical points (a SPURIOUS outcome needs a minimum: "
                    + "strict-min, degenerate-min, or rough-min, where nothing descends at the test's resolution but "
                    + "the probes' signs change with the distance, as on the kinks of L_n; a saddle or a flat point on "
                    + "the far side is OTHER; docs/outcomes.md; `" + FILE + "`, and per run the `second_order` and "
                    + "`min_eigenvalue` columns of `results.csv`):");
            md.table(counts, Map.of());
        } else {
            md.paragraph("No stationary non-global empirical point was examined.");
        }
    }
}
