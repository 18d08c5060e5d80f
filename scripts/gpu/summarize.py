#!/usr/bin/env python3
"""Summarises a GPU check's results folder into summary.md and bench.csv (docs/gpu.md).

Usage: summarize.py RESULTS_DIR STEPS_TSV [PEAK_FP32_TFLOPS [BUDGET_S USED_S]]

gpu-check.sh calls it from its EXIT trap, so it runs after a failure or a signal too and must work from whatever
finished. STEPS_TSV has one line per step: name, status (passed, failed, timed out, skipped, interrupted), exit
code, seconds, record file. A step's lines are the part of its record (machine.txt, tests.txt, agreement.txt,
bench.txt) after its "=== step NAME (" line.

summary.md gives first the three figures the check exists for: the agreement with the fused engine (the gpu tests'
line and the two sample-size comparisons), cuda against torch on the GPU-sized workload (the target: at least 5x),
and the fraction of the fp32 peak the cuda engine reaches: the bench's own arithmetic rate (gflops_per_s; its
flops per sample-gradient are CudaEngine.flopsPerSampleGradient, 4pk + 5k) over the peak, 67 TFLOP/s for an H200
(datasheet fp32 on CUDA cores; the kernels use no tensor cores) unless given. Then the doctor's verdict, the
machine's key lines, and a table of every step with its first error line. A figure whose step did not pass says
so instead of a number. Standard library only."""
import csv
import re
import sys

LARGE = (16384, 25, 6, 4096)
SMALL = (4096, 25, 6, 256)


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def sections(text):
    """{step name: its lines} of one record file."""
    out, name = {}, None
    for line in text.splitlines():
        m = re.match(r"=== step (\S+?)[ :(]", line + " ")
        if m:
            name = m.group(1)
            out.setdefault(name, [])
            continue
        if name is not None:
            out[name].append(line)
    return out


def value(lines, key):
    found = [m for line in lines for m in re.findall(key + r"=([0-9.eE+-]+)", line)]
    try:
        return float(found[-1]) if found else None
    except ValueError:
        return None


def first_error(lines):
    """The line that says what went wrong: onecnn's one-line refusal, else the last line of a Python traceback
    (the exception), else the first line naming an error or exception."""
    for pattern, last in ((r"onecnn: error: .*", False), (r"^[A-Za-z_.]*(Error|Exception)(: .*)?$", True),
                          (r".*(Error|Exception|error:).*", False)):
        hits = [m.group(0).strip() for line in lines for m in [re.search(pattern, line)] if m]
        if hits:
            return hits[-1] if last else hits[0]
    rest = [line.strip() for line in lines if line.strip()]
    return rest[-1] if rest else ""


