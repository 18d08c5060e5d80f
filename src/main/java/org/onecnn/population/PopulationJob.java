package org.onecnn.population;

import java.util.List;

import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.OutcomeClassifier;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;

/**
 * A batch of runs of one algorithm on the population loss of one teacher.
 *
 * @param teacher    the teacher
 * @param inits      the initial points, all of the teacher's shape
 * @param eta        step size, > 0
 * @param stop       when runs stop
 * @param classifier outcome thresholds
 * @param record     which trajectories to record
 * @param architecture the shape; overlapping patches use the loss of docs/model.md §4
 */
public record PopulationJob(Teacher teacher, List<InitialPoint> inits, double eta, StopSpec stop,
        OutcomeClassifier classifier, RecordPlan record, Architecture architecture) {

    /** A job on non-overlapping patches ({@code d = k p}, {@code s = p}). */
    public PopulationJob(Teacher teacher, List<InitialPoint> inits, double eta, StopSpec stop,
            OutcomeClassifier classifier, RecordPlan record) {
        this(teacher, inits, eta, stop, classifier, record, null);
    }

    public PopulationJob {
        architecture = architecture == null ? Architecture.nonOverlapping(teacher.k(), teacher.r()) : architecture;
        if (architecture.r() != teacher.r() || architecture.k() != teacher.k()) {
            throw new InvalidInputException("model", "the architecture " + architecture + " does not match the teacher "
                    + "(r = " + teacher.r() + ", k = " + teacher.k() + ")");
        }
        InvalidInputException.requirePositive("eta", eta);
        inits = List.copyOf(inits);
        for (InitialPoint p : inits) {
            if (p.v().length != teacher.r() || p.a().length != teacher.k()) {
                throw new InvalidInputException("init", "initial point has shape (" + p.v().length + ", "
                        + p.a().length + ") but the teacher has r=" + teacher.r() + ", k=" + teacher.k());
            }
        }
    }
}
