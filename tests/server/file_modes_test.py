#!/usr/bin/python3
"""Files a shared server leaves on disk (issue 22, findings 5 and 9; docs/operations.md):

- an existing data directory created 0755 is made 0700; sciagents.db and its -wal/-shm files are
  0600 under umask 022 (a new data dir as well);
- the server's result cache honours SCIAGENTS_CACHE_DIR (docs/server.md), with 0600 files in 0700
  directories, and writes nothing to DATA_DIR/cache then;
- `sciagents feedback export -o` refuses a FIFO and a symbolic link with exit 2;
- a 1 MB expression's 422 quotes it elided (the body stays small), and `x=3` is refused.

Usage: /usr/bin/python3 tests/server/file_modes_test.py --sciagents build/bin/sciagents
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_util as su  # noqa: E402

ARGS = None
T = 15


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


class FileModes(unittest.TestCase):
    def setUp(self):
        self.old_umask = os.umask(0o022)  # the server and the CLI inherit it

    def tearDown(self):
        os.umask(self.old_umask)

    def run_one_job(self, srv):
        token = srv.create_token("modes")
        srv.start()
        s = srv.session(token)
        r = s.post(srv.url + "/v1/jobs", json=su.quick_solve(3, name="modes"), timeout=T)
        self.assertEqual(r.status_code, 202, r.text)
        job = su.wait_job(s, srv.url, r.json()["id"], timeout=60)
        self.assertEqual(job["state"], "succeeded", job)

    def check_store(self, data_dir):
        self.assertEqual(mode(data_dir), 0o700, oct(mode(data_dir)))
        db = os.path.join(data_dir, "sciagents.db")
        self.assertEqual(mode(db), 0o600, oct(mode(db)))
        for side in ("-wal", "-shm"):
            if os.path.exists(db + side):
                self.assertEqual(mode(db + side), 0o600, side + " " + oct(mode(db + side)))

    def test_existing_0755_data_dir_and_custom_cache_dir(self):
        root = tempfile.mkdtemp(prefix="sciagents-modes-")
        data_dir = os.path.join(root, "data")
        os.mkdir(data_dir)
        os.chmod(data_dir, 0o755)
        cache = os.path.join(root, "custom-cache")
        srv = su.Server(ARGS.sciagents, data_dir=data_dir, extra_args=["--workers", "1"],
                        env={"SCIAGENTS_CACHE_DIR": cache}, keep=ARGS.keep)
        try:
            self.run_one_job(srv)
            self.check_store(data_dir)  # while the server runs: -wal and -shm exist
            files = [os.path.join(d, f) for d, _, fs in os.walk(cache) for f in fs]
            self.assertTrue(files, "SCIAGENTS_CACHE_DIR=%s holds no cache file: ignored" % cache)
            for f in files:
                self.assertEqual(mode(f), 0o600, f + " " + oct(mode(f)))
            for d, _, _ in os.walk(cache):
                self.assertEqual(mode(d), 0o700, d + " " + oct(mode(d)))
            self.assertFalse(os.path.exists(os.path.join(data_dir, "cache")),
                             "the server cached into DATA_DIR/cache despite SCIAGENTS_CACHE_DIR")
            # submit --wait -o: a FIFO target is refused before anything is sent.
            wf = os.path.join(root, "small.workflow.json")
            with open(wf, "w") as f:
                json.dump(su.quick_solve(2, name="fifo"), f)
            fifo = os.path.join(root, "result.fifo")
            os.mkfifo(fifo)
            env = dict(srv.env, SCIAGENTS_TOKEN=srv.create_token("fifo"))
            r = subprocess.run([ARGS.sciagents, "submit", wf, "--server", srv.url, "--wait",
                                "-o", fifo], capture_output=True, text=True, env=env,
                               timeout=su.scaled(60))
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("FIFO", r.stderr)
            self.assertTrue(stat.S_ISFIFO(os.lstat(fifo).st_mode))
        finally:
            srv.cleanup()
            shutil.rmtree(root, ignore_errors=True)

    def test_new_data_dir_default_cache(self):
        srv = su.Server(ARGS.sciagents, extra_args=["--workers", "1"], keep=ARGS.keep)
        os.rmdir(srv.data_dir)  # the server creates it
        srv.env.pop("SCIAGENTS_CACHE_DIR", None)
        try:
            self.run_one_job(srv)
            self.check_store(srv.data_dir)
            cache = os.path.join(srv.data_dir, "cache")
            files = [os.path.join(d, f) for d, _, fs in os.walk(cache) for f in fs]
            self.assertTrue(files, "no cache file under DATA_DIR/cache")
            for f in files:
                self.assertEqual(mode(f), 0o600, f + " " + oct(mode(f)))
        finally:
            srv.cleanup()

    def test_feedback_export_refuses_special_targets(self):
        srv = su.Server(ARGS.sciagents, keep=ARGS.keep)
        try:
            srv.create_token("fb")  # creates the store
            fifo = os.path.join(srv.root, "pipe")
            os.mkfifo(fifo)
            r = srv.cli("feedback", "export", "--data-dir", srv.data_dir, "-o", fifo, check=False)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("FIFO", r.stderr)
            self.assertTrue(stat.S_ISFIFO(os.lstat(fifo).st_mode))
            victim = os.path.join(srv.root, "victim")
            with open(victim, "w") as f:
                f.write("precious")
            link = os.path.join(srv.root, "export.json")
            os.symlink(victim, link)
            r = srv.cli("feedback", "export", "--data-dir", srv.data_dir, "-o", link, check=False)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("symbolic link", r.stderr)
            with open(victim) as f:
                self.assertEqual(f.read(), "precious")
        finally:
            srv.cleanup()

    def test_expression_messages(self):
        srv = su.Server(ARGS.sciagents, extra_args=["--workers", "1"], keep=ARGS.keep)
        try:
            token = srv.create_token("expr")
            srv.start()
            s = srv.session(token)

            def quad(f):
                return su.workflow("expr", [{"id": "q", "agent": "integration", "task": "quad",
                                             "params": {"f": f, "a": 0, "b": 1}}])
            r = s.post(srv.url + "/v1/jobs", json=quad("x+" * 500000 + "x"), timeout=T)
            self.assertEqual(r.status_code, 422, r.text[:300])
            self.assertLess(len(r.content), 8192, "a 1 MB expression came back in a %d-byte 422"
                            % len(r.content))
            r = s.post(srv.url + "/v1/jobs", json=quad("x=3"), timeout=T)
            self.assertEqual(r.status_code, 422, r.text[:300])
            self.assertIn("assignment", r.json()["message"])
            r = s.post(srv.url + "/v1/jobs", json=quad("x\u0000+1000"), timeout=T)
            self.assertEqual(r.status_code, 422, r.text[:300])
            self.assertIn("NUL character", r.json()["message"])
        finally:
            srv.cleanup()


if __name__ == "__main__":
    ARGS, argv = su.parse_args()
    unittest.main(argv=argv, verbosity=2, warnings="ignore")
