#!/usr/bin/python3
"""Every shared library `ldd sciagents` resolves must come from a Debian package that the runtime
stage of installers/docker/Dockerfile installs (or that one of those packages depends on), or from the
base image's essential C/C++ runtime. Qt libraries must not appear at all: the server runs in the
same `sciagents` binary and the runtime image carries no Qt.

Usage: /usr/bin/python3 tests/server/runtime_libs_test.py --sciagents build/bin/sciagents
Needs ldd, dpkg and dpkg-query (Debian); skips (exit 0 with a note) elsewhere.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOCKERFILE = os.path.join(ROOT, "installers", "docker", "Dockerfile")
# Packages of debian:bookworm-slim that provide the C and C++ runtime (libc6: libc, libm, libpthread,
# libdl, ld-linux; libgcc-s1; libstdc++6, which apt itself needs).
BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}
ARGS = None


def runtime_packages(dockerfile):
    """Package names given to apt-get install in the last stage of the Dockerfile."""
    with open(dockerfile) as f:
        text = f.read()
    stage = re.split(r"(?m)^FROM ", text)[-1]
    joined = re.sub(r"\\\n", " ", stage)
    pkgs = set()
    for line in joined.splitlines():
        if not line.startswith("RUN"):
            continue
        for cmd in re.split(r"&&|;|\|\|", line[3:]):
            words = cmd.split()
            if "apt-get" in words and "install" in words:
                for w in words[words.index("install") + 1:]:
                    if not w.startswith("-"):
                        pkgs.add(w.split("=")[0])
    return pkgs


def depends_closure(pkgs):
    """pkgs plus everything they (pre-)depend on, per the installed dpkg database."""
    seen, todo = set(), list(pkgs)
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        r = subprocess.run(["dpkg-query", "-W", "-f=${Depends}, ${Pre-Depends}", p], capture_output=True, text=True)
        if r.returncode != 0:
            continue
        for alt in r.stdout.split(","):
            for choice in alt.split("|"):
                name = choice.strip().split(" ")[0].split(":")[0]
                if name:
                    todo.append(name)
    return seen


def ldd(binary):
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    libs = []
    for line in out.splitlines():
        m = re.match(r"\s*(\S+)\s+=>\s+(\S+)", line)
        if m and m.group(2) != "not":
            libs.append((m.group(1), m.group(2)))
        elif "not found" in line:
            libs.append((line.split()[0], None))
    return libs


def owner(path):
    for candidate in (path, os.path.realpath(path)):
        for p in {candidate, candidate.replace("/usr/lib/", "/lib/", 1), candidate.replace("/lib/", "/usr/lib/", 1)}:
            r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
            if r.returncode == 0:
                return r.stdout.split(":")[0].strip()
    # Files managed by update-alternatives (liblapack.so.3 -> openblas) resolve through realpath above.
    return None


class RuntimeLibs(unittest.TestCase):
    def test_ldd_covered_by_runtime_stage(self):
        for tool in ("ldd", "dpkg", "dpkg-query"):
            if not shutil.which(tool):
                self.skipTest("%s not available (Debian only)" % tool)
        pkgs = runtime_packages(DOCKERFILE)
        self.assertTrue(pkgs, "no apt-get install in the runtime stage")
        self.assertFalse({p for p in pkgs if "qt" in p.lower()}, "runtime stage installs Qt")
        covered = depends_closure(pkgs | BASE_PACKAGES)
        libs = ldd(ARGS.sciagents)
        self.assertTrue(libs)
        problems, report = [], []
        for soname, path in libs:
            if path is None:
                problems.append("%s: not found by ldd" % soname)
                continue
            if "qt" in soname.lower():
                problems.append("%s: Qt library linked into sciagents (the server image must not need Qt)" % soname)
                continue
            pkg = owner(path)
            report.append("%-32s %-24s %s" % (soname, pkg, "ok" if pkg in covered else "MISSING"))
            if pkg is None:
                problems.append("%s (%s): no Debian package owns it" % (soname, path))
            elif pkg not in covered:
                problems.append("%s (%s) comes from %s, which the runtime stage does not install" % (soname, path, pkg))
        print("\n".join("  " + r for r in report), file=sys.stderr)
        self.assertEqual(problems, [])


if __name__ == "__main__":
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--sciagents", default="build/bin/sciagents")
    ARGS, rest = p.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
