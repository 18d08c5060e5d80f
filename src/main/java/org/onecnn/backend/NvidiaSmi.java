package org.onecnn.backend;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.onecnn.backend.BackendInfo.Gpu;
import org.onecnn.util.InvalidInputException;

/**
 * Reading {@code nvidia-smi}: the query, its CSV answer, and which GPUs {@code CUDA_VISIBLE_DEVICES}
 * leaves to CUDA. Pure functions, so that odd outputs can be tested without a GPU.
 */
public final class NvidiaSmi {
    /** The command: one line per GPU, {@code name, compute_cap, memory.total (MiB), driver_version}. */
    public static final List<String> QUERY = List.of("nvidia-smi",
            "--query-gpu=name,compute_cap,memory.total,driver_version", "--format=csv,noheader,nounits");

    private NvidiaSmi() {
    }

    /**
     * The parsed answer.
     *
     * @param gpus    the GPUs, indexed in the order listed
     * @param ignored lines that were neither blank nor a GPU (a warning, an error message)
     */
    public record Parsed(List<Gpu> gpus, List<String> ignored) {
        public Parsed {
            gpus = List.copyOf(gpus);
            ignored = List.copyOf(ignored);
        }
    }

    /**
     * Parses the output of {@link #QUERY}. A GPU line has at least four comma-separated fields; the last
     * three are the compute capability ({@code major.minor}), the memory (MiB; {@code [N/A]} → 0) and the
     * driver version, the rest is the name (so a name with a comma survives). Lines whose compute
     * capability is not {@code major.minor} (e.g. {@code [N/A]}) or whose name is empty are ignored, not
     * guessed.
     */
    public static Parsed parse(String output) {
        List<Gpu> gpus = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        if (output == null) {
            return new Parsed(gpus, ignored);
        }
        for (String raw : output.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length < 4) {
                ignored.add(line);
                continue;
            }
            int n = f.length;
            String name = String.join(",", java.util.Arrays.copyOfRange(f, 0, n - 3)).strip();
            ComputeCapability cc;
            try {
                cc = ComputeCapability.parse("compute_cap", f[n - 3]);
            } catch (InvalidInputException e) {
                ignored.add(line);
                continue;
            }
            if (name.isEmpty()) {
                ignored.add(line);
                continue;
            }
            gpus.add(Gpu.of(gpus.size(), name, cc, parseMib(f[n - 2]), f[n - 1].strip()));
        }
        return new Parsed(gpus, ignored);
    }

    private static long parseMib(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT).replace("mib", "").strip();
        try {
            long v = Long.parseLong(t);
            return Math.max(0, v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The GPUs with their visibility, and a note on how {@code CUDA_VISIBLE_DEVICES} was read.
     *
     * @param gpus the GPUs
     * @param note empty, or a sentence for {@code onecnn doctor} and the check's messages
     */
    public record Visibility(List<Gpu> gpus, String note) {
        public Visibility {
            gpus = List.copyOf(gpus);
        }
    }

    /**
     * Which of {@code gpus} (in {@code nvidia-smi}'s order, which is PCI bus order) CUDA sees under
     * {@code CUDA_VISIBLE_DEVICES} and {@code CUDA_DEVICE_ORDER}. CUDA reads the list up to the first
     * entry that is not a valid index; an empty list or {@code -1} hides every GPU. CUDA numbers GPUs
     * fastest first unless {@code CUDA_DEVICE_ORDER=PCI_BUS_ID}, so indices are only mapped onto
     * {@code nvidia-smi}'s when that is set or when all GPUs are alike (then any mapping is the same);
     * otherwise, and for UUIDs, every GPU is kept: the check errs on the side of refusing.
     */
    public static Visibility visibility(List<Gpu> gpus, String cudaVisibleDevices, String cudaDeviceOrder) {
        if (cudaVisibleDevices == null) {
            return new Visibility(gpus, "");
        }
        String cvd = cudaVisibleDevices.strip();
        Set<Integer> chosen = new LinkedHashSet<>();
        boolean uuid = false;
        for (String tok : cvd.split(",", -1)) {
            String t = tok.strip();
            if (t.matches("\\d{1,6}")) {
                int i = Integer.parseInt(t);
                if (i >= gpus.size() || !chosen.add(i)) {
                    break;
                }
            } else {
                uuid = t.startsWith("GPU-") || t.startsWith("MIG-");
                break;
            }
        }
        String shown = "CUDA_VISIBLE_DEVICES=\"" + cvd + "\"";
        if (uuid) {
            return new Visibility(gpus, shown + " names GPUs by UUID; every GPU is checked");
        }
        if (chosen.isEmpty()) {
            return new Visibility(gpus.stream().map(g -> g.withVisible(false)).toList(), shown + " hides every GPU");
        }
        boolean pci = "PCI_BUS_ID".equalsIgnoreCase(cudaDeviceOrder == null ? "" : cudaDeviceOrder.strip());
        Set<String> kinds = new HashSet<>();
        for (Gpu g : gpus) {
            kinds.add(g.name() + "|" + g.computeCapability() + "|" + g.memoryMib());
        }
        if (!pci && kinds.size() > 1) {
            return new Visibility(gpus, shown + " without CUDA_DEVICE_ORDER=PCI_BUS_ID on unlike GPUs: CUDA's "
                    + "numbering may differ from nvidia-smi's, so every GPU is checked");
        }
        List<Gpu> out = new ArrayList<>();
        for (Gpu g : gpus) {
            out.add(g.withVisible(chosen.contains(g.index())));
        }
        return new Visibility(out, shown + (pci ? " with CUDA_DEVICE_ORDER=PCI_BUS_ID" : "") + ": GPU "
                + String.join(", ", chosen.stream().map(String::valueOf).toList()) + " visible");
    }
}
