#include "python/py_remote.h"

#include "app/cli/http_client.h"
#include "python/py_pump.h"

#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace sciagents::python {

namespace {

[[noreturn]] void raiseRemote(const std::string& message) {
  py::object type = py::module_::import("sciagents._errors").attr("RemoteError");
  PyErr_SetString(type.ptr(), message.c_str());
  throw py::error_already_set();
}

py::tuple request(const std::string& server, const std::string& token, const std::string& method,
                  const std::string& target, const std::string& body, double timeout_s) {
  cli::HttpReply r;
  std::optional<std::string> error;
  {
    py::gil_scoped_release release;
    try {
      cli::HttpClient client(server, token,
                             std::chrono::milliseconds(static_cast<long>(timeout_s * 1000)));
      r = client.request(method, target, body);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (error) raiseRemote(*error);
  return py::make_tuple(r.status, py::bytes(r.body));
}

// The event stream read on its own thread; events handed to the Python thread.
std::string follow(const std::string& server, const std::string& token, const std::string& id,
                   const std::string& last_event_id, const py::function& on_event) {
  struct Shared {
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<cli::SseEvent> events;
    bool done = false, stop = false;
    int status = 200;
    std::string body, error, last_id;
  };
  auto s = std::make_shared<Shared>();
  s->last_id = last_event_id;
  std::atomic<bool> cancel{false};
  std::thread reader([&, s] {
    try {
      cli::HttpClient client(server, token);
      client.setCancelFlag(&cancel);
      const auto r = client.streamEvents(
          "/v1/jobs/" + id + "/events", last_event_id, [&](const cli::SseEvent& e) {
            std::lock_guard lock(s->mutex);
            s->events.push_back(e);
            s->cv.notify_all();
            return !s->stop;
          });
      std::lock_guard lock(s->mutex);
      s->status = r.status;
      s->body = r.body;
    } catch (const cli::HttpError& e) {
      std::lock_guard lock(s->mutex);
      if (e.kind() != cli::HttpError::Kind::Cancelled) s->error = e.what();
    }
    std::lock_guard lock(s->mutex);
    s->done = true;
    s->cv.notify_all();
  });
  auto pending = pumpUntilDone(
      [&](bool& done) {
        std::unique_lock lock(s->mutex);
        s->cv.wait_for(lock, std::chrono::milliseconds(50),
                       [&] { return s->done || !s->events.empty(); });
        done = s->done;
        return std::exchange(s->events, {});
      },
      [&](const std::deque<cli::SseEvent>& events) {
        for (const auto& e : events) {
          if (!e.id.empty()) s->last_id = e.id;
          if (!on_event(e.type, e.data).cast<bool>()) {
            std::lock_guard lock(s->mutex);
            s->stop = true;
            cancel = true;  // the server may be silent for a while: do not wait for its next event
            break;
          }
        }
      },
      [&] { cancel = true; });
  {
    py::gil_scoped_release release;
    reader.join();
  }
  if (pending) throw std::move(*pending);
  if (!s->stop && !s->error.empty()) raiseRemote(s->error);
  if (!s->stop && s->status != 200)
    raiseRemote("GET /v1/jobs/" + id + "/events: HTTP " + std::to_string(s->status) + ": " +
                s->body.substr(0, 400));
  return s->last_id;
}

}  // namespace

void bindRemote(py::module_& m) {
  m.def("_request", &request, py::arg("server"), py::arg("token"), py::arg("method"),
        py::arg("target"), py::arg("body") = "", py::arg("timeout_s") = 30.0);
  m.def("_follow", &follow, py::arg("server"), py::arg("token"), py::arg("job_id"),
        py::arg("last_event_id"), py::arg("on_event"));
}

}  // namespace sciagents::python
