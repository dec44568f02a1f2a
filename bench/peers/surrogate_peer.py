#!/usr/bin/env python3
"""SciPy/NumPy peer for bench/surrogate_bench: GP fit of 500 points in 2-D.

Run single-threaded:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 \
      bench/peers/surrogate_peer.py [--reps 3] [--restarts 0 4]

Same problem and model as surrogate.gp in bench/surrogate_bench.cpp: Branin at the R2 points,
y + sin(17 i); RBF kernel with ARD length scales, fitted noise, constant mean profiled out by GLS,
normalised y; the log marginal likelihood with its analytic gradient, written as a competent
NumPy user would (vectorised kernel, scipy.linalg.cho_factor / cho_solve, K^-1 by cho_solve on the
identity), maximised by scipy.optimize.minimize(method="L-BFGS-B", jac=True) in log parameters with
the same bounds and the same default start; extra starts are log-uniform in the same sub-box.
(scikit-learn's GaussianProcessRegressor does the same computation; it is not installed here.)
"""
import argparse

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.optimize import minimize
from peer_timing import per_call

LOG2PI = np.log(2 * np.pi)


def problem(n=500):
    i = np.arange(n)
    u = np.mod(0.5 + i * 0.7548776662466927, 1.0)
    v = np.mod(0.5 + i * 0.5698402909980532, 1.0)
    x = np.column_stack([-5 + 15 * u, 15 * v])
    b, c, t = 5.1 / (4 * np.pi ** 2), 5 / np.pi, 1 / (8 * np.pi)
    y = (x[:, 1] - b * x[:, 0] ** 2 + c * x[:, 0] - 6) ** 2 + 10 * (1 - t) * np.cos(x[:, 0]) + 10 + np.sin(17.0 * i)
    return x, y


def neg_lml_and_grad(theta, x, y):
    n, d = x.shape
    sf2, ell, sn2 = np.exp(theta[0]), np.exp(theta[1:1 + d]), np.exp(theta[1 + d])
    xs = x / ell
    diff2 = (xs[:, None, :] - xs[None, :, :]) ** 2          # n x n x d
    kern = sf2 * np.exp(-0.5 * diff2.sum(axis=2))
    K = kern + sn2 * np.eye(n)
    try:
        cf = cho_factor(K, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        return 1e300, np.zeros_like(theta)
    ones = np.ones(n)
    kinv1 = cho_solve(cf, ones, check_finite=False)
    beta = kinv1 @ y / kinv1.sum()
    r = y - beta
    alpha = cho_solve(cf, r, check_finite=False)
    logdet = 2 * np.log(np.diag(cf[0])).sum()
    lml = -0.5 * r @ alpha - 0.5 * logdet - 0.5 * n * LOG2PI
    W = np.outer(alpha, alpha) - cho_solve(cf, np.eye(n), check_finite=False)
    g = np.empty_like(theta)
    g[0] = 0.5 * np.sum(W * kern)
    g[1:1 + d] = 0.5 * np.einsum("ij,ijk->k", W * kern, diff2)
    g[1 + d] = 0.5 * np.trace(W) * sn2
    return -lml, -g


def fit(x, y, restarts=0, seed=1):
    n, d = x.shape
    yn = (y - y.mean()) / y.std(ddof=1)
    rng = x.max(axis=0) - x.min(axis=0)
    lo = np.r_[np.log(1e-3), np.log(1e-3 * rng), np.log(1e-10)]
    hi = np.r_[np.log(1e3), np.log(1e2 * rng), np.log(10.0)]
    x0 = np.r_[0.0, np.log(0.3 * rng), np.log(1e-2)]
    gen = np.random.default_rng(seed)
    best, evals = None, 0
    for s in range(restarts + 1):
        start = x0.copy()
        if s > 0:
            start[0] = np.log(100.0) * (gen.random() - 0.5)
            start[1:1 + d] = np.log(rng) + np.log(0.05) + np.log(40.0) * gen.random(d)
            start[1 + d] = np.log(1e-6) + np.log(1e5) * gen.random()
        res = minimize(neg_lml_and_grad, start, args=(x, yn), jac=True, method="L-BFGS-B",
                       bounds=list(zip(lo, hi)), options={"maxfun": 500, "ftol": 1e-10, "gtol": 1e-8})
        evals += res.nfev
        if best is None or res.fun < best.fun:
            best = res
    lml_y = -best.fun - n * np.log(y.std(ddof=1))
    return best.x, lml_y, evals


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--restarts", type=int, nargs="*", default=[0, 4])
    a = ap.parse_args()
    x, y = problem()
    for restarts in a.restarts:
        (wall, cpu), (theta, lml, evals) = per_call(lambda: fit(x, y, restarts), a.reps)
        print(f"gp fit n=500 d=2 restarts={restarts}: median wall {1e3 * wall:.0f} ms, "
              f"CPU {1e3 * cpu:.0f} ms, lml {lml:.3f}, likelihood evaluations {evals}, "
              f"per evaluation {1e3 * wall / evals:.1f} ms")


if __name__ == "__main__":
    main()
