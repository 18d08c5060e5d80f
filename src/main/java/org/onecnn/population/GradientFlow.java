package org.onecnn.population;

import org.apache.commons.math3.exception.DimensionMismatchException;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.FirstOrderIntegrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;
import org.onecnn.util.InvalidInputException;

/**
 * The gradient-flow limit {@code η → 0} of Algorithm 1: the ODE {@code d(v, a)/dt = −∇L(v, a)} on the
 * exact non-overlapping population loss, integrated with Commons Math's adaptive Dormand–Prince 8(5,3)
 * integrator. Gradient descent with step η after {@code m} steps approximates the flow at time
 * {@code t = m η}, with an error of order η.
 */
public final class GradientFlow {
    private final NonOverlappingGaussian loss;
    private final double absTol;
    private final double relTol;

    /**
     * @param teacher the teacher
     * @param absTol  absolute tolerance of the integrator (> 0)
     * @param relTol  relative tolerance of the integrator (> 0)
     */
    public GradientFlow(Teacher teacher, double absTol, double relTol) {
        this.loss = new NonOverlappingGaussian(teacher);
        this.absTol = InvalidInputException.requirePositive("flow.abs_tol", absTol);
        this.relTol = InvalidInputException.requirePositive("flow.rel_tol", relTol);
    }

    /** Default tolerances 1e−12 (absolute and relative). */
    public GradientFlow(Teacher teacher) {
        this(teacher, 1e-12, 1e-12);
    }

    /** The state of a flow: {@code (v, a)} at time {@code t}. */
    public record State(double t, double[] v, double[] a) {
    }

    /**
     * Integrate from {@code start} and return the state at each of the increasing times {@code times}.
     */
    public State[] integrate(InitialPoint start, double[] times) {
        int p = loss.p();
        int k = loss.k();
        double[] y = new double[p + k];
        System.arraycopy(start.v(), 0, y, 0, p);
        System.arraycopy(start.a(), 0, y, p, k);
        FirstOrderIntegrator integrator = new DormandPrince853Integrator(1e-12, 1e3, absTol, relTol);
        FirstOrderDifferentialEquations ode = new FirstOrderDifferentialEquations() {
            private final double[] v = new double[p];
            private final double[] a = new double[k];
            private final double[] gv = new double[p];
            private final double[] ga = new double[k];

            @Override
            public int getDimension() {
                return p + k;
            }

            @Override
            public void computeDerivatives(double t, double[] state, double[] dot) throws DimensionMismatchException {
                System.arraycopy(state, 0, v, 0, p);
                System.arraycopy(state, p, a, 0, k);
                loss.gradient(v, a, gv, ga);
                for (int i = 0; i < p; i++) {
                    dot[i] = -gv[i];
                }
                for (int i = 0; i < k; i++) {
                    dot[p + i] = -ga[i];
                }
            }
        };
        State[] out = new State[times.length];
        double t = 0;
        for (int i = 0; i < times.length; i++) {
            if (times[i] < t) {
                throw new IllegalArgumentException("times must be non-decreasing");
            }
            if (times[i] > t) {
                integrator.integrate(ode, t, y, times[i], y);
                t = times[i];
            }
            double[] v = new double[p];
            double[] a = new double[k];
            System.arraycopy(y, 0, v, 0, p);
            System.arraycopy(y, p, a, 0, k);
            out[i] = new State(t, v, a);
        }
        return out;
    }

    /** The loss of the flow's problem (for tests and trajectories). */
    public NonOverlappingGaussian loss() {
        return loss;
    }
}
