#!/usr/bin/env python3
"""SciPy peers for bench/ode_bench: the strongest stepping a skilled SciPy user has, on the same
problems, right-hand sides and analytic Jacobians.

Run single-threaded:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 \
      bench/peers/ode_peer.py [--reps 5] [--only robertson|vdp|lorenz|hires] [--cvode build/bench/bench_cvode_limit]

Peers (all compiled Fortran stepping, Python right-hand side and Jacobian):
  odeint       scipy.integrate.odeint (ODEPACK LSODA: switches between Adams and BDF), Dfun given;
  vode         scipy.integrate.ode('vode') (BDF for the stiff problems, Adams for Lorenz), jac given;
  solve_ivp    kept as the reference point a casual user gets (Python stepping).
Each runs at several tolerance levels (rtol r; atol = r x the problem's atol scale, as
bench/ode_bench.cpp) so that bench/pairs.tsv can pair rows of matched accuracy: the worst relative
error of y(t_end) against a reference (odeint at rtol 1e-13; the values agree with the hard-coded
ones of bench/ode_bench.cpp to ~1e-12). --cvode also runs the bare CVODE C program (the limit row)
and forwards its lines.
"""
import argparse
import os
import subprocess
import sys
import warnings

import numpy as np
from scipy.integrate import ode, odeint, solve_ivp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_timing import per_call  # noqa: E402


def max_rel_err(y, ref, floor):
    return float(np.max(np.abs(np.asarray(y) - ref) / (np.abs(ref) + floor)))


class Problem:
    def __init__(self, name, f, jac, y0, t1, atol_scale, ref, floor, stiff, rtols, casual_rtol):
        self.name, self.f, self.jac, self.y0, self.t1 = name, f, jac, np.array(y0, float), t1
        self.atol_scale, self.ref, self.floor, self.stiff, self.rtols = atol_scale, ref, floor, stiff, rtols
        self.casual_rtol = casual_rtol  # the one level solve_ivp runs at (it is slow)


def robertson():
    def f(y, t):
        a, c = -0.04 * y[0] + 1e4 * y[1] * y[2], 3e7 * y[1] * y[1]
        return [a, -a - c, c]

    def jac(y, t):
        return [[-0.04, 1e4 * y[2], 1e4 * y[1]],
                [0.04, -1e4 * y[2] - 6e7 * y[1], -1e4 * y[1]],
                [0.0, 6e7 * y[1], 0.0]]

    ref = np.array([2.083340149701255e-8, 8.333360770334713e-14, 0.9999999791665050])
    return Problem("robertson", f, jac, [1, 0, 0], 1e11, 1e-4, ref, np.array([0, 1e-12, 0]), True,
                   [1e-6, 1e-7, 1e-8, 1e-9], 1e-9)


def vdp():
    mu = 1000.0

    def f(y, t):
        return [y[1], mu * (1 - y[0] * y[0]) * y[1] - y[0]]

    def jac(y, t):
        return [[0.0, 1.0], [-2 * mu * y[0] * y[1] - 1, mu * (1 - y[0] * y[0])]]

    ref = np.array([1.706167732170469, -8.928097010248125e-4])
    return Problem("vanderpol1000", f, jac, [2, 0], 2000.0, 1e-2, ref, np.zeros(2), True,
                   [1e-7, 1e-8, 1e-9], 1e-9)


def lorenz():
    s, r, b = 10.0, 28.0, 8.0 / 3.0

    def f(y, t):
        return [s * (y[1] - y[0]), y[0] * (r - y[2]) - y[1], y[0] * y[1] - b * y[2]]

    def jac(y, t):
        return [[-s, s, 0.0], [r - y[2], -1.0, -y[0]], [y[1], y[0], -b]]

    ref = np.array([-6.5121136994191495, -6.9740427884156597, 23.924129572104242])
    return Problem("lorenz", f, jac, [1, 1, 1], 5.0, 1e-2, ref, np.zeros(3), False,
                   [1e-9, 1e-10, 1e-11, 1e-12], 1e-11)


