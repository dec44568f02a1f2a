#!/usr/bin/python3
"""Hygiene checks of the shipped files and the tree, run by `make test` (label package):
- installers/linux/*.desktop pass desktop-file-validate, *.metainfo.xml pass appstreamcli validate,
  the metainfo's newest release is the project version, and every hicolor PNG has its size;
- the secrets scan (secrets_scan.py) finds nothing, and does find planted secrets;
- no file or directory of the tree is world-writable;
- the container image (installers/docker/Dockerfile) runs as a non-root user;
- vcpkg.json (CI on macOS and Windows) lists every library the CMake files look for.

Usage: /usr/bin/python3 tests/package/hygiene_test.py [--sciagents build/bin/sciagents]
"""
import argparse
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
LINUX = os.path.join(ROOT, "installers", "linux")
sys.path.insert(0, HERE)
import secrets_scan  # noqa: E402


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
        return re.search(r"project\(SciAgents VERSION ([0-9.]+)", f.read()).group(1)


def shipped(suffix):
    return sorted(os.path.join(LINUX, f) for f in os.listdir(LINUX) if f.endswith(suffix))


class DesktopFiles(unittest.TestCase):
    def test_desktop_file_validates(self):
        if not shutil.which("desktop-file-validate"):
            self.skipTest("desktop-file-validate missing (desktop-file-utils; installers/install-deps.sh)")
        files = shipped(".desktop")
        self.assertTrue(files)
        for f in files:
            r = subprocess.run(["desktop-file-validate", f], capture_output=True, text=True)
            # Hints are advice; warnings and errors fail.
            self.assertEqual((r.returncode, [l for l in r.stdout.splitlines() if "hint:" not in l]), (0, []),
                             r.stdout + r.stderr)

    def test_metainfo_validates(self):
        if not shutil.which("appstreamcli"):
            self.skipTest("appstreamcli missing (appstream; installers/install-deps.sh)")
        files = shipped(".metainfo.xml")
        self.assertTrue(files)
        for f in files:
            r = subprocess.run(["appstreamcli", "validate", "--no-net", "--explain", f], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_metainfo_release_is_project_version(self):
        for f in shipped(".metainfo.xml"):
            with open(f) as fh:
                releases = re.findall(r'<release version="([^"]+)"', fh.read())
            self.assertTrue(releases, f)
            self.assertEqual(releases[0], project_version(), "%s: newest <release> is not the project version" % f)

    def test_hicolor_pngs_have_their_size(self):
        base = os.path.join(LINUX, "icons", "hicolor")
        sizes = sorted(os.listdir(base))
        self.assertIn("16x16", sizes)
        self.assertIn("512x512", sizes)
        for d in sizes:
            w, h = (int(x) for x in d.split("x"))
            with open(os.path.join(base, d, "apps", "sciagents-studio.png"), "rb") as fh:
                head = fh.read(24)
            self.assertEqual(head[:8], b"\x89PNG\r\n\x1a\n", d)
            self.assertEqual(struct.unpack(">II", head[16:24]), (w, h), d)


class SecretsScan(unittest.TestCase):
    def test_tree_has_no_secrets(self):
        findings = secrets_scan.scan(ROOT, secrets_scan.load_allowlist())
        self.assertEqual(findings, [])

    def test_scanner_finds_planted_secrets(self):
        # Built at run time so that no committed file holds them.
        planted = {
            "key.pem": "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIB\n",
            "aws.env": "AWS_ACCESS_KEY_ID=" + "AKIA" + "ABCDEFGHIJKLMNOP\n",
            "gh.txt": "token = gh" + "p_" + "a1" * 18 + "\n",
            "run.sh": "export SCIAGENTS_TOKEN=" + "0123456789abcdef" * 4 + "\n",
            "curl.md": "curl -H 'Authorization: Bearer " + "f" * 64 + "'\n",
        }
        harmless = "export SCIAGENTS_TOKEN=...\ncurl -H \"Authorization: Bearer $TOKEN\"\nsha256 " + "ab" * 32 + "\n"
        with tempfile.TemporaryDirectory() as d:
            for name, text in planted.items():
                with open(os.path.join(d, name), "w") as fh:
                    fh.write(text)
            with open(os.path.join(d, "ok.md"), "w") as fh:
                fh.write(harmless)
            findings = secrets_scan.scan(d, {})
            found_files = sorted({f.split(":")[0] for f in findings})
            self.assertEqual(found_files, sorted(planted), findings)
            self.assertEqual(secrets_scan.scan(d, {n: "fixture" for n in planted}), [])


class TreePermissions(unittest.TestCase):
    def test_nothing_world_writable(self):
        bad = []
        for rel in secrets_scan.tree_files(ROOT):
            path = os.path.join(ROOT, rel)
            for p in (path, os.path.dirname(path)):
                if os.path.exists(p) and not os.path.islink(p) and os.stat(p).st_mode & stat.S_IWOTH:
                    bad.append(os.path.relpath(p, ROOT))
        self.assertEqual(sorted(set(bad)), [])


class VcpkgManifest(unittest.TestCase):
    # CMake package (find_package) or library (find_library) -> vcpkg port. Threads and Qt6 are not
    # vcpkg's (the compiler; install-qt-action).
    PORTS = {"Eigen3": "eigen3", "nlohmann_json": "nlohmann-json", "spdlog": "spdlog", "muparser": "muparser",
             "OpenSSL": "openssl", "SUNDIALS": "sundials", "NLopt": "nlopt", "Boost": "boost-headers",
             "SQLite3": "sqlite3", "benchmark": "benchmark", "LAPACK": "lapack", "cholmod": "suitesparse-cholmod",
             "CHOLMOD": "suitesparse-cholmod",
             "xsimd": "xsimd"}
    # Python3 and pybind11 build the optional Python module (python/) where the system has them;
    # the vcpkg builds (macOS, Windows CI) go without it, as pybind11's port builds vcpkg's own Python.
    NOT_VCPKG = {"Threads", "Qt6", "Python3", "pybind11"}

    def test_every_found_library_is_in_vcpkg_json(self):
        import json
        with open(os.path.join(ROOT, "vcpkg.json")) as fh:
            ports = {d if isinstance(d, str) else d["name"] for d in json.load(fh)["dependencies"]}
        found = set()
        for d, dirs, names in os.walk(ROOT):
            dirs[:] = [x for x in dirs if not x.startswith(("build", ".")) and x != "fuzz"]
            for n in names:
                if n == "CMakeLists.txt" or n.endswith(".cmake"):
                    with open(os.path.join(d, n)) as fh:
                        text = fh.read()
                    found |= set(re.findall(r"find_package\((\w+)", text))
                    found |= set(re.findall(r"find_library\(\w+\s+(\w+)", text))
        found -= self.NOT_VCPKG
        self.assertIn("SUNDIALS", found)
        unknown = sorted(found - set(self.PORTS))
        self.assertEqual(unknown, [], "new library: add its vcpkg port to vcpkg.json and to PORTS here")
        self.assertEqual(sorted(self.PORTS[f] for f in found if self.PORTS[f] not in ports), [],
                         "vcpkg.json lacks these ports")

    def test_sundials_is_pinned_to_the_major_cmake_accepts(self):
        # find_package(SUNDIALS X.Y) accepts only major X (SUNDIALS' version file is SameMajorVersion),
        # and the code uses that major's API: vcpkg must not hand CI a newer major.
        import json
        with open(os.path.join(ROOT, "vcpkg.json")) as fh:
            manifest = json.load(fh)
        self.assertRegex(manifest.get("builtin-baseline", ""), r"^[0-9a-f]{40}$",
                         "overrides need a builtin-baseline (a microsoft/vcpkg commit)")
        pinned = [o["version"] for o in manifest.get("overrides", []) if o["name"] == "sundials"]
        self.assertEqual(len(pinned), 1, "vcpkg.json: add an override for sundials")
        with open(os.path.join(ROOT, "CMakeLists.txt")) as fh:
            wanted = re.search(r"find_package\(SUNDIALS (\d+)\.(\d+)", fh.read())
        self.assertIsNotNone(wanted)
        major, minor = (int(x) for x in pinned[0].split(".")[:2])
        self.assertEqual(major, int(wanted.group(1)), "the sundials override is another major")
        self.assertGreaterEqual(minor, int(wanted.group(2)))


class Dockerfile(unittest.TestCase):
    def test_runtime_stage_runs_as_non_root(self):
        with open(os.path.join(ROOT, "installers", "docker", "Dockerfile")) as fh:
            text = fh.read()
        stage = re.split(r"(?m)^FROM ", text)[-1]
        users = re.findall(r"(?m)^USER\s+(\S+)", stage)
        self.assertTrue(users, "the runtime stage has no USER line: the container would run as root")
        user = users[-1].split(":")[0]
        self.assertNotIn(user, ("root", "0"), "the runtime stage ends with USER %s" % user)
        # ENTRYPOINT/CMD come after the last USER, so the server process gets that user.
        last_user = [m.start() for m in re.finditer(r"(?m)^USER\s", stage)][-1]
        for m in re.finditer(r"(?m)^(ENTRYPOINT|CMD)\s", stage):
            self.assertGreater(m.start(), last_user, "%s before the last USER line" % m.group(1))


if __name__ == "__main__":
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--sciagents", default="build/bin/sciagents")
    ARGS, rest = p.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
