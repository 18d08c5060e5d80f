#!/usr/bin/env python3
"""Redraws a sample-size run's probability_vs_n figure with matplotlib: P(GLOBAL), P(SPURIOUS) and
P(NOT_CONVERGED) against n on a log axis, with their 95% intervals (the crossed initialization x data set
intervals of summary.csv), each data set as a faint dot (per_dataset.csv) and the population values (the n = inf
row) as dashed lines.

    python3 python/examples/probability_vs_n.py runs/sample-size-quick-<stamp> [out.pdf]

Needs numpy and matplotlib (pip install matplotlib); pandas is not needed. Without an output file it opens a
window. docs/python.md.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import onecnn_io  # noqa: E402

CLASSES = (("global", "GLOBAL"), ("spurious", "SPURIOUS"), ("not_converged", "NOT_CONVERGED"))


def probability_series(run):
    """What the figure draws, as numpy arrays: {"n", "population": {cls: p}, cls: (p, lo, hi), "datasets": ...}.

    The n column of summary.csv is "inf" for the population row; the finite rows are the sample sizes."""
    s = run.summary
    n_text = [str(v) for v in s["n"]]
    finite = np.array([t not in ("inf", "Infinity") and t != "nan" for t in n_text])
    pop = int(np.flatnonzero(~finite)[0])
    n = np.array([float(t) for t, f in zip(n_text, finite) if f])
    out = {"n": n, "population": {}}
    for key, _ in CLASSES:
        col = lambda c: np.asarray(s[c], dtype=float)  # noqa: E731
        out[key] = (col("p_" + key)[finite], col("p_" + key + "_lo")[finite], col("p_" + key + "_hi")[finite])
        out["population"][key] = float(col("p_" + key)[pop])
    d = run.tables.get("per_dataset")
    if d is not None:
        out["datasets"] = {key: (np.asarray(d["n"], dtype=float), np.asarray(d["p_" + key], dtype=float))
                           for key, _ in CLASSES}
    return out


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    import matplotlib
    if len(argv) > 2:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run = onecnn_io.load_run(argv[1])
    data = probability_series(run)
    fig, ax = plt.subplots(figsize=(6, 4))
    for (key, label), colour in zip(CLASSES, ("tab:green", "tab:red", "tab:gray")):
        p, lo, hi = data[key]
        ax.errorbar(data["n"], p, yerr=[p - lo, hi - p], marker="o", capsize=3, color=colour, label=label)
        ax.axhline(data["population"][key], linestyle="--", linewidth=1, color=colour)
        if "datasets" in data:
            dn, dp = data["datasets"][key]
            # a little to the right of the interval, so that the error bar does not hide the data sets
            ax.scatter(dn * 1.08, dp, s=10, alpha=0.4, color=colour, linewidths=0)
    ax.plot([], [], linestyle="--", linewidth=1, color="black", label="population (n = inf)")
    ax.set_xscale("log")
    ax.set_xticks(data["n"])                         # a labelled tick at every plotted n
    ax.set_xticklabels(["%g" % v for v in data["n"]])
    ax.minorticks_off()
    ax.set_xlabel("n (samples)")
    ax.set_ylabel("fraction of runs")
    ax.set_ylim(-0.02, 1.02)  # points at 0 and 1 stay visible above the axes
    ax.legend(frameon=False)
    fig.tight_layout()
    if len(argv) > 2:
        fig.savefig(argv[2])
    else:
        plt.show()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