def hires():
    def f(y, t):
        r = 280.0 * y[5] * y[7]
        return [-1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007,
                1.71 * y[0] - 8.75 * y[1],
                -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4],
                8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3],
                -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6],
                -r + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6],
                r - 1.81 * y[6],
                -r + 1.81 * y[6]]

    def jac(y, t):
        j = np.zeros((8, 8))
        j[0, 0], j[0, 1], j[0, 2] = -1.71, 0.43, 8.32
        j[1, 0], j[1, 1] = 1.71, -8.75
        j[2, 2], j[2, 3], j[2, 4] = -10.03, 0.43, 0.035
        j[3, 1], j[3, 2], j[3, 3] = 8.32, 1.71, -1.12
        j[4, 4], j[4, 5], j[4, 6] = -1.745, 0.43, 0.43
        j[5, 3], j[5, 4], j[5, 5], j[5, 6], j[5, 7] = 0.69, 1.71, -280 * y[7] - 0.43, 0.69, -280 * y[5]
        j[6, 5], j[6, 6], j[6, 7] = 280 * y[7], -1.81, 280 * y[5]
        j[7, 5], j[7, 6], j[7, 7] = -280 * y[7], 1.81, -280 * y[5]
        return j

    # The test set's reference at t = 321.8122 (SciPy Radau at rtol 1e-13 agrees to 7e-14).
    ref = np.array([0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4,
                    0.1175651343283149e-2, 0.2386356198831331e-2, 0.6238968252742796e-2,
                    0.2849998395185769e-2, 0.2850001604814231e-2])
    return Problem("hires", f, jac, [1, 0, 0, 0, 0, 0, 0, 0.0057], 321.8122, 1e-4, ref, np.zeros(8),
                   True, [1e-7, 1e-8, 1e-9, 1e-10], 1e-9)


def run_odeint(p, rtol):
    y = odeint(p.f, p.y0, [0.0, p.t1], Dfun=p.jac, rtol=rtol, atol=rtol * p.atol_scale, mxstep=10**7)
    return y[-1]


def run_vode(p, rtol):
    r = ode(lambda t, y: p.f(y, t), lambda t, y: p.jac(y, t))
    r.set_integrator("vode", method="bdf" if p.stiff else "adams", with_jacobian=p.stiff,
                     rtol=rtol, atol=rtol * p.atol_scale, nsteps=10**7)
    r.set_initial_value(p.y0, 0.0)
    return r.integrate(p.t1)


def run_solve_ivp(p, rtol):
    fn = lambda t, y: np.array(p.f(y, t))
    if p.stiff:
        jac = lambda t, y: np.array(p.jac(y, t))
        return solve_ivp(fn, (0, p.t1), p.y0, method="BDF", jac=jac, rtol=rtol,
                         atol=rtol * p.atol_scale).y[:, -1]
    return solve_ivp(fn, (0, p.t1), p.y0, method="DOP853", rtol=rtol, atol=rtol * p.atol_scale).y[:, -1]


PEERS = [("odeint", "LSODA", run_odeint), ("vode", None, run_vode), ("solve_ivp", None, run_solve_ivp)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--only", choices=["robertson", "vdp", "lorenz", "hires"])
    ap.add_argument("--cvode", help="path of bench_cvode_limit (the bare CVODE C program)")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    print(f"# peer: scipy odeint/ode('vode')/solve_ivp; error = max_rel_err of y(t_end) vs reference", flush=True)
    for key, make in [("robertson", robertson), ("vdp", vdp), ("lorenz", lorenz), ("hires", hires)]:
        if args.only and key != args.only:
            continue
        p = make()
        for peer, method, fn in PEERS:
            method = method or (("BDF" if p.stiff else ("Adams" if peer == "vode" else "DOP853")))
            rtols = p.rtols if peer != "solve_ivp" else [p.casual_rtol]
            for rtol in rtols:
                (wall, cpu), y = per_call(lambda: fn(p, rtol), args.reps)
                label = f"{peer} {p.name} rtol={rtol:.0e} ({method})"
                print(f"{label:<52s} median {wall * 1e3:9.4f} ms (cpu {cpu * 1e3:9.4f} ms)   "
                      f"max_rel_err {max_rel_err(y, p.ref, p.floor):9.3g}", flush=True)
    if args.cvode:
        if os.access(args.cvode, os.X_OK):
            out = subprocess.run([args.cvode, str(args.reps)], capture_output=True, text=True, check=False)
            sys.stdout.write(out.stdout)
            if out.returncode:
                print(f"# {args.cvode} exited {out.returncode}: {out.stderr.strip()}")
        else:
            print(f"# {args.cvode} not built: no CVODE limit rows")


if __name__ == "__main__":
    main()
