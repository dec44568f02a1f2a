#include "core/agent/model_evaluator.h"

#include "core/agent/constants_param.h"
#include "core/agent/expression_model.h"
#include "core/agent/native_function.h"
#include "core/agent/task_context.h"
#include "core/agents/surrogate/surrogate_predict.h"
#include "core/expr/expression.h"
#include "core/runtime/parallel_blocks.h"
#include "core/util/error.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <sstream>
#include <string_view>

namespace sciagents::core {

Matrix ModelEvaluator::evaluateVector(const Matrix& points, const TaskContext& ctx,
                                      const DoneCallback& done) {
  Vector y = evaluate(points, ctx, done);
  return Matrix(y);
}

std::string samplePointText(const Matrix& points, Eigen::Index row,
                            const std::vector<std::string>& names) {
  std::ostringstream os;
  os.precision(10);
  for (Eigen::Index j = 0; j < points.cols(); ++j)
    os << (j ? ", " : "")
       << (static_cast<std::size_t>(j) < names.size() ? names[static_cast<std::size_t>(j)] : "x")
       << "=" << points(row, j);
  return os.str();
}

namespace {

// An expression in the input names, evaluated in blocks (see evaluate).
class ExpressionModel final : public ModelEvaluator {
 public:
  ExpressionModel(std::string param, Expression e, std::vector<std::string> names)
      : m_param(std::move(param)), m_expr(std::move(e)), m_names(std::move(names)) {}

  // Blocks of rows through Expression::evalMany (the compiled tape; a row's value does not depend
  // on its block or thread, so results are the same for any thread count), spread over the run's
  // threads (parallelBlocks: the run's pool inside a workflow); the first non-finite value (lowest
  // row) is reported.
  Vector evaluate(const Matrix& points, const TaskContext& ctx, const DoneCallback& done) override {
    if (static_cast<std::size_t>(points.cols()) != m_names.size())
      throw Error(ErrorCode::RunFailed, "internal: model called with " +
                                            std::to_string(points.cols()) + " columns for " +
                                            std::to_string(m_names.size()) + " inputs");
    const Eigen::Index n = points.rows();
    Vector y(n);
    constexpr Eigen::Index kBlock = 8192;
    const Eigen::Index blocks = (n + kBlock - 1) / kBlock;
    const int threads = std::max(1, ctx.threads());
    // The tape is safe to share between threads; muParser's fallback needs one copy per thread.
    const bool shared = std::string_view(m_expr.evalManyEngine()) == "tape";
    std::vector<Expression> copies(shared ? 0 : static_cast<std::size_t>(threads - 1), m_expr);
    std::atomic<Eigen::Index> finished{0};
    std::mutex done_mutex;
    parallelBlocks(static_cast<std::size_t>(blocks), threads, [&](std::size_t b, int slot) {
      ctx.checkCancelled();
      const Eigen::Index start = static_cast<Eigen::Index>(b) * kBlock,
                         len = std::min(kBlock, n - start);
      const Expression& e =
          shared || slot == 0 ? m_expr : copies[static_cast<std::size_t>(slot - 1)];
      e.evalMany(points.data() + start, static_cast<std::size_t>(len), static_cast<std::size_t>(n),
                 y.data() + start);
      const Eigen::Index total = finished += len;
      if (done) {
        std::lock_guard lock(done_mutex);
        done(static_cast<std::size_t>(total));
      }
    });
    m_failed.clear();
    for (Eigen::Index i = 0; i < n; ++i)  // in row order: the lowest failing sample is named
      if (!std::isfinite(y[i])) noteFailed(samplePointText(points, i, m_names), i, y[i]);
    m_evaluations += static_cast<std::size_t>(n);
    if (done) done(static_cast<std::size_t>(n));
    return y;
  }

  const Expression* blockExpression() const {
    return std::string_view(m_expr.evalManyEngine()) == "tape" ? &m_expr : nullptr;
  }

