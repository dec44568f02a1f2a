#!/usr/bin/python3
"""Builds the Debian package from the finished build (cpack, no rebuild) into a temporary directory,
checks its control fields and file list, extracts it with dpkg-deb -x into a temporary root and runs
`sciagents --version`, an example workflow (checked against its .expected.json) and
`sciagents-studio --version` from there, without LD_LIBRARY_PATH: every library must come from the
packages named in Depends. When the Python module is built, the package holds it in
usr/lib/python3/dist-packages/sciagents, Depends pins python3 to the minor version the extension
was built for and names python3-numpy, and /usr/bin/python3 imports it from the extracted root
(PYTHONPATH only, no LD_LIBRARY_PATH) and runs a workflow with a Python model.

Usage: /usr/bin/python3 tests/package/deb_package_test.py --sciagents build/bin/sciagents
Needs cpack, dpkg-deb and dpkg-shlibdeps (dpkg-dev); skips elsewhere.
"""
import argparse
import glob
import gzip
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ARGS = None
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
# Libraries the package must declare (Depends is derived from the binaries; these pin the families).
REQUIRED_DEPENDS = ("libsundials-cvode", "libsundials-arkode", "libnlopt", "libmuparser", "libsqlite3-", "libssl3", "libspdlog", "libc6")
PYTHON_FILES = ("__init__.py", "_convert.py", "_errors.py")   # plus _sciagents.<SOABI>.so
REQUIRED_STUDIO_DEPENDS = ("libqt6core6", "libqt6gui6", "libqt6widgets6", "libqt6charts6", "libqt6svg6", "qt6-qpa-plugins")


PYTHON_DIR = "/usr/lib/python3/dist-packages/sciagents"


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=240, **kw)


def depends_names(field):
    """'a (>= 1), b | c' -> {'a', 'b', 'c'}."""
    names = set()
    for alt in field.split(","):
        for choice in alt.split("|"):
            name = choice.strip().split(" ")[0]
            if name:
                names.add(name)
    return names


def close(a, b, rtol, atol):
    if isinstance(b, list):
        return isinstance(a, list) and len(a) == len(b) and all(close(x, y, rtol, atol) for x, y in zip(a, b))
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


class DebPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.build = os.path.dirname(os.path.dirname(os.path.abspath(ARGS.sciagents)))
        cls.config = os.path.join(cls.build, "CPackConfig.cmake")
        missing = [t for t in ("cpack", "dpkg-deb", "dpkg-shlibdeps", "readelf") if not shutil.which(t)]
        if missing or not os.path.exists(cls.config):
            raise unittest.SkipTest("needs %s and %s (Debian, dpkg-dev)" % (", ".join(missing) or "tools", cls.config))
        cls.studio = os.path.exists(os.path.join(cls.build, "bin", "sciagents-studio"))
        # The extension the build made for /usr/bin/python3 (its ABI tag names the Python version).
        cls.python_ext = glob.glob(os.path.join(cls.build, "python", "sciagents", "_sciagents.cpython-*.so"))
        cls.tmp = tempfile.mkdtemp(prefix="sciagents-deb-")
        out = os.path.join(cls.tmp, "out")
        r = run(["cpack", "-G", "DEB", "--config", cls.config, "-B", out])
        if r.returncode != 0:
            raise AssertionError("cpack failed:\n" + r.stdout + r.stderr)
        debs = glob.glob(os.path.join(out, "*.deb"))
        if len(debs) != 1:
            raise AssertionError("expected one .deb in %s, got %s\n%s" % (out, debs, r.stdout))
        cls.deb = debs[0]
        cls.root = os.path.join(cls.tmp, "root")
        subprocess.run(["dpkg-deb", "-x", cls.deb, cls.root], check=True)
        cls.files = {line.split()[-1].lstrip(".") for line in run(["dpkg-deb", "-c", cls.deb]).stdout.splitlines()}
        cls.env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
        cls.env.update(QT_QPA_PLATFORM="offscreen", SCIAGENTS_CACHE_DIR=os.path.join(cls.tmp, "cache"),
                       HOME=os.path.join(cls.tmp, "home"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def field(self, name):
        r = run(["dpkg-deb", "-f", self.deb, name])
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def version(self):
        out = run([ARGS.sciagents, "--version"]).stdout
        return re.match(r"sciagents (\S+)", out).group(1)

    def test_control_fields(self):
        self.assertEqual(self.field("Package"), "sciagents")
        self.assertEqual(self.field("Version"), self.version())
        self.assertEqual(self.field("Architecture"), run(["dpkg", "--print-architecture"]).stdout.strip())
        self.assertEqual(self.field("Section"), "science")
        self.assertTrue(self.field("Maintainer"))
        self.assertIn("workflows", self.field("Description"))
        self.assertEqual(os.path.basename(self.deb), "sciagents_%s_%s.deb" % (self.version(), self.field("Architecture")))

    def test_depends_cover_the_linked_libraries(self):
        depends = self.field("Depends")
        names = depends_names(depends)
        print("Depends: " + depends, file=sys.stderr)
        required = REQUIRED_DEPENDS + (REQUIRED_STUDIO_DEPENDS if self.studio else ())
        for prefix in required:
            self.assertTrue(any(n.startswith(prefix) for n in names), "Depends lacks %s*: %s" % (prefix, depends))
        self.assertFalse([n for n in names if n.endswith("-dev")], "Depends names -dev packages: " + depends)
        self.assertFalse([n for n in names if "petsc" in n or "mpi" in n], "Depends pulls PETSc/MPI: " + depends)
        # Every library a packaged binary needs directly comes from a package in Depends (or is a
        # virtual name there, such as libblas.so.3 for the BLAS alternatives). dpkg -S and
        # dpkg-query are slow, so each is asked once for everything.
        needs = []   # (binary, soname, resolved path)
        for binary in self.binaries():
            needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", run(["readelf", "-d", binary]).stdout)
            self.assertTrue(needed, binary)
            ldd = run(["ldd", binary], env=self.env).stdout
            resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", ldd, re.M))
            # The dynamic loader (NEEDED when the code uses __tls_get_addr, e.g. the PIC core) is
            # listed by its path alone: "/lib64/ld-linux-x86-64.so.2 (0x...)".
            resolved.update((os.path.basename(p), p) for p in re.findall(r"^\s*(/\S+) \(0x", ldd, re.M))
            for soname in needed:
                self.assertIn(soname, resolved, "%s: %s not found without LD_LIBRARY_PATH" % (binary, soname))
                if soname not in names:
                    needs.append((binary, soname, resolved[soname]))
        candidates = {}
        for _, _, path in needs:
            for q in {path, os.path.realpath(path)}:
                for v in {q, q.replace("/usr/lib/", "/lib/", 1), q.replace("/lib/", "/usr/lib/", 1)}:
                    candidates.setdefault(v, path)
        owners = {}   # resolved path -> owning packages
        for line in run(["dpkg", "-S"] + sorted(candidates)).stdout.splitlines():
            pkg, _, path = line.partition(": ")
            if path in candidates:
                owners.setdefault(candidates[path], set()).update(p.strip().split(":")[0] for p in pkg.split(","))
        all_owners = sorted(set().union(*owners.values())) if owners else []
        provides = {}
        if all_owners:
            out = run(["dpkg-query", "-W", "-f=${Package}\t${Provides}\n"] + all_owners).stdout
            for line in out.splitlines():
                pkg, _, prov = line.partition("\t")
                provides[pkg] = depends_names(prov)
        for binary, soname, path in needs:
            own = owners.get(path, set())
            # Depends may name a virtual package the owner provides (libspdlog1.10-fmt9).
            offered = own.union(*(provides.get(o, set()) for o in own))
            self.assertTrue(offered & names, "%s needs %s (%s, from %s), not in Depends: %s"
                            % (os.path.basename(binary), soname, path, own, depends))

    def binaries(self):
        b = [os.path.join(self.root, "usr/bin/sciagents")]
        if self.studio:
            b.append(os.path.join(self.root, "usr/bin/sciagents-studio"))
        if self.python_ext:
            b.append(os.path.join(self.root, PYTHON_DIR[1:], os.path.basename(self.python_ext[0])))
        return b

    def test_file_list(self):
        expected = ["/usr/bin/sciagents", "/usr/share/man/man1/sciagents.1.gz",
                    "/usr/share/bash-completion/completions/sciagents", "/usr/share/zsh/vendor-completions/_sciagents",
                    "/usr/share/fish/vendor_completions.d/sciagents.fish", "/usr/share/doc/sciagents/copyright",
                    "/usr/share/doc/sciagents/README.md", "/usr/share/doc/sciagents/docs/cli.md",
                    "/usr/share/sciagents/examples/quickstart.workflow.json"]
        if self.studio:
            expected += ["/usr/bin/sciagents-studio", "/usr/share/applications/sciagents-studio.desktop",
                         "/usr/share/metainfo/org.sciagents.Studio.metainfo.xml",
                         "/usr/share/man/man1/sciagents-studio.1.gz",
                         "/usr/share/icons/hicolor/scalable/apps/sciagents-studio.svg",
                         "/usr/share/bash-completion/completions/sciagents-studio",
                         "/usr/share/fish/vendor_completions.d/sciagents-studio.fish"]
            expected += ["/usr/share/icons/hicolor/%dx%d/apps/sciagents-studio.png" % (s, s) for s in ICON_SIZES]
        if self.python_ext:
            expected += [PYTHON_DIR + "/" + f for f in PYTHON_FILES]
            expected.append(PYTHON_DIR + "/" + os.path.basename(self.python_ext[0]))
        self.assertEqual(sorted(set(expected) - self.files), [])
        outside = [f for f in self.files if f not in ("/", "") and not f.startswith("/usr")]
        self.assertEqual(outside, [], "files outside /usr")
        examples = [f for f in self.files if f.startswith("/usr/share/sciagents/examples/") and f.endswith(".json")]
        self.assertEqual(len(examples),
                         len(glob.glob(os.path.join(ROOT, "examples", "**", "*.workflow.json"), recursive=True)))
        # The external examples ship with their program, still executable.
        self.assertIn("/usr/share/sciagents/examples/external/projectile.py", self.files)

    def test_no_rpath_and_no_world_writable(self):
        for binary in self.binaries():
            dyn = run(["readelf", "-d", binary]).stdout
            self.assertNotIn("RPATH", dyn, binary)
            self.assertNotIn("RUNPATH", dyn, binary)
        perms = run(["dpkg-deb", "-c", self.deb]).stdout.splitlines()
        self.assertEqual([l for l in perms if l[8] == "w"], [], "world-writable entries")

    def test_man_pages(self):
        pages = ["sciagents"] + (["sciagents-studio"] if self.studio else [])
        for name in pages:
            with gzip.open(os.path.join(self.root, "usr/share/man/man1/%s.1.gz" % name), "rt") as f:
                text = f.read()
            self.assertIn(".TH %s 1" % name.upper(), text)
            self.assertIn(".SH DESCRIPTION", text)
        with gzip.open(os.path.join(self.root, "usr/share/man/man1/sciagents.1.gz"), "rt") as f:
            text = f.read()
        for command in ("agents", "validate", "run", "serve", "submit", "health"):
            self.assertIn(".SS %s\n" % command, text)
        self.assertIn(r"\-\-target", text)   # run's options are in the page

    def test_installed_cli_runs(self):
        cli = os.path.join(self.root, "usr/bin/sciagents")
        r = run([cli, "--version"], env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("sciagents %s " % self.version()), r.stdout)
        r = run([cli, "health"], env=self.env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_installed_cli_runs_an_example_workflow(self):
        # The stiff ODE example: exercises SUNDIALS and muParser from the packaged binary.
        cli = os.path.join(self.root, "usr/bin/sciagents")
        wf = os.path.join(self.root, "usr/share/sciagents/examples/ode-robertson.workflow.json")
        out = os.path.join(self.tmp, "robertson.json")
        r = run([cli, "run", wf, "-o", out, "--progress", "none"], env=self.env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(out) as f:
            result = json.load(f)
        with open(os.path.join(ROOT, "examples", "ode-robertson.expected.json")) as f:
            expected = json.load(f)
        self.assertEqual(result["status"], expected["status"])
        for key, want in expected["outputs"].items():
            step, output = key.split(".", 1)
            got = result["steps"][step]["outputs"][output]
            self.assertTrue(close(got, want["value"], want.get("rtol", 0.0), want.get("atol", 0.0)),
                            "%s: got %s, expected %s" % (key, got, want))

    def test_installed_studio_reports_its_version(self):
        if not self.studio:
            self.skipTest("Studio is not built")
        r = run([os.path.join(self.root, "usr/bin/sciagents-studio"), "--version"], env=self.env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(self.version(), r.stdout)

    def python_version(self):
        """(major, minor) of the Python the extension was built for, from its ABI tag."""
        m = re.search(r"\.cpython-(\d)(\d+)-", os.path.basename(self.python_ext[0]))
        return int(m.group(1)), int(m.group(2))

    def test_python_module_depends(self):
        if not self.python_ext:
            self.skipTest("the Python module is not built")
        major, minor = self.python_version()
        depends = [d.strip() for d in self.field("Depends").split(",")]
        # The extension only loads in the Python it was built for: >= that minor, << the next one.
        self.assertIn("python3 (>= %d.%d)" % (major, minor), depends)
        self.assertIn("python3 (<< %d.%d)" % (major, minor + 1), depends)
        self.assertIn("python3-numpy", depends)
        # Debian's python3 of this machine satisfies them (the package installs here).
        have = run(["dpkg-query", "-W", "-f=${Version}", "python3"]).stdout.strip()
        if have:
            for op, v in ((">=", "%d.%d" % (major, minor)), ("<<", "%d.%d" % (major, minor + 1))):
                self.assertEqual(run(["dpkg", "--compare-versions", have, op.replace(">=", "ge").replace("<<", "lt"),
                                      v]).returncode, 0, "python3 %s does not satisfy %s %s" % (have, op, v))

    def test_python_byte_code_maintainer_scripts(self):
        """postinst byte-compiles the module and prerm removes its byte code (dh_python3's way)."""
        if not self.python_ext:
            self.skipTest("the Python module is not built")
        info = run(["dpkg-deb", "-I", self.deb]).stdout
        scripts = {}
        for name in ("postinst", "prerm"):
            self.assertRegex(info, r"\n\s+\d+ bytes,\s+\d+ lines\s+\*\s+%s\s+#!/bin/sh" % name)
            r = run(["dpkg-deb", "-I", self.deb, name])
            self.assertEqual(r.returncode, 0, r.stderr)
            scripts[name] = r.stdout
            self.assertEqual(run(["sh", "-n", "-c", r.stdout]).returncode, 0, name)
        self.assertIn("py3compile -p sciagents", scripts["postinst"])
        self.assertIn("py3clean -p sciagents", scripts["prerm"])

    def test_installed_python_module_imports_and_runs(self):
        if not self.python_ext:
            self.skipTest("the Python module is not built")
        site = os.path.join(self.root, PYTHON_DIR[1:-len("/sciagents")])
        env = {k: v for k, v in self.env.items() if not k.startswith("PYTHON")}
        env.update(PYTHONPATH=site, PYTHONNOUSERSITE="1")
        code = (
            "import sciagents, sys, json\n"
            "print(json.dumps({'file': sciagents.__file__, 'ext': sciagents._sciagents.__file__,\n"
            "                  'version': sciagents.__version__}))\n"
            "wf = sciagents.Workflow(name='py').add_step('s', 'uq.sobol', model=lambda x: x[0] + 2 * x[1],\n"
            "    inputs=[{'name': 'x1', 'dist': 'uniform', 'a': 0, 'b': 1},\n"
            "            {'name': 'x2', 'dist': 'uniform', 'a': 0, 'b': 1}], n=256, seed=3)\n"
            "r = wf.run(cache=False)\n"
            "assert r.ok, r['s'].error\n"
            "print(json.dumps({'S1': list(map(float, r['s']['S1']))}))\n")
        # From an empty directory, so neither the source nor the build tree can be imported.
        cwd = os.path.join(self.tmp, "py")
        os.makedirs(cwd, exist_ok=True)
        r = run(["/usr/bin/python3", "-c", code], env=env, cwd=cwd)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        info = json.loads(lines[0])
        self.assertTrue(info["file"].startswith(os.path.join(self.root, PYTHON_DIR[1:]) + "/"), info)
        self.assertTrue(info["ext"].startswith(os.path.join(self.root, PYTHON_DIR[1:]) + "/"), info)
        self.assertEqual(info["version"], self.version())
        s1 = json.loads(lines[1])["S1"]   # x1 + 2 x2 on U(0,1)^2: S1 = (1/5, 4/5)
        self.assertTrue(close(s1, [0.2, 0.8], 0.0, 0.05), s1)


if __name__ == "__main__":
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--sciagents", default="build/bin/sciagents")
    ARGS, rest = p.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
