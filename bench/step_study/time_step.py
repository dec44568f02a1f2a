#!/usr/bin/env python3
"""Times one step of a workflow run by one or more `sciagents` binaries, alternating them
(A B A B ...), and prints the median wall time of that step (from the result file's timing) per
binary.

  /usr/bin/python3 bench/step_study/time_step.py WORKFLOW STEP [--reps 5] [--threads 1] [--cache]
      BINARY [BINARY...]

e.g. the sobol step of examples/uq-ode-sobol (4096 ODE solves) and the same study over a template
that does no work (the engine's share), for main's build against a branch's:
  for w in examples/uq-ode-sobol.workflow.json bench/step_study/sobol-trivial-step.workflow.json; do
    /usr/bin/python3 bench/step_study/time_step.py $w sensitivity ../main/build/bin/sciagents \\
        build/bin/sciagents
  done
Without --cache the runs use --no-cache (every sample computed, as test_cli runs the examples).
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workflow")
    ap.add_argument("step")
    ap.add_argument("binaries", nargs="+")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--cache", action="store_true",
                    help="use the result cache (a fresh one per run)")
    args = ap.parse_args()
    times = {b: [] for b in args.binaries}
    evaluations = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        for rep in range(args.reps):
            for k, b in enumerate(args.binaries):
                env = dict(os.environ, SCIAGENTS_CACHE_DIR=os.path.join(tmp, f"cache-{rep}-{k}"))
                cmd = [b, "run", args.workflow, "-o", out, "--threads", str(args.threads)]
                if not args.cache:
                    cmd.append("--no-cache")
                quiet = subprocess.DEVNULL
                subprocess.run(cmd, check=True, stdout=quiet, stderr=quiet, env=env)
                step = json.load(open(out))["steps"][args.step]
                times[b].append(step["timing"]["wall_s"])
                evaluations[b] = step["outputs"].get("evaluations")
    for b in args.binaries:
        med = statistics.median(times[b])
        n = evaluations[b]
        per = f"  {med / n * 1e6:.2f} us/sample" if n else ""
        print(f"{b:<40s} step {args.step}: median {med * 1e3:8.2f} ms over {args.reps} runs{per}")


if __name__ == "__main__":
    main()
