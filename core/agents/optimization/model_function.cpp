#include "core/agents/optimization/model_function.h"

#include "core/agent/native_function.h"

#include <cmath>
#include <limits>

namespace sciagents::core::agents::opt {

bool isModelParam(const TaskContext& ctx, const std::string& param) {
  return ctx.has(param) && (isStepModel(ctx.param(param)) || isNativeModel(ctx.param(param)));
}

std::string expressionText(const TaskContext& ctx, const std::string& param) {
  return isModelParam(ctx, param) ? std::string() : ctx.text(param);
}

FdStencil gradientStencil(const Vector& x, const Bounds* b, bool relative) {
  static const double kStep = std::cbrt(std::numeric_limits<double>::epsilon());
  const Eigen::Index n = x.size();
  FdStencil s;
  s.points.resize(2 * n, n);
  s.h.resize(n);
  s.one_sided.assign(static_cast<std::size_t>(n), false);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double h =
        kStep * (relative ? (x[i] != 0.0 ? std::abs(x[i]) : 1.0) : std::max(1.0, std::abs(x[i])));
    const bool up_ok = !b || x[i] + h <= b->hi[i];
    const bool dn_ok = !b || x[i] - h >= b->lo[i];
    s.points.row(2 * i) = x.transpose();
    s.points.row(2 * i + 1) = x.transpose();
    if (up_ok && dn_ok) {
      s.h[i] = h;
      s.points(2 * i, i) = x[i] + h;
      s.points(2 * i + 1, i) = x[i] - h;
    } else {  // second-order one-sided formula at a bound: x + s, x + 2s
      const double step = up_ok ? h : -h;
      s.h[i] = step;
      s.one_sided[static_cast<std::size_t>(i)] = true;
      s.points(2 * i, i) = x[i] + step;
      s.points(2 * i + 1, i) = x[i] + 2 * step;
    }
  }
  return s;
}

Matrix applyStencil(const FdStencil& s, const Matrix& values, const Vector& f0) {
  const Eigen::Index n = s.h.size(), m = values.cols();
  Matrix d(m, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Vector a = values.row(2 * i).transpose(), c = values.row(2 * i + 1).transpose();
    if (s.one_sided[static_cast<std::size_t>(i)])
      d.col(i) = (-3 * f0 + 4 * a - c) / (2 * s.h[i]);
    else
      d.col(i) = (a - c) / (2 * s.h[i]);
  }
  return d;
}

ModelFunction::ModelFunction(const TaskContext& ctx, const std::string& param,
                             const std::vector<std::string>& vars, bool vector)
    : m_ctx(ctx),
      m_param(param),
      m_model(makeModel(ctx, param, vars)),
      m_vector(vector),
      m_dim(static_cast<Eigen::Index>(vars.size())) {
  // A failed run of the step is a NaN value here, as a NaN expression is: every method steers
  // away from it; the count is reported (failed_evaluations) with a warning.
  m_model->allowFailedSamples(true);
}

Matrix ModelFunction::batch(const Matrix& points) {
  m_ctx.checkCancelled();
  Matrix y =
      m_vector ? m_model->evaluateVector(points, m_ctx) : Matrix(m_model->evaluate(points, m_ctx));
  m_evaluations += static_cast<long>(points.rows());
  if (!m_model->failedSamples().empty()) {
    if (m_failures == 0) {
      const Map d = m_model->diagnostics();
      if (const auto it = d.find("first_failure"); it != d.end() && it->second.isString())
        m_first_failure = it->second.asString();
    }
    m_failures += static_cast<long>(m_model->failedSamples().size());
  }
  return y;
}

double ModelFunction::scalar(const Vector& x) { return batch(Matrix(x.transpose()))(0, 0); }

Vector ModelFunction::vector(const Vector& x) {
  return batch(Matrix(x.transpose())).row(0).transpose();
}

Vector ModelFunction::gradient(const Vector& x, double f0, const Bounds* b) {
  const FdStencil s = gradientStencil(x, b);
  m_last_h = s.h.cwiseAbs();
  ++m_gradients;
  return applyStencil(s, batch(s.points), Vector::Constant(1, f0)).row(0).transpose();
}

Matrix ModelFunction::jacobian(const Vector& x, const Vector& f0) {
  const FdStencil s = gradientStencil(x, nullptr, true);
  m_last_h = s.h.cwiseAbs();
  ++m_gradients;
  return applyStencil(s, batch(s.points), f0);
}

std::string ModelFunction::gradientText() const {
  std::string h = m_vector ? "cbrt(eps) |x_i|" : "cbrt(eps) max(1,|x_i|)";
  if (m_last_h.size() > 0) h += " = " + vec(m_last_h) + " at the last point";
  return "finite differences (h = " + h + "; central, one-sided at a bound; the " +
         std::to_string(2 * m_dim) + " points of each " + (m_vector ? "Jacobian" : "gradient") +
         " evaluated as one batch)";
}

void ModelFunction::report(TaskContext& ctx) const {
  ctx.diagnostic("model", m_model->diagnostics());
  ctx.diagnostic("model_description", m_model->describe());
  ctx.diagnostic("model_evaluations", static_cast<std::int64_t>(m_evaluations));
  ctx.diagnostic("failed_evaluations", static_cast<std::int64_t>(m_failures));
  if (m_failures > 0)
    ctx.warn(std::to_string(m_failures) + " of " + std::to_string(m_evaluations) +
             " evaluations of the `" + m_param +
             "` model failed and counted as NaN (the method stepped away from them); first: " +
             m_first_failure);
}

}  // namespace sciagents::core::agents::opt
