#!/usr/bin/python3
"""Fault test: `kill -9` the server in the middle of 50 jobs, restart it on the same data directory
and count that nothing was lost.

1. resume=rerun (the default): every one of the 50 jobs ends succeeded; results finished before
   the crash are still there, unchanged.
2. --resume fail: jobs that were running at the crash end failed with a reason; queued ones still run.
3. SIGTERM with a short --shutdown-grace: the running job is persisted as queued and re-run on restart.

Usage: /usr/bin/python3 tests/server/fault_test.py --sciagents build/bin/sciagents [-v]
"""
import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import requests  # noqa: E402,F401

import server_util as su  # noqa: E402

ARGS = None
T = 15


def submit(s, url, doc):
    r = s.post(url + "/v1/jobs", json=doc, timeout=T)
    assert r.status_code == 202, (r.status_code, r.text)
    return r.json()["id"]


def states(s, url, ids):
    """States of `ids` from one GET /v1/jobs; ids the server does not list are "missing"."""
    r = s.get(url + "/v1/jobs?limit=1000", timeout=T)
    assert r.status_code == 200, (r.status_code, r.text)
    listed = {j["id"]: j for j in r.json()["jobs"]}
    return {i: listed.get(i, {"state": "missing"}) for i in ids}


def count(st, wanted):
    return sum(1 for v in st.values() if v["state"] in wanted)


class KillNine(unittest.TestCase):
    def test_kill9_rerun_loses_nothing(self):
        srv = su.Server(ARGS.sciagents, extra_args=["--workers", "2", "--queue-max", "200"], keep=ARGS.keep)
        try:
            tok = srv.create_token("fault")
            srv.start()
            s = srv.session(tok)
            ids, kinds = [], {}
            for i in range(50):
                if i % 10 in (3, 6, 9):  # 15 slower ODE sweeps (not cached)
                    doc = {"workflow": su.ode_sweep(name="sweep %d" % i), "no_cache": True}
                    kinds[len(ids)] = "sweep"
                else:  # 35 quick solves
                    doc = su.quick_solve(2 + i % 5, name="quick %d" % i, shift=i)
                    kinds[len(ids)] = "quick"
                ids.append(submit(s, srv.url, doc))
            self.assertEqual(len(set(ids)), 50)

            # Kill -9 once some jobs have finished and others have not.
            def midway():
                st = states(s, srv.url, ids)
                done = count(st, su.TERMINAL)
                return st if 5 <= done < 50 and count(st, {"running"}) >= 1 else None

            before = su.wait_for(midway, 60, interval=0.02, what="some but not all jobs done")
            finished_before = {i: v for i, v in before.items() if v["state"] == "succeeded"}
            results_before = {}
            for i in finished_before:
                r = s.get(srv.url + "/v1/jobs/" + i + "/result", timeout=T)
                self.assertEqual(r.status_code, 200, r.text)
                results_before[i] = r.json()
            st = states(s, srv.url, ids)
            pid = srv.pid
            srv.kill()
            print("  kill -9 %d with %d succeeded, %d running, %d queued" % (
                pid, count(st, {"succeeded"}), count(st, {"running"}), count(st, {"queued"})), file=sys.stderr)
            self.assertLess(count(st, su.TERMINAL), 50, "every job had finished before the kill: test too slow to bite")

            srv.start()
            s = srv.session(tok)
            t0 = time.time()

            def all_done():
                st2 = states(s, srv.url, ids)
                return st2 if count(st2, su.TERMINAL) == 50 or any(v["state"].startswith("missing") for v in st2.values()) else None

            after = su.wait_for(all_done, 120, interval=0.2, what="all 50 jobs to finish after the restart")
            print("  after restart: all finished in %.1f s" % (time.time() - t0), file=sys.stderr)
            missing = [i for i, v in after.items() if v["state"].startswith("missing")]
            self.assertEqual(missing, [], "jobs lost")
            not_ok = {i: (v["state"], v.get("error")) for i, v in after.items() if v["state"] != "succeeded"}
            self.assertEqual(not_ok, {}, "with resume=rerun every job must succeed")
            self.assertEqual(count(after, {"succeeded"}), 50)
            for i in ids:  # and each one by id
                self.assertEqual(s.get(srv.url + "/v1/jobs/" + i, timeout=T).json()["state"], "succeeded")
            for i in ids:
                r = s.get(srv.url + "/v1/jobs/" + i + "/result", timeout=T)
                self.assertEqual(r.status_code, 200, (i, r.text))
                self.assertEqual(r.json()["status"], "succeeded")
                if i in results_before:  # finished results survive unchanged
                    self.assertEqual(r.json()["steps"], results_before[i]["steps"])
            # Timestamps of jobs finished before the crash are unchanged.
            for i, v in finished_before.items():
                self.assertEqual(after[i]["finished_at"], v["finished_at"])
            print("  counted: 50 submitted, 50 succeeded, %d finished before the crash kept their results"
                  % len(results_before), file=sys.stderr)
        finally:
            srv.cleanup()

    def test_kill9_resume_fail_marks_interrupted_jobs(self):
        srv = su.Server(ARGS.sciagents, extra_args=["--workers", "2", "--queue-max", "200", "--resume", "fail"],
                        keep=ARGS.keep)
        try:
            tok = srv.create_token("fault")
            srv.start()
            s = srv.session(tok)
            long_ids = [submit(s, srv.url, su.long_ode(name="interrupted %d" % i)) for i in range(2)]
            quick_ids = [submit(s, srv.url, su.quick_solve(3, name="queued %d" % i, shift=i)) for i in range(6)]
            su.wait_for(lambda: count(states(s, srv.url, long_ids), {"running"}) == 2, 30, what="both long jobs running")
            st = states(s, srv.url, quick_ids)
            self.assertEqual(count(st, {"queued"}), 6, st)
            srv.kill()
            srv.start()
            s = srv.session(tok)
            after = su.wait_for(lambda: (lambda st2: st2 if count(st2, su.TERMINAL) == 8 else None)(
                states(s, srv.url, long_ids + quick_ids)), 60, interval=0.2, what="all 8 jobs to finish")
            for i in long_ids:
                self.assertEqual(after[i]["state"], "failed", after[i])
                self.assertIsInstance(after[i]["error"], str)
                self.assertTrue(after[i]["error"].strip(), "a failed job needs a reason")
                print("  interrupted job reason: %s" % after[i]["error"], file=sys.stderr)
            for i in quick_ids:
                self.assertEqual(after[i]["state"], "succeeded", after[i])
        finally:
            srv.cleanup()


