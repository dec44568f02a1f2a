#include "core/agents/surrogate/surrogate_predict.h"

#include "core/agent/task_context.h"
#include "core/agents/surrogate/gp_model.h"
#include "core/agents/surrogate/pce_basis.h"
#include "core/agents/surrogate/rbf_model.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace sciagents::core::agents::surrogate {

namespace {

class SurrogateModel final : public ModelEvaluator {
 public:
  SurrogateModel(std::string param, std::string kind, std::function<Vector(const Matrix&)> f,
                 std::vector<Eigen::Index> columns, std::string mapping)
      : m_param(std::move(param)),
        m_kind(std::move(kind)),
        m_f(std::move(f)),
        m_cols(std::move(columns)),
        m_mapping(std::move(mapping)) {}

  Vector evaluate(const Matrix& points, const TaskContext& ctx, const DoneCallback& done) override {
    const auto d = static_cast<Eigen::Index>(m_cols.size());
    Vector y(points.rows());
    constexpr Eigen::Index kChunk = 4096;
    for (Eigen::Index s = 0; s < points.rows(); s += kChunk) {
      const Eigen::Index len = std::min(kChunk, points.rows() - s);
      Matrix x(len, d);
      for (Eigen::Index j = 0; j < d; ++j)
        x.col(j) = points.block(s, m_cols[static_cast<std::size_t>(j)], len, 1);
      y.segment(s, len) = m_f(x);
      ctx.checkCancelled();
      if (done) done(static_cast<std::size_t>(s + len));
    }
    for (Eigen::Index i = 0; i < y.size(); ++i)
      if (!std::isfinite(y[i]))
        throw paramError(m_param, "the " + m_kind + " surrogate is " + std::to_string(y[i]) +
                                      " at sample #" + std::to_string(i));
    m_evaluations += static_cast<std::size_t>(points.rows());
    return y;
  }

  std::string describe() const override { return m_kind + " surrogate (" + m_mapping + ")"; }
  Map diagnostics() const override {
    return Map{{"kind", "surrogate"},
               {"surrogate", m_kind},
               {"inputs", m_mapping},
               {"evaluations", static_cast<std::int64_t>(m_evaluations)}};
  }

 private:
  std::string m_param, m_kind;
  std::function<Vector(const Matrix&)> m_f;
  std::vector<Eigen::Index> m_cols;  // column of the task's points for each surrogate input
  std::string m_mapping;
  std::size_t m_evaluations = 0;
};

}  // namespace

bool isSurrogateModel(const Value& v) {
  return v.kind() == ValueKind::Map && v.find("surrogate") && v.find("surrogate")->isString();
}

std::unique_ptr<ModelEvaluator> makeSurrogateModel(const std::string& param, const Map& m,
                                                   const std::vector<std::string>& input_names) {
  const std::string kind = m.at("surrogate").asString();
  std::vector<std::string> names;
  if (auto it = m.find("names"); it != m.end()) names = it->second.toStringList();
  std::vector<Eigen::Index> cols;
  std::string mapping;
  std::vector<std::string> sorted_a = names, sorted_b = input_names;
  std::sort(sorted_a.begin(), sorted_a.end());
  std::sort(sorted_b.begin(), sorted_b.end());
  if (!names.empty() && sorted_a == sorted_b) {
    for (const auto& n : names)
      cols.push_back(static_cast<Eigen::Index>(
          std::find(input_names.begin(), input_names.end(), n) - input_names.begin()));
    mapping = "inputs matched by name";
  } else if (names.empty() || names.size() == input_names.size()) {
    for (std::size_t j = 0; j < input_names.size(); ++j)
      cols.push_back(static_cast<Eigen::Index>(j));
    mapping = "inputs taken in order";
  } else {
    throw paramError(param, "the " + kind + " surrogate takes " + std::to_string(names.size()) +
                                " inputs but the task has " + std::to_string(input_names.size()));
  }
  std::function<Vector(const Matrix&)> f;
  try {
    if (kind == "gp") {
      gpPredictFromMap(
          m, Matrix::Zero(1, static_cast<Eigen::Index>(cols.size())));  // validates the map
      f = [m](const Matrix& x) { return gpPredictFromMap(m, x); };
    } else if (kind == "pce") {
      pcePredictFromMap(m, Matrix::Ones(1, static_cast<Eigen::Index>(cols.size())));
      f = [m](const Matrix& x) { return pcePredictFromMap(m, x); };
    } else if (kind == "rbf") {
      auto r = std::make_shared<RbfModel>(RbfModel::fromMap(m));
      r->evaluate(Matrix::Zero(1, static_cast<Eigen::Index>(cols.size())));
      f = [r](const Matrix& x) { return r->evaluate(x); };
    } else {
      throw std::invalid_argument("unknown surrogate kind '" + kind + "' (gp, pce, rbf)");
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw paramError(param, std::string("not a usable surrogate model map: ") + e.what());
  }
  return std::make_unique<SurrogateModel>(param, kind, std::move(f), std::move(cols), mapping);
}

}  // namespace sciagents::core::agents::surrogate
