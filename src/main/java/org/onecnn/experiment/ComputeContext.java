package org.onecnn.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.onecnn.empirical.EmpiricalSpec;

/**
 * The compute side of an empirical run: the profile's data type and chunk sizes, and ND4J's setup.
 * (Profiles and the device check are wired in by the backend package.)
 */
public final class ComputeContext {
    private final ExperimentConfig cfg;
    private final DataType type;

    private ComputeContext(ExperimentConfig cfg, DataType type) {
        this.cfg = cfg;
        this.type = type;
    }

    /** Everything that can be checked before a run folder exists. */
    static void check(ExperimentConfig cfg) {
        EmpiricalSetup.dataType(cfg, "double");
    }

    static ComputeContext open(ExperimentConfig cfg) {
        DataType t = EmpiricalSetup.dataType(cfg, "double");
        Nd4j.setDefaultDataTypes(t, t);
        return new ComputeContext(cfg, t);
    }

    /** Benchmarks: ND4J's default type only. */
    public static void forBench(String dataType) {
        DataType t = dataType.equals("float") ? DataType.FLOAT : DataType.DOUBLE;
        Nd4j.setDefaultDataTypes(t, t);
    }

    DataType dataType() {
        return type;
    }

    EmpiricalSpec spec(int students) {
        return EmpiricalSetup.spec(cfg, type, Math.min(students, 512), 8192, 2048);
    }

    static String dataTypeName(ExperimentConfig cfg) {
        return cfg.empirical().dataType() != null ? cfg.empirical().dataType() : "double";
    }

    static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", "DL4J/ND4J ensemble layers (empirical) and exact population dynamics (reference)");
        return m;
    }
}
