#!/usr/bin/env python3
"""Peer for bench/external_python_bench: the function external.python calls, without SciAgents.

  /usr/bin/python3 bench/peers/external_python_peer.py [--reps 5]

Line 1: 10^5 calls of add(x1, x2) = x1 + x2 in a plain Python loop (the per-call floor a Python
user pays anyway). Line 2: one NumPy call on the whole arrays (the vectorised floor). Line 3: the
Ishigami function (np.sin, **) in one NumPy call on 10^6 points, the same points as
BM_PythonIshigamiFrame. Each prints max_abs_error against the values the C++ side checks.
"""
import argparse
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_timing import per_call  # noqa: E402

N = 100000


def add(x1, x2):
    return x1 + x2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    reps = ap.parse_args().reps
    i = np.arange(N, dtype=np.float64)
    a, b = 0.001 * i, 1.0 / (i + 1.0)
    la, lb = a.tolist(), b.tolist()
    exact = a + b

    def loop():
        return [add(la[k], lb[k]) for k in range(N)]

    (wall, cpu), out = per_call(loop, reps)
    err = float(np.max(np.abs(np.asarray(out) - exact)))
    print(f"{'python loop add 1e5 calls':<44s} median {wall * 1e3:10.2f} ms (cpu {cpu * 1e3:.2f} ms)   "
          f"per call {wall / N * 1e6:.3f} us  max_abs_error {err:.1e}")
    (wall, cpu), out = per_call(lambda: add(a, b), reps, inner=20)
    err = float(np.max(np.abs(out - exact)))
    print(f"{'numpy add 1e5 one call':<44s} median {wall * 1e3:10.3f} ms (cpu {cpu * 1e3:.3f} ms)   "
          f"max_abs_error {err:.1e}")

    m = 1000000
    u = (np.arange(m, dtype=np.float64) + 0.5) / m
    x1 = np.pi * (2 * u - 1)
    x2 = np.pi * (2 * np.fmod(u * 7919.0, 1.0) - 1)
    x3 = np.pi * (2 * np.fmod(u * 104729.0, 1.0) - 1)
    exact = [math.sin(p) + 7 * math.sin(q) ** 2 + 0.1 * r ** 4 * math.sin(p)
             for p, q, r in zip(x1[::1000].tolist(), x2[::1000].tolist(), x3[::1000].tolist())]
    (wall, cpu), out = per_call(lambda: ishigami(x1, x2, x3), reps, inner=3)
    err = float(np.max(np.abs(out[::1000] - np.asarray(exact))))
    print(f"{'numpy ishigami 1e6 one call':<44s} median {wall * 1e3:10.3f} ms "
          f"(cpu {cpu * 1e3:.3f} ms)   "
          f"max_abs_error {err:.1e}")


def ishigami(x1, x2, x3):
    return np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3 ** 4 * np.sin(x1)


if __name__ == "__main__":
    main()
