"""Functions called by tests/agents/test_external_python.cpp through external.python."""
import os, time
import numpy as np

def add(x1, x2):
    print("printing does not disturb the protocol")
    return x1 + x2

def pair(x1):
    return [x1, 2 * x1]

def named(x1, v):
    assert isinstance(v, np.ndarray) and v.dtype == np.float64, type(v)
    return {"s": x1 + float(v.sum()), "v2": v * 2}

def two(x1):
    return x1, -x1

def poly(x1, x2, x3):
    # Only +, * and exact constants: the same bits for Python floats and NumPy arrays.
    return x1 + 7.0 * x2 * x2 + 0.1 * x3 * x3 * x3 * x3 * x1

def picky(x1):
    if x1 > 0.5:
        raise ValueError("x1 too large: %g" % x1)
    return 10 * x1

def quits(x1):
    if x1 == 3:
        os._exit(3)
    return 2 * x1

def spin(x1, marker):
    import subprocess
    child = subprocess.Popen(["sleep", "1000"])
    with open(os.path.join(os.path.dirname(__file__), "pids.txt"), "w") as f:
        f.write("%d %d" % (os.getpid(), child.pid))
    while True:
        pass

def text(x1):
    return "not a number"

def block_size(x1):
    # Vectorised: every point reports how many points came in its call.
    return np.full(len(x1), float(len(x1)))

def hog(x1):
    block = bytearray(int(2e9))  # beyond the test's memory_mb
    return float(len(block))

def doubled_in_place(x1):
    # Vectorised: changes its argument in place (a large input arrives as a private copy-on-write
    # mapping of shared memory, which must be writable and must not change the engine's copy).
    x1 *= 2.0
    return x1 + 1.0
