// Shared pieces of the surrogate tasks: training data (given, or an LHS design of a model),
// common parameter specs and input checks.
#pragma once

#include "core/agent/task_spec.h"
#include "core/agents/uq/distributions.h"

#include <optional>
#include <string>
#include <vector>

namespace sciagents::core::agents::surrogate {

struct TrainingSet {
  Matrix x;                            // n x d
  Vector y;                            // n
  std::vector<std::string> names;      // input names (from `inputs`, else x1..xd)
  std::optional<uq::InputSet> inputs;  // when `inputs` is given
  std::string source;                  // "given" or "model"
};

// Training data from `xtrain` + `ytrain`, or from `model` evaluated on a seeded Latin hypercube of
// `n` points of `inputs`. Errors name the param (sizes, non-finite values, missing pieces).
// `default_n` is used for the design when `n` is absent (0: `n` required).
TrainingSet readTraining(TaskContext& ctx, Eigen::Index default_n = 0);

// `xtest` (m x d, a vector when d = 1), checked against the training dimension; empty when absent.
std::optional<Matrix> readTest(const TaskContext& ctx, Eigen::Index d,
                               const std::string& param = "xtest");

// Rows of `x` as an n x d matrix with finite entries (a vector is one column). Errors name `param`.
Matrix finiteMatrix(const TaskContext& ctx, const std::string& param);

// Parameter specs.
ParamSpec xtrainParam();
ParamSpec ytrainParam();
ParamSpec xtestParam();
ParamSpec optionalInputsParam();
ParamSpec designSizeParam(const std::string& default_rule);

// Smallest pairwise distance and the pair (for duplicate-point checks); n < 2 gives +inf.
double minPairDistance(const Matrix& x, Eigen::Index* a = nullptr, Eigen::Index* b = nullptr);

List nameList(const std::vector<std::string>& names);

}  // namespace sciagents::core::agents::surrogate
