#!/usr/bin/env python3
"""NumPy peer for bench/inverse_bench: 10^5 adaptive-Metropolis steps on a 5-D linear-Gaussian posterior.

Run single-threaded:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 \
      bench/peers/inverse_peer.py [--reps 5]

Same problem and algorithm as the task: y = G theta + eps (30 data, sigma 0.5), N(0, 2^2) priors, MAP and
Laplace covariance as the start, 2 chains of 10^4 burn-in steps (proposal covariance adapted every 100
steps from the burn-in draws, Haario et al.) and 4 x 10^4 kept steps. What a competent NumPy user
writes: all Gaussian and uniform deviates drawn up front in one vectorised call per chain, the
unavoidable sequential loop doing only a 5x5 mat-vec, one 30x5 mat-vec and a dot product per step,
precomputed G^T G-free residual form, and np.cov/cholesky for the adaptation.

The strongest peer is the same loop compiled with numba (@njit, Debian python3-numba): the
"numba" line (its compilation is done once before timing). The "numpy" line is the interpreter loop.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_timing import per_call  # noqa: E402

try:
    from numba import njit
except ImportError:  # the numba line is skipped
    njit = None

M, D, SIGMA, PRIOR = 30, 5, 0.5, 2.0


def problem():
    i = np.arange(1, M + 1)[:, None]
    j = np.arange(1, D + 1)[None, :]
    g = np.cos(0.37 * i * j) + np.where((i - 1) % (j + 1) == 0, 0.5, 0.0)
    theta = 1.0 - 0.4 * np.arange(D)
    y = g @ theta + SIGMA * np.sin(7.3 * np.arange(1, M + 1))
    return g, y


def log_post(th, g, y):
    r = y - g @ th
    return -0.5 * (r @ r) / SIGMA**2 - 0.5 * (th @ th) / PRIOR**2


def chain(g, y, start, cov0, burn, samples, rng):
    sd = 2.38**2 / D
    total = burn + samples
    z = rng.standard_normal((total, D))
    logu = np.log(rng.random(total))
    chol = np.linalg.cholesky(cov0)
    x = start.copy()
    lp = log_post(x, g, y)
    hist = np.empty((burn, D))
    kept = np.empty((samples, D))
    acc = 0
    for t in range(total):
        prop = x + chol @ z[t]
        lq = log_post(prop, g, y)
        if logu[t] < lq - lp:
            x, lp = prop, lq
            if t >= burn:
                acc += 1
        if t < burn:
            hist[t] = x
            if (t + 1) % 100 == 0:
                c = np.cov(hist[: t + 1], rowvar=False)
                c[np.diag_indices(D)] += 1e-10 * c.diagonal().max()
                chol = np.linalg.cholesky(sd * c)
        else:
            kept[t - burn] = x
    return kept, acc / samples


def chain_loop(g, y, start, chol0, z, logu, burn, samples, sd):
    """chain() as explicit loops, for numba: same draws, same adaptation, same result."""
    d, m = start.shape[0], y.shape[0]
    total = burn + samples
    chol = chol0.copy()
    x = start.copy()
    prop = np.empty(d)
    hist = np.empty((burn, d))
    kept = np.empty((samples, d))

    def lp_of(th):
        s = 0.0
        for i in range(m):
            r = y[i]
            for j in range(d):
                r -= g[i, j] * th[j]
            s += r * r
        t = 0.0
        for j in range(d):
            t += th[j] * th[j]
        return -0.5 * s / SIGMA**2 - 0.5 * t / PRIOR**2

    lp = lp_of(x)
    for t in range(total):
        for i in range(d):
            acc = x[i]
            for j in range(i + 1):
                acc += chol[i, j] * z[t, j]
            prop[i] = acc
        lq = lp_of(prop)
        if logu[t] < lq - lp:
            x[:] = prop
            lp = lq
        if t < burn:
            hist[t] = x
            if (t + 1) % 100 == 0:
                c = np.cov(hist[: t + 1].T)
                mx = 0.0
                for i in range(d):
                    mx = max(mx, c[i, i])
                for i in range(d):
                    c[i, i] += 1e-10 * mx
                chol = np.linalg.cholesky(sd * c)
        else:
            kept[t - burn] = x
    return kept


chain_numba = njit(cache=False)(chain_loop) if njit else None


def run_numba(seed=1):
    """run() with the chain compiled by numba: the same random draws (drawn up front per chain)."""
    g, y = problem()
    prec = g.T @ g / SIGMA**2 + np.eye(D) / PRIOR**2
    cov = np.linalg.inv(prec)
    mapv = cov @ g.T @ y / SIGMA**2
    rng = np.random.default_rng(seed)
    draws = []
    for c in range(2):
        start = mapv + 2.0 * np.linalg.cholesky(cov) @ rng.standard_normal(D)
        z = rng.standard_normal((50000, D))
        logu = np.log(rng.random(50000))
        draws.append(chain_numba(g, y, start, np.linalg.cholesky(2.38**2 / D * cov), z, logu, 10000, 40000,
                                 2.38**2 / D))
    mean = np.concatenate(draws).mean(axis=0)
    return np.max(np.abs(mean - mapv) / np.sqrt(np.diag(cov)))


def run(seed=1):
    g, y = problem()
    prec = g.T @ g / SIGMA**2 + np.eye(D) / PRIOR**2
    cov = np.linalg.inv(prec)
    mapv = cov @ g.T @ y / SIGMA**2  # MAP = Laplace mean (exact here, as the task's LM finds)
    rng = np.random.default_rng(seed)
    draws = []
    for c in range(2):
        start = mapv + 2.0 * np.linalg.cholesky(cov) @ rng.standard_normal(D)
        kept, _ = chain(g, y, start, 2.38**2 / D * cov, 10000, 40000, rng)
        draws.append(kept)
    mean = np.concatenate(draws).mean(axis=0)
    return np.max(np.abs(mean - mapv) / np.sqrt(np.diag(cov)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    peers = [("numpy", run)]
    if chain_numba is not None:
        run_numba()  # compile outside the timing
        peers.append(("numba", run_numba))
    else:
        print("# numba line skipped: apt-get install python3-numba")
    for label, fn in peers:
        (wall, cpu), z = per_call(fn, args.reps)
        print(f"{'mcmc_am_1e5_steps_5d (' + label + ')':<36s} median {wall * 1e3:10.2f} ms/call "
              f"(cpu {cpu * 1e3:.2f} ms)   max_z {z:.3g}", flush=True)


if __name__ == "__main__":
    main()
