"""The exported script of each tutorial workflow runs with the real `sciagents` module and
reproduces the CLI's result (issue 20, acceptance: "The exported script of each tutorial workflow
runs and reproduces the tutorial's result").

For each tutorial (resources/tutorials/*.json, its "example" workflow in examples/):
  1. `sciagents export-python WF -o script.py`;
  2. `/usr/bin/python3 script.py py.json` with PYTHONPATH=$SCIAGENTS_PYTHONPATH (the folder that
     holds the built module), from the workflow's folder (relative paths of external steps and
     nested workflows lead from there);
  3. `sciagents run WF -o cli.json --no-cache --no-history --sidecar-min 0`, from the same folder;
  4. every step's status, and every output of every step, must be equal: numbers bit for bit
     (the engine's results do not depend on the thread count, and both runs use seed 0), except
     performance_profiler steps, whose outputs are measured times (compared by name only, as
     `sciagents replay` does). SCIAGENTS_E2E_RTOL=1e-12 relaxes floats to that relative
     tolerance, should the runs ever not be bit-identical.
Both runs get an empty cache directory of their own, so neither is served from a cache.

Environment: SCIAGENTS_BIN (the sciagents executable; default build/bin/sciagents),
SCIAGENTS_PYTHONPATH (where `import sciagents` finds the module; required),
SCIAGENTS_E2E_ALL_EXAMPLES=1 (every examples/**/*.workflow.json, not only the tutorials': slower).
Run: SCIAGENTS_PYTHONPATH=build/python SCIAGENTS_BIN=build/bin/sciagents \\
     /usr/bin/python3 -m pytest tests/python/test_export_python_e2e.py
"""

import glob
import json
import math
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(ROOT, "examples")
PYTHON = "/usr/bin/python3"
SCIAGENTS = os.environ.get("SCIAGENTS_BIN", os.path.join(ROOT, "build", "bin", "sciagents"))
RTOL = float(os.environ.get("SCIAGENTS_E2E_RTOL", "0"))
TIMEOUT = 600
# Steps whose outputs are measurements, not results (as in `sciagents replay`).
MEASURING_AGENTS = {"performance_profiler"}


def tutorial_workflows():
    """The tutorials' workflows; with SCIAGENTS_E2E_ALL_EXAMPLES=1 also every other example."""
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "resources", "tutorials", "*.json"))):
        with open(path, encoding="utf-8") as f:
            tutorial = json.load(f)
        if "example" in tutorial:
            out.append(pytest.param(os.path.join(EXAMPLES, tutorial["example"]),
                                    id=os.path.basename(path)[:-len(".json")]))
    if os.environ.get("SCIAGENTS_E2E_ALL_EXAMPLES") == "1":
        seen = {p.values[0] for p in out}
        for path in sorted(glob.glob(os.path.join(EXAMPLES, "**", "*.workflow.json"), recursive=True)):
            if path not in seen:
                out.append(pytest.param(path, id=os.path.relpath(path, EXAMPLES)))
    return out


def base_env(tmp_path, name):
    env = dict(os.environ)
    env["SCIAGENTS_CACHE_DIR"] = str(tmp_path / ("cache-" + name))
    env["SCIAGENTS_HISTORY"] = str(tmp_path / ("history-" + name + ".sqlite"))
    env.pop("PYTHONPATH", None)
    return env


def run(cmd, env, cwd):
    r = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    return r


