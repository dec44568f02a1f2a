#!/usr/bin/env python3
"""Peers for bench/external_command_bench: the same program run without SciAgents.

  /usr/bin/python3 bench/peers/external_command_peer.py --build BUILD [--reps 5]

Rows: median over reps of the wall (and CPU) time of all n evaluations, then per evaluation; CPU
counts this process and its children (the launcher's own CPU alone for the limit rows):
  subprocess.run add       200 runs of `external_model add i 0.5`, stdout parsed with json.loads,
                           on 1 thread and on 2 (concurrent.futures threads, the usual way)
  subprocess.run burn      16 runs of the CPU-bound `external_model burn 8 i` (burn40: 40), 1 and 2 threads
  vfork limit add / burn   bench_spawn_limit (bare C: pipe, vfork, execve, read, waitpid), the
                           floor any launcher pays; 1 and 2 threads
"""
import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import time


def run_loop(prog, mode, arg1, n, threads):
    def one(i):
        a1 = str(float(i)) if arg1 is None else arg1
        r = subprocess.run([prog, mode, a1, "0.5"], capture_output=True, check=True)
        return json.loads(r.stdout)["y"]
    if threads == 1:
        return [one(i) for i in range(n)]
    with concurrent.futures.ThreadPoolExecutor(threads) as ex:
        return list(ex.map(one, range(n)))


def cpu_now():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(fn, reps):
    walls, cpus, out = [], [], None
    for _ in range(reps):
        t0, c0 = time.perf_counter(), cpu_now()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(cpu_now() - c0)
    return statistics.median(walls), statistics.median(cpus), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    prog = os.path.join(a.build, "bench", "bench_external_model")
    limit = os.path.join(a.build, "bench", "bench_spawn_limit")
    for label, mode, arg1, n in (("add", "add", None, 200), ("burn", "burn", "8", 16),
                                 ("burn40", "burn", "40", 16)):
        for threads in (1, 2):
            wall, cpu, out = timed(lambda: run_loop(prog, mode, arg1, n, threads), a.reps)
            err = max(abs(y - (i + 0.5)) for i, y in enumerate(out)) if mode == "add" else 0.0
            name = f"subprocess.run {label} threads={threads}"
            print(f"{name:<44s} median {wall * 1e3:10.2f} ms (cpu {cpu * 1e3:.2f} ms)   "
                  f"per evaluation {wall / n * 1e3:.3f} ms (cpu {cpu / n * 1e3:.3f} ms), n {n}  "
                  f"max_abs_error {err:.1e}", flush=True)
            args = [limit, str(threads), str(n), str(a.reps), prog, mode, "@" if arg1 is None
                    else arg1, "0.5"]
            f = subprocess.run(args, capture_output=True, text=True, check=True).stdout.split()
            per, per_cpu, launcher = float(f[1]), float(f[6]), float(f[10])
            name = f"vfork limit {label} threads={threads}"
            print(f"{name:<44s} median {per * n:10.2f} ms (cpu {per_cpu * n:.2f} ms)   "
                  f"per evaluation {per:.3f} ms (cpu {per_cpu:.3f} ms, "
                  f"launcher {launcher:.3f} ms), "
                  f"n {n}; bare C: pipe, vfork, execve, read, waitpid", flush=True)

if __name__ == "__main__":
    main()
