#!/usr/bin/env python3
"""SciPy peer for bench/optimization_bench: the same problems and accuracy measures.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 \
      bench/peers/optimization_peer.py [--reps 7] [--fit-reps 200]

Rosenbrock 100-D from all -1.2 with scipy.optimize.minimize (L-BFGS-B and BFGS with the analytic
gradient rosen_der, L-BFGS-B with SciPy's finite differences) and NIST Misra1a with curve_fit
(repeated --fit-reps times per timing; the per-fit time is printed).
"""
import argparse
import statistics
import time

import numpy as np
from scipy.optimize import curve_fit, minimize, rosen, rosen_der

X = np.array([77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3, 536.8, 593.1, 689.1, 760.0])
Y = np.array([10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76, 55.05, 61.01, 66.40, 75.47, 81.78])
CERT = np.array([2.3894212918e2, 5.5015643181e-4, 2.7070075241, 7.2668688436e-6])


def median_time(fn, reps):
    times, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def misra(x, b1, b2):
    return b1 * (1.0 - np.exp(-b2 * x))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--fit-reps", type=int, default=200)
    a = ap.parse_args()
    x0 = np.full(100, -1.2)
    for name, kw in [("rosenbrock100/lbfgsb_jac", dict(method="L-BFGS-B", jac=rosen_der)),
                     ("rosenbrock100/bfgs_jac", dict(method="BFGS", jac=rosen_der)),
                     ("rosenbrock100/lbfgsb_fd", dict(method="L-BFGS-B"))]:
        t, res = median_time(lambda: minimize(rosen, x0, **kw), a.reps)
        print(f"{name:<28s} median {t * 1e3:9.2f} ms   max|x-1| = {np.max(np.abs(res.x - 1)):.2e}   "
              f"nfev = {res.nfev}", flush=True)

    def fit_many():
        for _ in range(a.fit_reps):
            p, c = curve_fit(misra, X, Y, p0=[500, 1e-4])
        return p, c

    t, (p, c) = median_time(fit_many, a.reps)
    got = np.concatenate([p, np.sqrt(np.diag(c))])
    print(f"{'misra1a':<28s} median {t / a.fit_reps * 1e6:9.2f} us   max rel err vs certified = "
          f"{np.max(np.abs(got / CERT - 1)):.2e}", flush=True)


if __name__ == "__main__":
    main()
