#!/usr/bin/python3
"""External models on a shared server (issue 16, item 4; docs/server.md "External models"):

- without --allow-external an `external` step is refused at submit (422 naming the step and the
  flag), for the command and the python task alike;
- with --allow-external ROOT a program inside ROOT runs and its outputs come back; it sees only
  the allow-listed environment (a variable of the server's environment is not passed on);
- escapes are refused at submit: a path through `..` and a symbolic link inside ROOT that points
  outside it;
- a memory hog is stopped by --external-memory-mb and reported, and the server keeps serving;
- a job with an external step on the Slurm backend is refused;
- the job's work directories are gone after the job;
- nested workflows (workflow_orchestration.run, issue 21): a workflow file is refused without the
  flag and outside the roots (also through ".." or a symlink), runs inside them; an inline nested
  workflow runs anywhere, but an external step inside it obeys the same rules; on the Slurm
  backend a nested file is refused.

Usage: /usr/bin/python3 tests/server/external_test.py --sciagents build/bin/sciagents
"""
import os
import shutil
import stat
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_util as su  # noqa: E402

ARGS = None
T = 15

ECHO = """#!/bin/sh
# Reads x from argv, prints JSON with y = 2x and whether a server secret leaked into the env.
leak=0
[ -n "$SCIAGENTS_TEST_SECRET" ] && leak=1
printf '{"y": %s, "leak": %s}\\n' "$(awk "BEGIN{print 2*$1}")" "$leak"
"""

HOG = """#!/usr/bin/python3
import json
blocks = []
for i in range(64):
    blocks.append(bytearray(64 * 1024 * 1024))  # 4 GB in the end
print(json.dumps({"y": len(blocks)}))
"""


def command_step(program, x=3.0, sid="sim"):
    return {"id": sid, "agent": "external", "task": "command",
            "params": {"command": [program, "{{x}}"], "inputs": {"x": x},
                       "outputs": "stdout_json"}}


def python_step(module, sid="py"):
    return {"id": sid, "agent": "external", "task": "python",
            "params": {"module": module, "function": "f", "inputs": {"x": 1.0}}}


def nested_file_step(path, sid="nest"):
    return {"id": sid, "agent": "workflow_orchestration", "task": "run", "params": {"file": path}}


def nested_inline_step(steps, sid="inline"):
    return {"id": sid, "agent": "workflow_orchestration", "task": "run",
            "params": {"workflow": su.workflow("inner", steps)}}


def make_exec(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)


