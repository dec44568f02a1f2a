"""SciAgents from Python: build, validate and run workflows in this process, with NumPy arrays
in and out, Python functions as models, and jobs on a SciAgents server. See docs/python.md.

    import sciagents
    wf = sciagents.Workflow("examples/quickstart.workflow.json")
    result = wf.run()
    y = result["sim"].outputs["y"]        # a NumPy array
"""

import copy
import json
import os
import sys
import time
import weakref

from . import _convert, _sciagents
from ._convert import vectorized
from ._errors import (RemoteError, RunError, SciAgentsError, StepFailed,
                      ValidationError)

__version__ = _sciagents.__version__
__all__ = ["Workflow", "Result", "StepResult", "Job", "agents", "call", "vectorized", "submit",
           "attach", "result", "jobs", "cancel", "SciAgentsError", "ValidationError",
           "RunError", "StepFailed", "RemoteError"]


def _print_progress(event):
    """progress=True: one line per step start and end, and progress at most every second."""
    kind = event["kind"]
    if kind == "step_started":
        print("[%s] %s.%s started" % (event["step"], event["agent"], event["task"]),
              file=sys.stderr)
    elif kind == "step_finished":
        extra = (": " + event["error"]) if event.get("error") else ""
        print("[%s] %s%s" % (event["step"], event["status"], extra), file=sys.stderr)
    elif kind == "progress":
        now = time.monotonic()
        if now - _print_progress.last >= 1.0:
            _print_progress.last = now
            print("[%s] %3.0f%% %s" % (event["step"], 100 * event["fraction"],
                                       event.get("message", "")), file=sys.stderr)


_print_progress.last = 0.0


def _progress_callback(progress):
    if progress is True:
        return _print_progress
    if progress in (None, False):
        return None
    if not callable(progress):
        raise TypeError("progress must be a callable, True or None")
    return progress


