#!/usr/bin/python3
"""API tests for `sciagents serve` with an independent client (Debian's python3-requests).

Covers every route of the contract (docs/api/openapi.yaml, docs/architecture.md §6): submit, status,
list, result, events (SSE), cancel, agents, livez, readyz, metrics; auth failures (401 missing /
bad / revoked token, other users' jobs, admin scope); errors (400, 404, 405, 415, 422, 429) and the
CLI client (submit, submit --wait, run --target, health --server).

Usage: /usr/bin/python3 tests/server/api_test.py --sciagents build/bin/sciagents [-v] [unittest args]
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import requests  # noqa: E402

import server_util as su  # noqa: E402

ARGS = None
SRV = None
TOK = {}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$")
HEX32 = re.compile(r"^[0-9a-f]{32}$")
T = 15  # per-request timeout (s)


def setUpModule():
    global SRV
    SRV = su.Server(ARGS.sciagents, extra_args=["--workers", "1"], keep=ARGS.keep)
    for name, admin in (("alice", False), ("bob", False), ("root", True), ("victim", False)):
        TOK[name] = SRV.create_token(name, admin=admin)
    SRV.start()


def tearDownModule():
    if SRV:
        rc = SRV.stop()
        if rc not in (0, None, -signal.SIGTERM):
            print("server exit code after SIGTERM: %s\n%s" % (rc, SRV.log_tail()), file=sys.stderr)
        SRV.cleanup()


def S(name=None):
    return SRV.session(TOK[name] if name else None)


def submit(session, doc, expect=202, base=None):
    r = session.post((base or SRV.url) + "/v1/jobs", json=doc, timeout=T)
    assert r.status_code == expect, (r.status_code, r.text)
    return r.json() if r.content else None


def assert_error(tc, r, status, code):
    tc.assertEqual(r.status_code, status, r.text)
    tc.assertTrue(r.headers.get("Content-Type", "").startswith("application/json"), r.headers)
    j = r.json()
    tc.assertEqual(j.get("error"), code, j)
    tc.assertIsInstance(j.get("message"), str, j)
    tc.assertTrue(j["message"], j)
    return j


class Health(unittest.TestCase):
    def test_livez(self):
        r = requests.get(SRV.url + "/livez", timeout=T)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json(), {"status": "ok"})

    def test_readyz(self):
        r = requests.get(SRV.url + "/readyz", timeout=T)
        self.assertEqual(r.status_code, 200, r.text)
        j = r.json()
        self.assertEqual(j["status"], "ready")
        for k in ("queue", "running", "workers"):
            self.assertIsInstance(j[k], int, j)
        self.assertEqual(j["workers"], 1)
        version = subprocess.run([ARGS.sciagents, "--version"], capture_output=True, text=True).stdout.split()[1]
        self.assertEqual(j["version"], version)

    def test_metrics(self):
        s = S("alice")
        job = submit(s, su.quick_solve(3, name="metrics job"))
        failing = submit(s, su.workflow("failing job", [{"id": "s", "agent": "linear_algebra", "task": "solve",
                                                          "params": {"A": [[1, 2], [2, 4]], "b": [1, 1], "method": "lu"}}]))
        su.wait_job(s, SRV.url, job["id"])
        self.assertEqual(su.wait_job(s, SRV.url, failing["id"])["state"], "failed")
        r = requests.get(SRV.url + "/metrics", timeout=T)
        self.assertEqual(r.status_code, 200)
        ct = r.headers.get("Content-Type", "")
        self.assertTrue(ct.startswith("text/plain"), ct)
        self.assertIn("version=0.0.4", ct)
        text = r.text
        names = set()
        for line in text.splitlines():
            if line and not line.startswith("#"):
                names.add(re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)", line).group(1))
        for required in ("sciagents_jobs", "sciagents_queue_depth", "sciagents_jobs_running",
                         "sciagents_job_duration_seconds_bucket", "sciagents_job_duration_seconds_sum",
                         "sciagents_job_duration_seconds_count", "sciagents_step_duration_seconds_bucket",
                         "sciagents_step_duration_seconds_count", "sciagents_http_requests_total",
                         "sciagents_http_request_duration_seconds_bucket", "process_cpu_seconds_total",
                         "process_resident_memory_bytes", "process_open_fds", "process_start_time_seconds",
                         "workflow_execution_duration_seconds", "errors_total"):
            self.assertTrue(any(n == required or n.startswith(required + "_") for n in names) or required in names,
                            "metric %s missing; got %s" % (required, sorted(names)))
        m = re.search(r'^sciagents_jobs\{[^}]*state="succeeded"[^}]*\}\s+([0-9.e+]+)', text, re.M)
        self.assertTrue(m and float(m.group(1)) >= 1, "sciagents_jobs{state=\"succeeded\"} >= 1 expected")
        self.assertRegex(text, r'sciagents_http_requests_total\{[^}]*route="[^"]+"[^}]*method="[A-Z]+"[^}]*code="\d{3}"'
                         r'|sciagents_http_requests_total\{[^}]*code="\d{3}"')
        rss = re.search(r"^process_resident_memory_bytes\s+([0-9.e+]+)", text, re.M)
        self.assertTrue(rss and float(rss.group(1)) > 1e6)
        # No auth needed for metrics/livez/readyz even with a bad token.
        self.assertEqual(requests.get(SRV.url + "/metrics", headers={"Authorization": "Bearer nope"}, timeout=T).status_code, 200)

    def test_health_command(self):
        r = subprocess.run([ARGS.sciagents, "health", "--server", SRV.url], capture_output=True, text=True, timeout=su.scaled(30))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^healthy: \S+, queue \d+, running \d+")


class Auth(unittest.TestCase):
    ROUTES = [("GET", "/v1/jobs"), ("POST", "/v1/jobs"), ("GET", "/v1/agents"),
              ("GET", "/v1/jobs/" + "0" * 32), ("GET", "/v1/jobs/" + "0" * 32 + "/result"),
              ("GET", "/v1/jobs/" + "0" * 32 + "/events"), ("DELETE", "/v1/jobs/" + "0" * 32)]

    def check_401(self, headers):
        for method, path in self.ROUTES:
            kw = {"json": su.quick_solve()} if method == "POST" else {}
            r = requests.request(method, SRV.url + path, headers=headers, timeout=T, **kw)
            j = assert_error(self, r, 401, "unauthorized")
            self.assertTrue(r.headers.get("WWW-Authenticate", "").startswith("Bearer"), (method, path, r.headers))
            self.assertNotIn("Traceback", json.dumps(j))

    def test_missing_token(self):
        self.check_401({})

    def test_bad_token(self):
        self.check_401({"Authorization": "Bearer " + "x" * 43})
        self.check_401({"Authorization": "Bearer " + TOK["alice"][:-1] + ("A" if TOK["alice"][-1] != "A" else "B")})
        self.check_401({"Authorization": "Basic YWxpY2U6c2VjcmV0"})
        self.check_401({"Authorization": "Bearer"})

    def test_revoked_token(self):
        s = S("victim")
        self.assertEqual(s.get(SRV.url + "/v1/agents", timeout=T).status_code, 200)
        SRV.revoke_token("victim")
        r = s.get(SRV.url + "/v1/jobs", timeout=T)
        assert_error(self, r, 401, "unauthorized")

    def test_token_list_has_no_secrets(self):
        r = SRV.cli("serve", "token", "list", "--data-dir", SRV.data_dir)
        self.assertIn("alice", r.stdout)
        self.assertIn("root", r.stdout)
        self.assertNotIn(TOK["alice"], r.stdout)

    def test_users_are_isolated_admin_sees_all(self):
        alice, bob, root = S("alice"), S("bob"), S("root")
        a = submit(alice, su.quick_solve(2, name="alice's job"))
        b = submit(bob, su.quick_solve(2, name="bob's job"))
        su.wait_job(alice, SRV.url, a["id"])
        su.wait_job(bob, SRV.url, b["id"])
        # Other users' jobs do not exist for alice: status, result, events, cancel all 404.
        for method, suffix in (("GET", ""), ("GET", "/result"), ("GET", "/events"), ("DELETE", "")):
            r = alice.request(method, SRV.url + "/v1/jobs/" + b["id"] + suffix, timeout=T)
            assert_error(self, r, 404, "not_found")
        ids = [j["id"] for j in alice.get(SRV.url + "/v1/jobs", timeout=T).json()["jobs"]]
        self.assertIn(a["id"], ids)
        self.assertNotIn(b["id"], ids)
        # A user cannot widen the listing with query parameters: another owner is admin-only (403).
        assert_error(self, alice.get(SRV.url + "/v1/jobs?owner=bob", timeout=T), 403, "forbidden")
        r = alice.get(SRV.url + "/v1/jobs?owner=alice", timeout=T)
        self.assertEqual(r.status_code, 200)
        self.assertNotIn(b["id"], [j["id"] for j in r.json()["jobs"]])
        for q in ("?all=1", "?all=true"):
            r = alice.get(SRV.url + "/v1/jobs" + q, timeout=T)
            if r.status_code == 200:
                self.assertNotIn(b["id"], [j["id"] for j in r.json()["jobs"]], q)
            else:
                assert_error(self, r, 400, "bad_request")
        # The admin sees and reads everything.
        ids = [j["id"] for j in root.get(SRV.url + "/v1/jobs?limit=1000", timeout=T).json()["jobs"]]
        self.assertIn(a["id"], ids)
        self.assertIn(b["id"], ids)
        only_bob = root.get(SRV.url + "/v1/jobs?owner=bob&limit=1000", timeout=T).json()["jobs"]
        self.assertIn(b["id"], [j["id"] for j in only_bob])
        self.assertTrue(all(j["owner"] == "bob" for j in only_bob))
        j = root.get(SRV.url + "/v1/jobs/" + b["id"], timeout=T).json()
        self.assertEqual(j["owner"], "bob")
        self.assertEqual(root.get(SRV.url + "/v1/jobs/" + b["id"] + "/result", timeout=T).status_code, 200)

    def test_user_forbidden_on_admin_routes(self):
        # Admin-only: listing another token's jobs (403 above) and the feedback summary (403 for
        # users). A user token never gets a 2xx there.
        assert_error(self, S("bob").get(SRV.url + "/v1/jobs?owner=root", timeout=T), 403, "forbidden")
        for path in ("/v1/feedback/summary",):
            r = S("alice").get(SRV.url + path, timeout=T)
            assert_error(self, r, 403, "forbidden")


class Jobs(unittest.TestCase):
    def test_submit_status_result(self):
        s = S("alice")
        doc = su.quick_solve(3, name="status and result")
        r = s.post(SRV.url + "/v1/jobs", json=doc, timeout=T)
        self.assertEqual(r.status_code, 202, r.text)
        j = r.json()
        self.assertRegex(j["id"], HEX32)
        self.assertEqual(j["state"], "queued")
        self.assertEqual(j["location"], "/v1/jobs/" + j["id"])
        self.assertTrue(r.headers["Location"].endswith("/v1/jobs/" + j["id"]), r.headers)
        st = su.wait_job(s, SRV.url, j["id"])
        self.assertEqual(st["state"], "succeeded", st)
        self.assertEqual(st["id"], j["id"])
        self.assertEqual(st["name"], "status and result")
        self.assertEqual(st["owner"], "alice")
        self.assertIsNone(st["error"])
        for k in ("created_at", "started_at", "finished_at"):
            self.assertRegex(st[k], ISO, k)
        self.assertLessEqual(st["created_at"], st["started_at"])
        self.assertLessEqual(st["started_at"], st["finished_at"])
        p = st["progress"]
        self.assertEqual(p["steps_total"], 1)
        self.assertEqual(p["steps_done"], 1)
        self.assertAlmostEqual(p["fraction"], 1.0)

        r = s.get(SRV.url + "/v1/jobs/" + j["id"] + "/result", timeout=T)
        self.assertEqual(r.status_code, 200)
        res = r.json()
        self.assertEqual(res["sciagents_result"], 1)
        self.assertEqual(res["status"], "succeeded")
        self.assertEqual(res["workflow"], "status and result")
        step = res["steps"]["s"]
        for k in ("status", "outputs", "diagnostics", "timing", "provenance", "cached"):
            self.assertIn(k, step)
        # A = 4I + ones (3x3), b = [1, 2, 3]: check A x = b.
        x = step["outputs"]["x"]
        A, b = doc["steps"][0]["params"]["A"], doc["steps"][0]["params"]["b"]
        for i in range(3):
            self.assertAlmostEqual(sum(A[i][k] * x[k] for k in range(3)), b[i], places=10)
        # Same shape as `sciagents run -o` for the same workflow.
        with tempfile.TemporaryDirectory() as d:
            wf, out = os.path.join(d, "w.workflow.json"), os.path.join(d, "out.json")
            with open(wf, "w") as f:
                json.dump(doc, f)
            env = dict(os.environ, SCIAGENTS_CACHE_DIR=os.path.join(d, "cache"))
            rr = subprocess.run([ARGS.sciagents, "run", wf, "-o", out, "--progress", "none"], capture_output=True,
                                text=True, env=env, timeout=su.scaled(60))
            self.assertEqual(rr.returncode, 0, rr.stderr)
            with open(out) as f:
                local = json.load(f)
        self.assertEqual(set(local), set(res))
        self.assertEqual(set(local["steps"]["s"]), set(step))
        self.assertEqual(set(local["steps"]["s"]["outputs"]), set(step["outputs"]))
        for a_, b_ in zip(local["steps"]["s"]["outputs"]["x"], x):
            self.assertAlmostEqual(a_, b_, places=12)

    def test_envelope(self):
        s = S("alice")
        env = {"workflow": su.quick_solve(4, name="envelope"), "seed": 5, "no_cache": True, "wall_time_s": 30}
        j = submit(s, env)
        st = su.wait_job(s, SRV.url, j["id"])
        self.assertEqual(st["state"], "succeeded", st)
        res = s.get(SRV.url + "/v1/jobs/" + j["id"] + "/result", timeout=T).json()
        self.assertFalse(res["steps"]["s"]["cached"])

    def test_list_newest_first_filter_limit(self):
        s = S("bob")
        ids = []
        for i in range(3):
            ids.append(submit(s, su.quick_solve(2, name="list %d" % i, shift=i))["id"])
            time.sleep(0.01)
        for i in ids:
            su.wait_job(s, SRV.url, i)
        jobs = s.get(SRV.url + "/v1/jobs", timeout=T).json()["jobs"]
        listed = [j["id"] for j in jobs]
        pos = [listed.index(i) for i in ids]
        self.assertEqual(pos, sorted(pos, reverse=True), "newest first expected: %s" % listed)
        created = [j["created_at"] for j in jobs]
        self.assertEqual(created, sorted(created, reverse=True))
        for j in jobs:
            for k in ("id", "name", "state", "progress", "created_at", "owner"):
                self.assertIn(k, j)
        one = s.get(SRV.url + "/v1/jobs?limit=1", timeout=T).json()["jobs"]
        self.assertEqual(len(one), 1)
        self.assertEqual(one[0]["id"], listed[0])
        succ = s.get(SRV.url + "/v1/jobs?state=succeeded", timeout=T).json()["jobs"]
        self.assertTrue(succ and all(j["state"] == "succeeded" for j in succ))
        none = s.get(SRV.url + "/v1/jobs?state=running", timeout=T).json()["jobs"]
        self.assertTrue(all(j["state"] == "running" for j in none))

    def test_cancel_really_stops_and_frees_the_worker(self):
        # The server runs with --workers 1: the quick job after the cancel can only run if the
        # cancelled job really released its worker.
        s = S("alice")
        long_job = submit(s, su.long_ode(name="to cancel"))
        lid = long_job["id"]
        su.wait_job(s, SRV.url, lid, timeout=30, states={"running"})
        r = s.get(SRV.url + "/v1/jobs/" + lid + "/result", timeout=T)
        j = assert_error(self, r, 404, "not_ready")
        self.assertIn(j.get("state"), ("queued", "running"))
        t0 = time.time()
        r = s.delete(SRV.url + "/v1/jobs/" + lid, timeout=T)
        self.assertEqual(r.status_code, 202, r.text)
        self.assertEqual(r.json()["id"], lid)
        self.assertIn(r.json()["state"], ("running", "cancelled"))
        st = su.wait_job(s, SRV.url, lid, timeout=20)
        self.assertEqual(st["state"], "cancelled", st)
        quick = submit(s, su.quick_solve(2, name="after cancel"))
        st2 = su.wait_job(s, SRV.url, quick["id"], timeout=30)
        self.assertEqual(st2["state"], "succeeded", st2)
        print("  cancel -> next job succeeded in %.2f s" % (time.time() - t0), file=sys.stderr)
        # Idempotent; a finished job keeps its state and the answer is 200 (nothing left to do).
        r = s.delete(SRV.url + "/v1/jobs/" + lid, timeout=T)
        self.assertEqual((r.status_code, r.json()["state"]), (200, "cancelled"))
        r = s.delete(SRV.url + "/v1/jobs/" + quick["id"], timeout=T)
        self.assertEqual((r.status_code, r.json()["state"]), (200, "succeeded"))
        self.assertEqual(s.get(SRV.url + "/v1/jobs/" + quick["id"], timeout=T).json()["state"], "succeeded")
        assert_error(self, s.delete(SRV.url + "/v1/jobs/" + "f" * 32, timeout=T), 404, "not_found")

    def test_cancel_queued_job(self):
        s = S("alice")
        a = submit(s, su.long_ode(name="blocker"))
        b = submit(s, su.long_ode(name="queued then cancelled"))
        su.wait_job(s, SRV.url, a["id"], timeout=30, states={"running"})
        self.assertEqual(s.get(SRV.url + "/v1/jobs/" + b["id"], timeout=T).json()["state"], "queued")
        r = s.delete(SRV.url + "/v1/jobs/" + b["id"], timeout=T)
        self.assertEqual(r.status_code, 202)
        self.assertEqual(su.wait_job(s, SRV.url, b["id"], timeout=10)["state"], "cancelled")
        s.delete(SRV.url + "/v1/jobs/" + a["id"], timeout=T)
        self.assertEqual(su.wait_job(s, SRV.url, a["id"], timeout=20)["state"], "cancelled")

    def test_unknown_job_and_routes(self):
        s = S("alice")
        for path in ("/v1/jobs/" + "0" * 32, "/v1/jobs/" + "0" * 32 + "/result", "/v1/jobs/" + "0" * 32 + "/events",
                     "/v1/jobs/not-an-id", "/v1/nothing", "/v2/jobs", "/"):
            assert_error(self, s.get(SRV.url + path, timeout=T), 404, "not_found")
        # Feedback routes (tests/server/feedback_test.py has the rest): a body that is not a survey
        # response is refused naming the field; only an admin token reads the summary.
        assert_error(self, s.post(SRV.url + "/v1/feedback", json={"nps": 9}, timeout=T), 400, "bad_request")
        self.assertEqual(S("root").get(SRV.url + "/v1/feedback/summary", timeout=T).status_code, 200)
        assert_error(self, s.get(SRV.url + "/v1/feedback/summary", timeout=T), 403, "forbidden")

    def test_method_not_allowed(self):
        s = S("alice")
        for method, path in (("PUT", "/v1/jobs"), ("DELETE", "/v1/jobs"), ("PATCH", "/v1/jobs/" + "0" * 32),
                             ("POST", "/v1/agents"), ("POST", "/livez"), ("DELETE", "/metrics"),
                             ("POST", "/v1/jobs/" + "0" * 32 + "/result")):
            r = s.request(method, SRV.url + path, timeout=T, json={} if method in ("POST", "PUT", "PATCH") else None)
            assert_error(self, r, 405, "method_not_allowed")
            self.assertTrue(r.headers.get("Allow"), (method, path, r.headers))

    def test_bad_bodies(self):
        s = S("alice")
        assert_error(self, s.post(SRV.url + "/v1/jobs", data=b'{"sciagents": 1, "steps": [', timeout=T,
                                  headers={"Content-Type": "application/json"}), 400, "invalid_json")
        assert_error(self, s.post(SRV.url + "/v1/jobs", data=json.dumps(su.quick_solve()), timeout=T,
                                  headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type")
        r = s.post(SRV.url + "/v1/jobs", json=[1, 2, 3], timeout=T)
        self.assertIn(r.status_code, (400, 422), r.text)

    def test_invalid_workflow_422_names_step_and_param(self):
        s = S("alice")
        doc = su.workflow("bad", [{"id": "solver", "agent": "linear_algebra", "task": "solve",
                                    "params": {"A": [[1, 2], [3, 4]], "b": [1, 2], "bogus_param": 3}},
                                   {"id": "ode", "agent": "ode_pde", "task": "ivp",
                                    "params": {"rhs": ["-y"], "states": ["y"], "y0": [1], "t_span": [0, 1],
                                               "rtol": -1}}])
        j = assert_error(self, s.post(SRV.url + "/v1/jobs", json=doc, timeout=T), 422, "invalid_workflow")
        issues = j["issues"]
        self.assertTrue(all(isinstance(i, str) for i in issues), issues)
        self.assertTrue(any("solver" in i and "bogus_param" in i for i in issues), issues)
        self.assertTrue(any("ode" in i and "rtol" in i for i in issues), issues)

    def test_limit_exceeded_422(self):
        s = S("alice")
        doc = su.workflow("huge grid", [{"id": "p", "agent": "ode_pde", "task": "poisson",
                                          "params": {"dim": 2, "n": 100000, "f": "1"}}])
        j = assert_error(self, s.post(SRV.url + "/v1/jobs", json=doc, timeout=T), 422, "limit_exceeded")
        self.assertIn("p", j["message"])

    def test_agents_equals_cli(self):
        r = S("alice").get(SRV.url + "/v1/agents", timeout=T)
        self.assertEqual(r.status_code, 200)
        cli = subprocess.run([ARGS.sciagents, "agents", "--json"], capture_output=True, text=True, timeout=su.scaled(60))
        self.assertEqual(cli.returncode, 0)
        self.assertEqual(r.json(), json.loads(cli.stdout))


class Events(unittest.TestCase):
    def open_stream(self, s, job_id, last_id=None):
        h = {"Accept": "text/event-stream"}
        if last_id is not None:
            h["Last-Event-ID"] = last_id
        r = s.get(SRV.url + "/v1/jobs/" + job_id + "/events", headers=h, stream=True, timeout=60)
        self.assertEqual(r.status_code, 200, r.text if not r.headers.get("Content-Type", "").startswith("text/event") else "")
        self.assertTrue(r.headers["Content-Type"].startswith("text/event-stream"), r.headers)
        return r

    def test_stream_contents(self):
        s = S("alice")
        job = submit(s, su.mc_then_minimize())
        r = self.open_stream(s, job["id"])
        events, _ = su.read_sse(r)
        r.close()
        kinds = [e["event"] for e in events]
        self.assertEqual(kinds[0], "state", kinds)
        self.assertIn(events[0]["data"]["state"], ("queued", "running"))
        self.assertIsInstance(events[0]["data"]["fraction"], (int, float))
        self.assertEqual(kinds[-1], "done", kinds)
        self.assertEqual(events[-1]["data"]["state"], "succeeded")
        self.assertEqual(kinds.count("done"), 1)
        started = {e["data"]["step"]: e["data"] for e in events if e["event"] == "step_started"}
        finished = {e["data"]["step"]: e["data"] for e in events if e["event"] == "step_finished"}
        self.assertEqual(set(started), {"mc", "fit"})
        self.assertEqual((started["mc"]["agent"], started["mc"]["task"]), ("integration", "monte_carlo"))
        self.assertEqual((started["fit"]["agent"], started["fit"]["task"]), ("optimization", "minimize"))
        self.assertEqual(set(finished), {"mc", "fit"})
        for f in finished.values():
            self.assertEqual(f["status"], "succeeded")
            self.assertIsInstance(f["cached"], bool)
            self.assertIsInstance(f["seconds"], (int, float))
            self.assertIn("error", f)
        self.assertLess(kinds.index("step_started"), kinds.index("step_finished"))
        idx = {k: i for i, k in enumerate(e["event"] + ":" + e["data"].get("step", "") for e in events
                                           if isinstance(e["data"], dict))}
        self.assertLess(idx["step_finished:mc"], idx["step_started:fit"])  # fit links to mc
        progress = [e["data"] for e in events if e["event"] == "progress"]
        self.assertTrue(progress, kinds)
        for p in progress:
            self.assertIn(p["step"], ("mc", "fit"))
            self.assertGreaterEqual(p["fraction"], 0.0)
            self.assertLessEqual(p["fraction"], 1.0)
            self.assertIn("message", p)
        metrics = [e["data"] for e in events if e["event"] == "metric"]
        self.assertTrue(metrics, kinds)
        for m in metrics:
            self.assertIn(m["step"], ("mc", "fit"))
            self.assertIsInstance(m["series"], str)
            self.assertIsInstance(m["x"], (int, float))
            self.assertIsInstance(m["y"], (int, float))
        ids = [e["id"] for e in events]
        self.assertTrue(all(i for i in ids), "every event has an id")
        if all(i.isdigit() for i in ids):
            self.assertEqual([int(i) for i in ids], sorted(int(i) for i in ids))
        for e in events:
            self.assertNotIn("\n", e["raw"])  # one-line JSON

    def test_finished_job_gives_state_then_done(self):
        s = S("alice")
        job = submit(s, su.quick_solve(2, name="finished stream"))
        su.wait_job(s, SRV.url, job["id"])
        r = self.open_stream(s, job["id"])  # its 60 s read timeout is the hang guard
        events, _ = su.read_sse(r)
        r.close()
        kinds = [e["event"] for e in events]
        self.assertEqual(kinds[0], "state")
        self.assertEqual(events[0]["data"]["state"], "succeeded")
        self.assertEqual(kinds[-1], "done")
        self.assertEqual(events[-1]["data"]["state"], "succeeded")

    def test_finished_job_replays_its_history(self):
        # A job that finished before anybody subscribed still shows its steps (Studio follows jobs
        # that end in milliseconds); the stream ends with one done.
        s = S("alice")
        job = submit(s, su.quick_solve(3, name="finished before subscribe"))
        st = su.wait_job(s, SRV.url, job["id"], timeout=30)
        self.assertEqual(st["state"], "succeeded", st)
        events, _ = su.read_sse(self.open_stream(s, job["id"]))
        kinds = [e["event"] for e in events]
        self.assertEqual(kinds[0], "state")
        self.assertIn("step_started", kinds)
        self.assertIn("step_finished", kinds)
        self.assertEqual(kinds[-1], "done")
        self.assertEqual(kinds.count("done"), 1)
        self.assertEqual(events[-1]["data"]["state"], "succeeded")
        # With Last-Event-ID at the end of the history, only done comes back.
        last = [e for e in events if e["event"] == "step_finished"][-1]["id"]
        again, _ = su.read_sse(self.open_stream(s, job["id"], last_id=last))
        self.assertEqual([e["event"] for e in again if e["event"] != "state"], ["done"])

    def test_late_subscriber_replay_and_last_event_id(self):
        s = S("alice")
        job = submit(s, su.long_ode(name="replay"))
        su.wait_job(s, SRV.url, job["id"], timeout=30, states={"running"})
        # First subscriber: read a few events (history is replayed: step_started came before we connected).
        r = self.open_stream(s, job["id"])
        first, _ = su.read_sse(r, limit_events=4, until_done=False)
        r.close()
        kinds = [e["event"] for e in first]
        self.assertEqual(kinds[0], "state")
        self.assertIn("step_started", kinds)
        last = first[-1]["id"]
        seen = {e["id"] for e in first}
        # Reconnect with Last-Event-ID: nothing already seen comes again (a fresh state event may).
        r = self.open_stream(s, job["id"], last_id=last)
        got = []

        def reader():
            ev, _ = su.read_sse(r)
            got.extend(ev)

        th = threading.Thread(target=reader, daemon=True)
        th.start()
        time.sleep(1.0)
        s.delete(SRV.url + "/v1/jobs/" + job["id"], timeout=T)
        th.join(30)
        r.close()
        self.assertFalse(th.is_alive(), "stream did not end after cancel")
        again = [e for e in got if e["id"] in seen and e["event"] != "state"]
        self.assertEqual(again, [], "events replayed despite Last-Event-ID=%s" % last)
        self.assertNotIn("step_started", [e["event"] for e in got])
        self.assertEqual(got[-1]["event"], "done")
        self.assertEqual(got[-1]["data"]["state"], "cancelled")
        if all(e["id"] and e["id"].isdigit() for e in got if e["event"] != "state") and last.isdigit():
            self.assertTrue(all(int(e["id"]) > int(last) for e in got if e["event"] != "state"))


class Cli(unittest.TestCase):
    """The CLI client against the same server."""

    def run_cli(self, *args, token="alice", timeout=120, env=None):
        e = dict(os.environ, SCIAGENTS_CACHE_DIR=os.path.join(SRV.root, "cli-cache"))
        e.pop("SCIAGENTS_TOKEN", None)
        if token:
            e["SCIAGENTS_TOKEN"] = TOK[token]
        if env:
            e.update(env)
        return subprocess.run([ARGS.sciagents] + list(args), capture_output=True, text=True, timeout=su.scaled(timeout), env=e)

    def write(self, doc):
        f = tempfile.NamedTemporaryFile("w", suffix=".workflow.json", delete=False, dir=SRV.root)
        json.dump(doc, f)
        f.close()
        return f.name

    def test_submit_prints_id(self):
        r = self.run_cli("submit", self.write(su.quick_solve(2, name="cli submit")), "--server", SRV.url)
        self.assertEqual(r.returncode, 0, r.stderr)
        jid = r.stdout.splitlines()[0].strip()
        self.assertRegex(jid, HEX32)
        self.assertIn("/v1/jobs/" + jid, r.stdout)
        st = su.wait_job(S("alice"), SRV.url, jid)
        self.assertEqual(st["state"], "succeeded")

    def test_submit_wait_writes_result_like_run(self):
        wf = self.write(su.mc_then_minimize(n=200000))
        out = os.path.join(SRV.root, "cli-out.json")
        tf = os.path.join(SRV.root, "alice.token")
        with open(tf, "w") as f:
            f.write(TOK["alice"] + "\n")
        os.chmod(tf, 0o600)
        r = self.run_cli("submit", wf, "--server", SRV.url, "--token-file", tf, "--wait", "-o", out,
                         "--progress", "lines", token=None)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("succeeded", r.stdout)
        self.assertIn("started  mc (integration.monte_carlo)", r.stderr)
        self.assertNotIn("warning: token file", r.stderr)
        with open(out) as f:
            res = json.load(f)
        self.assertEqual(res["status"], "succeeded")
        self.assertEqual(set(res["steps"]), {"mc", "fit"})
        os.chmod(tf, 0o644)
        r = self.run_cli("run", wf, "--target", SRV.url, "--token-file", tf, "--json", "--quiet", token=None)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("warning: token file", r.stderr)
        self.assertEqual(json.loads(r.stdout)["status"], "succeeded")

    def test_cli_errors(self):
        wf = self.write(su.quick_solve(2))
        r = self.run_cli("submit", wf, "--server", SRV.url, token=None)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("401", r.stderr)
        r = self.run_cli("submit", wf, "--server", SRV.url, env={"SCIAGENTS_TOKEN": "wrong"}, token=None)
        self.assertEqual(r.returncode, 2, r.stderr)
        bad = self.write(su.workflow("bad", [{"id": "s", "agent": "linear_algebra", "task": "solve",
                                                "params": {"A": [[1]], "b": [1], "nope": 1}}]))
        r = self.run_cli("submit", bad, "--server", SRV.url)
        self.assertEqual(r.returncode, 2)
        self.assertIn("step 's'", r.stderr)
        huge = self.write(su.workflow("huge", [{"id": "p", "agent": "ode_pde", "task": "poisson",
                                                 "params": {"dim": 2, "n": 100000, "f": "1"}}]))
        r = self.run_cli("submit", huge, "--server", SRV.url)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("limit_exceeded", r.stderr)
        port = SRV.url.rsplit(":", 1)[1]
        r = self.run_cli("run", wf, "--target", "http://127.0.0.1:1")
        self.assertEqual(r.returncode, 3)
        self.assertIn("http://127.0.0.1:1", r.stderr)
        r = self.run_cli("health", "--server", "http://127.0.0.1:1")
        self.assertEqual(r.returncode, 3)
        self.assertTrue(port)

    def test_ctrl_c_cancels_remote_job(self):
        wf = self.write(su.long_ode(name="cli ctrl-c"))
        e = dict(os.environ, SCIAGENTS_TOKEN=TOK["alice"], SCIAGENTS_CACHE_DIR=os.path.join(SRV.root, "cli-cache"))
        p = subprocess.Popen([ARGS.sciagents, "run", wf, "--target", SRV.url, "--progress", "lines"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)
        s = S("alice")

        def running():
            for j in s.get(SRV.url + "/v1/jobs?state=running", timeout=T).json()["jobs"]:
                if j["name"] == "cli ctrl-c":
                    return j["id"]
            return None

        jid = su.wait_for(running, 30, what="the CLI's job to run")
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=su.scaled(30))
        self.assertEqual(p.returncode, 1, err)
        self.assertEqual(su.wait_job(s, SRV.url, jid, timeout=20)["state"], "cancelled")


class QueueLimit(unittest.TestCase):
    """A second server with one worker and a queue of one: 429 with Retry-After when full."""

    @classmethod
    def setUpClass(cls):
        cls.srv = su.Server(ARGS.sciagents, extra_args=["--workers", "1", "--queue-max", "1"], keep=ARGS.keep)
        cls.tok = cls.srv.create_token("queuer")
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def test_queue_full_429(self):
        s = self.srv.session(self.tok)
        a = submit(s, su.long_ode(name="runs"), base=self.srv.url)
        su.wait_job(s, self.srv.url, a["id"], timeout=30, states={"running"})
        accepted, rejected = [a["id"]], []
        for i in range(3):
            r = s.post(self.srv.url + "/v1/jobs", json=su.long_ode(name="more %d" % i), timeout=T)
            (accepted.append(r.json()["id"]) if r.status_code == 202 else rejected.append(r))
        self.assertTrue(rejected, "no 429 with --queue-max 1")
        self.assertLessEqual(len(accepted), 2, "more than one job queued behind the running one")
        assert_error(self, rejected[0], 429, "too_many_requests")
        self.assertRegex(rejected[0].headers.get("Retry-After", ""), r"^\d+$")
        for jid in accepted:
            s.delete(self.srv.url + "/v1/jobs/" + jid, timeout=T)
        for jid in accepted:
            self.assertEqual(su.wait_job(s, self.srv.url, jid, timeout=20)["state"], "cancelled")
        # Room again: a quick job is accepted and runs.
        q = submit(s, su.quick_solve(2), base=self.srv.url)
        self.assertEqual(su.wait_job(s, self.srv.url, q["id"], timeout=20)["state"], "succeeded")


class RateLimit(unittest.TestCase):
    """A server with --rate-limit 5: a burst from one token gets 429 with Retry-After."""

    @classmethod
    def setUpClass(cls):
        cls.srv = su.Server(ARGS.sciagents, keep=ARGS.keep, rate_limit=5)
        cls.tok = cls.srv.create_token("bursty")
        cls.other = cls.srv.create_token("calm")
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def test_rate_limit_429(self):
        s = self.srv.session(self.tok)
        codes = [s.get(self.srv.url + "/v1/jobs", timeout=T) for _ in range(60)]
        limited = [r for r in codes if r.status_code == 429]
        self.assertTrue(limited, [r.status_code for r in codes])
        self.assertTrue(all(r.status_code in (200, 429) for r in codes), [r.status_code for r in codes])
        assert_error(self, limited[0], 429, "too_many_requests")
        self.assertRegex(limited[0].headers.get("Retry-After", ""), r"^\d+$")
        # The limit is per token, and health routes are not limited.
        self.assertEqual(self.srv.session(self.other).get(self.srv.url + "/v1/jobs", timeout=T).status_code, 200)
        self.assertEqual(requests.get(self.srv.url + "/livez", timeout=T).status_code, 200)


class Tls(unittest.TestCase):
    """--tls-cert/--tls-key: HTTPS with a self-signed certificate made here with the openssl CLI."""

    @classmethod
    def setUpClass(cls):
        import shutil
        if not shutil.which("openssl"):
            raise unittest.SkipTest("openssl CLI not available")
        cls.dir = tempfile.mkdtemp(prefix="sciagents-tls-")
        cls.cert, cls.key = os.path.join(cls.dir, "cert.pem"), os.path.join(cls.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", cls.key, "-out", cls.cert,
                        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                       check=True, capture_output=True)
        cls.srv = su.Server(ARGS.sciagents, extra_args=["--tls-cert", cls.cert, "--tls-key", cls.key], keep=ARGS.keep)
        cls.tok = cls.srv.create_token("tls")
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        import shutil
        cls.srv.cleanup()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_https(self):
        self.assertTrue(self.srv.url.startswith("https://127.0.0.1:"), self.srv.url)
        r = requests.get(self.srv.url + "/livez", verify=self.cert, timeout=T)
        self.assertEqual(r.status_code, 200)
        with self.assertRaises(requests.exceptions.SSLError):
            requests.get(self.srv.url + "/livez", timeout=T)  # not trusted by default
        j = self.srv.session(self.tok).post(self.srv.url + "/v1/jobs", json=su.quick_solve(2), verify=self.cert, timeout=T)
        self.assertEqual(j.status_code, 202)
        # Plain HTTP on the TLS port is refused, and the server survives it.
        with self.assertRaises(requests.exceptions.RequestException):
            requests.get(self.srv.url.replace("https://", "http://") + "/livez", timeout=5)
        env = dict(os.environ)
        env.pop("SCIAGENTS_CA_FILE", None)
        r = subprocess.run([ARGS.sciagents, "health", "--server", self.srv.url], capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("certificate verify failed", r.stderr)
        env["SCIAGENTS_CA_FILE"] = self.cert
        r = subprocess.run([ARGS.sciagents, "health", "--server", self.srv.url], capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        wf = os.path.join(self.dir, "w.workflow.json")
        with open(wf, "w") as f:
            json.dump(su.quick_solve(3), f)
        env["SCIAGENTS_TOKEN"] = self.tok
        env["SCIAGENTS_CACHE_DIR"] = os.path.join(self.dir, "cache")
        r = subprocess.run([ARGS.sciagents, "run", wf, "--target", self.srv.url, "--json", "--quiet"],
                           capture_output=True, text=True, env=env, timeout=su.scaled(60))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["status"], "succeeded")


class ZLogs(unittest.TestCase):
    """Runs last: nothing secret reached the server log."""

    def test_tokens_never_logged(self):
        log = SRV.log_tail(n=50 * 1024 * 1024)
        self.assertTrue(log)
        for name, tok in TOK.items():
            self.assertNotIn(tok, log, "token of %s appears in the server log" % name)
        self.assertNotIn("Traceback", log)


if __name__ == "__main__":
    ARGS, argv = su.parse_args()
    unittest.main(argv=argv, verbosity=2, warnings="ignore")
