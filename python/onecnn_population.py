"""The exact population loss of onecnn's one-hidden-layer CNN in numpy, independent of onecnn's Java code:
a way to check the closed forms of docs/model.md (sections 2 and 3) yourself, or to compute the loss and its
gradients at points of your own (e.g. a student's final (v, a) from a run's saved parameters).

Model (non-overlapping patches, Gaussian input, ReLU): f(x) = sum_i a_i relu(w^T Z_i), w = v/|v| (weight
normalization), teacher f*(x) = sum_i a*_i relu(w*^T Z_i), population loss L = E[(f - f*)^2] / 2. As the kernel
double sum
    L = 1/2 [ sum_ij a_i a_j K(w,w;i,j) - 2 sum_ij a_i a*_j K(w,w*;i,j) + sum_ij a*_i a*_j K(w*,w*;i,j) ],
    K(u,u';i,j) = |u||u'| g(theta)/2pi if i == j (g the degree-1 arc-cosine kernel), |u||u'|/2pi otherwise,
    g(theta) = (pi - theta) cos(theta) + sin(theta).

    loss(v, a, w_star, a_star)       the loss, in extended precision (numpy.longdouble)
    grad(v, a, w_star, a_star)       (dL/dv, dL/da) by central differences in extended precision: a route to the
                                     gradients different from the closed forms onecnn uses
    monte_carlo(v, a, w_star, a_star) a Monte Carlo estimate of the loss and its standard error, to check the
                                     kernel form itself

O(k^2) Python loops: meant for checking, not for sweeps. onecnn's test suite checks its Java closed forms
against values computed with this module (src/test/resources/reference/population_reference.csv). docs/python.md.
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
