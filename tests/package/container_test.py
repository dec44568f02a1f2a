#!/usr/bin/python3
"""The server container for real: builds the runtime image of installers/docker/Dockerfile with
podman around the already built `sciagents` binary, starts `serve` inside on loopback, and checks
`sciagents health`, one job through the server, that the server runs as a non-root user, and the
image's HEALTHCHECK.

The image is the Dockerfile's own runtime stage: its text is taken from the Dockerfile and only the
line that copies the binary out of the build stage is replaced by a copy of the built binary (the
build stage would compile the whole project again: tens of minutes on 2 cores). So the packages,
user, environment, entrypoint and health check under test are exactly those of the real image.

The base image debian:bookworm-slim is made from the machine's own apt sources with mmdebstrap
when podman does not have it yet (no registry is reachable here; ../shared/notes/containers.md).

Needs podman, runc and mmdebstrap (installers/install-deps.sh) and root (rootless podman cannot
use runc here). Exits 77 (skipped) with the reason when they are missing.

Usage: /usr/bin/python3 tests/package/container_test.py --sciagents build/bin/sciagents
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOCKERFILE = os.path.join(ROOT, "installers", "docker", "Dockerfile")
BASE_IMAGE = "debian:bookworm-slim"
IMAGE = "localhost/sciagents-server-test:latest"
SKIP = 77
# runc: crun refuses this machine's hybrid cgroups. Ulimits at or below the current ones: the
# sandbox cannot raise RLIMIT_NPROC / RLIMIT_NOFILE.
PODMAN = ["podman", "--runtime", "runc"]
ULIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"]
ARGS = None


def log(msg):
    print("[container] " + msg, file=sys.stderr, flush=True)


def podman(*args, check=True, timeout=600, capture=True):
    r = subprocess.run(PODMAN + list(args), capture_output=capture, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError("podman %s failed (%d):\n%s%s" % (" ".join(args), r.returncode, r.stdout or "",
                                                                r.stderr or ""))
    return r


def missing_requirements():
    for tool in ("podman", "runc", "mmdebstrap"):
        if not shutil.which(tool):
            return "%s is not installed (installers/install-deps.sh installs podman, runc and mmdebstrap)" % tool
    if os.geteuid() != 0:
        return "needs root: rootless podman cannot run containers with runc on this machine"
    return None


def runtime_containerfile(dockerfile_text):
    """The Dockerfile's last (runtime) stage, with the binary copied from the build context."""
    stage = "FROM " + re.split(r"(?m)^FROM ", dockerfile_text)[-1]
    line = re.compile(r"(?m)^COPY --from=build /build/bin/sciagents (\S+)$")
    copies = line.findall(stage)
    if len(copies) != 1:
        raise AssertionError("expected one 'COPY --from=build /build/bin/sciagents DEST' in the runtime stage, "
                             "found %d" % len(copies))
    return line.sub(r"COPY sciagents \1", stage)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_base_image():
    if podman("image", "exists", BASE_IMAGE, check=False).returncode == 0:
        return
    log("making %s from the machine's apt sources with mmdebstrap (1-3 minutes)" % BASE_IMAGE)
    with tempfile.TemporaryDirectory(prefix="sciagents-base-") as tmp:
        tar = os.path.join(tmp, "bookworm.tar")
        r = subprocess.run(["mmdebstrap", "--variant=apt", "bookworm", tar], capture_output=True, text=True,
                           timeout=900)
        if r.returncode != 0:
            raise AssertionError("mmdebstrap failed:\n" + r.stderr[-4000:])
        podman("import", tar, BASE_IMAGE)


