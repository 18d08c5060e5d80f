package org.onecnn.empirical.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Whether the {@code cuda} engine can run here, and if not why, in one line: a driver present, its CUDA version at
 * least what onecnn's PTX needs ({@link Ptx#minimumDriver()}), a GPU, and per GPU: compute capability at least the
 * PTX's target, the PTX JIT-compiled by the driver ({@code cuModuleLoadData}), and a tiny kernel
 * ({@value #PROBE}: {@code out[i] = 3i + 1}) launched and its result read back. Built on {@link CudaDriver} only,
 * so {@code doctor} and the tests run it with the driver stubbed.
 *
 * @param ready         whether at least one GPU passed every check
 * @param line          one line: what is ready, or the first reason it is not
 * @param driverVersion the driver's CUDA version ({@code 12060} for 12.6), 0 when there is no driver
 * @param devices       per GPU the driver sees, its checks
 */
public record CudaReadiness(boolean ready, String line, int driverVersion, List<DeviceStatus> devices) {
    /** The probe kernel's name in onecnn's PTX. */
    public static final String PROBE = "onecnn_probe";
    /** Threads of the probe launch. */
    static final int PROBE_THREADS = 64;

    /**
     * One GPU's checks.
     *
     * @param info  what it is
     * @param ready whether the engine can run on it
     * @param line  "ready: …" or the reason it is not
     */
    public record DeviceStatus(CudaDriver.DeviceInfo info, boolean ready, String line) {
    }

    public CudaReadiness {
        devices = List.copyOf(devices);
    }

    /** Lowest compute capability onecnn supports (Volta), whatever the PTX's target says. */
    public static final int MIN_CAPABILITY = 70;

    /**
     * Run the checks.
     *
     * @param drivers a fresh, initialised driver per call (one for the enumeration, then one per GPU, each of which
     *                drives one device); {@link CudaDrivers#system()} outside the tests
     * @param ptx     the PTX to JIT ({@link Ptx#bundled()})
     */
    public static CudaReadiness check(Supplier<CudaDriver> drivers, Ptx ptx) {
        int version;
        int count;
        List<CudaDriver.DeviceInfo> infos = new ArrayList<>();
        try (CudaDriver driver = drivers.get()) {
            version = driver.driverVersion();
            count = driver.deviceCount();
            for (int i = 0; i < count; i++) {
                infos.add(driver.device(i));
            }
        } catch (CudaException e) {
            return new CudaReadiness(false, e.getMessage(), 0, List.of());
        }
        if (version < ptx.minimumDriver()) {
            return new CudaReadiness(false, "NVIDIA driver too old for onecnn's PTX: it supports CUDA "
                    + Ptx.versionString(version) + ", the PTX (ISA " + ptx.isa() / 10 + "." + ptx.isa() % 10
                    + ") needs CUDA " + Ptx.versionString(ptx.minimumDriver()) + " or newer; update the driver",
                    version, List.of());
        }
        if (count == 0) {
            return new CudaReadiness(false, "no GPU: the NVIDIA driver (CUDA " + Ptx.versionString(version)
                    + ") sees no device", version, List.of());
        }
        List<DeviceStatus> statuses = new ArrayList<>();
        for (CudaDriver.DeviceInfo info : infos) {
            statuses.add(checkDevice(drivers, ptx, info));
        }
        DeviceStatus first = statuses.stream().filter(DeviceStatus::ready).findFirst().orElse(null);
        if (first == null) {
            return new CudaReadiness(false, "GPU " + statuses.get(0).info().ordinal() + " ("
                    + statuses.get(0).info().name() + "): " + statuses.get(0).line(), version, statuses);
        }
        return new CudaReadiness(true, "cuda engine ready on GPU " + first.info().ordinal() + " (" + first.info().name()
                + ", compute capability " + first.info().computeCapability() + ", driver CUDA "
                + Ptx.versionString(version) + ")", version, statuses);
    }

    private static DeviceStatus checkDevice(Supplier<CudaDriver> drivers, Ptx ptx, CudaDriver.DeviceInfo info) {
        int cc = 10 * info.major() + info.minor();
        int need = Math.max(MIN_CAPABILITY, ptx.target());
        if (cc < need) {
            return new DeviceStatus(info, false, "compute capability " + info.computeCapability() + " is below "
                    + need / 10 + "." + need % 10 + ", the lowest onecnn's PTX runs on");
        }
        try (CudaDriver driver = drivers.get()) {
            driver.open(info.ordinal());
            CudaDriver.Module module;
            try {
                module = driver.loadModule(ptx.text());
            } catch (CudaException e) {
                // with the JIT's own words (its error log), which say what to fix
                return new DeviceStatus(info, false, "the driver could not JIT-compile onecnn's PTX ("
                        + e.result() + ")" + (e.log().isEmpty() ? "" : "; " + e.log()));
            }
            CudaDriver.Buffer out = driver.alloc(4L * PROBE_THREADS);
            driver.launch(driver.function(module, PROBE), new int[] {1, 1, 1}, new int[] {PROBE_THREADS, 1, 1}, 0,
                    new KernelArgs().ptr(out).i32(PROBE_THREADS));
            driver.synchronize();
            int[] got = new int[PROBE_THREADS];
            driver.copyToHost(got, 0, out, 0, PROBE_THREADS);
            driver.free(out);
            for (int i = 0; i < PROBE_THREADS; i++) {
                if (got[i] != 3 * i + 1) {
                    return new DeviceStatus(info, false, "the probe kernel returned " + got[i] + " at " + i
                            + " instead of " + (3 * i + 1));
                }
            }
            return new DeviceStatus(info, true, "ready: PTX JIT-compiled, probe kernel ran ("
                    + info.totalMemory() / (1L << 20) + " MiB, " + info.multiprocessors() + " SMs)");
        } catch (CudaException e) {
            return new DeviceStatus(info, false, e.getMessage());
        }
    }
}
