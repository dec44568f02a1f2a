"""Shared helpers for the server tests: start `sciagents serve` on 127.0.0.1 with a fresh data dir,
create tokens with `sciagents serve token create`, stop the server by PID.

Only the standard library and Debian's python3-requests are used (run with /usr/bin/python3).
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))

# Sanitizer builds run several times slower (cmake/Sanitize.cmake sets the scale): every hang guard
# below is multiplied by it. The guards are limits for a stuck process, never speed assertions.
TIMEOUT_SCALE = float(os.environ.get("SCIAGENTS_TEST_TIMEOUT_SCALE", "1"))


def scaled(seconds):
    return seconds * TIMEOUT_SCALE


def parse_args(argv=None):
    """Parses --sciagents PATH (and --keep); returns (args, remaining argv for unittest)."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--sciagents", default=os.environ.get("SCIAGENTS_BIN", "build/bin/sciagents"))
    p.add_argument("--keep", action="store_true", help="keep the temporary data directories")
    args, rest = p.parse_known_args(argv if argv is not None else sys.argv[1:])
    args.sciagents = os.path.abspath(args.sciagents)
    if not os.access(args.sciagents, os.X_OK):
        sys.exit("error: %s is not an executable (pass --sciagents PATH)" % args.sciagents)
    return args, [sys.argv[0]] + rest


def workflow(name, steps):
    return {"sciagents": 1, "name": name, "steps": steps}


def quick_solve(n=2, name="quick solve", shift=0.0):
    """A small SPD linear solve: A = n*I + ones, b = 1..n."""
    A = [[(n + 1.0 + shift) if i == j else 1.0 for j in range(n)] for i in range(n)]
    b = [float(i + 1) for i in range(n)]
    return workflow(name, [{"id": "s", "agent": "linear_algebra", "task": "solve",
                            "params": {"A": A, "b": b}}])


def long_ode(name="long oscillator"):
    """An ODE run that takes minutes unless cancelled (it reports progress as it goes)."""
    return workflow(name, [{"id": "osc", "agent": "ode_pde", "task": "ivp", "params": {
        "rhs": ["y2", "-y1"], "states": ["y1", "y2"], "y0": [1, 0], "t_span": [0, 1e9],
        "t_eval": {"linspace": [0, 1e9, 11]}, "method": "dop853", "rtol": 1e-13, "atol": 1e-13,
        "max_num_steps": 2000000000}}])


def ode_sweep(points=8, t_end=20000.0, name="ode sweep"):
    """A slower job: an oscillator swept over k (about 0.1 s of CPU per point with the defaults)."""
    return workflow(name, [{"id": "sim", "agent": "ode_pde", "task": "ivp",
                            "params": {"rhs": ["y2", "-k*y1"], "states": ["y1", "y2"], "y0": [1, 0],
                                       "t_span": [0, t_end], "t_eval": {"linspace": [0, t_end, 5]},
                                       "method": "dop853", "rtol": 1e-11, "atol": 1e-12,
                                       "constants": {"k": 0.1}},
                            "sweep": {"param": "constants.k", "values": {"linspace": [0.5, 2.0, points]}}}])


def mc_then_minimize(n=3000000):
    """Two steps that emit progress and metric samples: Monte Carlo integration, then a minimisation
    linked to its result."""
    return workflow("events demo", [
        {"id": "mc", "agent": "integration", "task": "monte_carlo",
         "params": {"f": "sin(x)*cos(y)", "vars": ["x", "y"], "bounds": [[0, 1], [0, 1]], "n": n, "method": "mc",
                    "seed": 7}},
        {"id": "fit", "agent": "optimization", "task": "minimize",
         "params": {"objective": "(x - c)^2 + (y + 1)^2", "variables": ["x", "y"], "x0": [0, 0],
                    "constants": {"c": {"from": "mc.value"}}}},
    ])


