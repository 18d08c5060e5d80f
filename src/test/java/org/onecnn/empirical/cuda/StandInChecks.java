package org.onecnn.empirical.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.onecnn.backend.Precision;
import org.onecnn.empirical.EmpiricalResult;
import org.onecnn.empirical.EmpiricalSpec;
import org.onecnn.empirical.EnsembleTrainer;
import org.onecnn.empirical.Regime;
import org.onecnn.empirical.StudentEnsemble;
import org.onecnn.empirical.data.DatasetGenerator;
import org.onecnn.empirical.data.InputDistribution;
import org.onecnn.empirical.data.TrainingSet;
import org.onecnn.empirical.fused.FusedEngine;
import org.onecnn.model.Architecture;
import org.onecnn.model.InitialPoint;
import org.onecnn.model.Teacher;
import org.onecnn.population.RecordPlan;

/**
 * The cuda engine through the real driver path — {@link CudaDrivers#system()}, {@link JcudaDriver}, JCuda's
 * libJCudaDriver — on whatever {@code libcuda.so.1} the dynamic loader finds: in the tests the stand-in
 * (src/test/cuda/fake_libcuda.cpp, {@code GpuBundleTest} runs this under the bundle's runtime with
 * {@code LD_LIBRARY_PATH} pointing at it). Prints one line per check passed; throws (exit code 1) at the first
 * that fails. Checks: the driver refuses a thread with no current context (so the next checks would fail if the
 * engine did not make it current on every thread); an ensemble opened on one thread and stepped on another;
 * the trainer on a worker thread against the fused engine; the engine-agreement comparison of
 * {@link CudaAgreement} bit for bit; a generated data set drawn on the "GPU" against the CPU's draw.
 */
public final class StandInChecks {
    private StandInChecks() {
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
        System.out.println("stand-in: " + what + ": ok");
    }