class Workflow:
    """A workflow: from a dict (the workflow file's document), a file, or built step by step.

    Workflow("run.workflow.json"), Workflow({"sciagents": 1, "steps": [...]}),
    Workflow(name="study").add_step("sim", "ode_pde.ivp", params={...})

    Params may hold NumPy arrays (sent as lists) and, for in-process runs, Python callables as
    models, objectives and residuals (docs/python.md).
    """

    def __init__(self, spec=None, *, name=None):
        self._regs = _convert.Registrations()
        weakref.finalize(self, self._regs.release)
        self.file = ""
        self.base_dir = ""
        if spec is None:
            self._doc = {"sciagents": 1, "name": "", "steps": []}
        elif isinstance(spec, dict):
            self._doc = copy.deepcopy(spec)  # later edits of either side stay apart
        elif isinstance(spec, (str, os.PathLike)):
            path = os.fspath(spec)
            try:
                with open(path, encoding="utf-8") as f:
                    self._doc = json.load(f)
            except OSError as e:
                raise ValidationError("cannot read workflow file '%s': %s" % (path, e.strerror))
            except json.JSONDecodeError as e:
                raise ValidationError("%s: not JSON: %s" % (path, e))
            if not isinstance(self._doc, dict):
                raise ValidationError("%s: a workflow file holds a JSON object" % path)
            self.file = os.path.abspath(path)
            self.base_dir = os.path.dirname(self.file)
        else:
            raise TypeError("Workflow(spec): expected a dict, a file name or None, got %s"
                            % type(spec).__name__)
        self._doc.setdefault("sciagents", 1)
        self._doc.setdefault("steps", [])
        if name is not None:
            self._doc["name"] = name

    @classmethod
    def load(cls, path):
        """The workflow in file `path` (relative paths in its params resolve from its folder)."""
        return cls(path)

    @property
    def name(self):
        return self._doc.get("name", "")

    @name.setter
    def name(self, value):
        self._doc["name"] = str(value)

    @property
    def steps(self):
        """The step ids, in order."""
        return [s.get("id") for s in self._doc["steps"]]

    def step(self, step_id):
        """The step's dict ({"id", "agent", "task", "params", "sweep"?}), to read or edit."""
        for s in self._doc["steps"]:
            if s.get("id") == step_id:
                return s
        raise KeyError("the workflow has no step '%s'" % step_id)

    def add_step(self, step_id, task, params=None, sweep=None, **kwargs):
        """Appends a step running `task` ("agent.task", e.g. "ode_pde.ivp") with `params` (a dict,
        and/or keyword arguments); `sweep` is the step's sweep (docs/workflow-format.md).
        Returns the workflow, so calls chain."""
        agent, _, name = str(task).partition(".")
        if not agent or not name:
            raise ValueError("task must be 'agent.task' (e.g. 'ode_pde.ivp'), got %r" % (task,))
        step = {"id": step_id, "agent": agent, "task": name, "params": dict(params or {}, **kwargs)}
        if sweep is not None:
            step["sweep"] = sweep
        self._doc["steps"].append(step)
        return self

    def remove_step(self, step_id):
        self._doc["steps"].remove(self.step(step_id))
        return self

    def set(self, path, value):
        """Sets the param at `path` ("sim.y0[0]", "sim.constants.k": the path syntax of the
        workflow file and `--set`) to `value`. Returns the workflow."""
        value = _convert.dumps(_convert.plain(value, self._regs, str(path)))
        step, params = _sciagents._set_param(_convert.dumps(self.to_dict()), str(path), value)
        self.step(step)["params"] = json.loads(params)
        return self

    def to_dict(self):
        """The workflow document (what a .workflow.json file holds). Python callables appear as
        {"callable": NAME}: names that mean something only in this process."""
        return _convert.plain(self._doc, self._regs, "workflow")

    def to_json(self, indent=2):
        return json.dumps(self.to_dict(), indent=indent)

    def save(self, path):
        """Writes the workflow file. A workflow holding Python callables cannot be saved."""
        doc = _convert.plain(self._doc, None, "workflow")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")

    def validate(self):
        """Every problem, as `sciagents validate` words it ("step 'fit', param 'x0': ..."); an
        empty list when the workflow is valid."""
        return [text for (_, _, _, text) in _sciagents._validate(_convert.dumps(self.to_dict()))]

    def check(self):
        """Raises ValidationError listing every problem; returns the workflow when valid."""
        problems = self.validate()
        if problems:
            raise ValidationError("\n".join(problems))
        return self

    def run(self, threads=0, set=None, cache=True, seed=0, progress=None, metric=None,
            history=True):
        """Runs the workflow in this process and returns its Result.

        threads: worker threads (0: all cores). set: {path: value} overrides, as `--set`.
        cache: use the result cache (steps with Python callables are never cached).
        seed: the run's base seed. progress: a callable getting event dicts (kind step_started,
        step_finished, progress), or True to print them. metric: metric(step, series, x, y) for
        live samples (residuals, objective values). Both are called on this thread.
        history: record the run in the history of runs on this machine (`sciagents history`,
        Studio's History dock), as the CLI and Studio do.
        Ctrl-C (KeyboardInterrupt) cancels the run. Invalid input raises ValidationError; failed
        steps do not raise (see Result.ok and Result.raise_for_status())."""
        sets = [(str(p), _convert.dumps(_convert.plain(v, self._regs, str(p))))
                for p, v in (set or {}).items()]
        core = _sciagents._run(_convert.dumps(self.to_dict()), sets, int(threads), bool(cache),
                               int(seed), self.base_dir, self.file, bool(history),
                               _progress_callback(progress), metric)
        return Result(core, self)

    def submit(self, server=None, token=None, seed=None):
        """Submits the workflow to a SciAgents server; returns the Job (see attach, result)."""
        return submit(self, server=server, token=token, seed=seed)

    def __repr__(self):
        return "<sciagents.Workflow %r: %d steps>" % (self.name, len(self._doc["steps"]))


class StepResult:
    """One step of a Result: outputs (NumPy arrays, numbers, dicts), diagnostics, status."""

    def __init__(self, d):
        self.id = d["id"]
        self.agent = d["agent"]
        self.task = d["task"]
        self.status = d["status"]
        self.outputs = d["outputs"]
        self.diagnostics = d["diagnostics"]
        self.error = d["error"]
        self.cached = d["cached"]
        self.points = d["points"]
        self.wall_seconds = d["wall_seconds"]
        self.provenance = d["provenance"]

    @property
    def ok(self):
        return self.status == "succeeded"

    def __getitem__(self, output):
        try:
            return self.outputs[output]
        except KeyError:
            raise KeyError("step '%s' has no output '%s' (it has: %s)"
                           % (self.id, output, ", ".join(self.outputs) or "none")) from None

    def __repr__(self):
        return "<sciagents.StepResult %s (%s.%s): %s>" % (self.id, self.agent, self.task,
                                                          self.status)