class Server:
    """One `sciagents serve --port 0` process on 127.0.0.1 with its own data directory."""

    def __init__(self, sciagents, data_dir=None, extra_args=(), env=None, keep=False, rate_limit=0):
        self.sciagents = sciagents
        self.own_dir = data_dir is None
        self.root = tempfile.mkdtemp(prefix="sciagents-server-test-")
        self.data_dir = data_dir or os.path.join(self.root, "data")
        os.makedirs(self.data_dir, exist_ok=True)
        self.extra_args = list(extra_args)
        # Tests poll quickly; the per-token rate limit (default 50/s) is switched off unless a test
        # is about it.
        if rate_limit is not None and "--rate-limit" not in self.extra_args:
            self.extra_args += ["--rate-limit", str(rate_limit)]
        self.env = dict(os.environ)
        self.env["SCIAGENTS_CACHE_DIR"] = os.path.join(self.root, "cache")
        self.env.pop("SCIAGENTS_TOKEN", None)
        if env:
            self.env.update(env)
        self.keep = keep
        self.proc = None
        self.port = 0  # 0: the server picks a free port (a restart then gets a new one)
        self.url = None
        self.stdout_lines = []
        self.log_path = os.path.join(self.root, "server.log")
        self._log = None
        self.starts = 0

    # --- tokens -----------------------------------------------------------------------------
    def cli(self, *args, timeout=60, check=True):
        r = subprocess.run([self.sciagents] + list(args), capture_output=True, text=True, timeout=scaled(timeout),
                           env=self.env)
        if check and r.returncode != 0:
            raise AssertionError("sciagents %s failed (%d): %s %s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r

    def create_token(self, name, admin=False):
        args = ["serve", "token", "create", name, "--data-dir", self.data_dir] + (["--admin"] if admin else [])
        r = self.cli(*args)
        lines = [l.strip() for l in r.stdout.splitlines() if l.strip()]
        if not lines:
            raise AssertionError("token create printed nothing: " + r.stderr)
        return lines[-1]

    def revoke_token(self, name):
        return self.cli("serve", "token", "revoke", name, "--data-dir", self.data_dir)

    # --- process ----------------------------------------------------------------------------
    def start(self, timeout=60):
        self.starts += 1
        self._log = open(self.log_path, "ab")
        cmd = [self.sciagents, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--data-dir", self.data_dir] + self.extra_args
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._log, env=self.env)
        found = threading.Event()
        lines = self.stdout_lines

        def drain(proc):
            for raw in proc.stdout:  # keep reading so the server never blocks on a full pipe
                line = raw.decode("utf-8", "replace").rstrip("\n")
                lines.append(line)
                if line.startswith("listening on ") and not found.is_set():
                    self.url = line.split("listening on ", 1)[1].strip()
                    found.set()

        threading.Thread(target=drain, args=(self.proc,), daemon=True).start()
        timeout = scaled(timeout)
        deadline = time.time() + timeout
        while not found.is_set():
            if self.proc.poll() is not None:
                raise AssertionError("server exited with %s before listening; log:\n%s" % (self.proc.returncode, self.log_tail()))
            if time.time() > deadline:
                self.kill()
                raise AssertionError("server did not print 'listening on' within %d s; log:\n%s" % (timeout, self.log_tail()))
            found.wait(0.05)
        return self

    def log_tail(self, n=4000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, grace=20):
        """SIGTERM, then SIGKILL after `grace` seconds. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        rc = self.proc.returncode
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None
        return rc

    def wait_exit(self, timeout):
        """Waits for the process to end by itself (after a signal sent by the test); SIGKILL after timeout."""
        if self.proc is None:
            return None
        try:
            self.proc.wait(scaled(timeout))
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        rc = self.proc.returncode
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None
        return rc

    def kill(self):
        """kill -9."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None

    def cleanup(self):
        self.stop()
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)
        else:
            print("kept", self.root, file=sys.stderr)

    # --- HTTP -------------------------------------------------------------------------------
    def session(self, token=None):
        s = requests.Session()
        if token:
            s.headers["Authorization"] = "Bearer " + token
        return s


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, interval=0.05, what="condition"):
    timeout = scaled(timeout)
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError("timed out after %.0f s waiting for %s (last: %r)" % (timeout, what, last))


TERMINAL = {"succeeded", "failed", "cancelled", "timed_out"}


def wait_job(session, base, job_id, timeout=60, states=TERMINAL):
    def done():
        r = session.get(base + "/v1/jobs/" + job_id, timeout=10)
        if r.status_code != 200:
            return None
        j = r.json()
        return j if j.get("state") in states else None
    return wait_for(done, timeout, what="job %s to reach %s" % (job_id, sorted(states)))


def read_sse(resp, limit_events=100000, until_done=True):
    """Parses a text/event-stream response (requests with stream=True) into a list of dicts
    {"id", "event", "data"(parsed JSON or raw), "raw"}; comments are counted in `comments`."""
    events, comments = [], 0
    cur = {"id": None, "event": "message", "data": []}
    for raw in resp.iter_lines(chunk_size=1, decode_unicode=False):
        line = raw.decode("utf-8")
        if line == "":
            if cur["data"] or cur["id"] is not None or cur["event"] != "message":
                data = "\n".join(cur["data"])
                try:
                    parsed = json.loads(data)
                except ValueError:
                    parsed = data
                events.append({"id": cur["id"], "event": cur["event"], "data": parsed, "raw": data})
                if until_done and cur["event"] == "done":
                    break
                if len(events) >= limit_events:
                    break
            cur = {"id": None, "event": "message", "data": []}
            continue
        if line.startswith(":"):
            comments += 1
            continue
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "data":
            cur["data"].append(value)
        elif field == "event":
            cur["event"] = value
        elif field == "id":
            cur["id"] = value
    return events, comments