    /** Run {@code body} on a new thread (no context current there yet) and rethrow what it threw. */
    private static void onWorker(Runnable body) throws InterruptedException {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "worker");
        t.start();
        t.join();
        if (failed.get() instanceof RuntimeException e) {
            throw e;
        }
        if (failed.get() instanceof Error e) {
            throw e;
        }
    }

    private static List<InitialPoint> inits(Architecture arch, int count) {
        java.util.Random rnd = new java.util.Random(31);
        List<InitialPoint> l = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] v = new double[arch.r()];
            double[] a = new double[arch.k()];
            for (int q = 0; q < v.length; q++) {
                v[q] = rnd.nextGaussian();
            }
            for (int j = 0; j < a.length; j++) {
                a[j] = 0.5 * rnd.nextGaussian();
            }
            l.add(InitialPoint.of(v, a, i));
        }
        return l;
    }

    public static void main(String[] args) throws Exception {
        CudaDriver raw = CudaDrivers.system();
        check(raw instanceof JcudaDriver, "CudaDrivers.system() is JcudaDriver (" + raw.getClass().getSimpleName()
                + "), driver CUDA " + Ptx.versionString(raw.driverVersion()));
        raw.open(0);
        raw.free(raw.alloc(64));
        AtomicReference<String> refused = new AtomicReference<>("nothing");
        onWorker(() -> {
            try {
                raw.free(raw.alloc(64));
                refused.set("accepted");
            } catch (CudaException e) {
                refused.set(e.result());
            }
        });
        check(refused.get().equals("CUDA_ERROR_INVALID_CONTEXT"), "a thread with no current context is refused ("
                + refused.get() + ")");
        onWorker(() -> {
            raw.open(0);
            raw.free(raw.alloc(64));
        });
        check(true, "the same thread after open (cuCtxSetCurrent) is served");
        // a module that does not compile: the refusal carries the JIT's error log (cuModuleLoadDataEx's buffer,
        // through JCuda's JITOptions)
        String jit;
        try {
            raw.loadModule("not ptx at all");
            jit = "loaded";
        } catch (CudaException e) {
            jit = e.getMessage();
        }
        check(jit.contains("CUDA_ERROR_INVALID_PTX") && jit.contains("JIT error log: ptxas fatal   : not PTX")
                && !jit.contains("\n"), "a PTX that does not compile is refused with the JIT's log in one line ("
                + jit + ")");
        // the launch limits a real driver enforces: the entry's .maxntid (128 for the register kernels), 48 KiB of
        // shared memory, 65535 grid rows
        CudaDriver.Function grad = raw.function(raw.loadModule(Ptx.bundled().text()), "onecnn_grad_6x25_f");
        List<String> limits = new ArrayList<>();
        for (int[] g : new int[][] {{1, 1, 256, 0}, {1, 1, 128, 48 * 1024 + 1}, {1, 65536, 128, 0}}) {
            try {
                raw.launch(grad, new int[] {g[0], g[1], 1}, new int[] {g[2], 1, 1}, g[3], new KernelArgs().i32(0));
                limits.add("launched");
            } catch (CudaException e) {
                limits.add(e.result());
            }
        }
        check(limits.equals(List.of("CUDA_ERROR_INVALID_VALUE", "CUDA_ERROR_INVALID_VALUE", "CUDA_ERROR_INVALID_VALUE")),
                "launches beyond .maxntid, 48 KiB of shared memory or 65535 grid rows are refused " + limits);
        raw.close();

        CudaEngine engine = new CudaEngine();
        Architecture arch = Architecture.nonOverlapping(3, 4);
        Teacher teacher = Teacher.of(new double[] {1, 0, 0, 0}, new double[] {1, 0.5, -0.5});
        for (Precision type : Precision.values()) {
            TrainingSet set = DatasetGenerator.generate(arch, teacher, 0.0, InputDistribution.named("gaussian"), 64,
                    0.1, 11, type).trainingSet();
            EmpiricalSpec spec = new EmpiricalSpec(arch, 0.0, type, 0.1, Regime.FULL_BATCH, 1, 150, 10, 6e-3, 1e-2, 4,
                    32, 32, 5);
            // opened here, stepped on a worker thread, read here again
            StudentEnsemble e = engine.open(spec, inits(arch, 3), set, null);
            onWorker(() -> {
                e.stepFull();
                e.stepFull();
            });
            double[][] after = e.filters();
            StudentEnsemble f = new FusedEngine(1).open(spec, inits(arch, 3), set, null);
            f.stepFull();
            f.stepFull();
            check(Arrays.deepEquals(after, f.filters()), type + ": an ensemble opened on one thread and stepped on "
                    + "another gives the fused engine's bits");
            ((CudaEnsemble) e).close();

            List<EmpiricalResult> cuda = new ArrayList<>();
            onWorker(() -> cuda.addAll(new EnsembleTrainer(spec, teacher, true, engine).train(inits(arch, 7), set,
                    null, RecordPlan.NONE, EnsembleTrainer.Sink.NONE)));
            List<EmpiricalResult> fused = new EnsembleTrainer(spec, teacher, true, new FusedEngine(2)).train(
                    inits(arch, 7), set, null, RecordPlan.NONE, EnsembleTrainer.Sink.NONE);
            check(cuda.equals(fused), type + ": the trainer on a worker thread gives the fused engine's results");

            TrainingSet fresh = DatasetGenerator.generate(arch, teacher, 0.1, InputDistribution.named("uniform"),
                    CudaEnsemble.GEN_ROWS + 7, 0.2, 12, type).trainingSet();
            CudaEnsemble g = (CudaEnsemble) engine.open(spec, inits(arch, 2), fresh, null);
            boolean untouched = !fresh.drawn();
            Object[] dev = g.trainingSetOnDevice();
            g.close();
            boolean same = type == Precision.FLOAT
                    ? Arrays.equals((float[]) dev[0], fresh.xFloats()) && Arrays.equals((float[]) dev[1], fresh.yFloats())
                    : Arrays.equals((double[]) dev[0], fresh.xDoubles()) && Arrays.equals((double[]) dev[1],
                            fresh.yDoubles());
            check(untouched && same, type + ": a data set drawn on the device is the CPU's draw bit for bit");
        }
        // the engine-agreement comparison (CudaAgreement: every measurement and the final parameters bit for bit)
        Architecture overlap = Architecture.of(14, 4, 2);
        for (Precision type : Precision.values()) {
            CudaAgreement.compareTraining(engine, arch, 0.0, type, Regime.FULL_BATCH, 48, 1, 16, 5, 20);
            CudaAgreement.compareTraining(engine, overlap, 0.2, type, Regime.MINIBATCH, 48, 16, 8, 5, 20);
            CudaAgreement.compareTraining(engine, arch, 0.1, type, Regime.ONLINE, 0, 16, 8, 5, 20);
            check(true, type + ": CudaAgreement full batch, minibatch (overlapping, leaky), online");
        }
        engine.release();
        System.out.println("stand-in: all checks passed");
    }
}