class Container(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ensure_base_image()
        cls.ctx = tempfile.mkdtemp(prefix="sciagents-image-")
        shutil.copy2(ARGS.sciagents, os.path.join(cls.ctx, "sciagents"))
        with open(DOCKERFILE) as f:
            text = runtime_containerfile(f.read())
        with open(os.path.join(cls.ctx, "Containerfile"), "w") as f:
            f.write(text)
        log("building the runtime stage around %s" % ARGS.sciagents)
        t = time.monotonic()
        podman("build", "--network", "host", *ULIMITS, "--format", "docker", "-t", IMAGE,
               "-f", os.path.join(cls.ctx, "Containerfile"), cls.ctx, timeout=1200)
        log("image built in %.0f s" % (time.monotonic() - t))
        cls.port = free_port()
        cls.name = "sciagents-test-%d" % os.getpid()
        # The entrypoint binds 0.0.0.0; with the host network the test binds loopback instead.
        r = podman("run", "-d", "--name", cls.name, "--network", "host", *ULIMITS,
                   "-e", "SCIAGENTS_PORT=%d" % cls.port, IMAGE, "--host", "127.0.0.1")
        cls.cid = r.stdout.strip()
        cls.url = "http://127.0.0.1:%d" % cls.port
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if subprocess.run([ARGS.sciagents, "health", "--server", cls.url], capture_output=True).returncode == 0:
                break
            if podman("inspect", "-f", "{{.State.Running}}", cls.name, check=False).stdout.strip() != "true":
                raise AssertionError("the container stopped:\n" + podman("logs", cls.name, check=False).stderr)
            time.sleep(0.5)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "name", None):
            podman("rm", "-f", "-t", "2", cls.name, check=False)
        if getattr(cls, "ctx", None):
            shutil.rmtree(cls.ctx, ignore_errors=True)
        podman("rmi", "-f", IMAGE, check=False)

    def test_health_from_the_host(self):
        r = subprocess.run([ARGS.sciagents, "health", "--server", self.url], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        print(r.stdout.strip(), file=sys.stderr)
        # It listens on loopback only (the test's --host after the entrypoint's 0.0.0.0).
        listening = podman("logs", self.name).stdout
        self.assertIn("listening on %s" % self.url, listening)

    def test_server_runs_as_non_root(self):
        # The server is PID 1 of the container; its real and effective uid from /proc.
        status = podman("exec", self.name, "cat", "/proc/1/status").stdout
        uids = re.search(r"(?m)^Uid:\s+(\d+)\s+(\d+)", status)
        self.assertIsNotNone(uids, status)
        self.assertNotEqual(uids.group(1), "0")
        self.assertNotEqual(uids.group(2), "0")
        user = podman("exec", self.name, "id", "-un").stdout.strip()
        self.assertEqual(user, "sciagents")
        cmd = podman("exec", self.name, "cat", "/proc/1/cmdline").stdout.replace("\0", " ")
        self.assertIn("serve", cmd)
        print("server process: uid %s (%s): %s" % (uids.group(1), user, cmd.strip()), file=sys.stderr)

    def test_healthcheck_passes(self):
        r = podman("healthcheck", "run", self.name, check=False)
        self.assertEqual(r.returncode, 0, "HEALTHCHECK failed: %s%s" % (r.stdout, r.stderr))
        health = podman("inspect", "-f", "{{json .State.Health}}", self.name).stdout
        print("health: " + health.strip()[:300], file=sys.stderr)
        self.assertIn("healthy", health)

    def test_one_job_through_the_server(self):
        token = podman("exec", self.name, "sciagents", "serve", "token", "create", "alice",
                       "--data-dir", "/data").stdout.strip().split()[-1]
        wf = {"sciagents": 1, "name": "container smoke", "steps": [
            {"id": "s", "agent": "linear_algebra", "task": "solve",
             "params": {"A": [[4.0, 1.0], [1.0, 3.0]], "b": [1.0, 2.0]}}]}
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "wf.workflow.json")
            out = os.path.join(tmp, "result.json")
            with open(path, "w") as f:
                json.dump(wf, f)
            env = dict(os.environ, SCIAGENTS_TOKEN=token)
            r = subprocess.run([ARGS.sciagents, "submit", path, "--server", self.url, "--wait", "-o", out],
                               capture_output=True, text=True, env=env, timeout=120)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            with open(out) as f:
                result = json.load(f)
        self.assertEqual(result["status"], "succeeded")
        x = result["steps"]["s"]["outputs"]["x"]
        x = x["data"] if isinstance(x, dict) else x
        # A x = b: x = (1/11, 7/11).
        self.assertAlmostEqual(x[0], 1 / 11, places=12)
        self.assertAlmostEqual(x[1], 7 / 11, places=12)
        print("job result x = %s" % x, file=sys.stderr)


if __name__ == "__main__":
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--sciagents", default="build/bin/sciagents")
    ARGS, rest = p.parse_known_args()
    ARGS.sciagents = os.path.abspath(ARGS.sciagents)
    why = missing_requirements()
    if why:
        print("SKIP: " + why)
        sys.exit(SKIP)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
