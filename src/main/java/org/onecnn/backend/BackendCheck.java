package org.onecnn.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.onecnn.backend.BackendInfo.Build;
import org.onecnn.backend.BackendInfo.Gpu;
import org.onecnn.backend.ComputeProfile.Backend;
import org.onecnn.util.InvalidInputException;

/**
 * Can a {@link ComputeProfile} run on what a {@link DeviceProbe} found? Answers with the first reason it
 * cannot, in one line that says what to do, <em>before</em> ND4J is loaded (see the package
 * documentation): a CUDA build on a Hopper GPU, or a CUDA profile on a CPU-only build, must end in this
 * message and exit code 2, never in a native crash or a JavaCPP stack trace.
 *
 * <p>What ND4J {@value #ND4J_VERSION} can run on is fixed knowledge, kept here in one place: its CUDA
 * 11.6 kernels are built for compute capability 3.7 to 8.6; 8.9 (Ada) runs the 8.6 binaries; 9.0 and
 * above (Hopper H100/H200, Blackwell) cannot run them and there is no CUDA 12 build of this ND4J.
 */
public final class BackendCheck {
    /** The ND4J version this knowledge is about (a test ties it to the build's {@code dl4j.version}). */
    public static final String ND4J_VERSION = "1.0.0-M2.1";
    /** The lowest compute capability ND4J's CUDA kernels are built for. */
    public static final ComputeCapability ND4J_MIN_CC = ComputeCapability.of(3, 7);
    /** The highest compute capability ND4J's CUDA kernels are built for. */
    public static final ComputeCapability ND4J_BUILT_MAX_CC = ComputeCapability.of(8, 6);
    /** The highest compute capability that runs them (Ada runs the 8.6 binaries). */
    public static final ComputeCapability ND4J_MAX_CC = ComputeCapability.of(8, 9);

    private BackendCheck() {
    }

    /**
     * Throws when {@code profile} cannot run on {@code info}; otherwise returns and the caller may go on
     * to {@link Nd4jSetup#apply}. Touches no ND4J class.
     *
     * @param field the option or config field that chose the profile ({@code --profile}, {@code empirical.profile}),
     *              which the error line names
     * @throws InvalidInputException one line: the field, what is wrong and what to do
     */
    public static void requireTrainable(String field, ComputeProfile profile, BackendInfo info) {
        Optional<String> p = problem(profile, info);
        if (p.isPresent()) {
            throw new InvalidInputException(field, p.get());
        }
    }

