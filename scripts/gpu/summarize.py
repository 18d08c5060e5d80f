#!/usr/bin/env python3
"""Summarises a GPU check's results folder into summary.md (docs/gpu.md).

Usage: summarize.py RESULTS_DIR [PEAK_FP32_TFLOPS]

Reads the bench lines (bench-*.txt: onecnn's "sample_gradients_per_s=..." and the torch peer's line) and writes
the cuda/torch ratio per workload and the fraction of the GPU's fp32 peak the cuda engine reaches. Flops per
sample-gradient of one student (k patches of size p, ReLU, weight-normalised filter), counted as the fused and
cuda kernels compute it: forward k·p multiply-adds for the pre-activations and k for the output, backward k for
the output weights' gradient and k·p for the filter's: 2·(2·k·p + 2·k) flops (the per-step normalisation of the
filter is O(p) per student, not per sample, and is left out). Peak: 67 TFLOP/s for an H200 (datasheet, no
tensor cores: the kernels use CUDA cores) unless given."""
import re
import sys


def value(path, key):
    try:
        text = open(path).read()
    except OSError:
        return None
    m = re.findall(key + r"=([0-9.eE+-]+)", text)
    return float(m[-1]) if m else None


def main():
    d = sys.argv[1]
    peak = float(sys.argv[2]) * 1e12 if len(sys.argv) > 2 else 67e12
    lines = ["# GPU check summary", ""]
    for name, pattern in (("doctor", r"(verdict.*|onecnn: error.*)"), ("gpu-tests", r"gpu tests: .*"),
                          ("compare-double", r"sample-size double.*"), ("compare-float", r"sample-size float.*")):
        try:
            found = re.findall(pattern, open(f"{d}/{name}.txt").read())
        except OSError:
            found = []
        lines.append(f"- {name}: {found[-1] if found else 'no result (see log.txt)'}")
    fused = value(f"{d}/bench-fused-small.txt", "sample_gradients_per_s")
    lines.append(f"- fused CPU engine, small workload: {fused if fused else 'missing'} sample-gradients/s")
    for name, n, k, p, r in (("small", 4096, 25, 6, 256), ("large", 16384, 25, 6, 4096)):
        cuda = value(f"{d}/bench-cuda-{name}.txt", "sample_gradients_per_s")
        torch = value(f"{d}/bench-torch-{name}.txt", "sample_gradients_per_s")
        flops = 2 * (2 * k * p + 2 * k)
        line = f"- {name} (n={n} k={k} p={p} students={r}): cuda {cuda if cuda else 'missing'} sample-gradients/s, " \
               f"torch {torch if torch else 'missing'}"
        if cuda and torch:
            line += f", ratio cuda/torch {cuda / torch:.2f} (target >= 5 on the large workload)"
        if cuda:
            line += f"; {cuda * flops / 1e12:.2f} TFLOP/s at {flops} flops per sample-gradient = " \
                    f"{100 * cuda * flops / peak:.1f} % of the fp32 peak ({peak / 1e12:.0f} TFLOP/s)"
        lines.append(line)
    open(f"{d}/summary.md", "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
