#!/usr/bin/env python3
"""Summarises a GPU check's results folder into summary.md (docs/gpu.md).

Usage: summarize.py RESULTS_DIR [PEAK_FP32_TFLOPS]

Reads the bench lines (bench-*.txt: onecnn's "sample_gradients_per_s=..." and "gflops_per_s=...", the torch
peer's line) and writes the cuda/torch ratio per workload and the fraction of the GPU's fp32 peak the cuda engine
reaches: the bench's own arithmetic rate (its flops per sample-gradient are CudaEngine.flopsPerSampleGradient,
4pk + 5k, the one place that counts them) over the peak. Peak: 67 TFLOP/s for an H200 (datasheet fp32 on CUDA
cores; the kernels use no tensor cores) unless given. Also the doctor's verdict, the gpu tests' line and the
two sample-size comparisons."""
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
        gflops = value(f"{d}/bench-cuda-{name}.txt", "gflops_per_s")
        line = f"- {name} (n={n} k={k} p={p} students={r}): cuda {cuda if cuda else 'missing'} sample-gradients/s, " \
               f"torch {torch if torch else 'missing'}"
        if cuda and torch:
            line += f", ratio cuda/torch {cuda / torch:.2f} (target >= 5 on the large workload)"
        if gflops:
            line += f"; {gflops / 1e3:.2f} TFLOP/s = {100 * gflops * 1e9 / peak:.1f} % of the fp32 peak " \
                    f"({peak / 1e12:.0f} TFLOP/s)"
        lines.append(line)
    open(f"{d}/summary.md", "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
