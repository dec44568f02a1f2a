// Python callables as models, objectives and residuals of in-process runs (docs/python.md,
// "Python functions as models"): registered in the core's table of native functions
// (core/agent/native_function.h) under a name the workflow's params hold as {"callable": NAME}.
#pragma once

#include <pybind11/pybind11.h>

#include <cstddef>
#include <string>

namespace sciagents::python {

namespace py = pybind11;

// Registers `f` and returns its name. Scalar form: f(x) with x a 1-D float64 array (one sample),
// returning a number or a 1-D sequence; called `batch_rows` samples per taking of the GIL.
// Vectorised form: f(X) with X an n x d read-only array (rows are samples), returning n numbers
// or an n x m array; n is at most `batch_rows` (0: the engine's default, 2^20).
std::string registerCallable(py::function f, bool vectorized, std::size_t batch_rows);
void unregisterCallable(const std::string& name);

}  // namespace sciagents::python
