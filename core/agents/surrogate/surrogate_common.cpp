#include "core/agents/surrogate/surrogate_common.h"

#include "core/agents/uq/uq_common.h"
#include "core/util/error.h"

#include <cmath>
#include <limits>

namespace sciagents::core::agents::surrogate {

Matrix finiteMatrix(const TaskContext& ctx, const std::string& param) {
  const Matrix x = ctx.matrix(param);
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      if (!std::isfinite(x(i, j)))
        throw paramError(param, "entry [" + std::to_string(i) + "][" + std::to_string(j) + "] is " +
                                    std::to_string(x(i, j)) + "; every value must be finite");
  return x;
}

TrainingSet readTraining(TaskContext& ctx, Eigen::Index default_n) {
  TrainingSet t;
  if (ctx.has("inputs")) t.inputs = uq::readInputs(ctx, false);
  if (ctx.has("xtrain") || ctx.has("ytrain")) {
    if (!ctx.has("xtrain")) throw paramError("xtrain", "ytrain is given but xtrain is missing");
    if (!ctx.has("ytrain")) throw paramError("ytrain", "xtrain is given but ytrain is missing");
    if (ctx.has("model"))
      throw paramError(
          "model", "give either xtrain + ytrain or model + inputs (a design is drawn), not both");
    t.x = finiteMatrix(ctx, "xtrain");
    t.y = ctx.vector("ytrain");
    if (t.x.rows() == 0) throw paramError("xtrain", "no training points");
    if (t.y.size() != t.x.rows())
      throw paramError("ytrain", "has " + std::to_string(t.y.size()) + " values but xtrain has " +
                                     std::to_string(t.x.rows()) +
                                     " rows (one row per training point)");
    for (Eigen::Index i = 0; i < t.y.size(); ++i)
      if (!std::isfinite(t.y[i]))
        throw paramError("ytrain", "value #" + std::to_string(i) + " is " + std::to_string(t.y[i]) +
                                       "; every value must be finite");
    if (t.inputs && t.inputs->size() != static_cast<std::size_t>(t.x.cols()))
      throw paramError("inputs", "lists " + std::to_string(t.inputs->size()) +
                                     " inputs but xtrain has " + std::to_string(t.x.cols()) +
                                     " columns");
    t.source = "given";
  } else if (ctx.has("model")) {
    if (!t.inputs)
      throw paramError("inputs",
                       "a model needs `inputs` (the design is drawn from their distributions)");
    const Eigen::Index n = ctx.has("n") ? ctx.integer("n") : default_n;
    if (n <= 0) throw paramError("n", "give the number of design points n");
    const std::uint64_t seed = uq::taskSeed(ctx);
    const auto d = static_cast<Eigen::Index>(t.inputs->size());
    t.x = t.inputs->fromUniform(uq::latinHypercube(seed, 10, n, d));
    auto model = makeModel(ctx, "model", t.inputs->names);
    // Failed samples are collected, then refused all together: a surrogate trained on a design with
    // holes would be silently wrong where the model fails.
    model->allowFailedSamples(true);
    t.y =
        uq::evaluateWithProgress(ctx, *model, t.x, 0.0, 0.3, "evaluating the model on the design");
    uq::refuseFailedSamples(
        *model, model->failedSamples(), static_cast<std::size_t>(t.y.size()),
        "a surrogate cannot be trained on a design with failed points (it would be wrong "
        "where the model fails): narrow the inputs or give xtrain + ytrain");
    ctx.diagnostic("model", model->diagnostics());
    ctx.diagnostic("model_description", model->describe());
    ctx.diagnostic("design", "Latin hypercube of " + std::to_string(n) + " points, seed " +
                                 std::to_string(seed));
    ctx.diagnostic("seed", static_cast<std::int64_t>(seed));
    ctx.output("xtrain", t.x);
    ctx.output("ytrain", t.y);
    t.source = "model";
  } else {
    throw paramError("xtrain",
                     "give training data xtrain + ytrain, or a model + inputs (+ n) to sample");
  }
  if (t.inputs)
    t.names = t.inputs->names;
  else
    for (Eigen::Index j = 0; j < t.x.cols(); ++j) t.names.push_back("x" + std::to_string(j + 1));
  return t;
}

std::optional<Matrix> readTest(const TaskContext& ctx, Eigen::Index d, const std::string& param) {
  if (!ctx.has(param)) return std::nullopt;
  Matrix x = finiteMatrix(ctx, param);
  if (x.cols() != d && d == 1 && x.rows() == 1) x.transposeInPlace();  // a row of 1-D points
  if (x.cols() != d)
    throw paramError(param, "has " + std::to_string(x.cols()) +
                                " columns but the training inputs have " + std::to_string(d) +
                                " (one row per point)");
  return x;
}

ParamSpec xtrainParam() {
  return ParamSpec::make("xtrain", ParamType::Matrix)
      .describe("Training inputs, n x d (one row per point; a plain list of numbers for d = 1).");
}
ParamSpec ytrainParam() {
  return ParamSpec::make("ytrain", ParamType::Vector)
      .describe("Training outputs, n values (one per row of xtrain).");
}
ParamSpec xtestParam() {
  return ParamSpec::make("xtest", ParamType::Matrix)
      .describe("Points to predict at, m x d (optional).");
}
ParamSpec optionalInputsParam() {
  ParamSpec p = uq::inputsParam();
  p.required = false;
  p.doc =
      "Input names and distributions (uq syntax, list of {\"name\", \"dist\", ...}); with `model`, "
      "the "
      "training design is a seeded Latin hypercube of n points drawn from them.";
  return p;
}
ParamSpec designSizeParam(const std::string& default_rule) {
  return ParamSpec::make("n", ParamType::Integer)
      .range(2, 1e6)
      .describe("With `model`: number of Latin hypercube design points (default: " + default_rule +
                ").");
}

double minPairDistance(const Matrix& x, Eigen::Index* a, Eigen::Index* b) {
  double best = std::numeric_limits<double>::infinity();
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = i + 1; j < x.rows(); ++j) {
      const double d2 = (x.row(i) - x.row(j)).squaredNorm();
      if (d2 < best) {
        best = d2;
        if (a) *a = i;
        if (b) *b = j;
      }
    }
  return std::sqrt(best);
}

List nameList(const std::vector<std::string>& names) {
  List l;
  for (const auto& n : names) l.emplace_back(n);
  return l;
}

}  // namespace sciagents::core::agents::surrogate
