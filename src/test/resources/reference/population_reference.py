#!/usr/bin/env python3
"""Reference values of the exact population loss and its gradients (docs/model.md sections 2 and 3),
computed independently of onecnn's Java code: the loss as the kernel double sum
    L = 1/2 [ sum_ij a_i a_j K(w,w;i,j) - 2 sum_ij a_i a*_j K(w,w*;i,j) + sum_ij a*_i a*_j K(w*,w*;i,j) ],
    K(u,u';i,j) = |u||u'| g(theta)/2pi if i == j (g the degree-1 arc-cosine kernel), |u||u'|/2pi otherwise,
and the gradients by complex-step-free central differences in extended precision (numpy longdouble),
so the Java closed forms are checked against a different route to the same numbers. A Monte Carlo
estimate (2e6 samples) is printed beside each loss as a sanity check of the kernel form itself.

The functions are those of onecnn's documented numpy module python/onecnn_population.py (loss, grad,
monte_carlo); this script holds the cases. Writes population_reference.csv (one row per case: k, p, w_star, a_star, v, a, loss, grad_a, grad_v; vectors
as space-separated numbers). Regenerate with:  python3 population_reference.py > /dev/null
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "python"))
from onecnn_population import grad, loss, monte_carlo  # noqa: E402

CASES = [
    # k, p, w_star, a_star, v, a
    (3, 2, [1.3, -0.4], [0.5, -1.0, 0.25], [0.2, 0.9], [0.1, 0.3, -0.2]),
    (4, 3, [0.0, 0.7, 0.0], [1.0, 1.0, 1.0, 1.0], [-0.5, 0.1, 0.3], [0.9, 1.2, 0.8, 1.1]),
    (2, 4, [0.3, 0.3, -0.3, 0.9], [2.0, -0.5], [-0.3, -0.3, 0.3, -0.9], [0.4, 0.2]),   # v = -w*: phi = pi
    (5, 2, [1.0, 0.0], [0.3, 0.1, -0.2, 0.4, 0.2], [2.0, 0.05], [0.2, 0.1, 0.0, 0.3, 0.2]),
]


def fmt(xs):
    return " ".join(repr(float(x)) for x in xs)


def main():
    rows = ["k,p,w_star,a_star,v,a,loss,grad_v,grad_a"]
    for k, p, ws, as_, v, a in CASES:
        l = loss(v, a, ws, as_)
        gv, ga = grad(v, a, ws, as_)
        mc, se = monte_carlo(v, a, ws, as_)
        print(f"k={k} p={p}: loss {float(l):.12g}  Monte Carlo {mc:.6g} +- {se:.2g}  ({(mc - float(l)) / se:+.2f} SE)")
        rows.append(",".join([str(k), str(p), fmt(ws), fmt(as_), fmt(v), fmt(a), repr(float(l)), fmt(gv), fmt(ga)]))
    with open("population_reference.csv", "w") as fh:
        fh.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
