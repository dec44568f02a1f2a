#!/usr/bin/env python3
"""SciPy/NumPy peer for bench/uq_bench: Sobol indices of the Ishigami function at N = 2^16.

Run single-threaded:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 \
      bench/peers/uq_peer.py [--reps 5]

What a competent NumPy user writes (the SALib recipe, vectorised): a scrambled Sobol sequence in
2d dimensions (scipy.stats.qmc.Sobol), matrices A, B and A_B^i, one vectorised model call on all
N(d+2) rows, the Saltelli (2010) S1 and Jansen ST estimators, and 100 bootstrap replicates by
fancy indexing with a (B, N) index array.
"""
import argparse

import numpy as np
from scipy.stats import qmc
from peer_timing import per_call

S1_EXACT = np.array([0.313905, 0.442411, 0.0])
ST_EXACT = np.array([0.557589, 0.442411, 0.243684])


def ishigami(x):
    return np.sin(x[:, 0]) + 7.0 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def sobol_indices(n=65536, d=3, boot=100, seed=1):
    base = qmc.Sobol(d=2 * d, scramble=True, seed=seed).random_base2(m=int(np.log2(n)))
    lo, hi = -np.pi, np.pi
    a = lo + (hi - lo) * base[:, :d]
    b = lo + (hi - lo) * base[:, d:]
    ab = np.repeat(a[None, :, :], d, axis=0)
    for i in range(d):
        ab[i, :, i] = b[:, i]
    y = ishigami(np.concatenate([a, b, ab.reshape(-1, d)]))
    fa, fb, fab = y[:n], y[n:2 * n], y[2 * n:].reshape(d, n)
    centre = np.mean(y[:2 * n])
    fa, fb, fab = fa - centre, fb - centre, fab - centre

    def estimate(fa, fb, fab):
        var = np.var(np.concatenate([fa, fb], axis=-1), axis=-1, ddof=1)
        s1 = np.mean(fb[..., None, :] * (fab - fa[..., None, :]), axis=-1) / var[..., None]
        st = 0.5 * np.mean((fa[..., None, :] - fab) ** 2, axis=-1) / var[..., None]
        return s1, st

    s1, st = estimate(fa, fb, fab)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(boot, n))
    bs1, bst = estimate(fa[idx], fb[idx], np.transpose(fab[:, idx], (1, 0, 2)))
    return s1, st, 1.96 * bs1.std(axis=0, ddof=1), 1.96 * bst.std(axis=0, ddof=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    (wall, cpu), (s1, st, c1, ct) = per_call(sobol_indices, args.reps)
    err = max(np.max(np.abs(s1 - S1_EXACT)), np.max(np.abs(st - ST_EXACT)))
    print(f"{'sobol_ishigami_2^16 (numpy/scipy)':<36s} median {wall * 1e3:10.2f} ms/call "
          f"(cpu {cpu * 1e3:.2f} ms)   "
          f"max|S - S_exact| = {err:.3g}  S1_conf = {np.round(c1, 4)}", flush=True)


if __name__ == "__main__":
    main()
