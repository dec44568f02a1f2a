#!/bin/bash
# Per-task overhead and scaling of `run --target slurm` on the private single-node test cluster:
# a 64-sample Monte Carlo study (one Lorenz integration per sample, a step model) split into
# 1, 2, 4 and 8 array tasks (each evaluates a block of 64/T samples; the merge runs the estimators).
#   bench/slurm/array-overhead.sh BUILD_DIR [T_END_OF_INTEGRATION] [TASK_COUNTS]
# Needs root, slurm-wlm and munge (like the `slurm` tests). Prints one line per task count:
#   tasks      array tasks T
#   wall_s     the whole `sciagents run --target slurm` (submit, wait, merge)
#   queue_s    submit -> first task's sciagents started
#   task_s     mean wall time of a task's sciagents process (status file start -> end)
#   compute_s  mean time of the study step inside a task (its block of samples)
#   tail_s     last task finished -> command done (polling and the merge: design + estimators)
#   ideal_s    total compute / min(T, CPUs): the wall time with zero overhead
#   over_s     wall_s - ideal_s: everything Slurm and SciAgents add; docs/slurm.md turns it into a
#              throughput model
set -euo pipefail
build=$(cd "${1:?usage: $0 BUILD_DIR [T_END] [TASK_COUNTS]}" && pwd)
tend=${2:-2000}
counts=${3:-"1 2 4 8"}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/sciagents-slurm-bench.XXXXXX)
trap 'bash "$src/tests/slurm/slurm-cluster.sh" down "$work/cluster" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
eval "$(bash "$src/tests/slurm/slurm-cluster.sh" up "$work/cluster")"
export SCIAGENTS_CACHE_DIR=$work/cache
cat >"$work/study.json" <<JSON
{"sciagents": 1, "name": "Lorenz Monte Carlo, 64 samples",
 "steps": [
  {"id": "lorenz", "agent": "ode_pde", "task": "ivp",
   "params": {"rhs": ["sigma*(y - x)", "x*(rho - z) - y", "x*y - beta*z"], "states": ["x", "y", "z"],
              "y0": [1, 1, 1], "t_span": [0, $tend], "t_eval": [$tend], "method": "dop853",
              "rtol": 1e-12, "atol": 1e-14, "max_num_steps": 1000000000,
              "constants": {"sigma": 10, "rho": 28, "beta": 2.6666666666666665}}},
  {"id": "mc", "agent": "uq", "task": "monte_carlo",
   "params": {"model": {"step": "lorenz", "input": ["constants.rho"], "output": "y_final[2]"},
              "inputs": [{"name": "rho", "dist": "uniform", "a": 20, "b": 35}], "n": 64, "seed": 1}}]}
JSON
printf "%5s %8s %8s %8s %10s %8s %8s %8s\n" tasks wall_s queue_s task_s compute_s tail_s ideal_s over_s
for T in $counts; do
  start=$(date +%s.%N)
  "$build/bin/sciagents" run "$work/study.json" --target slurm --tasks "$T" --slurm-dir "$work/jobs-$T" \
    --no-cache --progress none -q -o "$work/out-$T.json"
  end=$(date +%s.%N)
  /usr/bin/python3 - "$work/jobs-$T" "$T" "$start" "$end" "$(nproc)" <<'PY'
import glob, json, os, sys
jobs, T, start, end, cpus = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
job = glob.glob(os.path.join(jobs, "*"))[0]
sub = json.load(open(os.path.join(job, "submit.json")))
walls, computes, starts, ends = [], [], [], []
for k in range(T):
    st = json.load(open(os.path.join(job, f"task-{k}", "status.json")))
    res = json.load(open(os.path.join(job, f"task-{k}", "result.json")))
    walls.append((st["finished_unix_us"] - st["started_unix_us"]) / 1e6)
    starts.append(st["started_unix_us"])
    ends.append(st["finished_unix_us"])
    computes.append(res["steps"]["mc"]["timing"]["wall_s"])
queue = (min(starts) - sub["submitted_unix_us"]) / 1e6
tail = end - max(ends) / 1e6
mw, mc = sum(walls) / T, sum(computes) / T
ideal = sum(computes) / min(T, cpus)
print(f"{T:5d} {end - start:8.2f} {queue:8.2f} {mw:8.3f} {mc:10.3f} {tail:8.2f} {ideal:8.2f} {end - start - ideal:8.2f}")
PY
done
