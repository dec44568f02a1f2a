// Validating and running workflows from Python (docs/python.md): the engine runs on its own
// thread while the calling thread keeps the Python callbacks (progress, metrics) and Ctrl-C.
#pragma once

#include "core/workflow/run_result.h"

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <vector>

namespace sciagents::python {

namespace py = pybind11;

struct RunRequest {
  std::string spec;                                        // the workflow document (JSON text)
  std::vector<std::pair<std::string, std::string>> sets;   // param path, JSON value
  int threads = 0;
  bool cache = true;
  std::uint64_t seed = 0;
  std::string base_dir;       // where relative paths in params resolve
  std::string workflow_file;  // for provenance ("" when built in Python)
  bool history = true;        // record the run in the history of runs (core/store/run_history.h)
};

// Every problem of the workflow as the CLI's `validate` reports it: (step, param, message, text).
py::list validate(const std::string& spec);

// Runs the workflow; `progress(event: dict)` and `metric(step, series, x, y)` are called on this
// thread. KeyboardInterrupt cancels the run (the tasks stop promptly) and is raised once the engine
// has stopped. Invalid input raises sciagents.ValidationError.
std::shared_ptr<core::RunResult> run(const RunRequest& request, const py::object& progress,
                                     const py::object& metric);

// Binds the result class (_RunResult) and the functions above into `m`.
void bindRun(py::module_& m);

}  // namespace sciagents::python
