package org.onecnn.empirical;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.onecnn.empirical.data.CounterSamples;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.model.InitialPoint;

/**
 * An engine that is no network, to show that one plugs into {@link EnsembleTrainer} without touching it: each
 * student's filter {@code v} stays where it started; a step halves {@code a[0]} and multiplies {@code a[1]} by
 * 1e200 (so a student with {@code a[1] ≠ 0} overflows in two steps); its gradient norm is {@code ‖a‖} and its
 * loss {@code ½‖a‖² + v[2]²}. It records what the trainer asks of it.
 */
final class FakeEngine implements EmpiricalEngine {
    private final EngineCapabilities capabilities;
    private final boolean repacks;
    final List<Ensemble> opened = new ArrayList<>();

    FakeEngine(EngineCapabilities capabilities) {
        this(capabilities, false);
    }

    /** @param repacks whether it accepts every offer to drop its stopped students */
    FakeEngine(EngineCapabilities capabilities, boolean repacks) {
        this.capabilities = capabilities;
        this.repacks = repacks;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public EngineCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public StudentEnsemble open(EmpiricalSpec spec, List<InitialPoint> inits, TrainingSet data,
            CounterSamples online) {
        Ensemble e = new Ensemble(inits, online);
        opened.add(e);
        return e;
    }

    /** The fake's students, and a log of the calls. */
    final class Ensemble implements StudentEnsemble {
        final List<double[]> v = new ArrayList<>();
        final List<double[]> a = new ArrayList<>();
        /** The position in its chunk's {@code inits} of the student in each slot. */
        final List<Integer> origin = new ArrayList<>();
        final List<Boolean> frozen = new ArrayList<>();
        /** Positions in {@code inits} of the students frozen, in order. */
        final List<Integer> frozenOrigins = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        final List<int[]> rows = new ArrayList<>();
        /** The step of every online step, and the first input of its batch. */
        final List<Long> freshSteps = new ArrayList<>();
        final List<Double> freshFirst = new ArrayList<>();
        final CounterSamples samples;
        final int initialSize;
        final boolean online;

        Ensemble(List<InitialPoint> inits, CounterSamples samples) {
            for (int i = 0; i < inits.size(); i++) {
                v.add(inits.get(i).v());
                a.add(inits.get(i).a());
                origin.add(i);
                frozen.add(false);
            }
            this.initialSize = inits.size();
            this.online = samples != null;
            this.samples = samples;
        }

        @Override
        public int size() {
            return v.size();
        }

        @Override
        public double[] gradNorms() {
            calls.add("gradNorms");
            double[] out = new double[size()];
            for (int s = 0; s < out.length; s++) {
                out[s] = Math.hypot(a.get(s)[0], a.get(s)[1]);
            }
            return out;
        }

        @Override
        public double[] losses() {
            calls.add("losses");
            double[] out = new double[size()];
            for (int s = 0; s < out.length; s++) {
                double g = Math.hypot(a.get(s)[0], a.get(s)[1]);
                out[s] = 0.5 * g * g + v.get(s)[2] * v.get(s)[2];
            }
            return out;
        }

        @Override
        public double[][] filters() {
            return v.stream().map(double[]::clone).toArray(double[][]::new);
        }

        @Override
        public double[][] outputWeights() {
            return a.stream().map(double[]::clone).toArray(double[][]::new);
        }

        @Override
        public void freeze(int s) {
            if (frozen.get(s)) {
                throw new AssertionError("slot " + s + " frozen twice");
            }
            frozen.set(s, true);
            frozenOrigins.add(origin.get(s));
        }

        @Override
        public boolean repack(int[] keep) {
            calls.add("repack " + keep.length + "/" + size());
            if (!repacks || keep.length == size()) {
                return false;
            }
            List<double[]> nv = new ArrayList<>();
            List<double[]> na = new ArrayList<>();
            List<Integer> no = new ArrayList<>();
            for (int s : keep) {
                if (frozen.get(s)) {
                    throw new AssertionError("a frozen student kept");
                }
                nv.add(v.get(s));
                na.add(a.get(s));
                no.add(origin.get(s));
            }
            v.clear();
            v.addAll(nv);
            a.clear();
            a.addAll(na);
            origin.clear();
            origin.addAll(no);
            frozen.clear();
            nv.forEach(x -> frozen.add(false));
            return true;
        }

        private void move() {
            for (int s = 0; s < size(); s++) {
                if (!frozen.get(s)) {
                    a.get(s)[0] *= 0.5;
                    a.get(s)[1] *= 1e200;
                }
            }
        }

        @Override
        public void stepFull() {
            calls.add("full");
            move();
        }

        @Override
        public void stepRows(int[] r) {
            calls.add("rows");
            rows.add(r.clone());
            move();
        }

        @Override
        public void stepOnline(long step) {
            calls.add("fresh");
            freshSteps.add(step);
            double[] x = new double[samples.d()];
            samples.fill(step, 0, 1, x, new double[1]);
            freshFirst.add(x[0]);
            move();
        }
    }
}
