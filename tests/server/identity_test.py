#!/usr/bin/python3
"""Identity and isolation on a shared server (issue 22, findings 7 and 8), on loopback.

- Revoking a token (`sciagents serve token revoke` or DELETE /v1/tokens/{name}) closes its open
  event streams; by default its running job is cancelled (--on-revoke cancel), with
  --on-revoke finish the job keeps running but the stream still closes.
- A token created later under a revoked token's name sees none of the old token's jobs.
- Two tokens submitting the same workflow never share a result-cache entry (no `cached: true` with
  the other user's start time, host and PID).

Usage: /usr/bin/python3 tests/server/identity_test.py --sciagents build/bin/sciagents [-v]
"""
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_util as su  # noqa: E402

ARGS = None
T = 15  # per-request timeout (s)


def submit(session, url, doc):
    r = session.post(url + "/v1/jobs", json=doc, timeout=T)
    assert r.status_code == 202, (r.status_code, r.text)
    return r.json()["id"]


class StreamWatcher:
    """Reads an event stream in a thread until the server closes it."""

    def __init__(self, session, url, job_id):
        self.resp = session.get(url + "/v1/jobs/" + job_id + "/events",
                                headers={"Accept": "text/event-stream"}, stream=True,
                                timeout=su.scaled(120))
        assert self.resp.status_code == 200, self.resp.status_code
        self.events = []
        self.first = threading.Event()
        self.ended = threading.Event()
        self.error = None
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        try:
            cur = {}
            for raw in self.resp.iter_lines(chunk_size=1):
                line = raw.decode("utf-8")
                if line.startswith("event:"):
                    cur["event"] = line.split(":", 1)[1].strip()
                elif line == "" and cur:
                    self.events.append(cur)
                    cur = {}
                    self.first.set()
        except Exception as e:  # a reset connection also ends the stream
            self.error = repr(e)
        finally:
            self.first.set()
            self.ended.set()

    def close(self):
        self.resp.close()


