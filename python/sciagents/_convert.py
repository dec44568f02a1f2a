"""Python values to the workflow document's JSON, and Python callables to registered functions."""

import functools
import inspect
import json
import numbers

from . import _sciagents


class Function:
    """A Python callable marked for the engine: `vectorized` functions take an (n, d) array of
    samples and return n values (or an (n, m) array); scalar ones take one sample as a 1-D array
    and return a number (or a 1-D sequence)."""

    def __init__(self, fn, vectorized=False, batch=0):
        if not callable(fn):
            raise TypeError("expected a callable, got %r" % (fn,))
        self.fn = fn
        self.vectorized = bool(vectorized)
        self.batch = int(batch)

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


def vectorized(fn=None, *, batch=0):
    """Marks `fn` as vectorised: the engine calls fn(X) with X an (n, d) array of samples.
    Usable as a decorator (@sciagents.vectorized) or a call (sciagents.vectorized(f))."""
    if fn is None:
        return lambda f: Function(f, True, batch)
    return Function(fn, True, batch)


class Registrations:
    """The callables a workflow registered, unregistered when it is garbage-collected."""

    def __init__(self):
        self.names = {}  # id(callable) -> (callable, name)

    def name_of(self, value):
        f = value if isinstance(value, Function) else Function(value)
        key = (id(f.fn), f.vectorized)
        if key not in self.names:
            call = f.fn
            if not f.vectorized and _positional(f.fn) == 2:  # an ODE right-hand side f(t, y)
                fn = f.fn
                call = functools.wraps(fn)(lambda x: fn(x[0], x[1:]))
            name = _sciagents._register_callable(call, f.vectorized, f.batch)
            self.names[key] = (f.fn, name)
        return self.names[key][1]

    def release(self):
        for _, name in self.names.values():
            _sciagents._unregister_callable(name)
        self.names.clear()


def _positional(fn):
    """The number of positional parameters `fn` needs (None when it cannot be told)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(1 for p in params if p.kind in kinds and p.default is inspect.Parameter.empty)


def plain(value, registrations=None, where="value"):
    """`value` as JSON-ready Python (dict, list, str, float, int, bool, None); NumPy arrays and
    scalars become lists and numbers; callables become {"callable": NAME} when `registrations` is
    given."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, Function) or (callable(value) and not isinstance(value, type)):
        if registrations is None:
            raise TypeError("%s: a Python callable cannot be saved in a workflow file or sent to "
                            "a server; run it in this process with Workflow.run()" % where)
        return {"callable": registrations.name_of(value)}
    if isinstance(value, dict):
        return {str(k): plain(v, registrations, "%s.%s" % (where, k)) for k, v in value.items()}
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # NumPy array or scalar
        return plain(value.tolist(), registrations, where)
    if isinstance(value, (list, tuple, range)):
        return [plain(v, registrations, "%s[%d]" % (where, i)) for i, v in enumerate(value)]
    raise TypeError("%s: cannot put a %s into a workflow (numbers, strings, lists, dicts, NumPy "
                    "arrays and callables can)" % (where, type(value).__name__))


def dumps(value):
    return json.dumps(value, allow_nan=True)
