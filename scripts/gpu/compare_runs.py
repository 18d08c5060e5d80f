#!/usr/bin/env python3
"""Compares two sample-size runs of the same config on two engines (the GPU check, docs/gpu.md).

Usage: compare_runs.py RUN_A RUN_B LABEL   (run folders with results.csv; standard library only)

Rows are matched on (n, dataset, run). Reported: how many outcomes and stop reasons agree, every row where they
differ (with both engines' phi, loss_n and gradient norm, so a reader can see whether the run was borderline:
a stationary point near the gradient tolerance or a loss near loss_tol), the largest difference of iterations,
and the largest relative difference of phi, loss_n, norm_v over the rows where both agree. Exit 0 when every
outcome agrees, 1 otherwise (the differences are listed either way)."""
import csv
import os
import sys


def rows(folder):
    with open(folder + "/results.csv", newline="") as f:
        return {(r["n"], r["dataset"], r["run"]): r for r in csv.DictReader(f)}


def rel(a, b):
    a, b = float(a), float(b)
    return abs(a - b) / max(1e-12, abs(b))


def main():
    a, b, label = sys.argv[1], sys.argv[2], sys.argv[3]
    for f in (a, b):
        if not f or not os.path.isfile(os.path.join(f, "results.csv")):
            print(f"{label}: no results to compare (a run folder is missing: {f or 'none'}; see log.txt)")
            return 1
    ra, rb = rows(a), rows(b)
    keys = sorted(set(ra) & set(rb), key=lambda k: (int(k[0]), int(k[1]), int(k[2])))
    if not keys or set(ra) != set(rb):
        print(f"{label}: the runs hold different rows ({len(ra)} vs {len(rb)})")
        return 1
    same_outcome = same_reason = 0
    worst = {"phi": 0.0, "loss_n": 0.0, "norm_v": 0.0}
    max_iter = 0
    diffs = []
    for k in keys:
        x, y = ra[k], rb[k]
        if x["outcome"] == y["outcome"]:
            same_outcome += 1
            for c in worst:
                worst[c] = max(worst[c], rel(x[c], y[c]))
            max_iter = max(max_iter, abs(int(x["iterations"]) - int(y["iterations"])))
        else:
            diffs.append(k)
        same_reason += x["stop_reason"] == y["stop_reason"]
    print(f"{label}: {len(keys)} runs; outcomes agree {same_outcome}/{len(keys)}, stop reasons agree "
          f"{same_reason}/{len(keys)}; where outcomes agree: max |iterations difference| {max_iter}, max relative "
          + ", ".join(f"{c} {v:.3e}" for c, v in worst.items()))
    for k in diffs:
        x, y = ra[k], rb[k]
        print(f"  differs n={k[0]} dataset={k[1]} run={k[2]}: "
              f"{x['outcome']}/{x['stop_reason']} after {x['iterations']} (phi {x['phi']}, loss_n {x['loss_n']}, "
              f"grad {x['grad_norm']}) vs {y['outcome']}/{y['stop_reason']} after {y['iterations']} (phi {y['phi']}, "
              f"loss_n {y['loss_n']}, grad {y['grad_norm']})")
    return 0 if not diffs else 1


if __name__ == "__main__":
    sys.exit(main())