class RevocationCancels(unittest.TestCase):
    """Default policy: revocation closes the streams and cancels the token's jobs."""

    @classmethod
    def setUpClass(cls):
        cls.srv = su.Server(ARGS.sciagents, extra_args=["--workers", "2"], keep=ARGS.keep)
        cls.admin = cls.srv.create_token("root", admin=True)
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def revoke_closes_stream(self, name, revoke):
        tok = self.srv.create_token(name)
        s = self.srv.session(tok)
        job = submit(s, self.srv.url, su.long_ode("long " + name))
        su.wait_job(s, self.srv.url, job, states={"running"})
        w = StreamWatcher(s, self.srv.url, job)
        self.assertTrue(w.first.wait(su.scaled(30)), "no first event")
        self.assertFalse(w.ended.is_set(), "the stream ended before the revocation")
        revoke(name)
        # Hang guard only (no timing assertion): without the fix the stream stays open while the
        # job runs (minutes), sending keep-alives.
        ended = w.ended.wait(su.scaled(30))
        w.close()
        self.assertTrue(ended, "the event stream stayed open after revoking '%s'" % name)
        admin = self.srv.session(self.admin)
        st = su.wait_job(admin, self.srv.url, job, timeout=60)
        self.assertEqual(st["state"], "cancelled", st)
        self.assertEqual(s.get(self.srv.url + "/v1/jobs", timeout=T).status_code, 401)

    def test_cli_revoke_closes_stream_and_cancels(self):
        self.revoke_closes_stream("carol", lambda name: self.srv.revoke_token(name))

    def test_admin_route_revoke_closes_stream_and_cancels(self):
        admin = self.srv.session(self.admin)

        def revoke(name):
            r = admin.delete(self.srv.url + "/v1/tokens/" + name, timeout=T)
            self.assertEqual(r.status_code, 200, r.text)
        self.revoke_closes_stream("dave", revoke)

    def test_new_token_with_old_name_sees_no_old_jobs(self):
        old = self.srv.session(self.srv.create_token("erin"))
        job = submit(old, self.srv.url, su.quick_solve(name="erin's solve"))
        self.assertEqual(su.wait_job(old, self.srv.url, job)["state"], "succeeded")
        self.assertEqual(old.get(self.srv.url + "/v1/jobs/%s/result" % job, timeout=T).status_code, 200)
        self.srv.revoke_token("erin")
        new = self.srv.session(self.srv.create_token("erin"))
        for path in ("", "/result", "/events"):
            r = new.get(self.srv.url + "/v1/jobs/" + job + path, timeout=T)
            self.assertEqual(r.status_code, 404, "GET %s by the new 'erin': %s" % (path, r.text[:200]))
        self.assertEqual(new.delete(self.srv.url + "/v1/jobs/" + job, timeout=T).status_code, 404)
        self.assertEqual(new.get(self.srv.url + "/v1/jobs", timeout=T).json()["jobs"], [])
        self.assertEqual(new.get(self.srv.url + "/v1/jobs?owner=erin", timeout=T).json()["jobs"], [])

    def test_two_users_never_share_a_cache_entry(self):
        a = self.srv.session(self.srv.create_token("frank"))
        b = self.srv.session(self.srv.create_token("grace"))
        wf = su.quick_solve(n=3, name="shared cache probe", shift=0.25)
        ja = submit(a, self.srv.url, wf)
        self.assertEqual(su.wait_job(a, self.srv.url, ja)["state"], "succeeded")
        ja2 = submit(a, self.srv.url, wf)
        self.assertEqual(su.wait_job(a, self.srv.url, ja2)["state"], "succeeded")
        jb = submit(b, self.srv.url, wf)
        self.assertEqual(su.wait_job(b, self.srv.url, jb)["state"], "succeeded")
        ra = a.get(self.srv.url + "/v1/jobs/%s/result" % ja, timeout=T).json()["steps"]["s"]
        ra2 = a.get(self.srv.url + "/v1/jobs/%s/result" % ja2, timeout=T).json()["steps"]["s"]
        rb = b.get(self.srv.url + "/v1/jobs/%s/result" % jb, timeout=T).json()["steps"]["s"]
        self.assertFalse(ra["cached"])
        self.assertTrue(ra2["cached"], "the cache should still serve a token's own entries")
        self.assertFalse(rb["cached"], "grace got frank's cached entry: %s" % rb.get("provenance"))
        self.assertNotEqual(rb["timing"]["start_unix_us"], ra["timing"]["start_unix_us"])


class RevocationLetsJobsFinish(unittest.TestCase):
    """--on-revoke finish: the job keeps running, the stream still closes at once."""

    @classmethod
    def setUpClass(cls):
        cls.srv = su.Server(ARGS.sciagents, extra_args=["--workers", "1", "--on-revoke", "finish"],
                            keep=ARGS.keep)
        cls.admin = cls.srv.create_token("root", admin=True)
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def test_stream_closes_job_keeps_running(self):
        tok = self.srv.create_token("heidi")
        s = self.srv.session(tok)
        job = submit(s, self.srv.url, su.long_ode("heidi's long job"))
        su.wait_job(s, self.srv.url, job, states={"running"})
        w = StreamWatcher(s, self.srv.url, job)
        self.assertTrue(w.first.wait(su.scaled(30)))
        self.srv.revoke_token("heidi")
        ended = w.ended.wait(su.scaled(30))
        w.close()
        self.assertTrue(ended, "the event stream stayed open after the revocation")
        self.assertNotIn("done", [e.get("event") for e in w.events])
        admin = self.srv.session(self.admin)
        r = admin.get(self.srv.url + "/v1/jobs/" + job, timeout=T)
        self.assertEqual(r.json()["state"], "running", r.text)
        admin.delete(self.srv.url + "/v1/jobs/" + job, timeout=T)  # clean up
        self.assertEqual(su.wait_job(admin, self.srv.url, job)["state"], "cancelled")


if __name__ == "__main__":
    ARGS, argv = su.parse_args()
    unittest.main(argv=argv, verbosity=2, warnings="ignore")
