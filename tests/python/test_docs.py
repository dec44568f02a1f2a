"""Every Python example of docs/python.md runs and prints what the page shows: each ```python
block runs in a fresh interpreter from the source tree (the remote example against a real
`sciagents serve` on loopback, through SCIAGENTS_SERVER and SCIAGENTS_TOKEN); a ```text block
right after it is its expected output, compared line by line (wall times excepted)."""

import os
import re
import subprocess
import sys

import pytest

from conftest import SOURCE

sys.path.insert(0, os.path.join(SOURCE, "tests", "server"))
import server_util as su  # noqa: E402

PAGE = os.path.join(SOURCE, "docs", "python.md")


def examples():
    with open(PAGE, encoding="utf-8") as f:
        text = f.read()
    blocks = [(m.group(1), m.group(2), m.start(), m.end())
              for m in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.S | re.M)]
    out = []
    for i, (lang, body, _, end) in enumerate(blocks):
        if lang != "python":
            continue
        expected = None
        follows = i + 1 < len(blocks) and not text[end:blocks[i + 1][2]].strip()
        if follows and blocks[i + 1][0] == "text":
            expected = blocks[i + 1][1]
        line = text.count("\n", 0, blocks[i][2]) + 1
        out.append(pytest.param(body, expected, id="line%d" % line))
    return out


def normalise(text):
    text = re.sub(r"succeeded in [0-9.e+-]+ s", "succeeded in <time> s", text)
    text = re.sub(r"\s+\(times vary\)", "", text)
    return [line.rstrip() for line in text.strip("\n").splitlines()]


@pytest.fixture(scope="module")
def server():
    srv = su.Server(os.environ["SCIAGENTS_BIN"], extra_args=["--workers", "1"])
    srv.start()
    token = srv.create_token("docs")
    yield srv.url, token
    srv.cleanup()


@pytest.mark.parametrize("code,expected", examples())
def test_example(code, expected, tmp_path, request):
    env = dict(os.environ, PYTHONPATH=os.environ["SCIAGENTS_PYTHONPATH"],
               SCIAGENTS_CACHE_DIR=str(tmp_path / "cache"))
    if "SCIAGENTS_SERVER" in code:
        url, token = request.getfixturevalue("server")
        env.update(SCIAGENTS_SERVER=url, SCIAGENTS_TOKEN=token)
    p = subprocess.run([sys.executable, "-c", code], cwd=SOURCE, env=env, capture_output=True,
                       text=True, timeout=240)
    assert p.returncode == 0, p.stderr[-4000:]
    if expected is not None:
        assert normalise(p.stdout) == normalise(expected)
