"""`sciagents serve --backend slurm` on a private single-node Slurm cluster (docs/slurm.md).

A sweep of 16 values is submitted as an array of 4 tasks; while it runs the server is killed
(SIGKILL, by PID) and restarted on the same data directory. The restarted server re-attaches to the
Slurm job recorded in its store (no second sbatch), collects it, and the result equals a local run's.
The events of the job carry one shard_done per array task. Cancel over HTTP runs scancel. An array
task cancelled from outside is resubmitted ("slurm": {"retries": N}) and the job still succeeds.

Run with Debian's /usr/bin/python3 (python3-requests), as root with slurm-wlm and munge installed;
otherwise it reports why and skips. The cluster is stopped by PID even when a test fails.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
from server_util import Server, parse_args, read_sse, wait_for, wait_job  # noqa: E402

SCRIPT = os.path.join(HERE, "slurm-cluster.sh")
ARGS = None


def skip_reason():
    if os.geteuid() != 0:
        return "needs root (munged runs as user munge, slurmd as root)"
    for b in ("/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged"):
        if not os.path.exists(b):
            return "%s is missing (install slurm-wlm and munge)" % b
    return None


def load(name):
    with open(os.path.join(HERE, "data", name)) as f:
        return json.load(f)


def comparable_steps(doc):
    return {k: {"status": v["status"], "outputs": v["outputs"], "diagnostics": v["diagnostics"]}
            for k, v in doc["steps"].items()}


class SlurmServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sciagents-slurm-server-")
        cls.cluster = os.path.join(cls.tmp, "cluster")
        r = subprocess.run(["bash", SCRIPT, "up", cls.cluster], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            subprocess.run(["bash", SCRIPT, "down", cls.cluster], timeout=60)
            raise AssertionError("cluster did not come up: " + r.stdout + r.stderr)
        cls.env = {"SLURM_CONF": os.path.join(cls.cluster, "slurm.conf")}
        os.environ.update(cls.env)

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["bash", SCRIPT, "down", cls.cluster], timeout=60)  # by the recorded PIDs
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.server = Server(ARGS.sciagents, extra_args=["--backend", "slurm", "--workers", "2"], env=self.env)
        self.token = self.server.create_token("slurm-test")
        self.server.start()
        self.http = self.server.session(self.token)

    def tearDown(self):
        self.server.cleanup()

    def job(self, job_id):
        r = self.http.get(self.server.url + "/v1/jobs/" + job_id, timeout=10)
        self.assertEqual(r.status_code, 200, r.text)
        return r.json()

    def wait_running_task(self, job_id):
        """The job's status once its Slurm job exists and one of its tasks really runs (its status
        file says so)."""
        def running_task():
            j = self.job(job_id)
            d = (j.get("slurm") or {}).get("dir")
            if not d:
                return None
            for st in glob.glob(os.path.join(d, "task-*", "status.json")):
                try:
                    with open(st) as f:
                        if json.load(f).get("state") == "running":
                            return j
                except ValueError:
                    pass
            return None
        return wait_for(running_task, 90, interval=0.1, what="an array task to run")

    def test_restart_reattaches_and_completes(self):
        wf = load("lorenz-sweep.workflow.json")
        r = self.http.post(self.server.url + "/v1/jobs",
                           json={"workflow": wf, "no_cache": True, "slurm": {"tasks": 4, "cpus": 2}}, timeout=30)
        self.assertEqual(r.status_code, 202, r.text)
        job_id = r.json()["id"]

        before = self.wait_running_task(job_id)
        self.assertEqual(before["backend"], "slurm")
        slurm_id = before["slurm"]["job_id"]
        self.assertTrue(slurm_id)

        self.server.kill()  # SIGKILL, by PID: no chance to clean up
        q = subprocess.run(["squeue", "-h", "-r", "-j", slurm_id, "-o", "%i|%T"], capture_output=True, text=True)
        self.assertTrue(q.stdout.strip(), "the Slurm job must outlive the server: " + q.stderr)

        self.server.start()
        self.http = self.server.session(self.token)
        done = wait_job(self.http, self.server.url, job_id, timeout=150)
        self.assertEqual(done["state"], "succeeded", done)
        self.assertEqual(done["slurm"]["job_id"], slurm_id)  # the same job: nothing submitted twice
        dirs = os.listdir(os.path.join(self.server.data_dir, "slurm"))
        self.assertEqual(dirs, [job_id])
        self.assertIn("re-attached to Slurm job", self.server.log_tail(10 ** 9))

        result = self.http.get(self.server.url + "/v1/jobs/%s/result" % job_id, timeout=30).json()
        self.assertEqual(result["slurm"]["job_id"], slurm_id)
        local_path = os.path.join(self.server.root, "local.json")
        r = subprocess.run([ARGS.sciagents, "run", os.path.join(HERE, "data", "lorenz-sweep.workflow.json"),
                            "--no-cache", "--progress", "none", "-o", local_path], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(local_path) as f:
            self.assertEqual(comparable_steps(result), comparable_steps(json.load(f)))

        # The events of the finished job: one shard_done per array task (the restarted server
        # reports the shards it finds finished when it re-attaches).
        resp = self.http.get(self.server.url + "/v1/jobs/%s/events" % job_id, stream=True, timeout=30)
        events, _ = read_sse(resp)
        slurm_events = [e["data"]["slurm"] for e in events
                        if e["event"] == "progress" and isinstance(e["data"], dict) and "slurm" in e["data"]]
        shard_done = sorted(e["task"] for e in slurm_events if e["type"] == "shard_done")
        self.assertEqual(shard_done, [0, 1, 2, 3], slurm_events)
        self.assertTrue(any(e["type"] == "attached" for e in slurm_events))

    def test_cancel_runs_scancel(self):
        wf = load("lorenz-sweep.workflow.json")
        wf["steps"][0]["params"]["t_span"] = [0, 200000]
        wf["steps"][0]["params"]["t_eval"] = [200000]
        r = self.http.post(self.server.url + "/v1/jobs",
                           json={"workflow": wf, "no_cache": True, "backend": "slurm", "slurm": {"tasks": 4}},
                           timeout=30)
        self.assertEqual(r.status_code, 202, r.text)
        job_id = r.json()["id"]
        j = wait_for(lambda: (self.job(job_id).get("slurm") or {}).get("job_id") and self.job(job_id), 90,
                     interval=0.1, what="the Slurm job id")
        slurm_id = j["slurm"]["job_id"]
        self.assertEqual(self.http.delete(self.server.url + "/v1/jobs/" + job_id, timeout=10).status_code // 100, 2)
        done = wait_job(self.http, self.server.url, job_id, timeout=120)
        self.assertEqual(done["state"], "cancelled", done)
        q = subprocess.run(["squeue", "-h", "-r", "-j", slurm_id], capture_output=True, text=True)
        self.assertEqual(q.stdout.strip(), "", "nothing of the job may be left in the queue")

    def test_failed_shard_is_resubmitted(self):
        # cpus 2 on the 2-CPU test node: one task at a time, so task 3 still waits while the first
        # runs; it is cancelled from outside (as a pre-emption would) and resubmitted once.
        r = self.http.post(self.server.url + "/v1/jobs",
                           json={"workflow": load("lorenz-sweep.workflow.json"), "no_cache": True,
                                 "backend": "slurm", "slurm": {"tasks": 4, "cpus": 2, "retries": 1}},
                           timeout=30)
        self.assertEqual(r.status_code, 202, r.text)
        job_id = r.json()["id"]
        slurm_id = self.wait_running_task(job_id)["slurm"]["job_id"]
        sc = subprocess.run(["scancel", slurm_id + "_3"], capture_output=True, text=True, timeout=60)
        self.assertEqual(sc.returncode, 0, sc.stderr)
        done = wait_job(self.http, self.server.url, job_id, timeout=240)
        self.assertEqual(done["state"], "succeeded", done)
        result = self.http.get(self.server.url + "/v1/jobs/%s/result" % job_id, timeout=30).json()
        tasks = result["slurm"]["tasks"]
        self.assertEqual([t["attempts"] for t in tasks], [1, 1, 1, 2], tasks)
        self.assertEqual(tasks[3]["earlier_attempts"][0]["job_id"], slurm_id, tasks[3])
        self.assertEqual(result["slurm"]["shard_retries"], 1)
        resp = self.http.get(self.server.url + "/v1/jobs/%s/events" % job_id, stream=True, timeout=30)
        events, _ = read_sse(resp)
        retried = [e["data"]["slurm"] for e in events
                   if e["event"] == "progress" and isinstance(e["data"], dict)
                   and (e["data"].get("slurm") or {}).get("type") == "retried"]
        self.assertEqual(len(retried), 1, events)
        self.assertIn("array task 3 of 4", retried[0]["message"])
        self.assertIn("Slurm array task resubmitted", self.server.log_tail(10 ** 9))

    def test_bad_slurm_options_are_refused(self):
        r = self.http.post(self.server.url + "/v1/jobs",
                           json={"workflow": load("sweep16.workflow.json"), "slurm": {"tasks": 0}}, timeout=10)
        self.assertEqual(r.status_code, 400)
        self.assertIn("slurm.tasks", r.json()["message"])
        r = self.http.post(self.server.url + "/v1/jobs",
                           json={"workflow": load("sweep16.workflow.json"), "slurm": {"retries": -1}}, timeout=10)
        self.assertEqual(r.status_code, 400)
        self.assertIn("slurm.retries", r.json()["message"])
        r = self.http.post(self.server.url + "/v1/jobs",
                           json={"workflow": load("sweep16.workflow.json"), "backend": "pbs"}, timeout=10)
        self.assertEqual(r.status_code, 400)
        self.assertIn("backend", r.json()["message"])


if __name__ == "__main__":
    ARGS, argv = parse_args()
    why = skip_reason()
    if why:
        print("skipped: " + why)
        sys.exit(0)
    unittest.main(argv=argv, verbosity=2)
