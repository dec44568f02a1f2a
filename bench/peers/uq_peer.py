#!/usr/bin/env python3
"""SciPy/NumPy peer for bench/uq_bench: Sobol indices of the Ishigami function at N = 2^16, and
Monte Carlo propagation of the Ishigami function over 10^7 samples.

Run single-threaded:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 \
      bench/peers/uq_peer.py [--reps 5] [--only sobol|monte_carlo]

The same computation as uq.sobol, vectorised as a skilled NumPy user writes it (the SALib recipe):
a scrambled Sobol sequence in 2d dimensions (scipy.stats.qmc.Sobol), matrices A, B and A_B^i, one
vectorised model call on all N(d+2) rows, the centred Saltelli (2010) S1 and Jansen ST estimators
(the task's estimators), and, in the second line, 100 bootstrap replicates with the confidence
half-widths (1.96 x sd) and percentile intervals. The bootstrap is vectorised like ours: the index
draws become one (B, N) count matrix (np.bincount, drawn once), and every replicate's sums are one
BLAS product counts @ [per-row terms] instead of a random gather.

The Monte Carlo line is uq.monte_carlo's computation as a NumPy user writes it: in chunks of 10^6
samples (uniform inputs on [-pi, pi]^3 from default_rng, the vectorised model), keeping every value
for the outputs the task reports: mean, variance, the t interval of the mean, quantiles (np.quantile,
linear), min/max and a 30-bin histogram.
"""
import argparse
import os
import sys

import numpy as np
from scipy import stats
from scipy.stats import qmc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_timing import per_call  # noqa: E402

S1_EXACT = np.array([0.313905, 0.442411, 0.0])
ST_EXACT = np.array([0.557589, 0.442411, 0.243684])


def ishigami(x):
    return np.sin(x[:, 0]) + 7.0 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def terms(fa, fb, fab):
    """Per-row terms whose (weighted) means give every estimator: columns
    fa + fb, fa^2 + fb^2, fb (fab_i - fa) for each i, (fa - fab_i)^2 for each i."""
    return np.column_stack([fa + fb, fa * fa + fb * fb, (fb * (fab - fa)).T, ((fa - fab) ** 2).T])


def indices(sums, n, d):
    """S1, ST from row sums (weighted by the bootstrap counts); sums has the columns of terms()."""
    m = 2.0 * n
    mean = sums[..., 0] / m
    var = (sums[..., 1] - m * mean * mean) / (m - 1)
    s1 = sums[..., 2:2 + d] / (n * var[..., None])
    st = sums[..., 2 + d:2 + 2 * d] / (2.0 * n * var[..., None])
    return s1, st


def sobol_indices(n=65536, d=3, boot=100, seed=1):
    base = qmc.Sobol(d=2 * d, scramble=True, seed=seed).random_base2(m=int(np.log2(n)))
    lo, hi = -np.pi, np.pi
    a = lo + (hi - lo) * base[:, :d]
    b = lo + (hi - lo) * base[:, d:]
    ab = np.repeat(a[None, :, :], d, axis=0)
    for i in range(d):
        ab[i, :, i] = b[:, i]
    y = ishigami(np.concatenate([a, b, ab.reshape(-1, d)]))
    y -= np.mean(y[:2 * n])  # centred, as the task
    fa, fb, fab = y[:n], y[n:2 * n], y[2 * n:].reshape(d, n)
    t = terms(fa, fb, fab)
    s1, st = indices(t.sum(axis=0), n, d)
    if boot == 0:
        return s1, st, None, None
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(boot, n)) + n * np.arange(boot)[:, None]
    counts = np.bincount(idx.ravel(), minlength=boot * n).reshape(boot, n).astype(float)
    bs1, bst = indices(counts @ t, n, d)
    conf = (1.96 * bs1.std(axis=0, ddof=1), 1.96 * bst.std(axis=0, ddof=1))
    np.percentile(bs1, [2.5, 97.5], axis=0), np.percentile(bst, [2.5, 97.5], axis=0)
    return s1, st, conf[0], conf[1]


def monte_carlo(n=10_000_000, chunk=1_000_000, seed=1, levels=(0.05, 0.25, 0.5, 0.75, 0.95)):
    rng = np.random.default_rng(seed)
    y = np.empty(n)
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        y[start:start + m] = ishigami(rng.uniform(-np.pi, np.pi, size=(m, 3)))
    mean, var = y.mean(), y.var(ddof=1)
    half = stats.t.ppf(0.975, n - 1) * np.sqrt(var / n)
    q = np.quantile(y, levels)
    hist = np.histogram(y, bins=30)
    return mean, var, (mean - half, mean + half), q, y.min(), y.max(), hist


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--only", choices=["sobol", "monte_carlo"], help="run one of the two studies")
    args = ap.parse_args()
    for boot in (0, 100) if args.only != "monte_carlo" else ():
        (wall, cpu), (s1, st, c1, _) = per_call(lambda: sobol_indices(boot=boot), args.reps)
        err = max(np.max(np.abs(s1 - S1_EXACT)), np.max(np.abs(st - ST_EXACT)))
        name = f"sobol_ishigami_2^16 bootstrap={boot} (numpy)"
        extra = f"  S1_conf = {np.round(c1, 4)}" if c1 is not None else ""
        print(f"{name:<44s} median {wall * 1e3:10.2f} ms/call (cpu {cpu * 1e3:.2f} ms)   "
              f"max_abs_error {err:.3g}{extra}", flush=True)
    if args.only == "sobol":
        return
    (wall, cpu), out = per_call(monte_carlo, max(1, min(args.reps, 3)))
    name = "monte_carlo_ishigami_1e7 chunk=1e6 (numpy)"
    print(f"{name:<44s} median {wall * 1e3:10.2f} ms/call (cpu {cpu * 1e3:.2f} ms)   "
          f"abs_error {abs(out[0] - 3.5):.3g}", flush=True)


if __name__ == "__main__":
    main()
