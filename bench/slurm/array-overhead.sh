#!/bin/bash
# Per-task overhead and scaling of `run --target slurm` on the private single-node test cluster:
# a 64-point sweep (one Lorenz integration per point) split into 1..8 array tasks.
#   bench/slurm/array-overhead.sh BUILD_DIR [T_END_OF_INTEGRATION]
# Needs root, slurm-wlm and munge (like the `slurm` tests). Prints one line per task count:
#   tasks      array tasks T
#   wall_s     the whole `sciagents run --target slurm` (submit, wait, merge)
#   queue_s    submit -> first task's sciagents started
#   task_s     mean wall time of a task's sciagents process (status file start -> end)
#   compute_s  mean time of the swept step inside a task
#   ideal_s    total compute / min(T, CPUs): the wall time with zero overhead
#   over_s     wall_s - ideal_s: everything Slurm and SciAgents add (scheduling cycles, launch,
#              polling, merge); docs/slurm.md turns it into a throughput model
set -euo pipefail
build=$(cd "${1:?usage: $0 BUILD_DIR [T]}" && pwd)
tend=${2:-2000}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/sciagents-slurm-bench.XXXXXX)
trap 'bash "$src/tests/slurm/slurm-cluster.sh" down "$work/cluster" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
eval "$(bash "$src/tests/slurm/slurm-cluster.sh" up "$work/cluster")"
wf=$src/tests/slurm/data/lorenz-sweep.workflow.json
sets=(--set "lorenz.t_span=[0,$tend]" --set "lorenz.t_eval=[$tend]")
export SCIAGENTS_CACHE_DIR=$work/cache
# 64 values of rho instead of 16.
/usr/bin/python3 - "$wf" "$work/wf64.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))
w["steps"][0]["sweep"]["values"] = {"linspace": [20, 35, 64]}
w["name"] = "Lorenz sweep, 64 points"
json.dump(w, open(sys.argv[2], "w"))
PY
printf "%5s %8s %8s %8s %10s %8s %8s\n" tasks wall_s queue_s task_s compute_s ideal_s over_s
for T in 1 2 3 4 5 6 7 8; do
  start=$(date +%s.%N)
  "$build/bin/sciagents" run "$work/wf64.json" --target slurm --tasks "$T" --slurm-dir "$work/jobs-$T" \
    --no-cache --progress none -q "${sets[@]}" -o "$work/out-$T.json"
  end=$(date +%s.%N)
  /usr/bin/python3 - "$work/jobs-$T" "$T" "$start" "$end" "$(nproc)" <<'PY'
import glob, json, os, sys
jobs, T, start, end, cpus = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
job = glob.glob(os.path.join(jobs, "*"))[0]
sub = json.load(open(os.path.join(job, "submit.json")))
walls, computes, starts = [], [], []
for k in range(T):
    st = json.load(open(os.path.join(job, f"task-{k}", "status.json")))
    res = json.load(open(os.path.join(job, f"task-{k}", "result.json")))
    walls.append((st["finished_unix_us"] - st["started_unix_us"]) / 1e6)
    starts.append(st["started_unix_us"])
    computes.append(res["steps"]["lorenz"]["timing"]["wall_s"])
queue = (min(starts) - sub["submitted_unix_us"]) / 1e6
mw, mc = sum(walls) / T, sum(computes) / T
ideal = sum(computes) / min(T, cpus)
print(f"{T:5d} {end - start:8.2f} {queue:8.2f} {mw:8.3f} {mc:10.3f} {ideal:8.2f} {end - start - ideal:8.2f}")
PY
done
