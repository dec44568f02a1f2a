// The Python extension module `sciagents._sciagents` (docs/python.md). The public API is the
// pure-Python package around it (python/sciagents/__init__.py); this file only binds.
#include "core/util/version.h"
#include "python/py_callables.h"
#include "python/py_remote.h"
#include "python/py_run.h"

#include <pybind11/pybind11.h>

namespace py = pybind11;

PYBIND11_MODULE(_sciagents, m) {
  m.doc() = "SciAgents core (see the `sciagents` package and docs/python.md)";
  m.attr("__version__") = sciagents::kVersion;
  sciagents::python::bindRun(m);
  sciagents::python::bindRemote(m);
  m.def("_register_callable", &sciagents::python::registerCallable, py::arg("function"),
        py::arg("vectorized"), py::arg("batch_rows") = 0);
  m.def("_unregister_callable", &sciagents::python::unregisterCallable, py::arg("name"));
}
