#!/usr/bin/python3
"""Job worker processes, stored cancels and fair turns (issue 22):

1. A non-cooperative job (a dense eigen-decomposition that never checks its cancel flag) is
   stopped by its wall-time cap and by DELETE: the job ends timed_out / cancelled, its worker
   process is gone, and the server keeps serving other jobs meanwhile.
2. SIGTERM stops the server within its --shutdown-grace with such a job running.
3. A cancelled job is not run again after kill -9 of the server and a restart.
4. A second user's small job runs while the first user's ten long jobs keep their slots busy; a
   user over --max-queued-per-user gets 429 with Retry-After naming the limit.
5. A worker killed from outside (kill -9 its pid) fails its job with a clear reason; the server
   lives on.

Every wait is a hang guard (server_util.scaled), never a speed assertion.

Usage: /usr/bin/python3 tests/server/worker_test.py --sciagents build/bin/sciagents [-v]
"""
import datetime
import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_util as su  # noqa: E402

ARGS = None
T = 15
# Hang guards: how long a stopped job may take to end before the test gives up. The eigen job
# below runs for minutes, so a server that does not kill it fails these guards.
STOP_GUARD = 30


def eigen_job(n=4000):
    """A random dense n x n matrix linked into a full eigen-decomposition: minutes of LAPACK-style
    work that never looks at its cancel flag."""
    return su.workflow("eigen %d" % n, [
        {"id": "m", "agent": "linear_algebra", "task": "matrix",
         "params": {"kind": "random", "n": n, "format": "dense", "seed": 1}},
        {"id": "e", "agent": "linear_algebra", "task": "eigen",
         "params": {"A": {"from": "m.A"}, "symmetric": "false"}},
    ])


def wait_eigen_running(s, url, job_id):
    """Waits until the matrix step is done and the eigen step runs (the part that never checks a
    cancel flag)."""
    def eigen_started():
        j = state(s, url, job_id)
        assert j["state"] in ("queued", "running"), j
        return j["state"] == "running" and j["progress"]["steps_done"] >= 1
    su.wait_for(eigen_started, 120, interval=0.1, what="the eigen step to start")


def submit(s, url, doc, expect=202):
    r = s.post(url + "/v1/jobs", json=doc, timeout=T)
    assert r.status_code == expect, (r.status_code, r.text)
    return r.json().get("id")


def state(s, url, job_id):
    r = s.get(url + "/v1/jobs/" + job_id, timeout=T)
    assert r.status_code == 200, (r.status_code, r.text)
    return r.json()


def worker_pids(server_pid):
    """Pids of the job worker processes of `server_pid` running a job (children with
    --job-worker that took a job and renamed themselves "sciagents-job"; idle pre-started workers
    keep their name)."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid != server_pid:
                continue
            with open("/proc/%s/cmdline" % name, "rb") as f:
                cmd = f.read().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        try:
            with open("/proc/%s/comm" % name) as f:
                comm = f.read().strip()
        except OSError:
            continue
        if b"--job-worker" in cmd and comm == "sciagents-job":
            pids.append(int(name))
    return pids


def gone(pid):
    """True when `pid` no longer exists (or is a zombie nobody has reaped yet)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def new_worker(srv, before=()):
    """Waits for a worker process of `srv` not in `before`; None if none appears (old servers
    run jobs in-process)."""
    try:
        return su.wait_for(lambda: next((p for p in worker_pids(srv.pid) if p not in before), None),
                           10, what="a job worker process")
    except AssertionError:
        return None


def seconds_between(start, end):
    """Seconds between two ISO times of the job API, or None."""
    try:
        t = [datetime.datetime.fromisoformat(x.replace("Z", "+00:00")) for x in (start, end)]
        return (t[1] - t[0]).total_seconds()
    except (AttributeError, TypeError, ValueError):
        return None


def report(line):
    """A measured figure, printed for the record; tests assert no timing."""
    print("measured: " + line, file=sys.stderr, flush=True)


class Base(unittest.TestCase):
    def server(self, *extra, env=None):
        srv = su.Server(ARGS.sciagents, extra_args=["--shutdown-grace", "1"] + list(extra),
                        env=env, keep=ARGS.keep)
        self.addCleanup(srv.cleanup)
        return srv


