// Functions supplied by the program that embeds the core (the Python module's callables, see
// docs/python.md), named in a workflow's model params instead of an expression:
//
//   "model": {"callable": "python:3:f"}        uq / surrogate / inverse models
//   "objective": {"callable": "python:4:loss"}  optimization objectives, residuals
//
// The name is looked up in a process-wide table the embedding program fills
// (registerNativeFunction); a workflow file naming a function that is not registered fails its
// step with a message saying so. A step whose params name a native function is never taken from
// or stored in the result cache: the cache key would not see a change of the function's code.
#pragma once

#include "core/agent/model_evaluator.h"
#include "core/value/value.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sciagents::core {

struct NativeFunction {
  // Rows of `points` (n x d, one sample per row) to outputs (n x m, m the same for every call).
  // May be called from several threads at once (the implementation serialises if it must) and
  // throws NativeFunctionError for a failed evaluation.
  std::function<Matrix(const Matrix& points)> evaluate;
  // Rows per call: 0 lets the caller pass any number (a vectorised function); a scalar function
  // evaluated row by row takes batches of this many rows, between which cancellation is checked.
  std::size_t batch_rows = 0;
  std::string description;  // "Python function f (vectorised)"
};

// A failed evaluation; `row` is the row of the batch that failed (npos: the whole call).
class NativeFunctionError : public std::runtime_error {
 public:
  NativeFunctionError(std::size_t row, const std::string& what)
      : std::runtime_error(what), m_row(row) {}
  std::size_t row() const { return m_row; }

 private:
  std::size_t m_row;
};

void registerNativeFunction(const std::string& name, std::shared_ptr<const NativeFunction> fn);
void unregisterNativeFunction(const std::string& name);
std::shared_ptr<const NativeFunction> findNativeFunction(std::string_view name);

// {"callable": NAME} (a resolved param value).
bool isNativeModel(const Value& v);
// The same test on a raw param (JSON), anywhere inside `params`.
bool mentionsNativeFunction(const Map& params);

// The evaluator of a native-function model held by param `param`: errors name the param, the
// function and the sample.
std::unique_ptr<ModelEvaluator> makeNativeModel(const std::string& param, const Value& v,
                                                const std::vector<std::string>& input_names);

}  // namespace sciagents::core
