"""Every example workflow run through the module gives the CLI's result: the same status for
every step and the same outputs, bit for bit (same seed; results never depend on the thread
count). Outputs that are measurements of this machine (timings of the profiler) are compared by
kind and shape only."""

import glob
import os

import numpy as np
import pytest

import sciagents
from conftest import EXAMPLES, run_cli

FILES = sorted(glob.glob(os.path.join(EXAMPLES, "*.workflow.json")))
# Outputs measured, not computed: their values differ between any two runs.
MEASURED = {("performance_profiler", k) for k in (
    "cpu_seconds", "wall_seconds", "process_cpu_seconds", "peak_memory_bytes", "exponent",
    "exponent_stderr", "prefactor", "r_squared", "table")}


def same(a, b, where):
    if hasattr(b, "tocsc"):  # a SciPy sparse matrix
        assert hasattr(a, "tocsc") and a.shape == b.shape and (a != b).nnz == 0, where
    elif isinstance(b, np.ndarray) or isinstance(a, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, where
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), where
    elif isinstance(b, dict):
        assert isinstance(a, dict) and a.keys() == b.keys(), where
        for k in b:
            same(a[k], b[k], "%s.%s" % (where, k))
    elif isinstance(b, list):
        assert isinstance(a, list) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, "%s[%d]" % (where, i))
    elif isinstance(b, float) and np.isnan(b):
        assert isinstance(a, float) and np.isnan(a), where
    else:
        assert a == b, "%s: %r != %r" % (where, a, b)


def test_there_are_examples():
    assert len(FILES) >= 40


@pytest.mark.parametrize("path", FILES, ids=[os.path.basename(f).split(".")[0] for f in FILES])
def test_example_matches_the_cli(path, tmp_path):
    out = tmp_path / "cli.json"
    p = run_cli("run", path, "--no-cache", "--quiet", "-o", str(out), check=False)
    assert p.returncode in (0, 1, 2), p.stderr
    mine = sciagents.Workflow(path).run(cache=False)
    cli = sciagents.Result.load(out)
    assert list(mine.steps) == list(cli.steps)
    for sid, s in cli.steps.items():
        m = mine[sid]
        assert m.status == s.status, (sid, m.error, s.error)
        assert m.error == s.error
        assert m.outputs.keys() == s.outputs.keys(), sid
        for name, value in s.outputs.items():
            if (s.agent, name) in MEASURED:
                assert type(m.outputs[name]) is type(value), (sid, name)
                continue
            same(m.outputs[name], value, "%s.%s" % (sid, name))
