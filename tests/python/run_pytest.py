"""Runs one pytest file of tests/python against the build tree's module (the ctest entries of
label `python`, tests/python/CMakeLists.txt): /usr/bin/python3 run_pytest.py --sciagents BIN.
SCIAGENTS_PYTEST names the file; the module is imported from BIN/../../python."""

import os
import sys

import pytest

here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
binary = args[args.index("--sciagents") + 1] if "--sciagents" in args else ""
build = os.path.dirname(os.path.dirname(os.path.abspath(binary)))
os.environ["SCIAGENTS_BIN"] = os.path.abspath(binary)
os.environ["SCIAGENTS_PYTHONPATH"] = os.path.join(build, "python")
sys.path.insert(0, os.path.join(build, "python"))
os.environ["PYTHONPATH"] = os.pathsep.join(
    [os.path.join(build, "python")] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
target = os.path.join(here, os.environ["SCIAGENTS_PYTEST"])
sys.exit(pytest.main([target, "-q", "-p", "no:cacheprovider", "-o", "console_output_style=classic"]))
