#!/usr/bin/python3
"""Overhead of a Python callable as a `uq.sobol` model (issue 20's acceptance):
  - scalar: 10^5+ calls cost <= 2 us each beyond the callable itself;
  - vectorised: the model's evaluation inside the run is within 1.2x of calling the function once
    on the whole (N(d+2), d) array.

Model x1 + 2*x2 on U(0,1)^2 (d = 2), N = 2^15 base samples: N(d+2) = 131072 model calls (read from
the step's `evaluations` output). Every figure is the best of --reps runs in this one process, the
runs alternating (expression, scalar, vectorised, loops, whole-array call) so that load hits all
alike; one engine thread (`run(threads=1)`), no cache, no bootstrap.

  a   sobol with the scalar Python model         f(x), x a fresh 1-D float64 array of one sample
  c   sobol with the expression model "x1 + 2*x2" (the engine's own cost: sampling, estimation, and
      a compiled expression's evaluation, which is not callable overhead)
  b0  f alone 131072 times in a Python loop on 1-D arrays built beforehand
  b1  the same loop building each argument as it goes (np.array of the sample's row): f plus
      making its argument, as the engine must
  overhead per call = (a - c - b) / calls, reported against b0 and against b1, and the same with
  the replay run r below in place of c (c includes the expression's own evaluation, which costs
  more than a vectorised NumPy model: r is the tighter baseline, giving the larger overhead).

  v   sobol with the @sciagents.vectorized model (X[:, 0] + 2*X[:, 1])
  r   sobol with a vectorised "replay" model giving back the results fv gave for the same batches
      (engine and adapter cost, no model work): a second baseline for the scalar overhead
  w   one call of the same function on the whole (calls, d) array (column-major, as the engine
      passes it; a C-ordered copy is printed too)
  w_cold  the same single call with its temporaries and result on fresh pages (malloc_trim first)
  in-run model time: v - c (meaningless when the expression costs more than fv, printed as asked),
  v - r, and directly: fv wrapped so that it adds up its own perf_counter time inside the run.
  ratio = in-run model time / w (the acceptance line uses the direct measurement).

Usage: PYTHONPATH=build/python /usr/bin/python3 bench/python_callable_overhead.py [--reps 5] [--n 32768]
"""
import argparse
import datetime
import os
import platform
import resource
import sys
import time

import numpy as np

import sciagents

D = 2
INPUTS = [{"name": "x%d" % (i + 1), "dist": "uniform", "a": 0.0, "b": 1.0} for i in range(D)]


def f(x):
    return x[0] + 2 * x[1]


def fv(X):
    return X[:, 0] + 2 * X[:, 1]


def faults():
    """Minor page faults of this thread so far."""
    return resource.getrusage(resource.RUSAGE_THREAD).ru_minflt


class Clock:
    """Wall time and CPU time (of the process, or of this thread) of a block."""

    def __init__(self, cpu=time.process_time):
        self.cpu_clock = cpu

    def __enter__(self):
        self.f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        self.w0, self.c0 = time.perf_counter(), self.cpu_clock()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.w0, self.cpu_clock() - self.c0
        self.faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - self.f0


