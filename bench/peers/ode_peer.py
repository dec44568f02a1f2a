#!/usr/bin/env python3
"""SciPy peer for bench/ode_bench: scipy.integrate.solve_ivp on the same problems and tolerances.

Run single-threaded:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 \
      bench/peers/ode_peer.py [--reps 5] [--only robertson|vdp|lorenz]

Competent peer: vectorised NumPy right-hand sides, analytic Jacobians for BDF. Prints the median wall
time and the worst relative error of y(t_end) against the same references as the C++ bench.
"""
import argparse
import statistics
import time

import numpy as np
from scipy.integrate import solve_ivp


def median_time(fn, reps):
    times, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def max_rel_err(y, ref, floor):
    return float(np.max(np.abs(y - ref) / (np.abs(ref) + floor)))


def robertson():
    def f(t, y):
        return np.array([-0.04 * y[0] + 1e4 * y[1] * y[2],
                         0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] ** 2,
                         3e7 * y[1] ** 2])

    def jac(t, y):
        return np.array([[-0.04, 1e4 * y[2], 1e4 * y[1]],
                         [0.04, -1e4 * y[2] - 6e7 * y[1], -1e4 * y[1]],
                         [0.0, 6e7 * y[1], 0.0]])

    ref = np.array([2.083340149701255e-8, 8.333360770334713e-14, 0.9999999791665050])
    run = lambda: solve_ivp(f, (0, 1e11), [1.0, 0.0, 0.0], method="BDF", jac=jac, rtol=1e-8, atol=1e-12)
    return run, ref, np.array([0, 1e-12, 0])


def vdp():
    mu = 1000.0

    def f(t, y):
        return np.array([y[1], mu * (1 - y[0] ** 2) * y[1] - y[0]])

    def jac(t, y):
        return np.array([[0.0, 1.0], [-2 * mu * y[0] * y[1] - 1, mu * (1 - y[0] ** 2)]])

    ref = np.array([1.706167732170469, -8.928097010248125e-4])
    run = lambda: solve_ivp(f, (0, 2000), [2.0, 0.0], method="BDF", jac=jac, rtol=1e-8, atol=1e-10)
    return run, ref, np.zeros(2)


def lorenz():
    s, r, b = 10.0, 28.0, 8.0 / 3.0

    def f(t, y):
        return np.array([s * (y[1] - y[0]), y[0] * (r - y[2]) - y[1], y[0] * y[1] - b * y[2]])

    ref = solve_ivp(f, (0, 5), [1.0, 1.0, 1.0], method="DOP853", rtol=1e-13, atol=1e-15).y[:, -1]
    run = lambda: solve_ivp(f, (0, 5), [1.0, 1.0, 1.0], method="DOP853", rtol=1e-10, atol=1e-12)
    return run, ref, np.zeros(3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--only", choices=["robertson", "vdp", "lorenz"])
    args = ap.parse_args()
    for key, name, make in [("robertson", "robertson_bdf", robertson), ("vdp", "vanderpol1000_bdf", vdp),
                            ("lorenz", "lorenz_dop853", lorenz)]:
        if args.only and key != args.only:
            continue
        run, ref, floor = make()
        t, sol = median_time(run, args.reps)
        print(f"{name:<20s} median {t * 1e3:10.2f} ms   max_rel_err {max_rel_err(sol.y[:, -1], ref, floor):9.3g}   "
              f"nsteps {sol.t.size - 1:6d}   nfev {sol.nfev:7d}   status {sol.status}", flush=True)


if __name__ == "__main__":
    main()
