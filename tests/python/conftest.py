import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = os.path.join(SOURCE, "examples")


@pytest.fixture(scope="session")
def sciagents_bin():
    return os.environ["SCIAGENTS_BIN"]


@pytest.fixture(scope="session")
def source_dir():
    return SOURCE


def run_cli(*args, check=True, env=None, timeout=600):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([os.environ["SCIAGENTS_BIN"], *args], capture_output=True, text=True,
                       env=e, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("sciagents %s exited %d\n%s%s" % (" ".join(args), p.returncode,
                                                                  p.stdout, p.stderr))
    return p
