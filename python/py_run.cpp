#include "python/py_run.h"

#include "core/agent/agent_registry.h"
#include "core/store/run_history.h"
#include "core/util/clock.h"
#include "core/util/error.h"
#include "core/value/value_json.h"
#include "core/workflow/run_provenance.h"
#include "core/workflow/run_result_reader.h"
#include "core/workflow/workflow_engine.h"
#include "core/workflow/workflow_validator.h"
#include "python/py_pump.h"
#include "python/py_values.h"

#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace sciagents::python {

namespace {

const core::AgentRegistry& registry() { return core::AgentRegistry::builtin(); }

// What the engine reported, queued for the Python thread.
struct Event {
  enum class Kind { Started, Finished, Progress, Metric } kind = Kind::Progress;
  std::string step, a, b;  // Started: agent, task; Finished: status, error; Progress: message;
                           // Metric: series
  double x = 0, y = 0;     // Progress: fraction; Metric: the sample
};

class QueueListener final : public core::RunListener {
 public:
  void stepStarted(const std::string& step, const std::string& agent,
                   const std::string& task) override {
    push({Event::Kind::Started, step, agent, task, 0, 0});
  }
  void stepFinished(const core::StepResult& r) override {
    push({Event::Kind::Finished, r.id, std::string(core::stepStatusName(r.status)), r.error, 0,
          0});
  }
  void progress(std::string_view step, double fraction, std::string_view message) override {
    push({Event::Kind::Progress, std::string(step), std::string(message), {}, fraction, 0});
  }
  void metric(std::string_view step, std::string_view series, double x, double y) override {
    if (!m_metrics) return;
    push({Event::Kind::Metric, std::string(step), std::string(series), {}, x, y});
  }

  void wantMetrics(bool want) { m_metrics = want; }
  // Waits up to `timeout` for events or the end of the run; returns the events.
  std::deque<Event> wait(std::chrono::milliseconds timeout, bool& done) {
    std::unique_lock lock(m_mutex);
    m_cv.wait_for(lock, timeout, [&] { return m_done || !m_events.empty(); });
    done = m_done;
    return std::exchange(m_events, {});
  }
  void finish() {
    std::lock_guard lock(m_mutex);
    m_done = true;
    m_cv.notify_all();
  }

 private:
  void push(Event e) {
    std::lock_guard lock(m_mutex);
    m_events.push_back(std::move(e));
    m_cv.notify_all();
  }
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Event> m_events;
  bool m_done = false;
  bool m_metrics = false;
};

[[noreturn]] void raise(const char* cls, const std::string& message) {
  py::object type = py::module_::import("sciagents._errors").attr(cls);
  PyErr_SetString(type.ptr(), message.c_str());
  throw py::error_already_set();
}

py::dict eventDict(const Event& e) {
  py::dict d;
  d["step"] = e.step;
  switch (e.kind) {
    case Event::Kind::Started:
      d["kind"] = "step_started";
      d["agent"] = e.a;
      d["task"] = e.b;
      break;
    case Event::Kind::Finished:
      d["kind"] = "step_finished";
      d["status"] = e.a;
      if (!e.b.empty()) d["error"] = e.b;
      break;
    case Event::Kind::Progress:
      d["kind"] = "progress";
      d["fraction"] = e.x;
      d["message"] = e.a;
      break;
    case Event::Kind::Metric:
      break;
  }
  return d;
}

core::Workflow parse(const std::string& spec) {
  try {
    return core::parseWorkflow(spec);
  } catch (const core::Error& e) {
    raise("ValidationError", e.what());
  }
}

py::dict stepDict(const core::StepResult& s) {
  py::dict d;
  d["id"] = s.id;
  d["agent"] = s.agent;
  d["task"] = s.task;
  d["status"] = std::string(core::stepStatusName(s.status));
  d["outputs"] = toPython(s.outputs);
  d["diagnostics"] = toPython(s.diagnostics);
  d["error"] = s.error;
  d["cached"] = s.cached;
  d["points"] = s.points;
  d["wall_seconds"] = s.wall_seconds;
  d["provenance"] = jsonToPython(s.provenance);
  return d;
}

// In the history every front end writes (`sciagents history`, Studio's History dock); a failure
// to record is a warning, never a failed run.
void record(const core::RunResult& result) {
  const auto file = core::store::RunHistory::defaultFile();
  if (file.empty()) return;  // no HOME: nowhere to keep it
  std::string error;
  {
    py::gil_scoped_release release;
    try {
      core::store::RunHistory(file).record(core::store::runRecordFor(result, ""));
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (!error.empty())
    PyErr_WarnEx(PyExc_RuntimeWarning,
                 ("the run was not recorded in the history (" + file.string() + "): " + error)
                     .c_str(),
                 1);
}

}  // namespace

py::list validate(const std::string& spec) {
  py::list out;
  std::vector<core::ValidationIssue> issues;
  try {
    issues = core::validateWorkflow(core::parseWorkflow(spec), registry());
  } catch (const core::Error& e) {
    issues.push_back({e.step(), e.param(), e.bareMessage()});
  }
  for (const auto& i : issues) out.append(py::make_tuple(i.step, i.param, i.message, i.describe()));
  return out;
}

std::shared_ptr<core::RunResult> run(const RunRequest& r, const py::object& progress,
                                     const py::object& metric) {
  core::Workflow w = parse(r.spec);
  std::vector<std::string> overrides;
  for (const auto& [path, value] : r.sets) {
    try {
      core::setStepParam(w, path, nlohmann::json::parse(value), "set " + path);
    } catch (const core::Error& e) {
      raise("ValidationError", e.what());
    }
    overrides.push_back(path + "=" + value);
  }
  if (auto issues = core::validateWorkflow(w, registry()); !issues.empty()) {
    std::string text;
    for (const auto& i : issues) text += (text.empty() ? "" : "\n") + i.describe();
    raise("ValidationError", text);
  }

  QueueListener listener;
  listener.wantMetrics(!metric.is_none());
  core::RunOptions o;
  o.threads = r.threads;
  o.use_cache = r.cache;
  o.seed = r.seed;
  o.base_dir = r.base_dir;
  o.listener = &listener;
  o.cancel = std::make_shared<std::atomic<bool>>(false);

  auto result = std::make_shared<core::RunResult>();
  std::exception_ptr failure;
  const std::int64_t started_us = core::unixMicros();
  std::thread engine([&] {
    try {
      *result = core::WorkflowEngine(registry()).run(w, o);
    } catch (...) {
      failure = std::current_exception();
    }
    listener.finish();
  });

  // The Python side of the run: callbacks, Ctrl-C. A Python error stops the run and is raised
  // once the engine has stopped (the engine thread may need the GIL for Python models).
  auto pending = pumpUntilDone(
      [&](bool& done) { return listener.wait(std::chrono::milliseconds(50), done); },
      [&](const std::deque<Event>& events) {
        for (const Event& e : events) {
          if (e.kind == Event::Kind::Metric)
            metric(e.step, e.a, e.x, e.y);
          else if (!progress.is_none())
            progress(eventDict(e));
        }
      },
      [&] { o.cancel->store(true); });
  {
    py::gil_scoped_release release;
    engine.join();
  }
  if (pending) throw std::move(*pending);
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const core::Error& e) {
      raise(e.code() == core::ErrorCode::InvalidInput ? "ValidationError" : "RunError", e.what());
    } catch (const std::exception& e) {
      raise("RunError", e.what());
    }
  }
  core::RunSettings settings;
  settings.seed = r.seed;
  settings.threads = r.threads;
  settings.overrides = overrides;
  settings.workflow_file = r.workflow_file;
  settings.where = "python";
  settings.use_cache = r.cache;
  core::attachRunProvenance(*result, w, registry(), settings, started_us, core::unixMicros());
  if (r.history) record(*result);
  return result;
}

