// Core values and JSON documents as Python objects (docs/python.md, "Value kinds"): arrays become
// read-only NumPy arrays that share the core's memory (zero-copy), maps become dicts.
#pragma once

#include "core/value/value.h"

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

namespace sciagents::python {

namespace py = pybind11;

py::object toPython(const core::Value& v);
py::object toPython(const core::Map& m);
py::object jsonToPython(const nlohmann::json& j);

// A NumPy array (any numeric dtype, any layout) or nested sequence as an n x d matrix of doubles;
// a 1-D input is one column when `one_column` (else one row).
core::Matrix matrixFromPython(const py::handle& h, bool one_column);

}  // namespace sciagents::python
