package org.onecnn.empirical.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.nd4j.linalg.api.buffer.DataType;
import org.onecnn.model.Architecture;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;

/**
 * What a data set is and where it came from, written beside it as {@code manifest.json} (keys in snake case,
 * in the order of the components). Immutable: the arrays and the map are copied in and out.
 *
 * <p>Given {@code seed} and the other generation fields, {@link DatasetGenerator#generate} reproduces the data
 * bitwise on the same backend (label noise and inputs are ND4J draws; another backend may draw other bits).
 *
 * @param format      {@link #FORMAT}, the layout version of a stored data set
 * @param seed        the data set's seed (inputs from {@code DatasetGenerator.INPUTS.derive(seed)}, noise
 *                    from {@code DatasetGenerator.NOISE.derive(seed)})
 * @param n           number of samples, >= 1
 * @param d           input dimension
 * @param r           filter size
 * @param s           stride
 * @param k           number of patches, {@code (d − r)/s + 1}
 * @param distribution name of the input distribution ({@link InputDistribution#named(String)})
 * @param noiseSigma  σ of the Gaussian label noise, >= 0
 * @param leakySlope  slope α of the teacher's activation {@code max(z, αz)} (0: ReLU)
 * @param dataType    {@code FLOAT} or {@code DOUBLE}, the type of {@code X} and {@code y}
 * @param teacher     how the teacher was made ({@link Teacher#description()})
 * @param wStar       the teacher filter {@code w*} (length r)
 * @param aStar       the teacher output weights {@code a*} (length k)
 * @param backend     the ND4J backend that drew the data (e.g. {@code CpuBackend})
 * @param versions    {@link org.onecnn.util.Installation#versions()} at creation
 * @param created     creation time, ISO-8601 UTC
 */
public record DatasetManifest(
        @JsonProperty("format") String format,
        @JsonProperty("seed") long seed,
        @JsonProperty("n") long n,
        @JsonProperty("d") int d,
        @JsonProperty("r") int r,
        @JsonProperty("s") int s,
        @JsonProperty("k") int k,
        @JsonProperty("distribution") String distribution,
        @JsonProperty("noise_sigma") double noiseSigma,
        @JsonProperty("leaky_slope") double leakySlope,
        @JsonProperty("data_type") String dataType,
        @JsonProperty("teacher") String teacher,
        @JsonProperty("w_star") double[] wStar,
        @JsonProperty("a_star") double[] aStar,
        @JsonProperty("backend") String backend,
        @JsonProperty("versions") Map<String, Object> versions,
        @JsonProperty("created") String created) {

    /** The current layout of a stored data set. */
    public static final String FORMAT = "onecnn-dataset-1";

    /** Validates every field (errors name it) and copies the arrays and the map. */
    public DatasetManifest {
        if (!FORMAT.equals(format)) {
            throw new InvalidInputException("format", "expected '" + FORMAT + "', got '" + format + "'");
        }
        Checks.samples("n", n);
        Architecture arch = Architecture.of(d, r, s);
        if (arch.k() != k) {
            throw new InvalidInputException("k", "must be (d − r)/s + 1 = " + arch.k() + ", got " + k);
        }
        requireText("distribution", distribution);
        Checks.noise("noise_sigma", noiseSigma);
        Checks.leakySlope("leaky_slope", leakySlope);
        requireText("data_type", dataType);
        try {
            Checks.floating("data_type", DataType.valueOf(dataType));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("data_type", "must be FLOAT or DOUBLE, got '" + dataType + "'");
        }
        requireText("teacher", teacher);
        Checks.notNull("w_star", wStar);
        Checks.notNull("a_star", aStar);
        if (wStar.length != r) {
            throw new InvalidInputException("w_star", "must have length r = " + r + ", got " + wStar.length);
        }
        if (aStar.length != k) {
            throw new InvalidInputException("a_star", "must have length k = " + k + ", got " + aStar.length);
        }
        InvalidInputException.requireFinite("w_star", wStar);
        InvalidInputException.requireFinite("a_star", aStar);
        requireText("backend", backend);
        requireText("created", created);
        wStar = wStar.clone();
        aStar = aStar.clone();
        versions = versions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(field, "must be a non-empty string");
        }
    }

    /** {@code w*} (a copy). */
    @Override
    public double[] wStar() {
        return wStar.clone();
    }

    /** {@code a*} (a copy). */
    @Override
    public double[] aStar() {
        return aStar.clone();
    }

    /** The architecture {@code (d, r, s)}. */
    public Architecture architecture() {
        return Architecture.of(d, r, s);
    }

    /** The teacher {@code (w*, a*)} (its description is {@link #teacher()}). */
    public Teacher toTeacher() {
        return Teacher.of(wStar, aStar);
    }

    /** {@link #dataType()} as an ND4J type. */
    public DataType nd4jType() {
        return DataType.valueOf(dataType);
    }

    /** The input distribution. */
    public InputDistribution inputDistribution() {
        return InputDistribution.named(distribution);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatasetManifest m && format.equals(m.format) && seed == m.seed && n == m.n && d == m.d
                && r == m.r && s == m.s && k == m.k && distribution.equals(m.distribution)
                && Double.compare(noiseSigma, m.noiseSigma) == 0 && Double.compare(leakySlope, m.leakySlope) == 0
                && dataType.equals(m.dataType) && teacher.equals(m.teacher) && Arrays.equals(wStar, m.wStar)
                && Arrays.equals(aStar, m.aStar) && backend.equals(m.backend) && versions.equals(m.versions)
                && created.equals(m.created);
    }

    @Override
    public int hashCode() {
        return Objects.hash(format, seed, n, d, r, s, k, distribution, noiseSigma, leakySlope, dataType, teacher,
                Arrays.hashCode(wStar), Arrays.hashCode(aStar), backend, versions, created);
    }

    @Override
    public String toString() {
        return "DatasetManifest[n=" + n + ", d=" + d + ", r=" + r + ", s=" + s + ", k=" + k + ", distribution="
                + distribution + ", noise_sigma=" + noiseSigma + ", leaky_slope=" + leakySlope + ", data_type="
                + dataType + ", seed=" + seed + ", teacher=" + teacher + ", w*=" + Arrays.toString(wStar) + ", a*="
                + Arrays.toString(aStar) + ", backend=" + backend + ", created=" + created + "]";
    }
}
