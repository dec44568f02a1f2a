#!/usr/bin/python3
"""Admission control (issue 22, findings 2 and 3): jobs whose estimated memory, work or solver steps
exceed the server's limits are refused at submit with 422 `limit_exceeded` naming the step, the
parameter and the limit (the `sciagents serve` flag), after links to values known at submit are
resolved; values that only arrive at run time are checked again before the step runs; sweeps stay
lazy and are capped per job; submissions are parsed off the io threads, so a sweep bomb or a body
of 10^5 steps never holds /livez up.

The memory bypasses are refused, never run: against a server without admission control they would
allocate gigabytes, so run this test only on a build with it (or with the server under
`prlimit --as`). Latency figures are printed next to the issue's bounds (100 ms, 50 ms); the asserted
bounds are generous (seconds, scaled for sanitizer builds) so the test holds on a loaded machine yet
fails on a server that validates on its io threads (17.9 s and 8.6 s in the issue).

Usage: /usr/bin/python3 tests/server/admission_test.py --sciagents build/bin/sciagents [-v]
"""
import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_util as su  # noqa: E402

ARGS = None
SRV = None
TOKEN = None


def setUpModule():
    global SRV, TOKEN
    SRV = su.Server(ARGS.sciagents, extra_args=["--workers", "1"], keep=ARGS.keep)
    TOKEN = SRV.create_token("alice")
    SRV.start()


def tearDownModule():
    if SRV:
        SRV.stop()
        SRV.cleanup()


def session():
    return SRV.session(TOKEN)


def submit(s, doc, timeout=60):
    r = s.post(SRV.url + "/v1/jobs", json=doc, timeout=su.scaled(timeout))
    if r.status_code == 202:  # never let a refused-by-design job run on this machine
        s.delete(SRV.url + "/v1/jobs/" + r.json()["id"], timeout=10)
    return r


def poisson(n, dim=2, **extra):
    params = {"dim": dim, "n": n, "f": "1"}
    params.update(extra)
    return {"id": "p", "agent": "ode_pde", "task": "poisson", "params": params}


def rss_bytes():
    for line in su.requests.get(SRV.url + "/metrics", timeout=10).text.splitlines():
        if line.startswith("process_resident_memory_bytes "):
            return float(line.split()[1])
    return None


class Bypasses(unittest.TestCase):
    """Each memory bypass of finding 2 is refused at submit with the step, param and limit named."""

    def refused(self, doc, step, params):
        r = submit(session(), doc)
        self.assertEqual(r.status_code, 422, r.text[:500])
        j = r.json()
        print("  %s: %s" % (self.id().rsplit(".", 1)[1], j.get("message", "")[:160]), file=sys.stderr)
        self.assertEqual(j["error"], "limit_exceeded", j)
        self.assertEqual(j["step"], step, j)
        self.assertIn(j["param"], params, j)
        self.assertTrue(j["limit"].startswith("--max-"), j)
        self.assertIn("step '%s'" % step, j["message"])
        self.assertIn(j["limit"], j["message"])
        return j

    def test_value_linked_into_poisson_n(self):
        self.refused(su.workflow("linked n", [
            {"id": "k", "agent": "workflow_orchestration", "task": "value", "params": {"value": 20000}},
            poisson({"from": "k.value"})]), "p", {"n"})

    def test_profiler_with_large_poisson_target(self):
        self.refused(su.workflow("profile", [
            {"id": "prof", "agent": "performance_profiler", "task": "profile",
             "params": {"target": {"agent": "ode_pde", "task": "poisson", "params": {"dim": 2, "f": "1"}},
                        "param": "n", "sizes": [20000, 30000]}}]), "prof", {"sizes"})

    def test_poisson_2d_below_the_grid_limit_but_over_memory(self):
        j = self.refused(su.workflow("7071", [poisson(7071)]), "p", {"n"})
        self.assertEqual(j["limit"], "--max-job-memory-mb")

    def test_sobol_at_its_schema_maximum(self):
        inputs = [{"name": v, "dist": "uniform", "a": 0, "b": 1} for v in ("x1", "x2", "x3")]
        self.refused(su.workflow("sobol", [
            {"id": "sa", "agent": "uq", "task": "sobol",
             "params": {"model": "x1 + x2*x3", "inputs": inputs, "n": 100000000}}]), "sa", {"n"})

    def test_heat_snapshots(self):
        self.refused(su.workflow("heat", [
            {"id": "h", "agent": "ode_pde", "task": "heat",
             "params": {"dim": 1, "n": 100000, "u0": "x*(1-x)", "t_span": [0, 1], "n_out": 100000}}]),
            "h", {"n_out"})

    def test_unbounded_ivp(self):
        self.refused(su.workflow("ivp", [
            {"id": "o", "agent": "ode_pde", "task": "ivp",
             "params": {"rhs": ["1"], "states": ["y"], "y0": [0], "t_span": [0, 1e300], "max_step": 1e-3,
                        "max_num_steps": 10 ** 18}}]), "o", {"max_num_steps"})

    def test_memory_limit_mb_may_ask_less_not_more(self):
        j = self.refused(su.workflow("ask more", [poisson(50, memory_limit_mb=10 ** 6)]), "p",
                         {"memory_limit_mb"})
        self.assertEqual(j["limit"], "--max-job-memory-mb")

    def test_sweep_over_a_size(self):
        doc = su.workflow("swept n", [poisson(50)])
        doc["steps"][0]["sweep"] = {"param": "n", "values": [50, 20000]}
        self.refused(doc, "p", {"n"})

    def test_dense_matrix(self):
        self.refused(su.workflow("matrix", [
            {"id": "m", "agent": "linear_algebra", "task": "matrix", "params": {"kind": "random", "n": 20000}}]),
            "m", {"n"})


