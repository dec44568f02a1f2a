"""Python functions as models and objectives of in-process runs (docs/python.md): scalar and
vectorised forms give the expression model's answers on the same samples; errors name the
function, the sample and the Python exception; callables never reach the result cache, a file
or a server."""

import gc
import math

import numpy as np
import pytest

import sciagents
from sciagents import _sciagents

PI = math.pi
INPUTS = [{"name": n, "dist": "uniform", "a": -PI, "b": PI} for n in ("x1", "x2", "x3")]


def sobol(model, n=2048):
    return sciagents.Workflow(name="ishigami").add_step(
        "s", "uq.sobol", model=model, inputs=INPUTS, n=n, seed=11, bootstrap=20)


def ishigami(x):
    return math.sin(x[0]) + 7 * math.sin(x[1]) ** 2 + 0.1 * x[2] ** 4 * math.sin(x[0])


@sciagents.vectorized
def ishigami_v(X):
    return np.sin(X[:, 0]) + 7 * np.sin(X[:, 1]) ** 2 + 0.1 * X[:, 2] ** 4 * np.sin(X[:, 0])


def test_scalar_and_vectorised_callables_match_the_expression_model():
    expr = sobol("sin(x1) + 7*sin(x2)^2 + 0.1*x3^4*sin(x1)").run(cache=False)["s"]
    scalar = sobol(ishigami).run(cache=False)["s"]
    vec = sobol(ishigami_v).run(cache=False)["s"]
    assert expr.ok and scalar.ok and vec.ok, (scalar.error, vec.error)
    for name in ("S1", "ST"):
        np.testing.assert_allclose(scalar[name], expr[name], atol=1e-9)
        np.testing.assert_allclose(vec[name], expr[name], atol=1e-9)
    d = scalar.diagnostics["model"] if "model" in scalar.diagnostics else scalar.diagnostics
    text = repr(scalar.diagnostics)
    assert "Python function ishigami" in text and "ishigami_v (vectorised)" in repr(vec.diagnostics)
    assert d  # the model's own diagnostics are reported


def test_a_lambda_as_a_minimize_objective():
    wf = sciagents.Workflow(name="rosen").add_step(
        "m", "optimization.minimize", objective=lambda x: 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2,
        variables=["x", "y"], x0=[-1.2, 1.0])
    r = wf.run(cache=False)
    assert r.ok, r["m"].error
    np.testing.assert_allclose(r["m"]["x"], [1.0, 1.0], atol=1e-4)


def test_vector_valued_callable_in_monte_carlo():
    @sciagents.vectorized
    def two(X):
        return np.column_stack([X[:, 0] + X[:, 1], X[:, 0] * X[:, 1]])
    wf = sciagents.Workflow(name="mc").add_step(
        "mc", "uq.monte_carlo", model=two,
        inputs=[{"name": "a", "dist": "uniform", "a": 0, "b": 1},
                {"name": "b", "dist": "uniform", "a": 0, "b": 1}], n=20000, seed=3)
    r = wf.run(cache=False)
    assert r.ok, r["mc"].error
    mean = np.asarray(r["mc"]["mean"]).ravel()
    np.testing.assert_allclose(mean, [1.0, 0.25], atol=0.02)


def test_vectorised_batch_bounds_the_rows_per_call():
    rows = {}

    def f(X, tag):
        rows.setdefault(tag, []).append(X.shape[0])
        return ishigami_v.fn(X)
    whole = sobol(sciagents.vectorized(lambda X: f(X, "default")), n=1024).run(cache=False)["s"]
    small = sobol(sciagents.vectorized(lambda X: f(X, "small"), batch=1000), n=1024).run(cache=False)["s"]
    assert whole.ok and small.ok, (whole.error, small.error)
    assert rows["default"] == [1024 * 5]   # N(d+2) rows: one call below the engine's default batch
    assert max(rows["small"]) == 1000 and sum(rows["small"]) == 1024 * 5
    np.testing.assert_allclose(small["S1"], whole["S1"], atol=1e-12)


