"""Remote runs from Python against a real `sciagents serve` on loopback (docs/python.md):
submit, attach with progress, result, jobs, cancel; errors for a refused token and an unreachable
server."""

import os
import subprocess
import sys

import numpy as np
import pytest

import sciagents
from conftest import EXAMPLES, SOURCE

sys.path.insert(0, os.path.join(SOURCE, "tests", "server"))
import server_util as su  # noqa: E402


@pytest.fixture(scope="module")
def server():
    srv = su.Server(os.environ["SCIAGENTS_BIN"], extra_args=["--workers", "1"])
    srv.start()
    token = srv.create_token("python")
    yield srv, token
    srv.stop()


def test_submit_attach_and_result_equal_a_local_run(server):
    srv, token = server
    wf = sciagents.Workflow(EXAMPLES + "/ode-oscillator.workflow.json")
    job = wf.submit(server=srv.url, token=token)
    assert isinstance(job, sciagents.Job) and job.id
    events = []
    remote = job.attach(progress=events.append)
    local = wf.run(cache=False)
    assert remote.ok and local.ok
    assert any(e["kind"] == "step_finished" for e in events) or events == []
    for s in local:
        for name, value in s.outputs.items():
            if isinstance(value, np.ndarray):
                assert np.array_equal(remote[s.id][name], value), name
    again = sciagents.result(job.id, server=srv.url, token=token)
    assert np.array_equal(again[wf.steps[0]]["y"], remote[wf.steps[0]]["y"])
    assert job.status()["state"] == "succeeded"
    listed = sciagents.jobs(server=srv.url, token=token)
    assert any(j.get("id") == job.id for j in listed)


def test_attach_again_after_the_client_was_killed(server):
    srv, token = server
    t = 4e5  # a few seconds of integration
    osc = {"sciagents": 1, "name": "attach twice", "steps": [
        {"id": "osc", "agent": "ode_pde", "task": "ivp", "params": {
            "rhs": ["y2", "-y1"], "states": ["y1", "y2"], "y0": [1, 0], "t_span": [0, t],
            "t_eval": {"linspace": [0, t, 11]}, "method": "dop853", "rtol": 1e-13,
            "atol": 1e-13, "max_num_steps": 2000000000}}]}
    job = sciagents.submit(osc, server=srv.url, token=token)
    code = ("import sciagents, sys; sciagents.attach(sys.argv[1], sys.argv[2], sys.argv[3], "
            "progress=lambda e: print(e, flush=True))")
    env = dict(os.environ, PYTHONPATH=os.environ["SCIAGENTS_PYTHONPATH"])
    client = subprocess.Popen([sys.executable, "-c", code, job.id, srv.url, token],
                              stdout=subprocess.PIPE, text=True, env=env)
    first = client.stdout.readline()   # attached and following (or the job already ended)
    client.kill()
    client.wait()
    assert first or client.returncode is not None
    r = sciagents.attach(job.id, server=srv.url, token=token)
    assert r.ok and r.provenance.get("where", "") != "python"


def test_cancel(server):
    srv, token = server
    slow = {"sciagents": 1, "name": "slow", "steps": [
        {"id": "mc", "agent": "integration", "task": "monte_carlo",
         "params": {"f": "sin(x)*cos(y)", "vars": ["x", "y"], "bounds": [[0, 1], [0, 1]],
                    "n": 2000000000, "method": "mc"}}]}
    job = sciagents.submit(slow, server=srv.url, token=token)
    su.wait_for(lambda: job.status()["state"] == "running", 60, what="job running")
    job.cancel()
    su.wait_for(lambda: job.status()["state"] == "cancelled", 60, what="job cancelled")
    with pytest.raises(sciagents.RemoteError):
        sciagents.result(job.id, server=srv.url, token=token)


def test_errors_name_the_server_and_the_problem(server):
    srv, token = server
    with pytest.raises(sciagents.RemoteError, match="401|token"):
        sciagents.submit(EXAMPLES + "/ode-decay.workflow.json", server=srv.url, token="wrong")
    with pytest.raises(sciagents.RemoteError):
        sciagents.jobs(server="http://127.0.0.1:%d" % su.free_port(), token=token)
    with pytest.raises(sciagents.RemoteError, match="no server"):
        os.environ.pop("SCIAGENTS_SERVER", None)
        sciagents.jobs()