class RunTime(unittest.TestCase):
    """A value known only at run time is checked by the engine before the step runs."""

    def test_linked_output_checked_before_the_step_runs(self):
        s = session()
        doc = su.workflow("run-time n", [
            {"id": "s", "agent": "linear_algebra", "task": "solve", "params": {"A": [[1.0]], "b": [20000.0]}},
            poisson({"from": "s.x[0]"})])
        r = s.post(SRV.url + "/v1/jobs", json=doc, timeout=30)
        self.assertEqual(r.status_code, 202, r.text)  # not known at submit
        st = su.wait_job(s, SRV.url, r.json()["id"], timeout=60)
        self.assertEqual(st["state"], "failed", st)
        res = s.get(SRV.url + "/v1/jobs/%s/result" % st["id"], timeout=30).json()
        err = res["steps"]["p"]["error"]
        print("  run-time refusal: %s" % err[:200], file=sys.stderr)
        self.assertIn("step 'p'", err)
        self.assertIn("param 'n'", err)
        self.assertIn("--max-", err)
        self.assertEqual(res["steps"]["s"]["status"], "succeeded")

    def test_small_jobs_still_run(self):
        s = session()
        doc = su.workflow("small", [
            {"id": "k", "agent": "workflow_orchestration", "task": "value", "params": {"value": 20}},
            poisson({"from": "k.value"})])
        doc["steps"].append({"id": "q", "agent": "integration", "task": "quad",
                             "params": {"f": "k*x", "a": 0, "b": 1, "constants": {"k": 1}},
                             "sweep": {"param": "constants.k", "values": {"linspace": [1, 2, 5]}}})
        r = s.post(SRV.url + "/v1/jobs", json=doc, timeout=30)
        self.assertEqual(r.status_code, 202, r.text)
        st = su.wait_job(s, SRV.url, r.json()["id"], timeout=60)
        self.assertEqual(st["state"], "succeeded", st)
        res = s.get(SRV.url + "/v1/jobs/%s/result" % st["id"], timeout=30).json()
        out = res["steps"]["q"]["outputs"]
        self.assertEqual(out["sweep_values"], [1.0, 1.25, 1.5, 1.75, 2.0])  # the lazy range, in order
        self.assertEqual(len(out["value"]["items"]), 5)
        self.assertAlmostEqual(out["value"]["items"][-1], 1.0, places=9)  # integral of 2x over [0, 1]


