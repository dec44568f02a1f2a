#!/usr/bin/env python3
"""SciPy peer for bench/integration_bench: the same integrals through scipy.integrate.

Run single-threaded:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 \
      bench/peers/integration_peer.py [--reps 7]

Each line: median wall and CPU time per call and |value - exact|. Two peers for quad: a plain Python callback
(what most users write; math.* is faster than numpy scalars) and a compiled C callback through
scipy.LowLevelCallable (the fastest SciPy can do; needs gcc).
"""
import argparse
import ctypes
import math
import os
import subprocess
import tempfile

import scipy
from scipy import integrate
from peer_timing import per_call


def report(name, seconds, value, exact, extra=""):
    wall, cpu = seconds
    print(f"{name:<36s} median {wall * 1e6:10.2f} us/call (cpu {cpu * 1e6:8.2f})   |err| = {abs(value - exact):.3g}  {extra}",
          flush=True)


def c_callbacks():
    src = r"""
    #include <math.h>
    double log_sqrt(double x) { return log(x) / sqrt(x); }
    double gauss(double x) { return exp(-x * x); }
    double sine(double x) { return sin(x); }
    """
    d = tempfile.mkdtemp()
    c, so = os.path.join(d, "f.c"), os.path.join(d, "f.so")
    with open(c, "w") as fh:
        fh.write(src)
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", c, "-o", so, "-lm"], check=True)
    lib = ctypes.CDLL(so)
    out = {}
    for name in ("log_sqrt", "gauss", "sine"):
        f = getattr(lib, name)
        f.restype, f.argtypes = ctypes.c_double, (ctypes.c_double,)
        out[name] = scipy.LowLevelCallable(f)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args()
    inner = 200
    py = {
        "log_sqrt": lambda x: math.log(x) / math.sqrt(x),
        "gauss": lambda x: math.exp(-x * x),
        "sine": math.sin,
    }
    problems = [("log_sqrt", 0, 1, -4.0), ("gauss", -math.inf, math.inf, math.sqrt(math.pi)), ("sine", 0, math.pi, 2.0)]
    for name, a, b, exact in problems:
        t, (v, e) = per_call(lambda: integrate.quad(py[name], a, b), args.reps, inner)
        report(f"quad {name} (python callback)", t, v, exact, f"abserr {e:.2g}")
    try:
        cc = c_callbacks()
        for name, a, b, exact in problems:
            t, (v, e) = per_call(lambda: integrate.quad(cc[name], a, b), args.reps, inner)
            report(f"quad {name} (LowLevelCallable C)", t, v, exact, f"abserr {e:.2g}")
    except (OSError, subprocess.CalledProcessError) as exc:
        print("LowLevelCallable peer skipped:", exc)
    t, (v, e) = per_call(lambda: integrate.dblquad(lambda y, x: math.sin(x) * math.cos(y), 0, math.pi, 0, math.pi / 2),
                         args.reps, 5)
    report("dblquad sin x cos y (python)", t, v, 2.0, f"abserr {e:.2g}")


if __name__ == "__main__":
    main()
