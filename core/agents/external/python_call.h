// What external.python needs for a call, read from a task's params and context: the worker spec
// (interpreter, module after symlinks and policy checks, environment, limits), the inputs of each
// param set as call frames, and the function's return values turned into named outputs.
#pragma once

#include "core/agent/task_context.h"
#include "core/agents/external/python_pool.h"

#include <string>
#include <vector>

namespace sciagents::core::agents::external {

struct PythonCall {
  WorkerSpec spec;
  bool vectorized = false;
  bool nan_on_failure = false;
  double timeout_s = 0.0;
  std::vector<std::string> outputs;  // names from the `outputs` param (may be empty)
  std::string label;                 // "function 'f' of /abs/model.py" for messages
};

// Checks the params and the run's ExternalPolicy; errors name the param and its value.
PythonCall preparePythonCall(const TaskContext& ctx);

// The SHA-256 of the module file named by params["module"] (memoised by path, size and times);
// see task_python.cpp for relative paths.
std::string moduleContentKey(const Map& params);

// One call frame per param set (its `inputs`), or one frame of arrays for sets [begin, end).
// With `shared`, large arrays go in shared-memory files that `shared` owns (python_protocol.h):
// keep it until the call has been answered.
std::string scalarFrame(const Map& params);
std::string vectorFrame(const std::vector<Map>& sets, std::size_t begin, std::size_t end,
                        SharedArrays* shared = nullptr);

// The named outputs of one sample from a return value (number -> "y", list -> vector "y", dict ->
// named; `outputs` names them), or of every sample of a vectorised block. Throw
// std::runtime_error naming what came back.
Map sampleOutputs(const Value& returned, const std::vector<std::string>& names);
std::vector<Map> blockOutputs(const Value& returned, std::size_t count,
                              const std::vector<std::string>& names);

// Outputs of a failed sample: NaN in the shape of `like` (another sample's outputs), else NaN
// scalars named by `names` (or "y").
Map nanOutputs(const Map* like, const std::vector<std::string>& names);

// "x1=0.25, x2=3" from the inputs of a param set.
std::string describeInputs(const Map& params);

}  // namespace sciagents::core::agents::external
