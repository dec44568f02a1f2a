// external.python: a function from the user's Python module as a step, called in persistent
// worker processes (python_pool.h) over a framed binary protocol (python_protocol.h).
#include "core/agents/external/python_call.h"
#include "core/agents/external/tasks.h"
#include "core/util/error.h"

#include <algorithm>
#include <stdexcept>

namespace sciagents::core::agents::external {

namespace {

std::size_t workersFor(const TaskContext& ctx) {
  return static_cast<std::size_t>(std::max(1, ctx.threads()));
}

CallOptions optionsFor(const TaskContext& ctx, const PythonCall& c, std::size_t calls) {
  CallOptions o;
  o.max_workers = std::min(workersFor(ctx), std::max<std::size_t>(calls, 1));
  o.keep = workersFor(ctx);
  o.timeout_s = c.timeout_s;
  o.cancel = ctx.cancelFlag();
  return o;
}

void reportStats(TaskContext& ctx, const PythonCall& c, const CallStats& st, std::size_t calls) {
  ctx.diagnostic("module", c.spec.module);
  ctx.diagnostic("function", c.spec.function);
  ctx.diagnostic("interpreter", c.spec.python);
  if (!st.versions.empty()) ctx.diagnostic("python_version", st.versions);
  ctx.diagnostic("calls", static_cast<std::int64_t>(calls));
  ctx.diagnostic("workers_started", static_cast<std::int64_t>(st.workers_started));
  ctx.diagnostic("worker_restarts", static_cast<std::int64_t>(st.restarts));
}

// One evaluation (the step run on its own, or one sweep point).
void runPython(TaskContext& ctx) {
  const PythonCall c = preparePythonCall(ctx);
  const std::vector<Map> one{ctx.params()};
  const std::vector<std::string> frames{c.vectorized ? vectorFrame(one, 0, 1)
                                                     : scalarFrame(ctx.params())};
  CallStats st;
  const auto outcome = callWorkers(c.spec, frames, optionsFor(ctx, c, 1), &st).front();
  ctx.checkCancelled();
  reportStats(ctx, c, st, 1);
  std::string failure = outcome.error;
  Map outputs;
  if (outcome.ok) {
    try {
      outputs = c.vectorized ? blockOutputs(outcome.value, 1, c.outputs).front()
                             : sampleOutputs(outcome.value, c.outputs);
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  if (!failure.empty()) {
    const std::string msg = c.label + " failed (" + describeInputs(ctx.params()) + "): " + failure;
    if (!c.nan_on_failure) throw Error(ErrorCode::RunFailed, msg);
    ctx.warn(msg);
    ctx.diagnostic("failed", true);
    ctx.diagnostic("failure", failure);
    outputs = nanOutputs(nullptr, c.outputs);
  }
  for (auto& [name, v] : outputs) ctx.output(name, std::move(v));
}

// Many param sets that differ only in their inputs (step-model samples), in order.
std::vector<Map> runPythonBatch(TaskContext& ctx, const std::vector<Map>& sets) {
  if (sets.empty()) return {};
  const PythonCall c = preparePythonCall(ctx);
  std::vector<std::string> frames;
  std::vector<std::pair<std::size_t, std::size_t>> blocks;  // [begin, end) of sets per frame
  if (c.vectorized) {
    const std::size_t parts = std::min(workersFor(ctx), sets.size());
    for (std::size_t p = 0; p < parts; ++p)
      blocks.emplace_back(sets.size() * p / parts, sets.size() * (p + 1) / parts);
  } else {
    for (std::size_t k = 0; k < sets.size(); ++k) blocks.emplace_back(k, k + 1);
  }
  frames.reserve(blocks.size());
  SharedArrays shared;  // the large input arrays, until every call has been answered
  for (const auto& [b, e] : blocks)
    frames.push_back(c.vectorized ? vectorFrame(sets, b, e, &shared) : scalarFrame(sets[b]));
  const auto outcomes = callWorkers(c.spec, frames, optionsFor(ctx, c, frames.size()));
  ctx.checkCancelled();

  std::vector<Map> out(sets.size());
  std::vector<std::string> failures(sets.size());
  for (std::size_t f = 0; f < blocks.size(); ++f) {
    const auto [b, e] = blocks[f];
    std::string failure = outcomes[f].error;
    if (outcomes[f].ok) {
      try {
        if (c.vectorized) {
          auto maps = blockOutputs(outcomes[f].value, e - b, c.outputs);
          std::move(maps.begin(), maps.end(), out.begin() + static_cast<std::ptrdiff_t>(b));
        } else {
          out[b] = sampleOutputs(outcomes[f].value, c.outputs);
        }
      } catch (const std::exception& ex) {
        failure = ex.what();
      }
    }
    if (failure.empty()) continue;
    if (!c.nan_on_failure) {
      const std::string where =
          e - b == 1 ? "param set #" + std::to_string(b) + " of " + std::to_string(sets.size()) +
                           " (" + describeInputs(sets[b]) + ")"
                     : "the vectorised call for param sets #" + std::to_string(b) + "..#" +
                           std::to_string(e - 1) + " of " + std::to_string(sets.size());
      throw Error(ErrorCode::RunFailed, c.label + " failed at " + where + ": " + failure);
    }
    for (std::size_t k = b; k < e; ++k) failures[k] = failure;
  }
  const Map* like = nullptr;
  for (std::size_t k = 0; k < sets.size() && !like; ++k)
    if (failures[k].empty()) like = &out[k];
  const Map nan = nanOutputs(like, c.outputs);
  for (std::size_t k = 0; k < sets.size(); ++k)
    if (!failures[k].empty()) out[k] = nan;
  return out;
}

}  // namespace

TaskSpec pythonTask() {
  TaskSpec t;
  t.id = "python";
  t.summary = "Call a function from a Python module in persistent worker processes.";
  t.doc =
      "Calls `function` from the Python file `module` with the named `inputs` (numbers, or lists "
      "that "
      "arrive as NumPy arrays) as keyword arguments. A returned number becomes output `y` (or the "
      "one "
      "name in `outputs`), a list or array the vector `y`, a dict named outputs. The module is "
      "imported "
      "once per worker process; workers persist across evaluations (one per engine thread), so a "
      "call "
      "costs one message each way. With `vectorized: true` the function takes one array per input "
      "and "
      "returns one value per point, and step models send whole blocks of samples in one call. A "
      "worker "
      "that raises, dies or exceeds `timeout_s` fails that evaluation (`on_failure`: stop the "
      "step, or "
      "return NaN and go on); dead or killed workers are replaced. The result cache key includes "
      "the "
      "SHA-256 of the module file. See docs/agents/external.md.";
  t.params = {
      ParamSpec::make("module", ParamType::String)
          .req()
          .describe("Path of the .py file (relative to the workflow's folder unless absolute)."),
      ParamSpec::make("function", ParamType::String)
          .req()
          .describe("Name of the function to call."),
      ParamSpec::make("inputs", ParamType::Map)
          .def(Map{})
          .describe(
              "Keyword arguments: name -> number or list of numbers. Step models, links and sweeps "
              "override them by path (\"inputs.x1\")."),
      ParamSpec::make("outputs", ParamType::StringList)
          .describe(
              "Names of the outputs: one name for a returned number or list, one per element for a "
              "returned tuple, or the keys to keep from a returned dict."),
      ParamSpec::make("vectorized", ParamType::Boolean)
          .def(false)
          .describe(
              "The function takes one array per input (a batch of points) and returns one value or "
              "row per point."),
      ParamSpec::make("python", ParamType::String)
          .describe("Interpreter (default: $SCIAGENTS_PYTHON, else /usr/bin/python3)."),
      ParamSpec::make("timeout_s", ParamType::Number)
          .def(0.0)
          .range(0.0, std::nullopt)
          .unit("s")
          .describe(
              "Wall-time limit per call (0: none; a vectorised block is one call). The worker's "
              "process group is killed and replaced when it is exceeded."),
      ParamSpec::make("on_failure", ParamType::Choice)
          .def("fail")
          .oneOf({"fail", "nan"})
          .describe("A call that raises, dies or times out: stop with an error naming the sample "
                    "(fail) or "
                    "give NaN outputs for it and go on (nan)."),
      ParamSpec::make("memory_mb", ParamType::Number)
          .def(0.0)
          .range(0.0, std::nullopt)
          .unit("MB")
          .describe(
              "Address-space limit of each worker (RLIMIT_AS; 0: none, or the server's limit)."),
  };
  t.outputs = {
      {"y", ValueKind::Null,
       "The returned number or vector (other names: the keys of a returned dict, or `outputs`)."},
      {"*", ValueKind::Null,
       "Each key of a returned dict (or each name in `outputs`) under its own name, e.g. "
       "`model.energy`; any name is accepted when the workflow is validated, a missing one fails "
       "at run time."}};
  t.run = runPython;
  t.run_batch = runPythonBatch;
  t.content_key = moduleContentKey;
  return t;
}

}  // namespace sciagents::core::agents::external