def main():
    d, steps_path = sys.argv[1], sys.argv[2]
    peak = float(sys.argv[3]) * 1e12 if len(sys.argv) > 3 else 67e12
    budget = sys.argv[4] if len(sys.argv) > 4 else "?"
    used = sys.argv[5] if len(sys.argv) > 5 else "?"
    steps = []
    for line in read(steps_path).splitlines():
        f = line.split("\t")
        if len(f) >= 5:
            steps.append({"name": f[0], "status": f[1], "exit": f[2], "seconds": f[3], "record": f[4]})
    status = {s["name"]: s["status"] for s in steps}
    records = {}
    for rec in ("machine.txt", "tests.txt", "agreement.txt", "bench.txt"):
        records.update(sections(read(f"{d}/{rec}")))

    def lines_of(name):
        return records.get(name, [])

    def skip_reason(name):
        rec = next((s["record"] for s in steps if s["name"] == name), "")
        return next((line.split("skipped: ", 1)[1] for line in read(f"{d}/{rec}").splitlines()
                     if line.startswith(f"=== step {name}: skipped: ")), "")

    def why(name):
        st = status.get(name)
        if st is None:
            return "not reached"
        if st == "passed":
            return "passed"
        err = skip_reason(name) if st == "skipped" else first_error(lines_of(name))
        return st + (": " + err if err else "")

    def found(name, pattern):
        hits = [m.group(0) for line in lines_of(name) for m in [re.search(pattern, line)] if m]
        return hits[-1] if hits and status.get(name) == "passed" else None

    passed = sum(s["status"] == "passed" for s in steps)
    lines = ["# GPU check summary", "",
             f"{passed} of {len(steps)} steps passed; {used} s of the {budget} s budget used.", "",
             "## Figures", ""]
    lines.append("- agreement with the fused engine:")
    lines.append(f"  - gpu tests: {found('gpu-tests', r'gpu tests: .*') or why('gpu-tests')}")
    for dt in ("double", "float"):
        lines.append(f"  - sample-size {dt}: "
                     f"{found('compare-' + dt, r'sample-size ' + dt + r'.*') or why('compare-' + dt)}")
    bench = []
    for size, (n, k, p, r) in (("large", LARGE), ("small", SMALL)):
        for engine in ("cuda", "torch", "fused"):
            name = f"bench-{engine}-{size}"
            if name not in status:
                continue
            sg = value(lines_of(name), "sample_gradients_per_s") if status[name] == "passed" else None
            gf = value(lines_of(name), "gflops_per_s") if status[name] == "passed" else None
            bench.append({"step": name, "engine": engine, "workload": size, "n": n, "k": k, "p": p, "students": r,
                          "status": status[name], "sample_gradients_per_s": sg if sg else "",
                          "gflops_per_s": gf if gf else ""})
    by = {b["step"]: b for b in bench}

    def rate(name):
        b = by.get(name)
        return b["sample_gradients_per_s"] if b and b["sample_gradients_per_s"] != "" else None

    for size, (n, k, p, r) in (("large", LARGE), ("small", SMALL)):
        cuda, torch = rate(f"bench-cuda-{size}"), rate(f"bench-torch-{size}")
        label = "GPU-sized" if size == "large" else "small"
        text = f"- cuda vs torch, {label} workload (--n {n} --k {k} --p {p} --students {r}): "
        if cuda and torch:
            text += f"ratio cuda/torch {cuda / torch:.2f}" + (" (target >= 5)" if size == "large" else "") \
                    + f"; cuda {cuda:.4g}, torch {torch:.4g} sample-gradients/s"
        else:
            text += f"no ratio (cuda: {'%.4g' % cuda if cuda else why('bench-cuda-' + size)}; torch: " \
                    f"{'%.4g' % torch if torch else why('bench-torch-' + size)})"
        lines.append(text)
    for size in ("large", "small"):
        b = by.get(f"bench-cuda-{size}")
        gf = b["gflops_per_s"] if b else ""
        text = f"- fraction of the fp32 peak ({peak / 1e12:.0f} TFLOP/s), {size} workload: "
        text += f"{gf / 1e3:.2f} TFLOP/s = {100 * gf * 1e9 / peak:.1f} %" if gf != "" \
            else why(f"bench-cuda-{size}")
        lines.append(text)
    fused = rate("bench-fused-small")
    lines.append(f"- fused CPU engine, small workload: "
                 f"{('%.4g sample-gradients/s' % fused) if fused else why('bench-fused-small')}")
    for mb in (3, 4):
        name = f"bench-cuda-large-mb{mb}"
        if name in status:
            v = value(lines_of(name), "sample_gradients_per_s") if status[name] == "passed" else None
            lines.append(f"- cuda GPU-sized, register cap of {mb} blocks/SM: "
                         f"{('%.4g sample-gradients/s' % v) if v else why(name)}")
    lines += ["", "## Machine", ""]
    doctor = [m.group(0) for line in lines_of("doctor") for m in [re.search(r"verdict.*|onecnn: error.*", line)] if m]
    lines.append(f"- doctor: {doctor[-1] if doctor else why('doctor')}")
    for line in lines_of("machine"):
        if re.match(r"(glibc|libcuda\.so\.1|libz\.so\.1|libstdc\+\+\.so\.6|nvidia kernel module|CUDA Version|"
                    r"python|torch|bundle runtime|onecnn |index, name)", line.strip()) or \
                re.match(r"\d+, ", line.strip()):
            lines.append(f"- {line.strip()}")
    lines += ["", "## Steps", "", "| step | status | exit | seconds | first error |", "|---|---|---|---|---|"]
    for s in steps:
        err = first_error(lines_of(s["name"])) if s["status"] not in ("passed", "skipped") else ""
        if s["status"] == "skipped":
            err = skip_reason(s["name"])
        lines.append(f"| {s['name']} | {s['status']} | {s['exit']} | {s['seconds']} | {err.replace('|', '/')} |")
    lines += ["", "Every step's output: log.txt; by step: machine.txt, tests.txt, agreement.txt, bench.txt."]
    with open(f"{d}/summary.md", "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(f"{d}/bench.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["step", "engine", "workload", "n", "k", "p", "students", "status",
                                          "sample_gradients_per_s", "gflops_per_s"])
        w.writeheader()
        w.writerows(bench)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