class NonCooperativeJobs(Base):
    def test_wall_time_cap_kills_the_worker_and_others_still_run(self):
        srv = self.server("--workers", "2")
        alice = srv.create_token("alice")
        bob = srv.create_token("bob")
        srv.start()
        a, b = srv.session(alice), srv.session(bob)
        # The cap leaves time to build the matrix, so it normally strikes during the eigen step.
        job = submit(a, srv.url, {"workflow": eigen_job(), "wall_time_s": 10, "no_cache": True})
        su.wait_job(a, srv.url, job, timeout=60, states={"running"})
        pid = new_worker(srv)
        # Meanwhile the server serves others: a small job of another user succeeds.
        small = submit(b, srv.url, su.quick_solve(3, name="small"))
        self.assertEqual(su.wait_job(b, srv.url, small, timeout=60)["state"], "succeeded")
        j = su.wait_job(a, srv.url, job, timeout=10 + STOP_GUARD)
        self.assertEqual(j["state"], "timed_out", j)
        self.assertIn("wall time", j["error"])
        self.assertIsNotNone(pid, "the job did not run in a worker process")
        su.wait_for(lambda: gone(pid), STOP_GUARD, what="worker %d to be gone" % pid)
        # A figure for the record (the guard above is the test): cap to worker gone.
        ran = seconds_between(j.get("started_at"), j.get("finished_at"))
        report("wall-time cap: job ran %s s under a 10 s cap"
               % ("%.2f" % ran if ran is not None else "?"))
        self.assertEqual(a.get(srv.url + "/livez", timeout=T).status_code, 200)

    def test_delete_kills_the_worker(self):
        srv = self.server("--workers", "1")
        tok = srv.create_token("alice")
        srv.start()
        s = srv.session(tok)
        job = submit(s, srv.url, {"workflow": eigen_job(), "no_cache": True})
        su.wait_job(s, srv.url, job, timeout=60, states={"running"})
        pid = new_worker(srv)
        wait_eigen_running(s, srv.url, job)
        t0 = time.monotonic()
        r = s.delete(srv.url + "/v1/jobs/" + job, timeout=T)
        self.assertEqual(r.status_code, 202, r.text)
        j = su.wait_job(s, srv.url, job, timeout=STOP_GUARD)
        self.assertEqual(j["state"], "cancelled", j)
        self.assertIsNotNone(pid, "the job did not run in a worker process")
        su.wait_for(lambda: gone(pid), STOP_GUARD, what="worker %d to be gone" % pid)
        report("DELETE: worker gone %.2f s after the request" % (time.monotonic() - t0))
        # The freed slot runs the next job.
        nxt = submit(s, srv.url, su.quick_solve(2, name="next"))
        self.assertEqual(su.wait_job(s, srv.url, nxt, timeout=60)["state"], "succeeded")

    def test_sigterm_stops_the_server_within_its_grace(self):
        srv = self.server("--workers", "1", "--shutdown-grace", "2")
        tok = srv.create_token("alice")
        srv.start()
        s = srv.session(tok)
        job = submit(s, srv.url, {"workflow": eigen_job(), "no_cache": True})
        su.wait_job(s, srv.url, job, timeout=60, states={"running"})
        pid = new_worker(srv)
        wait_eigen_running(s, srv.url, job)
        t0 = time.monotonic()
        os.kill(srv.pid, signal.SIGTERM)
        rc = srv.wait_exit(2 + STOP_GUARD)
        report("SIGTERM: server exited %.2f s later (grace 2 s)" % (time.monotonic() - t0))  # SIGKILL (rc -9) if it does not stop by itself
        self.assertEqual(rc, 0, "the server did not stop after SIGTERM; log:\n" + srv.log_tail())
        self.assertIsNotNone(pid, "the job did not run in a worker process")
        su.wait_for(lambda: gone(pid), STOP_GUARD, what="worker %d to be gone" % pid)