class Timed:
    """fv, adding up the time spent inside it (wall and this thread's CPU; calls, rows, page faults)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.wall, self.cpu, self.calls, self.rows, self.faults = 0.0, 0.0, 0, 0, 0

    def __call__(self, X):
        f0 = faults()
        with Clock(time.thread_time) as c:
            y = fv(X)
        self.wall += c.wall
        self.cpu += c.cpu
        self.faults += faults() - f0
        self.calls += 1
        self.rows += X.shape[0]
        return y


def sobol(model, n):
    return sciagents.Workflow(name="overhead").add_step(
        "s", "uq.sobol", model=model, inputs=INPUTS, n=n, seed=7, bootstrap=0)


def timed_run(wf):
    """(wall, process CPU) of one run, and the step. The engine thread does the work; this thread
    waits (its CPU time is part of process CPU, and small)."""
    with Clock() as c:
        r = wf.run(threads=1, cache=False)
    s = r["s"]
    if not r.ok:
        sys.exit("sobol failed: %s" % s.error)
    run_faults.setdefault(id(wf), []).append(c.faults)
    return (c.wall, c.cpu), s


run_faults = {}   # id(workflow) -> page faults of the process in each run


def trim():
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((l.split(":", 1)[1].strip() for l in fh if l.startswith("model name")), model)
    except OSError:
        pass
    return "%s, %s, %d cores" % (platform.node(), model, os.cpu_count() or 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--n", type=int, default=1 << 15, help="Sobol base samples N (calls = N(d+2))")
    a = ap.parse_args()

    expr_wf = sobol("x1 + 2*x2", a.n)
    scalar_wf = sobol(f, a.n)
    vec_wf = sobol(sciagents.vectorized(fv), a.n)
    timed = Timed()
    timed_wf = sobol(sciagents.vectorized(timed), a.n)
    # Replay: returns the results fv gave for the same batches, computing nothing (the batches are
    # the same in every run: same seed). A run with it costs the engine and the adapter only.
    replies = []

    def record(X):
        replies.append(fv(X))
        return replies[-1]

    timed_run(sobol(sciagents.vectorized(record), a.n))
    replay_at = [0]

    def replay(X):
        y = replies[replay_at[0] % len(replies)]
        replay_at[0] += 1
        return y

    replay_wf = sobol(sciagents.vectorized(replay), a.n)

    # The number of model calls, and the same kind of inputs for the loops (uniform samples).
    _, s = timed_run(expr_wf)
    calls = int(s["evaluations"])
    rng = np.random.default_rng(1)
    X = rng.random((calls, D))
    XF = np.asfortranarray(X)
    XF.flags.writeable = False   # the engine's view is read-only
    rows = [np.array(X[i]) for i in range(calls)]
    # The same wrapped fv with batch = all rows: the engine calls it once per run.
    timed1 = Timed()
    timed1_wf = sobol(sciagents.vectorized(timed1, batch=calls), a.n)

    def loop_prebuilt():
        with Clock() as c:
            for x in rows:
                f(x)
        return c.wall, c.cpu

    def loop_building():
        with Clock() as c:
            for i in range(calls):
                f(np.array(X[i]))
        return c.wall, c.cpu

    def whole(arr):
        with Clock(time.thread_time) as c:
            fv(arr)
        return c.wall, c.cpu

    def whole_cold():
        """fv once on a fresh copy, after freeing the memory of earlier calls back to the system
        (malloc_trim): its temporaries and result are fresh pages, as for the first call of a run."""
        arr = XF.copy(order="F")
        trim()
        f0 = faults()
        t = whole(arr)
        return t, faults() - f0

    inf = (float("inf"), float("inf"))
    best = {}

    def keep(key, t):
        """Best wall and best CPU, each over the repetitions."""
        old = best.get(key, inf)
        best[key] = (min(old[0], t[0]), min(old[1], t[1]))

    direct_faults, direct1_faults, cold_faults = [], [], []
    checks = {}
    for _ in range(a.reps):
        t, s = timed_run(expr_wf)
        keep("c", t)
        checks["expr"] = np.asarray(s["S1"])
        t, s = timed_run(scalar_wf)
        keep("a", t)
        checks["scalar"] = np.asarray(s["S1"])
        assert int(s["evaluations"]) == calls
        t, s = timed_run(vec_wf)
        keep("v", t)
        checks["vec"] = np.asarray(s["S1"])
        timed.reset()
        t, s = timed_run(timed_wf)
        keep("direct", (timed.wall, timed.cpu))
        direct_faults.append(timed.faults)
        direct_calls, direct_rows = timed.calls, timed.rows
        timed1.reset()
        timed_run(timed1_wf)
        keep("direct1", (timed1.wall, timed1.cpu))
        direct1_faults.append(timed1.faults)
        direct1_calls = timed1.calls
        replay_at[0] = 0
        t, s = timed_run(replay_wf)
        keep("r", t)
        checks["replay"] = np.asarray(s["S1"])
        keep("b0", loop_prebuilt())
        keep("b1", loop_building())
        keep("w", whole(XF))
        keep("wC", whole(X))
        t, nf = whole_cold()
        keep("wcold", t)
        cold_faults.append(nf)
    for k in ("scalar", "vec", "replay"):
        if not np.allclose(checks[k], checks["expr"], atol=1e-12):
            sys.exit("S1 of the %s model %s differs from the expression's %s" % (k, checks[k], checks["expr"]))

    us = 1e6 / calls
    W, C = 0, 1

    def per_call(i, base, loop):
        return (best["a"][i] - best[base][i] - best[loop][i]) * us

    ms = lambda t: "%.3f ms" % (t * 1e3)  # noqa: E731
    print("Measured %s on %s, Python %s, NumPy %s, sciagents %s" % (
        datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), machine(),
        platform.python_version(), np.__version__, sciagents.__version__))
    print("uq.sobol, model x1 + 2*x2, d=%d, N=%d: %d model calls; best of %d alternating repetitions (wall and "
          "CPU each); run(threads=1, cache=False), bootstrap 0. CPU: process CPU time for runs and loops, "
          "the calling thread's CPU time inside fv and for the single calls." % (D, a.n, calls, a.reps))
    print("")
    print("### scalar: f(x) = x[0] + 2*x[1], x a 1-D float64 array of one sample")
    print("")
    print("| quantity | wall | per call | CPU | per call |")
    print("|---|---:|---:|---:|---:|")
    pf = lambda wf: "page faults " + "/".join(map(str, run_faults[id(wf)][-a.reps:]))  # noqa: E731
    for label, key in (("a  sobol, scalar Python model (%s)" % pf(scalar_wf), "a"),
                       ("c  sobol, expression model x1 + 2*x2 (%s)" % pf(expr_wf), "c"),
                       ("r  sobol, vectorised replay model: engine + adapter, no model work (%s)" % pf(replay_wf),
                        "r"),
                       ("b0 f alone in a Python loop (arguments built beforehand)", "b0"),
                       ("b1 f + building its argument np.array(X[i]) in the loop", "b1")):
        print("| %s | %s | %.3f µs | %s | %.3f µs |" % (label, ms(best[key][W]), best[key][W] * us,
                                                      ms(best[key][C]), best[key][C] * us))
    rows_over = []
    for label, base, loop in (("(a - c - b0) / calls: beyond f alone, expression baseline", "c", "b0"),
                              ("(a - r - b0) / calls: beyond f alone, replay baseline", "r", "b0"),
                              ("(a - c - b1) / calls: beyond f + its argument, expression baseline", "c", "b1"),
                              ("(a - r - b1) / calls: beyond f + its argument, replay baseline", "r", "b1")):
        o = (per_call(W, base, loop), per_call(C, base, loop))
        rows_over.append(o)
        print("| **overhead %s** | | **%.3f µs** | | **%.3f µs** |" % (label, o[0], o[1]))
    print("")
    print("### vectorised: @sciagents.vectorized fv(X) = X[:, 0] + 2*X[:, 1], X an (n, d) array")
    print("")
    print("| quantity | wall | CPU |")
    print("|---|---:|---:|")
    for label, key in (("v  sobol, vectorised Python model (%s)" % pf(vec_wf), "v"),
                       ("c  sobol, expression model", "c"),
                       ("r  sobol, replay model (same batches, results given back without computing)", "r"),
                       ("fv's own time inside the run (wrapped; %d calls, %d rows; page faults per repetition "
                        "%s)" % (direct_calls, direct_rows, "/".join(map(str, direct_faults))), "direct"),
                       ("the same with vectorized(batch=%d): %d call per run (page faults %s)" % (
                           calls, direct1_calls, "/".join(map(str, direct1_faults))), "direct1"),
                       ("w  fv once on the whole (%d, %d) array, column-major as the engine passes it"
                        % (calls, D), "w"),
                       ("fv once on a C-ordered copy (for reference)", "wC"),
                       ("w_cold  fv once on the whole array, its memory fresh pages (malloc_trim first; page "
                        "faults %s)" % "/".join(map(str, cold_faults)), "wcold")):
        print("| %s | %s | %s |" % (label, ms(best[key][W]), ms(best[key][C])))
    for label, num in (("v - c (by difference with the expression run; negative: the compiled expression "
                        "costs more than fv)", lambda i: best["v"][i] - best["c"][i]),
                       ("v - r (fv's cost inside the run, by difference with the replay run)",
                        lambda i: best["v"][i] - best["r"][i])):
        print("| %s | %s | %s |" % (label, ms(num(W)), ms(num(C))))
    ratio = lambda key, i: best[key][i] / best["w"][i]  # noqa: E731
    print("| ratio (v - c) / w | %.2f | %.2f |" % ((best["v"][W] - best["c"][W]) / best["w"][W],
                                                   (best["v"][C] - best["c"][C]) / best["w"][C]))
    print("| ratio (v - r) / w | %.2f | %.2f |" % ((best["v"][W] - best["r"][W]) / best["w"][W],
                                                   (best["v"][C] - best["r"][C]) / best["w"][C]))
    print("| **ratio fv's in-run time / w** | **%.2f** | **%.2f** |" % (ratio("direct", W), ratio("direct", C)))
    print("| **ratio fv's in-run time / w, batch=%d (one call)** | **%.2f** | **%.2f** |" % (
        calls, ratio("direct1", W), ratio("direct1", C)))
    print("| ratio fv's in-run time / w_cold | %.2f | %.2f |" % (best["direct"][W] / best["wcold"][W],
                                                               best["direct"][C] / best["wcold"][C]))
    print("")
    print("### acceptance (issue 20)")
    print("")
    worst = max(max(o) for o in rows_over[:2])
    print("- %s  scalar: overhead beyond f alone <= 2 µs per call: at most %.3f µs (both baselines, wall and "
          "CPU); beyond f + building its argument at most %.3f µs" % (
              "ok" if worst <= 2.0 else "MISS", worst, max(max(o) for o in rows_over[2:])))
    rv = max(ratio("direct", W), ratio("direct", C))
    print("- %s  vectorised: fv's time inside the run <= 1.2 x one call on the whole array: %.2f wall, %.2f CPU "
          "(default batches of up to 2^20 rows); %.2f wall, %.2f CPU with batch=%d (one call)"
          % ("ok" if rv <= 1.2 else "MISS", ratio("direct", W), ratio("direct", C), ratio("direct1", W),
             ratio("direct1", C), calls))
    return 0


if __name__ == "__main__":
    sys.exit(main())
