// A fitted surrogate (the `model` output map of surrogate.gp / pce / rbf, tagged "surrogate") used
// as the `model` of a later task: see makeModel in core/agent/model_evaluator.cpp.
#pragma once

#include "core/agent/model_evaluator.h"

#include <memory>
#include <string>
#include <vector>

namespace sciagents::core::agents::surrogate {

bool isSurrogateModel(const Value& v);

// Columns are matched to the surrogate's inputs by name (any order); when the names differ but the
// count matches they are taken in order. Errors name `param`.
std::unique_ptr<ModelEvaluator> makeSurrogateModel(const std::string& param, const Map& model,
                                                   const std::vector<std::string>& input_names);

}  // namespace sciagents::core::agents::surrogate