class StoredCancel(Base):
    def test_cancelled_job_is_not_rerun_after_kill9(self):
        srv = self.server("--workers", "1")
        tok = srv.create_token("alice")
        srv.start()
        s = srv.session(tok)
        job = submit(s, srv.url, {"workflow": eigen_job(), "no_cache": True})
        su.wait_job(s, srv.url, job, timeout=60, states={"running"})
        pid = new_worker(srv)
        wait_eigen_running(s, srv.url, job)
        r = s.delete(srv.url + "/v1/jobs/" + job, timeout=T)
        self.assertEqual(r.status_code, 202, r.text)
        srv.kill()  # at once, whether or not the job has stopped yet
        if pid is not None:  # the worker dies with its server
            su.wait_for(lambda: gone(pid), STOP_GUARD, what="worker %d to be gone" % pid)
        srv.start()
        s = srv.session(tok)
        j = state(s, srv.url, job)
        self.assertEqual(j["state"], "cancelled", j)
        # A job submitted after the restart runs to its end: the cancelled one was not queued
        # before it.
        nxt = submit(s, srv.url, su.quick_solve(2, name="after restart"))
        self.assertEqual(su.wait_job(s, srv.url, nxt, timeout=60)["state"], "succeeded")
        self.assertEqual(state(s, srv.url, job)["state"], "cancelled")
        self.assertEqual(worker_pids(srv.pid), [])


class FairTurns(Base):
    def test_second_user_runs_while_first_users_long_jobs_wait(self):
        # (The caps through their environment variables: a server without them still starts and
        # fails the fairness checks below rather than the option parsing.)
        srv = self.server("--workers", "2", env={"SCIAGENTS_MAX_QUEUED_PER_USER": "20",
                                                 "SCIAGENTS_MAX_RUNNING_PER_USER": "1"})
        alice = srv.create_token("alice")
        bob = srv.create_token("bob")
        srv.start()
        a, b = srv.session(alice), srv.session(bob)
        longs = [submit(a, srv.url, {"workflow": su.long_ode(name="long %d" % i), "no_cache": True})
                 for i in range(10)]
        su.wait_job(a, srv.url, longs[0], timeout=60, states={"running"})
        t0 = time.monotonic()
        small = submit(b, srv.url, su.quick_solve(3, name="bob's small job"))
        self.assertEqual(su.wait_job(b, srv.url, small, timeout=30)["state"], "succeeded")
        report("fair turns: bob's small job succeeded %.2f s after submit, behind 10 long jobs"
               % (time.monotonic() - t0))
        running = [i for i in longs if state(a, srv.url, i)["state"] == "running"]
        self.assertEqual(len(running), 1, "alice is over her running cap")

        # Alice's queue: 9 or 10 queued now; she may queue up to 20, then gets 429.
        refused = None
        accepted = 0
        for i in range(30):
            r = a.post(srv.url + "/v1/jobs", json={"workflow": su.long_ode(name="more %d" % i)},
                       timeout=T)
            if r.status_code == 429:
                refused = r
                break
            self.assertEqual(r.status_code, 202, r.text)
            accepted += 1
        self.assertIsNotNone(refused, "no 429 from --max-queued-per-user 20")
        self.assertGreaterEqual(accepted, 10)
        self.assertTrue(refused.headers.get("Retry-After", "").isdigit(), refused.headers)
        body = refused.json()
        self.assertEqual(body["error"], "too_many_requests")
        self.assertIn("--max-queued-per-user", body["message"])
        self.assertIn("20", body["message"])
        # Bob is not affected by alice's full queue.
        other = submit(b, srv.url, su.quick_solve(2, name="bob again"))
        self.assertEqual(su.wait_job(b, srv.url, other, timeout=30)["state"], "succeeded")


class KilledWorker(Base):
    def test_worker_killed_from_outside_fails_its_job(self):
        srv = self.server("--workers", "1")
        tok = srv.create_token("alice")
        srv.start()
        s = srv.session(tok)
        job = submit(s, srv.url, {"workflow": su.long_ode(), "no_cache": True})
        su.wait_job(s, srv.url, job, timeout=60, states={"running"})
        pid = new_worker(srv)
        self.assertIsNotNone(pid, "the job did not run in a worker process")
        os.kill(pid, signal.SIGKILL)
        j = su.wait_job(s, srv.url, job, timeout=STOP_GUARD)
        self.assertEqual(j["state"], "failed", j)
        self.assertIn("killed by signal 9", j["error"])
        self.assertIn(str(pid), j["error"])
        self.assertTrue(srv.alive())
        self.assertEqual(s.get(srv.url + "/livez", timeout=T).status_code, 200)
        nxt = submit(s, srv.url, su.quick_solve(2, name="after the crash"))
        self.assertEqual(su.wait_job(s, srv.url, nxt, timeout=60)["state"], "succeeded")


if __name__ == "__main__":
    ARGS, argv = su.parse_args()
    unittest.main(argv=argv)
