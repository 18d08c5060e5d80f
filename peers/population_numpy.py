#!/usr/bin/env python3
"""Peer for timing only: exact population gradient descent with weight normalization
(non-overlapping patches, Gaussian input) for R random initializations at once, vectorized in numpy.

  full    : the update written in the full dimensions (v in R^p, a in R^k), as a numpy user would.
  reduced : the same iterates tracked through a handful of scalars per run (docs/model.md, section 7).

Usage: population_numpy.py full|reduced K P R STEPS   (prints run-steps per second)
Both variants compute the same iterates; compare their timings with the project's on one workload.
"""
import sys, time
import numpy as np

def setup(k, p, R, ratio=9.0, seed=0):
    rng = np.random.default_rng(seed)
    w_star = np.zeros(p); w_star[0] = 1.0
    u = rng.standard_normal(k); u -= u.mean(); u /= np.linalg.norm(u)
    a_star = (np.sqrt(ratio) / k) * np.ones(k) + np.sqrt(1 - ratio / k) * u
    v = rng.standard_normal((R, p)); v /= np.linalg.norm(v, axis=1, keepdims=True)
    g = rng.standard_normal((R, k)); g /= np.linalg.norm(g, axis=1, keepdims=True)
    radius = abs(a_star.sum()) / np.sqrt(k)
    a = g * (radius * rng.random(R) ** (1.0 / k))[:, None]
    return w_star, a_star, v, a

def full(k, p, R, steps, eta):
    w_star, a_star, v, a = setup(k, p, R)
    ones = np.ones(k)
    M = (np.outer(ones, ones) + (np.pi - 1) * np.eye(k)) / (2 * np.pi)
    for _ in range(steps):
        nv = np.linalg.norm(v, axis=1)
        phi = np.arccos(np.clip(v @ w_star / nv, -1, 1))
        g = (np.pi - phi) * np.cos(phi) + np.sin(phi)
        proj = w_star[None, :] - (v @ w_star)[:, None] * v / (nv ** 2)[:, None]
        gv = -((a @ a_star) * (np.pi - phi) / (2 * np.pi * nv))[:, None] * proj
        ga = a @ M.T - (a_star.sum() * ones[None, :] + (g - 1)[:, None] * a_star[None, :]) / (2 * np.pi)
        v = v - eta * gv
        a = a - eta * ga
    return v, a

def reduced(k, p, R, steps, eta):
    w_star, a_star, v, a = setup(k, p, R)
    x = v @ w_star; y = np.sqrt(np.maximum((v * v).sum(1) - x * x, 0))
    S = a.sum(1); P = a @ a_star; S1 = a_star.sum(); N2 = a_star @ a_star
    for _ in range(steps):
        nv2 = x * x + y * y; nv = np.sqrt(nv2)
        c = np.clip(x / nv, -1, 1); phi = np.arccos(c)
        g = (np.pi - phi) * c + np.sin(phi)
        coef = -(P * (np.pi - phi) / (2 * np.pi * nv))
        gx = coef * (1 - x * x / nv2); gy = coef * (-x * y / nv2)
        S_next = S - eta * ((k + np.pi - 1) * S - (k + g - 1) * S1) / (2 * np.pi)
        P_next = P - eta * ((S * S1 + (np.pi - 1) * P) - (S1 * S1 + (g - 1) * N2)) / (2 * np.pi)
        x = x - eta * gx; y = y - eta * gy; S = S_next; P = P_next
    return x, y

def main():
    variant = sys.argv[1]
    k, p, R, steps = (int(a) for a in sys.argv[2:6])
    t0 = time.perf_counter()
    (full if variant == "full" else reduced)(k, p, R, steps, 0.05)
    dt = time.perf_counter() - t0
    print(f"population_numpy {variant} k={k} p={p} R={R} steps={steps} seconds={dt:.3f} "
          f"run_steps_per_s={R * steps / dt:.4g}")

if __name__ == "__main__":
    main()