class Result:
    """The result of a run: result["step"] is a StepResult; provenance says how it was run."""

    def __init__(self, core, workflow=None):
        self._core = core
        self._steps = None

    @property
    def status(self):
        return self._core.status

    @property
    def ok(self):
        return self._core.status == "succeeded"

    @property
    def workflow(self):
        """The workflow's name."""
        return self._core.workflow

    @property
    def wall_seconds(self):
        return self._core.wall_seconds

    @property
    def provenance(self):
        """How the run was made: seed, threads, overrides, agent versions, host, times."""
        return self._core.run_info

    @property
    def workflow_spec(self):
        """The workflow exactly as run (overrides applied), as a dict."""
        return self._core.workflow_spec

    @property
    def steps(self):
        """{step id: StepResult}, in workflow order."""
        if self._steps is None:
            self._steps = {i: StepResult(self._core.step(i)) for i in self._core.step_ids}
        return self._steps

    def __getitem__(self, step_id):
        try:
            return self.steps[step_id]
        except KeyError:
            raise KeyError("no step '%s' in this result (steps: %s)"
                           % (step_id, ", ".join(self.steps))) from None

    def __iter__(self):
        return iter(self.steps.values())

    def __contains__(self, step_id):
        return step_id in self.steps

    def output(self, path):
        """"step.output" (e.g. "sim.y_final"); "step.output[i]" indexes the first axis."""
        step, _, rest = str(path).partition(".")
        name, bracket, index = rest.partition("[")
        value = self[step][name]
        if bracket:
            value = value[int(index.rstrip("]"))]
        return value

    def raise_for_status(self):
        """Raises RunError naming every failed step; returns the result when it succeeded."""
        if not self.ok:
            failed = ["%s: %s" % (s.id, s.error) for s in self if s.status != "succeeded"]
            raise RunError("run %s: %s" % (self.status, "; ".join(failed) or self.status))
        return self

    def to_json(self, sidecar_dir="", sidecar_min_elements=0):
        """The result document the CLI writes with `run -o` (JSON text)."""
        return self._core.document(sidecar_dir, sidecar_min_elements)

    def to_dict(self):
        return json.loads(self.to_json())

    def save(self, path, sidecar_min_elements=0):
        """Writes the result file (`sciagents run -o PATH`); arrays of at least
        `sidecar_min_elements` elements go to .npy files in PATH.d/ when that is > 0."""
        text = self.to_json(os.fspath(path) + ".d" if sidecar_min_elements else "",
                            sidecar_min_elements)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    @classmethod
    def load(cls, path):
        """A result file written by `sciagents run -o` or Result.save."""
        path = os.fspath(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return cls(_sciagents._read_result(text, os.path.dirname(os.path.abspath(path))))

    def summary(self):
        """A few lines: the run's status and each step's status, time and outputs."""
        lines = ["%s: %s in %.3g s" % (self.workflow or "workflow", self.status,
                                       self.wall_seconds)]
        for s in self:
            line = "  %s (%s.%s): %s" % (s.id, s.agent, s.task, s.status)
            if s.error:
                line += ": " + s.error
            elif s.outputs:
                line += "; outputs: " + ", ".join(_describe(k, v) for k, v in s.outputs.items())
            lines.append(line)
        return "\n".join(lines)

    def __repr__(self):
        return "<sciagents.Result %r: %s, %d steps>" % (self.workflow, self.status,
                                                         len(self.steps))


def _describe(name, value):
    shape = getattr(value, "shape", None)
    if shape is not None:
        return "%s[%s]" % (name, "x".join(str(n) for n in shape))
    if isinstance(value, float):
        return "%s=%.6g" % (name, value)
    if isinstance(value, (int, str, bool)):
        text = str(value)
        return "%s=%s" % (name, text if len(text) < 30 else text[:27] + "...")
    return name


def agents():
    """Every agent with its tasks and their parameter schemas (`sciagents agents --json`)."""
    return _sciagents._agents()["agents"]


def call(task, threads=0, seed=0, **params):
    """Runs one task ("agent.task") with `params` and returns its StepResult (not recorded in the
    history of runs); raises StepFailed with the task's message when it fails. Example:
    sciagents.call("integration.quad", f="exp(-x^2)", var="x", a=0, b=1)"""
    wf = Workflow(name=str(task)).add_step("call", task, params)
    res = wf.run(threads=threads, seed=seed, history=False)
    step = res["call"]
    if not step.ok:
        raise StepFailed(step.error or step.status)
    return step


# --- Remote: jobs on a SciAgents server (docs/python.md, "Remote runs") ---

def _server(server):
    s = server or os.environ.get("SCIAGENTS_SERVER", "")
    if not s:
        raise RemoteError("no server: pass server=URL or set SCIAGENTS_SERVER")
    return s


def _token(token):
    return token if token is not None else os.environ.get("SCIAGENTS_TOKEN", "")


def _answer(status, body, what):
    try:
        doc = json.loads(body) if body else {}
    except ValueError:
        doc = {}
    if 200 <= status < 300:
        return doc
    message = doc.get("message") if isinstance(doc, dict) else None
    raise RemoteError("%s: HTTP %d: %s" % (what, status,
                                          message or body[:300].decode("utf-8", "replace")))


class Job:
    """A job on a server: its id, server and token; attach() and result() wait for it."""

    def __init__(self, job_id, server=None, token=None):
        self.id = job_id
        self.server = _server(server)
        self.token = _token(token)

    def status(self):
        """The job's status document (state, progress, times)."""
        return _answer(*_sciagents._request(self.server, self.token, "GET", "/v1/jobs/" + self.id),
                       "GET /v1/jobs/" + self.id)

    def attach(self, progress=None):
        return attach(self.id, self.server, self.token, progress)

    def result(self):
        return result(self.id, self.server, self.token)

    def cancel(self):
        return cancel(self.id, self.server, self.token)

    def __repr__(self):
        return "<sciagents.Job %s on %s>" % (self.id, self.server)


def submit(workflow, server=None, token=None, seed=None):
    """Submits `workflow` (a Workflow, dict or file name) to a server; returns the Job."""
    wf = workflow if isinstance(workflow, Workflow) else Workflow(workflow)
    envelope = {"workflow": _convert.plain(wf._doc, None, "workflow")}
    if seed is not None:
        envelope["seed"] = int(seed)
    server, token = _server(server), _token(token)
    for attempt in range(5):
        status, body = _sciagents._request(server, token, "POST", "/v1/jobs", json.dumps(envelope))
        if status != 429:
            break
        time.sleep(1 + attempt)
    doc = _answer(status, body, "POST /v1/jobs")
    return Job(doc["id"], server, token)


def attach(job_id, server=None, token=None, progress=None):
    """Follows a job's events until it ends (progress as in Workflow.run), then returns its
    Result. Ctrl-C stops following; the job keeps running (attach again later)."""
    job_id = getattr(job_id, "id", job_id)
    server, token = _server(server), _token(token)
    callback = _progress_callback(progress)
    state = {}

    def on_event(kind, data):
        try:
            d = json.loads(data) if data else {}
        except ValueError:
            d = {}
        if kind == "done":
            state["final"] = d.get("state", "")
            return False
        if callback and kind in ("step_started", "step_finished", "progress"):
            event = {"kind": kind, "step": d.get("step", "")}
            for k in ("agent", "task", "status", "error", "fraction", "message"):
                if k in d:
                    event[k] = d[k]
            callback(event)
        return True

    last_id, lost_since = "", None
    while "final" not in state:
        try:
            last_id = _sciagents._follow(server, token, job_id, last_id, on_event)
            lost_since = None
        except RemoteError:
            lost_since = lost_since or time.monotonic()
            if time.monotonic() - lost_since > 60:
                raise
            time.sleep(1)
        if "final" not in state:
            time.sleep(0.2)
    return result(job_id, server, token)


def result(job_id, server=None, token=None):
    """The Result of a finished job (RemoteError when it has none: still running, or failed
    before producing one)."""
    job_id = getattr(job_id, "id", job_id)
    server, token = _server(server), _token(token)
    target = "/v1/jobs/%s/result" % job_id
    for _ in range(50):
        status, body = _sciagents._request(server, token, "GET", target)
        if status != 404 or b"not_ready" not in body:
            break
        time.sleep(0.1)
    if status != 200:
        _answer(status, body, "GET " + target)
        raise RemoteError("GET %s: HTTP %d" % (target, status))
    return Result(_sciagents._read_result(body.decode("utf-8")))


def jobs(server=None, token=None, state=None):
    """The token's jobs on the server, newest first (GET /v1/jobs)."""
    target = "/v1/jobs" + ("?state=" + state if state else "")
    doc = _answer(*_sciagents._request(_server(server), _token(token), "GET", target),
                  "GET /v1/jobs")
    return doc.get("jobs", doc) if isinstance(doc, dict) else doc


def cancel(job_id, server=None, token=None):
    """Cancels a queued or running job; returns the server's answer."""
    job_id = getattr(job_id, "id", job_id)
    return _answer(*_sciagents._request(_server(server), _token(token), "DELETE",
                                        "/v1/jobs/" + job_id), "DELETE /v1/jobs/" + job_id)
