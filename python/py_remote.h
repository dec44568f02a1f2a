// The HTTP client of the CLI (app/cli/http_client.h) for the Python module's remote calls:
// submit, attach, result (the job protocol itself is in sciagents/__init__.py; docs/python.md).
#pragma once

#include <pybind11/pybind11.h>

namespace sciagents::python {

namespace py = pybind11;

// _request(server, token, method, target, body, timeout_s) -> (status, body)
// _follow(server, token, job_id, last_event_id, on_event) -> last event id; on_event(type, data)
//   is called on the calling thread, returns False to stop; KeyboardInterrupt stops following.
void bindRemote(py::module_& m);

}  // namespace sciagents::python