class ClientSurvivesRestart(unittest.TestCase):
    def test_submit_wait_reconnects_after_kill9(self):
        """`sciagents run --target URL` keeps following its job across a kill -9 and restart on the
        same port, and ends with the result (the job is re-run: resume=rerun)."""
        import subprocess
        srv = su.Server(ARGS.sciagents, extra_args=["--workers", "1"], keep=ARGS.keep)
        try:
            tok = srv.create_token("cli")
            srv.port = su.free_port()
            srv.start()
            wf = os.path.join(srv.root, "w.workflow.json")
            doc = su.long_ode(name="outlives a crash")
            params = doc["steps"][0]["params"]
            params["t_span"], params["t_eval"] = [0, 4e5], {"linspace": [0, 4e5, 5]}  # a few seconds
            with open(wf, "w") as f:
                import json
                json.dump(doc, f)
            out = os.path.join(srv.root, "result.json")
            env = dict(os.environ, SCIAGENTS_TOKEN=tok, SCIAGENTS_CACHE_DIR=os.path.join(srv.root, "cli-cache"))
            p = subprocess.Popen([ARGS.sciagents, "run", wf, "--target", srv.url, "-o", out, "--progress", "lines"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            s = srv.session(tok)
            su.wait_for(lambda: any(j["state"] == "running" for j in s.get(srv.url + "/v1/jobs", timeout=T).json()["jobs"]),
                        30, what="the CLI's job to run")
            srv.kill()
            time.sleep(0.5)
            srv.start()
            stdout, stderr = p.communicate(timeout=su.scaled(120))
            self.assertEqual(p.returncode, 0, stderr[-2000:])
            self.assertIn("succeeded", stdout)
            import json
            with open(out) as f:
                self.assertEqual(json.load(f)["status"], "succeeded")
        finally:
            srv.cleanup()


class GracefulShutdown(unittest.TestCase):
    def test_sigterm_persists_running_job_and_reruns_it(self):
        srv = su.Server(ARGS.sciagents, extra_args=["--workers", "1", "--shutdown-grace", "1"], keep=ARGS.keep)
        try:
            tok = srv.create_token("grace")
            srv.start()
            s = srv.session(tok)
            long_id = submit(s, srv.url, su.long_ode(name="outlives the grace period"))
            quick_id = submit(s, srv.url, su.quick_solve(2, name="queued at shutdown"))
            su.wait_job(s, srv.url, long_id, timeout=30, states={"running"})
            # A keep-alive connection opened before SIGTERM sees the drain: readyz 503, submits 503.
            self.assertEqual(s.get(srv.url + "/readyz", timeout=T).status_code, 200)
            t0 = time.time()
            os.kill(srv.pid, signal.SIGTERM)
            time.sleep(0.3)
            try:
                r = s.get(srv.url + "/readyz", timeout=T)
                self.assertEqual(r.status_code, 503, r.text)
                self.assertEqual(r.json()["error"], "unavailable")
                r = s.post(srv.url + "/v1/jobs", json=su.quick_solve(2), timeout=T)
                self.assertEqual(r.status_code, 503, r.text)
                self.assertEqual(r.json()["error"], "unavailable")
            except requests.exceptions.ConnectionError:
                pass  # the server may also close idle connections at once
            rc = srv.wait_exit(30)  # a second SIGTERM would mean "stop now"; 30 s: hang guard only
            print("  shutdown took %.1f s with --shutdown-grace 1" % (time.time() - t0), file=sys.stderr)
            self.assertEqual(rc, 0, "exit code after SIGTERM\n" + srv.log_tail())
            srv.start()
            s = srv.session(tok)
            # Both jobs survived the shutdown; the long one is re-run first (one worker), so the
            # quick one waits behind it until the long one is cancelled.
            st = s.get(srv.url + "/v1/jobs/" + long_id, timeout=T).json()
            self.assertIn(st["state"], ("queued", "running"), st)
            self.assertIsNone(st["finished_at"])
            self.assertEqual(s.get(srv.url + "/v1/jobs/" + quick_id, timeout=T).json()["state"], "queued")
            s.delete(srv.url + "/v1/jobs/" + long_id, timeout=T)
            self.assertEqual(su.wait_job(s, srv.url, long_id, timeout=20)["state"], "cancelled")
            self.assertEqual(su.wait_job(s, srv.url, quick_id, timeout=30)["state"], "succeeded")
        finally:
            srv.cleanup()


if __name__ == "__main__":
    ARGS, argv = su.parse_args()
    unittest.main(argv=argv, verbosity=2, warnings="ignore")
