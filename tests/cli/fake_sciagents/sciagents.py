"""A stand-in for the `sciagents` Python module (docs/python.md) with only the calls an exported
script makes (core/workflow/python_export.h): it records the workflow instead of running it, so
tests/cli/test_python_export.cpp can run exported scripts without the real module. run() returns
a result whose save(path) writes {"name", "steps", "run_kwargs"}; ok is True.
"""

import json


class Result:
    def __init__(self, workflow, kwargs):
        self._doc = {"name": workflow.name, "steps": workflow.steps, "run_kwargs": kwargs}
        self.ok = True

    def summary(self):
        return "fake sciagents: %d steps recorded" % len(self._doc["steps"])

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self._doc, f, allow_nan=False)


class Workflow:
    def __init__(self, name=""):
        self.name = name
        self.steps = []

    def add_step(self, step_id, task, params=None, sweep=None):
        agent, _, task_name = task.partition(".")
        step = {"id": step_id, "agent": agent, "task": task_name, "params": params}
        if sweep is not None:
            step["sweep"] = sweep
        self.steps.append(step)

    def run(self, threads=0, set=None, cache=True, seed=0, progress=None):  # noqa: A002
        return Result(self, {"threads": threads, "set": set, "cache": cache, "seed": seed})
