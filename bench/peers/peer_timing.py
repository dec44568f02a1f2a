"""Timing shared by the peer scripts in bench/peers (imported from the script's own directory)."""
import statistics
import time


def per_call(fn, reps, inner=1):
    """Median wall and CPU (process) time per call of fn over reps repetitions of inner calls, and
    the last result: ((wall_s, cpu_s), result). On a shared machine compare the CPU figure with
    Google Benchmark's CPU column."""
    times, cpu, out = [], [], None
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(inner):
            out = fn()
        times.append((time.perf_counter() - t0) / inner)
        cpu.append((time.process_time() - c0) / inner)
    return (statistics.median(times), statistics.median(cpu)), out
