#!/usr/bin/env python3
"""SciPy peer for bench/integration_bench: the same integrals through scipy.integrate (QUADPACK).

Run single-threaded:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 \
      bench/peers/integration_peer.py [--reps 7] [--lib build/bench/libbench_integrands.so]

Each line: median wall and CPU time per call, abs_error = |value - exact| and QUADPACK's abserr.
Three callbacks into the same QUADPACK (default tolerances epsabs 1.49e-8, epsrel 1.49e-8):
  python callback      a plain Python function (what most users write; math.* beats numpy scalars);
  LowLevelCallable C   the compiled C library bench/c/integrands.c (built by the bench as
                       libbench_integrands.so; without --lib the script compiles it with gcc);
  numba cfunc          scipy.LowLevelCallable from numba.cfunc (Debian python3-numba), if installed.
The compiled callbacks are the strongest SciPy peer: QUADPACK never re-enters the interpreter.
"""
import argparse
import ctypes
import math
import os
import subprocess
import sys
import tempfile

import scipy
from scipy import integrate

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_timing import per_call  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = ("log_sqrt", "gauss", "sine")


def report(name, seconds, value, exact, extra=""):
    wall, cpu = seconds
    print(f"{name:<40s} median {wall * 1e6:10.2f} us/call (cpu {cpu * 1e6:8.2f})   "
          f"abs_error {abs(value - exact):.3g}  {extra}", flush=True)


def c_library(path):
    """The compiled integrands: PATH if given and present, else bench/c/integrands.c built with gcc."""
    if not path or not os.path.exists(path):
        d = tempfile.mkdtemp()
        path = os.path.join(d, "libbench_integrands.so")
        subprocess.run(["gcc", "-O2", "-shared", "-fPIC", os.path.join(HERE, "..", "c", "integrands.c"),
                        "-o", path, "-lm"], check=True)
    lib = ctypes.CDLL(path)
    out = {}
    for name in NAMES:
        f = getattr(lib, name)
        f.restype, f.argtypes = ctypes.c_double, (ctypes.c_double,)
        out[name] = scipy.LowLevelCallable(f)
    f = lib.sin_cos
    f.restype, f.argtypes = ctypes.c_double, (ctypes.c_int, ctypes.POINTER(ctypes.c_double))
    out["sin_cos"] = scipy.LowLevelCallable(f)
    return out


def numba_callbacks():
    from numba import cfunc, types  # Debian python3-numba
    sig = types.float64(types.float64)
    fns = {"log_sqrt": lambda x: math.log(x) / math.sqrt(x), "gauss": lambda x: math.exp(-x * x),
           "sine": lambda x: math.sin(x)}
    return {k: scipy.LowLevelCallable(cfunc(sig)(f).ctypes) for k, f in fns.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--lib", help="libbench_integrands.so built by the bench (bench/c/integrands.c)")
    args = ap.parse_args()
    inner = 200
    py = {
        "log_sqrt": lambda x: math.log(x) / math.sqrt(x),
        "gauss": lambda x: math.exp(-x * x),
        "sine": math.sin,
    }
    problems = [("log_sqrt", 0, 1, -4.0), ("gauss", -math.inf, math.inf, math.sqrt(math.pi)),
                ("sine", 0, math.pi, 2.0)]
    callbacks = [("python callback", py)]
    try:
        callbacks.append(("LowLevelCallable C", c_library(args.lib)))
    except (OSError, subprocess.CalledProcessError) as exc:
        print("# LowLevelCallable C peer skipped:", exc)
    try:
        callbacks.append(("numba cfunc", numba_callbacks()))
    except ImportError as exc:
        print("# numba cfunc peer skipped (apt-get install python3-numba):", exc)
    for label, fns in callbacks:
        for name, a, b, exact in problems:
            t, (v, e) = per_call(lambda: integrate.quad(fns[name], a, b), args.reps, inner)
            report(f"quad {name} ({label})", t, v, exact, f"abserr {e:.2g}")
    t, (v, e) = per_call(lambda: integrate.dblquad(lambda y, x: math.sin(x) * math.cos(y), 0, math.pi, 0,
                                                   math.pi / 2), args.reps, 5)
    report("dblquad sin x cos y (python)", t, v, 2.0, f"abserr {e:.2g}")
    if len(callbacks) > 1 and "sin_cos" in callbacks[1][1]:
        f = callbacks[1][1]["sin_cos"]
        t, (v, e) = per_call(lambda: integrate.nquad(f, [[0, math.pi], [0, math.pi / 2]]), args.reps, 5)
        report("nquad sin x cos y (LowLevelCallable C)", t, v, 2.0, f"abserr {e:.2g}")


if __name__ == "__main__":
    main()
