#!/usr/bin/env python3
"""Reference values of the exact population loss and its gradients (docs/model.md sections 2 and 3),
computed independently of onecnn's Java code: the loss as the kernel double sum
    L = 1/2 [ sum_ij a_i a_j K(w,w;i,j) - 2 sum_ij a_i a*_j K(w,w*;i,j) + sum_ij a*_i a*_j K(w*,w*;i,j) ],
    K(u,u';i,j) = |u||u'| g(theta)/2pi if i == j (g the degree-1 arc-cosine kernel), |u||u'|/2pi otherwise,
and the gradients by complex-step-free central differences in extended precision (numpy longdouble),
so the Java closed forms are checked against a different route to the same numbers. A Monte Carlo
estimate (2e6 samples) is printed beside each loss as a sanity check of the kernel form itself.

Writes population_reference.csv (one row per case: k, p, w_star, a_star, v, a, loss, grad_a, grad_v; vectors
as space-separated numbers). Regenerate with:  python3 population_reference.py > /dev/null
"""
import numpy as np

L = np.longdouble
PI = L(np.pi)


def g(theta):
    return (PI - theta) * np.cos(theta) + np.sin(theta)


def loss(v, a, w_star, a_star):
    v, a, w_star, a_star = (np.asarray(x, dtype=L) for x in (v, a, w_star, a_star))
    w = v / np.sqrt(np.sum(v * v))
    c = np.sqrt(np.sum(w_star * w_star))
    cos = np.clip(np.sum(w * w_star) / c, -1, 1)
    theta = np.arccos(cos)
    k = len(a)

    def kern(nu, nv, same_angle, i, j):
        return nu * nv * (g(same_angle) if i == j else L(1)) / (2 * PI)

    s = L(0)
    for i in range(k):
        for j in range(k):
            s += a[i] * a[j] * kern(L(1), L(1), L(0), i, j)
            s -= 2 * a[i] * a_star[j] * kern(L(1), c, theta, i, j)
            s += a_star[i] * a_star[j] * kern(c, c, L(0), i, j)
    return s / 2


def grad(v, a, w_star, a_star, h=L(1e-7)):
    x = np.concatenate([np.asarray(v, dtype=L), np.asarray(a, dtype=L)])
    p = len(v)
    out = np.zeros(len(x), dtype=L)
    for i in range(len(x)):
        xp = x.copy(); xm = x.copy()
        xp[i] += h; xm[i] -= h
        out[i] = (loss(xp[:p], xp[p:], w_star, a_star) - loss(xm[:p], xm[p:], w_star, a_star)) / (2 * h)
    return out[:p], out[p:]


def monte_carlo(v, a, w_star, a_star, n=2_000_000, seed=7):
    rng = np.random.default_rng(seed)
    k, p = len(a), len(v)
    w = np.asarray(v) / np.linalg.norm(v)
    x = rng.standard_normal((n, k, p))
    f = np.maximum(x @ w, 0) @ np.asarray(a)
    y = np.maximum(x @ np.asarray(w_star), 0) @ np.asarray(a_star)
    l = 0.5 * (f - y) ** 2
    return l.mean(), l.std() / np.sqrt(n)


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
