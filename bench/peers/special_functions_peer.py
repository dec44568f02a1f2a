#!/usr/bin/env python3
"""SciPy peer for bench/special_functions_bench: vectorised scipy.special / numpy.fft.

Run single-threaded:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 \
      bench/peers/special_functions_peer.py [--reps 7]
"""
import argparse
import statistics
import time

import numpy as np
from scipy import special


def median_time(fn, reps):
    times, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args()
    x = np.linspace(0.1, 100.0, 10**6)
    for name, fn in [("j0 1e6 (scipy.special.j0)", lambda: special.j0(x)),
                     ("jv(0, x) 1e6 (scipy.special.jv)", lambda: special.jv(0, x)),
                     ("gamma 1e6 (scipy.special.gamma)", lambda: special.gamma(x))]:
        t, y = median_time(fn, args.reps)
        print(f"{name:<36s} median {t * 1e3:9.3f} ms   {1e6 / t / 1e6:7.2f} M items/s", flush=True)
    for n in (1 << 16, 100000):
        s = np.sin(np.linspace(0.1, 100.0, n))
        t, _ = median_time(lambda: np.fft.fft(s), args.reps * 3)
        print(f"{'numpy.fft.fft n=' + str(n):<36s} median {t * 1e3:9.3f} ms", flush=True)
    s = np.sin(np.linspace(0.1, 100.0, 1 << 16))
    t, _ = median_time(lambda: np.fft.rfft(s), args.reps * 3)
    print(f"{'numpy.fft.rfft n=65536':<36s} median {t * 1e3:9.3f} ms", flush=True)


if __name__ == "__main__":
    main()