class LivezProbe:
    """Polls /livez (fresh connection each time) while something else happens; keeps the latencies."""

    def __init__(self):
        self.ms = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            t0 = time.perf_counter()
            try:
                ok = su.requests.get(SRV.url + "/livez", timeout=su.scaled(30)).status_code == 200
            except su.requests.RequestException:
                ok = False
            self.ms.append((time.perf_counter() - t0) * 1000)
            self.failures += 0 if ok else 1
            time.sleep(0.005)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(su.scaled(60))


def post_many(docs, timeout=120):
    """Posts each body (already encoded) from its own thread; returns [(status, json, ms)]."""
    out = [None] * len(docs)

    def one(i):
        t0 = time.perf_counter()
        r = su.requests.post(SRV.url + "/v1/jobs", data=docs[i], timeout=su.scaled(timeout),
                             headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
        out[i] = (r.status_code, r.json(), (time.perf_counter() - t0) * 1000)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(docs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(su.scaled(timeout + 10))
    return out


class Expansion(unittest.TestCase):
    """Finding 3: a tiny request must not expand before it is queued, nor hold the io threads."""

    def check_probe(self, probe, what):
        worst = max(probe.ms) if probe.ms else float("nan")
        print("  /livez during %s: %d probes, worst %.1f ms (issue bound 50 ms)" % (what, len(probe.ms), worst),
              file=sys.stderr)
        self.assertEqual(probe.failures, 0)
        self.assertGreater(len(probe.ms), 0)
        # A hang guard, not a speed check (tests assert no timings; the figure is printed above):
        # io threads blocked by parsing kept /livez waiting 8.6 s on the old server.
        self.assertLess(worst, su.scaled(5000.0))

    def test_sweep_bomb(self):
        steps = [{"id": "s%d" % i, "agent": "integration", "task": "quad",
                  "params": {"f": "k*x", "a": 0, "b": 1, "constants": {"k": 1}},
                  "sweep": {"param": "constants.k", "values": {"linspace": [0.1, 10, 1000000]}}} for i in range(30)]
        body = json.dumps(su.workflow("bomb", steps))
        print("  sweep bomb body: %d bytes" % len(body), file=sys.stderr)
        self.assertLess(len(body), 8000)
        with LivezProbe() as probe:
            time.sleep(0.05)
            results = post_many([body] * 4)
            time.sleep(0.05)
        for status, j, ms in results:
            print("  sweep bomb: %d %s in %.1f ms (issue bound 100 ms)" % (status, j.get("param"), ms),
                  file=sys.stderr)
            self.assertEqual(status, 422, j)
            self.assertEqual(j["error"], "limit_exceeded")
            self.assertEqual(j["param"], "sweep")
            self.assertEqual(j["limit"], "--max-sweep-points")
            # Hang guard (figure printed above): the old server expanded the sweeps for 17.9 s.
            self.assertLess(ms, su.scaled(8000.0))
        self.check_probe(probe, "4 sweep bombs")
        rss = rss_bytes()
        print("  server RSS after the bombs: %.0f MB (the old server peaked at 2.9 GB)" % (rss / 1e6), file=sys.stderr)
        self.assertLess(rss, 1e9)

    def test_hundred_thousand_steps(self):
        steps = [{"id": "v%d" % i, "agent": "workflow_orchestration", "task": "value", "params": {"value": i}}
                 for i in range(100000)]
        body = json.dumps(su.workflow("wide", steps))
        print("  10^5-step body: %.1f MB" % (len(body) / 1e6), file=sys.stderr)
        with LivezProbe() as probe:
            time.sleep(0.05)
            results = post_many([body] * 2)
            time.sleep(0.05)
        for status, j, ms in results:
            print("  10^5 steps: %d %s in %.1f ms" % (status, j.get("param"), ms), file=sys.stderr)
            self.assertEqual(status, 422, j)
            self.assertEqual(j["param"], "steps")
            self.assertEqual(j["limit"], "--max-steps")
        self.check_probe(probe, "two 10^5-step bodies")


if __name__ == "__main__":
    ARGS, argv = su.parse_args()
    unittest.main(argv=argv, verbosity=2, warnings="ignore")
