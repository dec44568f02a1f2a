// The Python thread's side of work done on another thread (a run, a job's event stream): wait for
// the next batch with the GIL released (the worker may need it for Python models), hand the batch
// to Python with the GIL held, and see Ctrl-C. Used by py_run.cpp and py_remote.cpp.
#pragma once

#include <pybind11/pybind11.h>

#include <optional>
#include <utility>

namespace sciagents::python {

namespace py = pybind11;

// Loops until `wait(done)` sets done: `wait` runs without the GIL and returns a batch, `deliver`
// gets each batch with the GIL. The first Python error (raised by `deliver`, or KeyboardInterrupt
// from a signal) calls `stop()` (the worker should end soon) and is returned once the loop ends;
// later batches are then dropped. The caller joins its worker (without the GIL), then re-raises.
template <class Wait, class Deliver, class Stop>
std::optional<py::error_already_set> pumpUntilDone(Wait&& wait, Deliver&& deliver, Stop&& stop) {
  std::optional<py::error_already_set> pending;
  for (bool done = false; !done;) {
    auto batch = [&] {
      py::gil_scoped_release release;
      return wait(done);
    }();
    if (pending) continue;
    try {
      deliver(batch);
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    } catch (py::error_already_set& e) {
      pending.emplace(std::move(e));
      stop();
    }
  }
  return pending;
}

}  // namespace sciagents::python