    /** The first reason {@code profile} cannot run on {@code info}, or empty when it can. */
    public static Optional<String> problem(ComputeProfile profile, BackendInfo info) {
        String name = profile.name();
        if (info.build() == Build.NONE) {
            return Optional.of("this build contains no ND4J backend (neither " + BackendInfo.CPU_ARTIFACT + " nor "
                    + BackendInfo.CUDA_ARTIFACT + " is on the class path): rebuild onecnn (remove target/ and run "
                    + "./onecnn again)");
        }
        if (info.build() == Build.BOTH) {
            return Optional.of("this build contains both ND4J backends (" + Build.BOTH.artifacts() + ") and ND4J "
                    + "would pick one by itself: rebuild with exactly one (plain ./onecnn for the CPU, "
                    + "ONECNN_MAVEN_ARGS=-Pcuda ./onecnn for CUDA)");
        }
        if (profile.backend() == Backend.CPU) {
            if (info.build() == Build.CUDA) {
                return Optional.of("profile " + name + " needs ND4J's CPU backend, but this build contains only the "
                        + "CUDA backend (" + BackendInfo.CUDA_ARTIFACT + "; ND4J's backend is fixed when onecnn is "
                        + "built, and a CUDA build runs every array on the GPU): rebuild without -Pcuda "
                        + "(ONECNN_MAVEN_ARGS= ./onecnn ...) or use a cuda profile (e.g. --profile cuda-small)");
            }
            return hostMemoryProblem(profile, info);
        }
        if (info.build() == Build.CPU) {
            return Optional.of("profile " + name + " needs the CUDA backend, but this build is CPU-only: rebuild "
                    + "with ONECNN_MAVEN_ARGS=-Pcuda ./onecnn ... or use --profile cpu");
        }
        List<Gpu> visible = info.visibleGpus();
        if (visible.isEmpty()) {
            String why = info.gpuNote().isEmpty() ? "nvidia-smi lists no GPU" : info.gpuNote();
            return Optional.of("profile " + name + " needs an NVIDIA GPU, but none was found (" + why + "): use "
                    + "--profile cpu");
        }
        for (Gpu g : visible) {
            ComputeCapability cc = g.computeCapability();
            if (!nd4jRuns(cc)) {
                List<Integer> good = visible.stream().filter(o -> nd4jRuns(o.computeCapability())).map(Gpu::index)
                        .toList();
                String hide = good.isEmpty() ? "" : " (or hide it: CUDA_DEVICE_ORDER=PCI_BUS_ID CUDA_VISIBLE_DEVICES="
                        + String.join(",", good.stream().map(String::valueOf).toList()) + ")";
                if (cc.compareTo(ND4J_MIN_CC) < 0) {
                    return Optional.of(g.label() + " has compute capability " + cc + "; ND4J " + ND4J_VERSION
                            + "'s CUDA kernels cover " + ND4J_MIN_CC + "–" + ND4J_BUILT_MAX_CC + " (" + ND4J_MAX_CC
                            + " also runs them): use --profile cpu, or a GPU of compute capability " + ND4J_MIN_CC
                            + " to " + ND4J_MAX_CC + hide);
                }
                return Optional.of(g.label() + " has compute capability " + cc + "; ND4J " + ND4J_VERSION
                        + "'s CUDA kernels cover " + ND4J_MIN_CC + "–" + ND4J_BUILT_MAX_CC + " (" + ND4J_MAX_CC
                        + " also runs them) and no CUDA 12 build exists: use a profile of onecnn's own CUDA engine "
                        + "(engine = cuda, no ND4J; e.g. --profile cuda-hopper), --profile cpu, or an Ampere/Ada GPU"
                        + hide);
            }
        }
        for (Gpu g : visible) {
            if (!g.computeCapability().within(profile.minComputeCapability(), profile.maxComputeCapability())) {
                return Optional.of("profile " + name + " is made for compute capability " + range(profile) + ", but "
                        + g.label() + " has " + g.computeCapability() + ": " + suggest(g, name));
            }
        }
        for (Gpu g : visible) {
            if (g.memoryMib() > 0 && profile.memoryLimitGb() * 1024 > g.memoryMib()) {
                return Optional.of("profile " + name + " may use " + gb(profile.memoryLimitGb()) + " GiB, but "
                        + g.label() + " has " + gib(g.memoryMib()) + " GiB: " + suggest(g, name)
                        + ", or lower memory_limit_gb");
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a CPU profile's {@code memory_limit_gb} exceeds the host's memory (unknown memory: no problem), in the
     * words every engine's check uses.
     */
    public static Optional<String> hostMemoryProblem(ComputeProfile profile, BackendInfo info) {
        long mem = info.cpu().memoryMib();
        if (profile.backend() == Backend.CPU && mem > 0 && profile.memoryLimitGb() * 1024 > mem) {
            return Optional.of("profile " + profile.name() + " may use " + gb(profile.memoryLimitGb()) + " GiB, but "
                    + "this machine has " + gib(mem) + " GiB of memory: lower memory_limit_gb (" + profile.source()
                    + ")");
        }
        return Optional.empty();
    }

    /** Whether ND4J {@value #ND4J_VERSION}'s CUDA kernels run on {@code cc} (3.7 to 8.9). */
    public static boolean nd4jRuns(ComputeCapability cc) {
        return cc.within(ND4J_MIN_CC, ND4J_MAX_CC);
    }

    /** For {@code onecnn doctor}: can this ND4J's CUDA backend run on {@code g}? */
    public static String gpuVerdict(Gpu g) {
        ComputeCapability cc = g.computeCapability();
        String v;
        if (!nd4jRuns(cc)) {
            v = "ND4J " + ND4J_VERSION + " cannot run on it (its CUDA kernels cover " + ND4J_MIN_CC + "–"
                    + ND4J_BUILT_MAX_CC + ", " + ND4J_MAX_CC + " also runs them)";
        } else if (cc.compareTo(ND4J_BUILT_MAX_CC) > 0) {
            v = "ND4J " + ND4J_VERSION + " runs on it (kernels built for " + ND4J_BUILT_MAX_CC + ")";
        } else {
            v = "ND4J " + ND4J_VERSION + " runs on it";
        }
        return g.visible() ? v : v + "; hidden by CUDA_VISIBLE_DEVICES";
    }

    private static String range(ComputeProfile p) {
        return p.minComputeCapability().equals(p.maxComputeCapability()) ? p.minComputeCapability().toString()
                : p.minComputeCapability() + "–" + p.maxComputeCapability();
    }

    /** The shipped CUDA profiles (other than {@code current}) made for {@code g}, as advice. */
    private static String suggest(Gpu g, String current) {
        List<String> fit = new ArrayList<>();
        for (String n : ComputeProfile.SHIPPED) {
            if (n.equals(current)) {
                continue;
            }
            try {
                ComputeProfile p = ComputeProfile.load(n);
                if (p.backend() == Backend.CUDA
                        && g.computeCapability().within(p.minComputeCapability(), p.maxComputeCapability())
                        && (g.memoryMib() == 0 || p.memoryLimitGb() * 1024 <= g.memoryMib())) {
                    fit.add("--profile " + n);
                }
            } catch (InvalidInputException e) {
                // an edited shipped profile that does not load is reported when it is used, not here
            }
        }
        return fit.isEmpty() ? "write a profile for it (copy one in cuda-profiles/ and adjust it)"
                : "use " + String.join(" or ", fit);
    }

    private static String gb(double x) {
        return ComputeProfile.formatGb(x);
    }

    private static String gib(long mib) {
        return ComputeProfile.formatGb(Double.parseDouble(String.format(Locale.ROOT, "%.1f", mib / 1024.0)));
    }
}