  void noteBlock(std::size_t evaluations, const std::vector<BlockFailure>& failed) {
    m_failed.clear();
    for (const BlockFailure& f : failed) {
      double y = f.value;
      Matrix point = Eigen::Map<const Eigen::RowVectorXd>(
          f.point.data(), static_cast<Eigen::Index>(f.point.size()));
      noteFailed(samplePointText(point, 0, m_names), static_cast<Eigen::Index>(f.row), y);
    }
    m_evaluations += evaluations;
  }

  std::string describe() const override { return "expression '" + m_expr.text() + "'"; }
  Map diagnostics() const override {
    Map m{{"kind", "expression"},
          {"expression", m_expr.text()},
          {"evaluations", static_cast<std::int64_t>(m_evaluations)}};
    if (m_failed_total > 0) {
      m["failed_samples"] = static_cast<std::int64_t>(m_failed_total);
      m["first_failure"] = m_first_failure;
    }
    return m;
  }

 private:
  // A non-finite value: an error naming the sample, or (failed samples allowed) a NaN row listed.
  void noteFailed(const std::string& point, Eigen::Index i, double& y) {
    const std::string what = "the model is " + std::to_string(y) + " at sample #" +
                             std::to_string(i) + " (" + point + ")";
    if (!m_allow_failed) throw paramError(m_param, what);
    y = std::numeric_limits<double>::quiet_NaN();
    m_failed.push_back(static_cast<std::size_t>(i));
    if (m_failed_total++ == 0) m_first_failure = what;
  }

  std::size_t m_failed_total = 0;
  std::string m_first_failure;
  std::string m_param;
  Expression m_expr;
  std::vector<std::string> m_names;
  std::size_t m_evaluations = 0;
};

}  // namespace

const Expression* blockExpression(const ModelEvaluator& m) {
  const auto* e = dynamic_cast<const ExpressionModel*>(&m);
  return e ? e->blockExpression() : nullptr;
}

void noteBlockEvaluations(ModelEvaluator& m, std::size_t evaluations,
                          const std::vector<BlockFailure>& failed) {
  auto* e = dynamic_cast<ExpressionModel*>(&m);
  if (!e)
    throw Error(ErrorCode::RunFailed,
                "internal: block evaluations reported to a model without a block path");
  e->noteBlock(evaluations, failed);
}

bool isStepModel(const Value& v) {
  return v.kind() == ValueKind::Map && v.find("step") && v.find("input");
}

std::unique_ptr<ModelEvaluator> makeModel(const TaskContext& ctx, std::string_view param,
                                          const std::vector<std::string>& input_names) {
  const std::string name(param);
  const Value& v = ctx.param(param);
  if (v.kind() == ValueKind::String) {
    try {
      return std::make_unique<ExpressionModel>(
          name, Expression(v.asString(), input_names, readConstants(ctx)), input_names);
    } catch (const Error& e) {
      if (!e.param().empty()) throw;
      throw paramError(name, e.bareMessage());
    }
  }
  // A fitted surrogate: the `model` output map of surrogate.gp / pce / rbf, usually linked in with
  // {"from": "fit.model"}.
  if (agents::surrogate::isSurrogateModel(v))
    return agents::surrogate::makeSurrogateModel(name, v.asMap(), input_names);
  if (isNativeModel(v)) return makeNativeModel(name, v, input_names);
  if (isStepModel(v)) {
    if (!ctx.stepModelFactory())
      throw paramError(
          name,
          "a step-reference model needs the workflow engine (run the task inside a workflow)");
    return ctx.stepModelFactory()(v.asMap(), input_names);
  }
  throw paramError(
      name,
      "expected an expression string, a step reference {\"step\": ID, \"input\": PATH or "
      "[PATHS], \"output\": \"NAME[i]\"} or a fitted surrogate (the `model` output of "
      "surrogate.gp/pce/rbf), or a Python callable (docs/python.md), got " +
          std::string(v.kindName()));
}

}  // namespace sciagents::core