def test_a_python_exception_fails_the_step_naming_function_sample_and_error():
    def bad(x):
        if x[0] > 0:
            raise ValueError("negative only, got %g" % x[0])
        return x[0]
    r = sobol(bad, n=64).run(cache=False)
    s = r["s"]
    assert not r.ok and s.status == "failed"
    assert "Python function test_a_python_exception_fails_the_step_naming_function_sample_and_error.<locals>.bad" in s.error
    assert "ValueError: negative only" in s.error and "sample #" in s.error and "x1=" in s.error


def test_non_finite_values_and_wrong_shapes_are_errors():
    r = sobol(lambda x: float("nan"), n=16).run(cache=False)
    assert "not finite at sample #0" in r["s"].error
    r = sobol(sciagents.vectorized(lambda X: np.zeros(3)), n=16).run(cache=False)
    assert "returned 3 rows" in r["s"].error
    r = sobol(lambda x: "text", n=16).run(cache=False)
    assert "not a number" in r["s"].error


def test_callables_are_never_cached_and_never_leave_the_process(tmp_path):
    calls = []

    def f(x):
        calls.append(1)
        return x[0]
    wf = sobol(f, n=16)
    wf.run(cache=True)
    first = len(calls)
    wf.run(cache=True)
    assert first > 0 and len(calls) == 2 * first   # evaluated again: no cache for callables
    with pytest.raises(TypeError, match="callable cannot be saved"):
        wf.save(tmp_path / "x.workflow.json")
    with pytest.raises(TypeError, match="callable cannot be saved"):
        sciagents.submit(wf, server="http://127.0.0.1:9")
    assert wf.to_dict()["steps"][0]["params"]["model"]["callable"].startswith("python:")


def test_a_workflow_file_naming_an_unknown_callable_fails_clearly():
    wf = sciagents.Workflow({"sciagents": 1, "steps": [
        {"id": "s", "agent": "uq", "task": "sobol",
         "params": {"model": {"callable": "python:999:gone"}, "inputs": INPUTS, "n": 16}}]})
    r = wf.run(cache=False)
    assert "no function named 'python:999:gone' is registered" in r["s"].error


def test_callables_are_released_with_their_workflow():
    import weakref

    class F:
        def __call__(self, x):
            return x[0]
    f = F()
    ref = weakref.ref(f)
    wf = sobol(f, n=16)
    assert wf.run(cache=False).ok
    del f, wf
    gc.collect()
    assert ref() is None


def test_a_python_function_as_an_ode_right_hand_side():
    params = {"states": ["x", "v"], "y0": [1.0, 0.0], "t_span": [0, 3],
              "t_eval": {"linspace": [0, 3, 7]}, "rtol": 1e-10, "atol": 1e-12}
    expr = sciagents.Workflow(name="osc").add_step("s", "ode_pde.ivp", rhs=["v", "-4*x"], **params)
    py = sciagents.Workflow(name="osc").add_step(
        "s", "ode_pde.ivp", rhs=lambda t, y: [y[1], -4 * y[0]], **params)
    a, b = expr.run(cache=False)["s"], py.run(cache=False)["s"]
    assert a.ok and b.ok, b.error
    t = np.linspace(0, 3, 7)
    np.testing.assert_allclose(b["y"][:, 0], np.cos(2 * t), atol=1e-8)
    np.testing.assert_allclose(b["y"], a["y"], atol=1e-8)
    stiff = sciagents.Workflow(name="stiff").add_step(
        "s", "ode_pde.ivp", rhs=lambda t, y: [-1000 * (y[0] - np.cos(t))], states=["y"],
        y0=[0.0], t_span=[0, 1], method="bdf", rtol=1e-8, atol=1e-10).run(cache=False)["s"]
    assert stiff.ok, stiff.error
    assert abs(stiff["y"][-1, 0] - np.cos(1.0)) < 1e-3
    wrong = sciagents.Workflow(name="wrong").add_step(
        "s", "ode_pde.ivp", rhs=lambda t, y: [1.0], **params).run(cache=False)["s"]
    assert not wrong.ok and "returned 1 values for 2 states" in wrong.error
    boom = sciagents.Workflow(name="boom").add_step(
        "s", "ode_pde.ivp", rhs=lambda t, y: 1 / 0, **params).run(cache=False)["s"]
    assert not boom.ok and "ZeroDivisionError" in boom.error and "failed at t = 0" in boom.error