void bindRun(py::module_& m) {
  py::class_<core::RunResult, std::shared_ptr<core::RunResult>>(m, "_RunResult")
      .def_readonly("workflow", &core::RunResult::workflow)
      .def_property_readonly(
          "status", [](const core::RunResult& r) { return core::stepStatusName(r.status); })
      .def_readonly("wall_seconds", &core::RunResult::wall_seconds)
      .def_property_readonly("step_ids",
                             [](const core::RunResult& r) {
                               std::vector<std::string> ids;
                               for (const auto& s : r.steps) ids.push_back(s.id);
                               return ids;
                             })
      .def("step",
           [](const core::RunResult& r, const std::string& id) {
             const core::StepResult* s = r.step(id);
             if (!s) throw py::key_error("no step '" + id + "' in this result");
             return stepDict(*s);
           })
      .def_property_readonly(
          "run_info", [](const core::RunResult& r) { return jsonToPython(r.run_info); })
      .def_property_readonly(
          "workflow_spec", [](const core::RunResult& r) { return jsonToPython(r.workflow_spec); })
      .def(
          "document",
          [](const core::RunResult& r, const std::string& sidecar_dir, std::size_t min_elements) {
            core::JsonWriteOptions jo;
            if (!sidecar_dir.empty() && min_elements > 0) {
              jo.sidecar_dir = sidecar_dir;
              jo.sidecar_min_elements = min_elements;
            }
            return r.toJson(jo).dump(1) + "\n";
          },
          py::arg("sidecar_dir") = "", py::arg("sidecar_min_elements") = 0);

  m.def("_validate", &validate, py::arg("spec"));
  m.def(
      "_run",
      [](const std::string& spec, const std::vector<std::pair<std::string, std::string>>& sets,
         int threads, bool cache, std::uint64_t seed, const std::string& base_dir,
         const std::string& workflow_file, bool history, const py::object& progress,
         const py::object& metric) {
        RunRequest r{spec, sets, threads, cache, seed, base_dir, workflow_file, history};
        return run(r, progress, metric);
      },
      py::arg("spec"), py::arg("sets"), py::arg("threads"), py::arg("cache"), py::arg("seed"),
      py::arg("base_dir"), py::arg("workflow_file"), py::arg("history"), py::arg("progress"),
      py::arg("metric"));
  m.def(
      "_read_result",
      [](const std::string& document, const std::string& base_dir) {
        const auto doc = nlohmann::json::parse(document, nullptr, false);
        if (doc.is_discarded() || !doc.is_object() || !doc.contains("steps"))
          raise("SciAgentsError", "not a SciAgents result document");
        std::optional<core::Workflow> w;
        if (doc.contains("workflow_spec")) {
          try {
            w = core::workflowFromJson(doc["workflow_spec"]);
          } catch (const core::Error&) {
          }
        }
        auto r = std::make_shared<core::RunResult>(
            core::runResultFromJson(doc, w ? &*w : nullptr, base_dir));
        return r;
      },
      py::arg("document"), py::arg("base_dir") = "");
  m.def("_agents", [] { return jsonToPython(registry().toJson()); });
  m.def(
      "_set_param",
      [](const std::string& spec, const std::string& path, const std::string& value) {
        core::Workflow w = parse(spec);
        try {
          core::setStepParam(w, path, nlohmann::json::parse(value), "set " + path);
        } catch (const core::Error& e) {
          raise("ValidationError", e.what());
        }
        const std::string step = path.substr(0, path.find_first_of(".["));
        return py::make_tuple(step, w.step(step)->params.dump());
      },
      py::arg("spec"), py::arg("path"), py::arg("value"));
}

}  // namespace sciagents::python
