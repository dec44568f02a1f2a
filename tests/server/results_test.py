#!/usr/bin/python3
"""Bounded results on a shared server (issue 22, finding 6), on loopback.

A 150-byte request (linear_algebra.matrix, random, n = 5000) used to store a 490 MB JSON result in
the database row and every GET of it built the whole document in memory (~900 MB of RSS per
concurrent GET). Now:
- its 5000 x 5000 array is a .npy sidecar served by GET /v1/jobs/{id}/files/NAME.npy (owner-checked)
  and the result JSON only references it;
- results and sidecars are streamed from disk: two concurrent GETs grow the server's RSS by far
  less than the result's size (VmRSS of /proc/PID/status, sampled while they run);
- a result over --max-result-mb fails its job with a message naming the cap.

Usage: /usr/bin/python3 tests/server/results_test.py --sciagents build/bin/sciagents [-v]
"""
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import requests  # noqa: E402

import server_util as su  # noqa: E402

ARGS = None
T = 120  # per-request timeout (s): the sidecar is 200 MB
N = 5000
NPY_BYTES = N * N * 8


def matrix_job(n, name):
    return su.workflow(name, [{"id": "m", "agent": "linear_algebra", "task": "matrix",
                               "params": {"kind": "random", "n": n, "seed": 1}}])


def wait_done(session, url, job, timeout):
    """Like server_util.wait_job, but a status request that times out (a server busy storing a
    large result) is retried instead of failing the test."""
    def done():
        try:
            r = session.get(url + "/v1/jobs/" + job, timeout=30)
        except requests.exceptions.RequestException:
            return None
        return r.json() if r.status_code == 200 and r.json().get("state") in su.TERMINAL else None
    return su.wait_for(done, timeout, interval=0.2, what="job %s to finish" % job)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class RssSampler:
    """Largest VmRSS of a process while the `with` block runs."""

    def __init__(self, pid):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()

    def __enter__(self):
        self.base = rss_kb(self.pid)
        self.peak = self.base
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_kb(self.pid))
            self._stop.wait(0.01)

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, rss_kb(self.pid))


def download(session, url, out):
    """Streams a GET to nowhere; stores (status, bytes, first 128 bytes) in out."""
    with session.get(url, stream=True, timeout=T) as r:
        n, head = 0, b""
        for chunk in r.iter_content(1 << 20):
            if len(head) < 128:
                head += chunk[:128 - len(head)]
            n += len(chunk)
        out.append((r.status_code, n, head))


class LargeResult(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = su.Server(ARGS.sciagents, extra_args=["--workers", "1"], keep=ARGS.keep)
        cls.tok = {n: cls.srv.create_token(n) for n in ("alice", "bob")}
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def test_matrix_5000_goes_to_a_sidecar_and_gets_stream(self):
        s = self.srv.session(self.tok["alice"])
        r = s.post(self.srv.url + "/v1/jobs", json=matrix_job(N, "n=5000"), timeout=30)
        self.assertEqual(r.status_code, 202, r.text)
        job = r.json()["id"]
        st = wait_done(s, self.srv.url, job, timeout=300)
        self.assertEqual(st["state"], "succeeded", st)
        url = self.srv.url + "/v1/jobs/%s/result" % job

        # Two concurrent GETs of the result, RSS sampled meanwhile.
        got = []
        with RssSampler(self.srv.pid) as rss:
            ts = [threading.Thread(target=download, args=(s, url, got)) for _ in range(2)]
            for t in ts:
                t.start()
            for t in ts:
                t.join(su.scaled(300))
        growth_mb = (rss.peak - rss.base) / 1024.0
        print("result GET x2: %d bytes each, server VmRSS %.0f MB -> peak %.0f MB (+%.1f MB)"
              % (got[0][1] if got else -1, rss.base / 1024.0, rss.peak / 1024.0, growth_mb),
              file=sys.stderr)
        self.assertEqual([g[0] for g in got], [200, 200])
        self.assertLess(growth_mb, 100, "two GETs of the result grew the server by %.0f MB" % growth_mb)

        doc = s.get(url, timeout=T).json()
        a = doc["steps"]["m"]["outputs"]["A"]
        self.assertEqual(a.get("$type"), "npy", str(a)[:200])
        self.assertEqual(a["shape"], [N, N])
        self.assertTrue(a["path"].startswith("files/"), a)
        self.assertLess(got[0][1], 1 << 20, "the result JSON should only reference the array")

        # The sidecar, streamed: two concurrent downloads, RSS sampled meanwhile.
        file_url = self.srv.url + "/v1/jobs/%s/%s" % (job, a["path"])
        got = []
        with RssSampler(self.srv.pid) as rss:
            ts = [threading.Thread(target=download, args=(s, file_url, got)) for _ in range(2)]
            for t in ts:
                t.start()
            for t in ts:
                t.join(su.scaled(300))
        growth_mb = (rss.peak - rss.base) / 1024.0
        print("sidecar GET x2: %d bytes each, server VmRSS +%.1f MB" % (got[0][1] if got else -1, growth_mb),
              file=sys.stderr)
        self.assertEqual([g[0] for g in got], [200, 200])
        for status, n, head in got:
            self.assertTrue(head.startswith(b"\x93NUMPY"), head[:16])
            self.assertGreaterEqual(n, NPY_BYTES)
            self.assertLess(n, NPY_BYTES + 4096)
        self.assertLess(growth_mb, 100, "two sidecar downloads grew the server by %.0f MB" % growth_mb)

        # Owner-checked: another user gets 404 for both.
        other = self.srv.session(self.tok["bob"])
        self.assertEqual(other.get(url, timeout=T).status_code, 404)
        with other.get(file_url, stream=True, timeout=T) as r:
            self.assertEqual(r.status_code, 404)
        self.assertEqual(other.get(self.srv.url + "/v1/jobs/%s/files/nope.npy" % job, timeout=T).status_code, 404)

        # The database stays small: the array is not in the job row.
        db = os.path.join(self.srv.data_dir, "sciagents.db")
        db_bytes = sum(os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p))
        print("database + WAL: %.1f MB" % (db_bytes / 1e6), file=sys.stderr)
        self.assertLess(db_bytes, 50 << 20)

        # Deleting the stored result frees the space.
        r = s.delete(url, timeout=T)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertGreaterEqual(r.json()["freed_bytes"], NPY_BYTES)
        self.assertEqual(s.get(file_url, timeout=T).status_code, 404)


class ResultCap(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = su.Server(ARGS.sciagents, extra_args=["--workers", "1", "--max-result-mb", "8"],
                            keep=ARGS.keep)
        cls.tok = cls.srv.create_token("alice")
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def test_result_over_the_cap_fails_naming_it(self):
        s = self.srv.session(self.tok)
        r = s.post(self.srv.url + "/v1/jobs", json=matrix_job(1500, "n=1500"), timeout=30)
        self.assertEqual(r.status_code, 202, r.text)
        st = su.wait_job(s, self.srv.url, r.json()["id"], timeout=120)
        self.assertEqual(st["state"], "failed", st)
        self.assertIn("result-size cap of 8.0 MiB", st["error"])
        self.assertIn("--max-result-mb", st["error"])
        small = s.post(self.srv.url + "/v1/jobs", json=su.quick_solve(), timeout=30).json()["id"]
        self.assertEqual(su.wait_job(s, self.srv.url, small)["state"], "succeeded")


if __name__ == "__main__":
    ARGS, argv = su.parse_args()
    unittest.main(argv=argv, verbosity=2, warnings="ignore")