class External(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sciagents-external-")
        cls.root = os.path.join(cls.tmp, "allowed")
        cls.outside = os.path.join(cls.tmp, "outside")
        os.makedirs(cls.root)
        os.makedirs(cls.outside)
        echo = ECHO
        make_exec(os.path.join(cls.root, "double.sh"), echo)
        make_exec(os.path.join(cls.outside, "double.sh"), echo)
        make_exec(os.path.join(cls.root, "hog.py"), HOG)
        os.symlink(os.path.join(cls.outside, "double.sh"), os.path.join(cls.root, "link.sh"))
        with open(os.path.join(cls.root, "model.py"), "w") as f:
            f.write("def f(x):\n    return 2 * x\n")
        import json
        for folder in (cls.root, cls.outside):
            with open(os.path.join(folder, "inner.workflow.json"), "w") as f:
                json.dump(su.quick_solve(2, name="inner solve"), f)
        os.symlink(os.path.join(cls.outside, "inner.workflow.json"), os.path.join(cls.root, "link.workflow.json"))

    @classmethod
    def tearDownClass(cls):
        if not ARGS.keep:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def submit(self, srv, s, steps, **envelope):
        body = {"workflow": su.workflow("external", steps)}
        body.update(envelope)
        return s.post(srv.url + "/v1/jobs", json=body, timeout=T)

    def test_refused_without_the_flag(self):
        srv = su.Server(ARGS.sciagents, extra_args=["--workers", "1"], keep=ARGS.keep)
        try:
            token = srv.create_token("ext")
            srv.start()
            s = srv.session(token)
            for step, sid in ((command_step(os.path.join(self.root, "double.sh")), "sim"),
                              (python_step(os.path.join(self.root, "model.py")), "py")):
                r = self.submit(srv, s, [step])
                self.assertEqual(r.status_code, 422, r.text)
                err = r.json()
                self.assertEqual(err.get("error"), "limit_exceeded", err)
                self.assertEqual(err.get("limit"), "--allow-external", err)
                self.assertEqual(err.get("step"), sid, err)
                self.assertIn("--allow-external", err["message"])
        finally:
            srv.stop()
            srv.cleanup()

    def expect_refused(self, srv, s, steps, sid, param, **envelope):
        r = self.submit(srv, s, steps, **envelope)
        self.assertEqual(r.status_code, 422, r.text)
        err = r.json()
        self.assertEqual(err.get("limit"), "--allow-external", err)
        self.assertEqual(err.get("step"), sid, err)
        self.assertEqual(err.get("param"), param, err)
        return err

    def run_ok(self, srv, s, steps):
        r = self.submit(srv, s, steps)
        self.assertEqual(r.status_code, 202, r.text)
        job_id = r.json()["id"]
        job = su.wait_job(s, srv.url, job_id, timeout=su.scaled(60))
        self.assertEqual(job["state"], "succeeded", job)
        return s.get(srv.url + "/v1/jobs/%s/result" % job_id, timeout=T).json()

    def test_nested_workflows_without_the_flag(self):
        srv = su.Server(ARGS.sciagents, extra_args=["--workers", "1"], keep=ARGS.keep)
        try:
            token = srv.create_token("ext")
            srv.start()
            s = srv.session(token)
            err = self.expect_refused(srv, s, [nested_file_step(os.path.join(self.root, "inner.workflow.json"))],
                                      "nest", "file")
            self.assertIn("--allow-external", err["message"])
            # Inline: runs (it holds no external step).
            res = self.run_ok(srv, s, [nested_inline_step(su.quick_solve(2)["steps"])])
            self.assertEqual(len(res["steps"]["inline"]["outputs"]["x"]), 2)
            # Inline with an external step inside: refused like the step itself.
            self.expect_refused(srv, s, [nested_inline_step([command_step(os.path.join(self.root, "double.sh"))])],
                                "inline", "workflow")
        finally:
            srv.stop()
            srv.cleanup()

    def test_nested_workflow_files_inside_the_roots_only(self):
        srv = su.Server(ARGS.sciagents, extra_args=["--workers", "1", "--allow-external", self.root],
                        keep=ARGS.keep)
        try:
            token = srv.create_token("ext")
            srv.start()
            s = srv.session(token)
            res = self.run_ok(srv, s, [nested_file_step("inner.workflow.json")])  # relative: to the root
            self.assertEqual(len(res["steps"]["nest"]["outputs"]["x"]), 2)
            self.assertIn(self.root, res["steps"]["nest"]["diagnostics"]["nested_source"])
            for path in (os.path.join(self.outside, "inner.workflow.json"),
                         os.path.join(self.root, "..", "outside", "inner.workflow.json"),
                         os.path.join(self.root, "link.workflow.json")):
                err = self.expect_refused(srv, s, [nested_file_step(path)], "nest", "file")
                self.assertIn("outside", err["message"], path)
            self.expect_refused(srv, s, [nested_inline_step([command_step(os.path.join(self.outside, "double.sh"))])],
                                "inline", "workflow")
            # Slurm array tasks would run a file's steps without the server's limits.
            self.expect_refused(srv, s, [nested_file_step("inner.workflow.json")], "nest", "agent",
                                backend="slurm")
        finally:
            srv.stop()
            srv.cleanup()

    def test_allowed_root_escapes_memory_and_slurm(self):
        srv = su.Server(ARGS.sciagents,
                        extra_args=["--workers", "1", "--allow-external", self.root,
                                    "--external-memory-mb", "300"],
                        env={"SCIAGENTS_TEST_SECRET": "s3cret"}, keep=ARGS.keep)
        try:
            token = srv.create_token("ext")
            srv.start()
            s = srv.session(token)
            # Inside the root: runs, output parsed, no secret in its environment.
            r = self.submit(srv, s, [command_step(os.path.join(self.root, "double.sh"), 3.5)])
            self.assertEqual(r.status_code, 202, r.text)
            job_id = r.json()["id"]
            job = su.wait_job(s, srv.url, job_id, timeout=su.scaled(60))
            self.assertEqual(job["state"], "succeeded", job)
            res = s.get(srv.url + "/v1/jobs/%s/result" % job_id, timeout=T).json()
            outs = res["steps"]["sim"]["outputs"]
            self.assertAlmostEqual(outs["y"], 7.0)
            self.assertEqual(outs["leak"], 0, "the server's environment reached the program")
            work = os.path.join(srv.data_dir, "work", job_id)
            self.assertFalse(os.path.exists(work), "work directory left after the job: " + work)
            # Escapes: through "..", and through a symbolic link inside the root.
            for prog in (os.path.join(self.root, "..", "outside", "double.sh"),
                         os.path.join(self.root, "link.sh")):
                r = self.submit(srv, s, [command_step(prog)])
                self.assertEqual(r.status_code, 422, prog + ": " + r.text)
                err = r.json()
                self.assertEqual(err.get("param"), "command", err)
                self.assertIn("outside", err["message"])
            # A memory hog: stopped by its limit, reported, and the server serves on.
            hog = command_step(os.path.join(self.root, "hog.py"), sid="hog")
            r = self.submit(srv, s, [hog])
            self.assertEqual(r.status_code, 202, r.text)
            job = su.wait_job(s, srv.url, r.json()["id"], timeout=su.scaled(120))
            self.assertEqual(job["state"], "failed", job)
            self.assertIn("memory", job.get("error", "").lower(), job)
            print("memory hog reported as: %s" % job.get("error", "")[:300])
            self.assertEqual(s.get(srv.url + "/livez", timeout=T).status_code, 200)
            # The Slurm backend would run it without the server's limits.
            r = self.submit(srv, s, [command_step(os.path.join(self.root, "double.sh"))],
                            backend="slurm")
            self.assertEqual(r.status_code, 422, r.text)
            self.assertEqual(r.json().get("step"), "sim", r.text)
        finally:
            srv.stop()
            srv.cleanup()


if __name__ == "__main__":
    ARGS, rest = su.parse_args()
    unittest.main(argv=rest, verbosity=2)
