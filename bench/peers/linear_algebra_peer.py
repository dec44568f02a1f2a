#!/usr/bin/env python3
"""SciPy/NumPy peer for bench/linear_algebra_bench: the same problems, sizes and accuracy measures.

Run single-threaded, like the C++ kernels:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 \
      bench/peers/linear_algebra_peer.py [--reps 5] [--sparse-reps 3] [--grid 1000] [--only dense|sparse]

Prints one line per kernel: median wall time over the repetitions and the scaled residual
||Ax-b|| / (||A|| ||x|| eps) (the REFERENCE_PROBLEMS residual bar) plus ||Ax-b||/||b||.
"""
import argparse
import statistics
import time

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg

EPS = np.finfo(float).eps


def median_time(fn, reps):
    times, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def report(name, seconds, scaled, rel):
    print(f"{name:<34s} median {seconds * 1e3:10.2f} ms   "
          f"||r||/(||A|| ||x|| eps) = {scaled:8.3g}   ||r||/||b|| = {rel:.3g}", flush=True)


def norm2_estimate(a, iters=60):
    """||A||_2 by power iteration on A^T A (the C++ bench uses the same estimate)."""
    v = np.ones(a.shape[1]) / np.sqrt(a.shape[1])
    s = 0.0
    for _ in range(iters):
        w = a.T @ (a @ v)
        s = np.sqrt(np.linalg.norm(w))
        v = w / np.linalg.norm(w)
    return s


def dense(n, reps):
    rng = np.random.default_rng(42)
    a = rng.standard_normal((n, n))  # cond ~ n: well conditioned, like the C++ kernel
    b = rng.standard_normal(n)
    norm_a = norm2_estimate(a)
    for label, fn in (("numpy.linalg.solve", lambda: np.linalg.solve(a, b)),
                      ("scipy.linalg.solve", lambda: scipy.linalg.solve(a, b, check_finite=True))):
        t, x = median_time(fn, reps)
        r = np.linalg.norm(a @ x - b)
        report(f"{label} n={n}", t, r / (norm_a * np.linalg.norm(x) * EPS), r / np.linalg.norm(b))


def laplacian_2d(m):
    """5-point Dirichlet Laplacian on an m x m interior grid (h scaling omitted), CSC."""
    t = scipy.sparse.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(m, m), format="csc")
    eye = scipy.sparse.identity(m, format="csc")
    return (scipy.sparse.kron(eye, t) + scipy.sparse.kron(t, eye)).tocsc()


def sparse(m, reps):
    a = laplacian_2d(m)
    b = np.ones(a.shape[0])
    norm_a = 8.0  # ||A||_2 < 8 for this stencil (exact bound 8 sin^2); same constant in C++
    t, x = median_time(lambda: scipy.sparse.linalg.spsolve(a, b), reps)
    r = np.linalg.norm(a @ x - b)
    report(f"scipy spsolve laplace2d n={m * m}", t,
           r / (norm_a * np.linalg.norm(x) * EPS), r / np.linalg.norm(b))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--sparse-reps", type=int, default=3)
    p.add_argument("--grid", type=int, default=1000, help="grid points per axis (n = grid^2)")
    p.add_argument("--only", choices=["dense", "sparse"])
    args = p.parse_args()
    print(f"numpy {np.__version__}, scipy {scipy.__version__}")
    if args.only != "sparse":
        for n in (1000, 2000):
            dense(n, args.reps)
    if args.only != "dense":
        sparse(args.grid, args.sparse_reps)


if __name__ == "__main__":
    main()
