#!/usr/bin/env python3
"""The peer of the sobol step of examples/uq-ode-sobol: the same study as a Python user writes it
with SciPy, timed the same way (median wall time of the whole step: design, 4096 solves, the
estimators with 200 bootstrap resamples).

  /usr/bin/python3 bench/step_study/uq_ode_sobol_peer.py [--reps 5]

Model: y' = -k*y + c, y(0) = 1, output y(2); k ~ lognormal(0, 0.25), c ~ uniform(0.2, 0.8); N = 1024
base points of a scrambled Sobol design (Saltelli: A, B and one A_B matrix per input, 1024 * (2 + 2)
= 4096 solves), rtol 1e-8, atol 1e-10 as in the example. Two ways a skilled user runs the solves:
  loop     odeint (LSODA) once per sample, with the analytic Jacobian (Dfun);
  stacked  one odeint call over all 4096 independent states, the Jacobian diagonal (banded, ml = mu
           = 0), so LSODA's overhead is paid once (all states then share one step sequence).
Each line prints the median, the largest error of y(2) against the closed form
c/k + (1 - c/k) exp(-2k) over the samples, and S1 / ST (reference by quadrature: S1 = (0.4540,
0.5311), ST = (0.4689, 0.5460); the differences are sampling error, the same for both).
"""
import argparse
import statistics
import time

import numpy as np
from scipy.integrate import odeint
from scipy.stats import qmc, norm

N, D, T = 1024, 2, 2.0
RTOL, ATOL = 1e-8, 1e-10


def design(seed=1):
    base = qmc.Sobol(d=2 * D, scramble=True, seed=seed).random(N)
    a, b = base[:, :D], base[:, D:]
    ab = []
    for j in range(D):
        m = a.copy()
        m[:, j] = b[:, j]
        ab.append(m)
    u = np.vstack([a, b] + ab)
    k = np.exp(0.25 * norm.ppf(u[:, 0]))
    c = 0.2 + 0.6 * u[:, 1]
    return k, c


def solve_loop(k, c):
    f = lambda y, t, kk, cc: -kk * y + cc
    jac = lambda y, t, kk, cc: np.array([[-kk]])
    out = np.empty(k.size)
    for i in range(k.size):
        out[i] = odeint(f, [1.0], [0.0, T], args=(k[i], c[i]), Dfun=jac, rtol=RTOL, atol=ATOL)[-1, 0]
    return out


def solve_stacked(k, c):
    f = lambda y, t: -k * y + c
    jac = lambda y, t: (-k)[np.newaxis, :]  # banded form, ml = mu = 0: one row, the diagonal
    y = odeint(f, np.ones(k.size), [0.0, T], Dfun=jac, ml=0, mu=0, rtol=RTOL, atol=ATOL)
    return y[-1]


def indices(y, rng, boot=200):
    ya, yb = y[:N], y[N:2 * N]
    yab = [y[(2 + j) * N:(3 + j) * N] for j in range(D)]

    def est(idx):
        a, b = ya[idx], yb[idx]
        var = np.var(np.concatenate([a, b]))
        s1 = [np.mean(b * (yab[j][idx] - a)) / var for j in range(D)]
        st = [0.5 * np.mean((a - yab[j][idx]) ** 2) / var for j in range(D)]
        return np.array(s1), np.array(st)

    s1, st = est(np.arange(N))
    reps = [est(rng.integers(0, N, N)) for _ in range(boot)]
    s1_conf = 1.96 * np.std([r[0] for r in reps], axis=0)
    st_conf = 1.96 * np.std([r[1] for r in reps], axis=0)
    return s1, st, s1_conf, st_conf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    for name, solve in (("loop", solve_loop), ("stacked", solve_stacked)):
        times = []
        for _ in range(args.reps):
            t0 = time.perf_counter()
            k, c = design()
            y = solve(k, c)
            s1, st, _, _ = indices(y, np.random.default_rng(1))
            times.append(time.perf_counter() - t0)
        exact = c / k + (1 - c / k) * np.exp(-T * k)
        err = np.max(np.abs(y - exact))
        print(f"uq-ode-sobol sobol step, odeint {name}: median {statistics.median(times) * 1e3:.1f} ms "
              f"over {args.reps}; max |y(2) error| {err:.1e}; S1 {np.round(s1, 4).tolist()} "
              f"ST {np.round(st, 4).tolist()}")


if __name__ == "__main__":
    main()