def load_result(path):
    """The result file with .npy sidecars ({"$type": "npy", "path": ...}) read back as lists."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    base = os.path.dirname(os.path.abspath(path))

    def resolve(node):
        if isinstance(node, dict):
            if node.get("$type") == "npy" and "path" in node:
                import numpy  # only needed when the module wrote sidecars

                return numpy.load(os.path.join(base, node["path"])).tolist()
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return resolve(doc)


def differences(a, b, where, out):
    """Appends to `out` where a and b differ (floats exactly unless RTOL)."""
    if len(out) >= 10:
        return
    if isinstance(a, bool) or isinstance(b, bool):
        if a is not b:
            out.append("%s: %r vs %r" % (where, a, b))
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)):
            return
        if RTOL > 0 and abs(a - b) <= RTOL * max(abs(a), abs(b)):
            return
        out.append("%s: %r vs %r" % (where, a, b))
    elif isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            out.append("%s: keys %s vs %s" % (where, sorted(a), sorted(b)))
            return
        for k in a:
            differences(a[k], b[k], "%s.%s" % (where, k), out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append("%s: length %d vs %d" % (where, len(a), len(b)))
            return
        for i, (x, y) in enumerate(zip(a, b)):
            differences(x, y, "%s[%d]" % (where, i), out)
    elif a != b:
        out.append("%s: %r vs %r" % (where, a, b))


def test_environment():
    assert os.path.exists(SCIAGENTS), "SCIAGENTS_BIN: no sciagents at %s" % SCIAGENTS
    assert os.environ.get("SCIAGENTS_PYTHONPATH"), "SCIAGENTS_PYTHONPATH: where the sciagents module is"
    assert len(tutorial_workflows()) >= 7


@pytest.mark.parametrize("workflow", tutorial_workflows())
def test_exported_script_reproduces_the_cli(workflow, tmp_path):
    assert os.path.exists(workflow), workflow
    with open(workflow, encoding="utf-8") as f:
        spec = json.load(f)
    agents = {s["id"]: s["agent"] for s in spec["steps"]}

    folder = os.path.dirname(workflow)
    script = tmp_path / "script.py"
    r = run([SCIAGENTS, "export-python", workflow, "-o", str(script), "--quiet"],
            base_env(tmp_path, "export"), folder)
    assert r.returncode == 0, r.stderr

    cli_json = tmp_path / "cli.json"
    c = run([SCIAGENTS, "run", workflow, "-o", str(cli_json), "--no-cache", "--no-history",
             "--sidecar-min", "0", "--progress", "none"], base_env(tmp_path, "cli"), folder)
    assert c.returncode in (0, 1, 2), c.stderr

    env = base_env(tmp_path, "py")
    env["PYTHONPATH"] = os.environ["SCIAGENTS_PYTHONPATH"]
    py_json = tmp_path / "py.json"
    r = run([PYTHON, str(script), str(py_json)], env, folder)
    if c.returncode == 2:
        # Valid for `validate` but refused when the run starts (examples/*-bad-*: a step's own
        # checks): the script fails too (an exception or result.ok False).
        assert r.returncode != 0, r.stdout
        return
    assert r.returncode in (0, 1), "script crashed (%d):\n%s\n%s" % (r.returncode, r.stdout, r.stderr)
    assert py_json.exists(), r.stderr
    # The script's exit status follows the run's outcome, as the CLI's does.
    assert r.returncode == c.returncode, (r.stdout, r.stderr, c.stderr)

    py_doc, cli_doc = load_result(py_json), load_result(cli_json)
    assert py_doc.get("sciagents_result") == 1
    assert py_doc["status"] == cli_doc["status"]
    assert py_doc["workflow"] == cli_doc["workflow"]
    assert sorted(py_doc["steps"]) == sorted(cli_doc["steps"])
    problems = []
    for step_id, cli_step in cli_doc["steps"].items():
        py_step = py_doc["steps"][step_id]
        where = step_id
        if py_step["status"] != cli_step["status"]:
            problems.append("%s: status %s vs %s" % (where, py_step["status"], cli_step["status"]))
            continue
        if agents.get(step_id) in MEASURING_AGENTS:
            if sorted(py_step.get("outputs", {})) != sorted(cli_step.get("outputs", {})):
                problems.append("%s: outputs %s vs %s" % (where, sorted(py_step.get("outputs", {})),
                                                          sorted(cli_step.get("outputs", {}))))
            continue
        differences(py_step.get("outputs", {}), cli_step.get("outputs", {}), where + ".outputs", problems)
    assert not problems, "script vs CLI (%s):\n  %s" % ("exact" if RTOL == 0 else "rtol %g" % RTOL,
                                                        "\n  ".join(problems))


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
