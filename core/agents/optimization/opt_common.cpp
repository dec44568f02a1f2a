#include "core/agents/optimization/opt_common.h"

#include "core/agents/optimization/model_function.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

namespace sciagents::core::agents::opt {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

double side(const Value& v, double open, const std::string& param, std::size_t i) {
  if (v.isNull()) return open;
  if (v.isNumber()) {
    const double d = v.asDouble();
    if (std::isnan(d)) throw paramError(param, "bound " + std::to_string(i) + " is NaN");
    return d;
  }
  if (v.isString()) {
    const std::string s = toLower(v.asString());
    if (s == "inf" || s == "+inf" || s == "infinity") return kInf;
    if (s == "-inf" || s == "-infinity") return -kInf;
  }
  throw paramError(param, "bound " + std::to_string(i) +
                              ": expected a number, null, \"-inf\" or \"inf\", got " +
                              std::string(v.kindName()));
}
}  // namespace

std::string num(double v) { return std::isnan(v) ? "NaN" : formatPrecise(v); }

std::string vec(const Vector& v) {
  std::string s = "[";
  for (Eigen::Index i = 0; i < v.size() && i < 8; ++i) s += (i ? ", " : "") + num(v[i]);
  if (v.size() > 8) s += ", ... (" + std::to_string(v.size()) + " values)";
  return s + "]";
}

std::vector<std::string> readNames(const TaskContext& ctx, const std::string& param) {
  std::vector<std::string> names = ctx.param(param).toStringList();
  if (names.empty()) throw paramError(param, "expected at least one name, got an empty list");
  return names;
}

Vector readFinite(const TaskContext& ctx, const std::string& param, Eigen::Index n) {
  const Vector v = ctx.vector(param);
  if (n >= 0 && v.size() != n)
    throw paramError(param, "expected " + std::to_string(n) + " values (one per variable), got " +
                                std::to_string(v.size()));
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]))
      throw paramError(param, "entry " + std::to_string(i) + " is " + num(v[i]) +
                                  "; every entry must be finite");
  return v;
}

Bounds readBounds(const TaskContext& ctx, const std::string& param, Eigen::Index n, bool required) {
  Bounds b;
  b.lo = Vector::Constant(n, -kInf);
  b.hi = Vector::Constant(n, kInf);
  if (!ctx.has(param)) {
    if (required) throw paramError(param, "bounds are required: one [lo, hi] pair per variable");
    return b;
  }
  const Value& v = ctx.param(param);
  if (v.kind() == ValueKind::Matrix) {  // all-numeric pairs may arrive as a matrix
    const Matrix& m = v.asMatrix();
    if (m.rows() != n || m.cols() != 2)
      throw paramError(param, "expected " + std::to_string(n) + " [lo, hi] pairs, got a " +
                                  std::to_string(m.rows()) + "x" + std::to_string(m.cols()) +
                                  " array");
    b.lo = m.col(0);
    b.hi = m.col(1);
  } else {
    if (v.kind() != ValueKind::List) throw paramError(param, "expected a list of [lo, hi] pairs");
    const List& l = v.asList();
    if (static_cast<Eigen::Index>(l.size()) != n)
      throw paramError(param, "expected " + std::to_string(n) +
                                  " [lo, hi] pairs (one per variable), got " +
                                  std::to_string(l.size()));
    for (std::size_t i = 0; i < l.size(); ++i) {
      const Value& p = l[i];
      if (p.kind() == ValueKind::Vector && p.asVector().size() == 2) {
        b.lo[static_cast<Eigen::Index>(i)] = p.asVector()[0];
        b.hi[static_cast<Eigen::Index>(i)] = p.asVector()[1];
      } else if (p.kind() == ValueKind::List && p.asList().size() == 2) {
        b.lo[static_cast<Eigen::Index>(i)] = side(p.asList()[0], -kInf, param, i);
        b.hi[static_cast<Eigen::Index>(i)] = side(p.asList()[1], kInf, param, i);
      } else {
        throw paramError(param, "bound " + std::to_string(i) + ": expected a [lo, hi] pair");
      }
    }
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    if (std::isnan(b.lo[i]) || std::isnan(b.hi[i]))
      throw paramError(param, "bound " + std::to_string(i) + " is NaN");
    if (b.lo[i] > b.hi[i])
      throw paramError(param, "bound " + std::to_string(i) + " is empty: lo = " + num(b.lo[i]) +
                                  " > hi = " + num(b.hi[i]));
    if (required && !(std::isfinite(b.lo[i]) && std::isfinite(b.hi[i])))
      throw paramError(param, "bound " + std::to_string(i) +
                                  " must be finite on both sides, got [" + num(b.lo[i]) + ", " +
                                  num(b.hi[i]) + "]");
  }
  b.any = (b.lo.array() > -kInf).any() || (b.hi.array() < kInf).any();
  return b;
}

Vector clip(const Vector& x, const Bounds& b) { return x.cwiseMax(b.lo).cwiseMin(b.hi); }

std::vector<Constraint> readConstraints(const TaskContext& ctx,
                                        const std::vector<std::string>& vars, const Constants& c) {
  std::vector<Constraint> out;
  if (!ctx.has("constraints")) return out;
  const Value& v = ctx.param("constraints");
  List items;
  if (v.kind() == ValueKind::Map)
    items.push_back(v);
  else if (v.kind() == ValueKind::List)
    items = v.asList();
  else
    throw paramError("constraints",
                     "expected a list of {\"type\": \"eq\"|\"ineq\", \"expr\": ...} objects");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string where = "constraint " + std::to_string(i);
    if (items[i].kind() != ValueKind::Map)
      throw paramError("constraints", where + ": expected an object");
    const Value* type = items[i].find("type");
    const Value* expr = items[i].find("expr");
    if (!expr) expr = items[i].find("fun");
    if (!type || !type->isString() ||
        (toLower(type->asString()) != "eq" && toLower(type->asString()) != "ineq"))
      throw paramError("constraints", where + ": \"type\" must be \"eq\" or \"ineq\"");
    if (!expr || !expr->isString())
      throw paramError("constraints", where + ": \"expr\" must be an expression string");
    try {
      out.push_back({toLower(type->asString()) == "eq", expr->asString(),
                     Expression(expr->asString(), vars, c)});
    } catch (const Error& e) {
      throw paramError("constraints", where + ": " + e.bareMessage());
    }
  }
  return out;
}

double maxViolation(const std::vector<Constraint>& cons, const Vector& x, int* which) {
  double worst = 0.0;
  if (which) *which = -1;
  for (std::size_t i = 0; i < cons.size(); ++i) {
    const double c = cons[i].expr.eval(x.data());
    const double v = std::isnan(c) ? kInf : cons[i].eq ? std::abs(c) : std::max(0.0, -c);
    if (v > worst) {
      worst = v;
      if (which) *which = static_cast<int>(i);
    }
  }
  return worst;
}

Vector fdGradient(const std::function<double(const Vector&)>& f, const Vector& x, const Bounds* b) {
  static const double kStep = std::cbrt(std::numeric_limits<double>::epsilon());
  Vector g(x.size());
  Vector xp = x;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double h = kStep * std::max(1.0, std::abs(x[i]));
    const double xi = x[i];
    const bool up_ok = !b || xi + h <= b->hi[i];
    const bool dn_ok = !b || xi - h >= b->lo[i];
    if (up_ok && dn_ok) {
      xp[i] = xi + h;
      const double fp = f(xp);
      xp[i] = xi - h;
      const double fm = f(xp);
      g[i] = (fp - fm) / (2 * h);
    } else {  // second-order one-sided formula at a bound
      const double s = up_ok ? h : -h;
      const double f0 = f(x);
      xp[i] = xi + s;
      const double f1 = f(xp);
      xp[i] = xi + 2 * s;
      const double f2 = f(xp);
      g[i] = (-3 * f0 + 4 * f1 - f2) / (2 * s);
    }
    xp[i] = xi;
  }
  return g;
}

Matrix fdJacobian(const std::function<Vector(const Vector&)>& f, const Vector& x) {
  static const double kStep = std::cbrt(std::numeric_limits<double>::epsilon());
  Vector xp = x;
  Matrix j;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double h = kStep * (x[i] != 0.0 ? std::abs(x[i]) : 1.0);
    xp[i] = x[i] + h;
    const Vector fp = f(xp);
    xp[i] = x[i] - h;
    const Vector fm = f(xp);
    xp[i] = x[i];
    if (i == 0) j.resize(fp.size(), x.size());
    j.col(i) = (fp - fm) / (2 * h);
  }
  return j;
}

Objective::Objective(TaskContext& ctx, const std::string& param,
                     const std::vector<std::string>& vars, const Constants& c,
                     const std::vector<std::string>& jac, const Bounds* bounds)
    : m_ctx(ctx), m_vars(vars), m_bounds(bounds), m_best(kInf) {
  if (isModelParam(ctx, param)) {
    m_model = std::make_unique<ModelFunction>(ctx, param, vars, false);
  } else {
    try {
      m_f.emplace(ctx.text(param), vars, c);
    } catch (const Error& e) {
      throw paramError(param, e.bareMessage());
    }
  }
  if (!jac.empty()) {
    if (jac.size() != vars.size())
      throw paramError("jac", "expected " + std::to_string(vars.size()) +
                                  " gradient expressions (one per variable), got " +
                                  std::to_string(jac.size()));
    for (std::size_t i = 0; i < jac.size(); ++i) {
      try {
        m_jac.emplace_back(jac[i], vars, c);
      } catch (const Error& e) {
        throw paramError("jac", "entry " + std::to_string(i) + ": " + e.bareMessage());
      }
    }
  }
  if (m_jac.empty() && m_f) {
    std::vector<std::size_t> all(vars.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    m_grad = ExpressionDerivatives::of(*m_f, std::move(all));
  }
}

Objective::~Objective() = default;

double Objective::raw(const Vector& x) {
  ++m_nfev;
  if (m_model) return m_model->scalar(x);  // checks cancellation itself
  if ((m_nfev & 63) == 0) {
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last_check > std::chrono::milliseconds(5)) {
      m_ctx.checkCancelled();
      m_last_check = now;
    }
  }
  return m_f->eval(x.data());
}

double Objective::value(const Vector& x) { return track(x, raw(x)); }

Vector Objective::values(const Matrix& points) {
  Vector f(points.rows());
  if (!m_model) {
    for (Eigen::Index i = 0; i < points.rows(); ++i) f[i] = value(points.row(i).transpose());
    return f;
  }
  m_nfev += static_cast<long>(points.rows());
  f = m_model->batch(points).col(0);
  for (Eigen::Index i = 0; i < points.rows(); ++i) track(points.row(i).transpose(), f[i]);
  return f;
}

double Objective::track(const Vector& x, double f) {
  if (f < m_best) {
    m_best = f;
    m_best_x = x;
  }
  if (f < -1e100 || f < m_flimit || (std::isinf(f) && f < 0))
    throw Diverged{"objective appears unbounded below: f = " + num(f) + " at x = " + vec(x)};
  if (x.lpNorm<Eigen::Infinity>() > m_xlimit)
    throw Diverged{"iterates diverge: |x|_inf = " + num(x.lpNorm<Eigen::Infinity>()) +
                   " with f = " + num(f) + " (objective probably unbounded below)"};
  return f;
}

double Objective::valueGrad(const Vector& x, Vector& g) {
  const double f = value(x);
  ++m_ngev;
  if (!m_jac.empty()) {
    g.resize(dim());
    for (std::size_t i = 0; i < m_jac.size(); ++i)
      g[static_cast<Eigen::Index>(i)] = m_jac[i].eval(x.data());
  } else if (m_grad) {
    m_ctx.checkCancelled();  // once per gradient: exact gradients cost no extra objective calls
    g.resize(dim());
    m_grad->eval(x.data(), g.data());
  } else if (m_model) {
    g = m_model->gradient(x, f, m_bounds);
    m_nfev += 2 * static_cast<long>(x.size());
  } else {
    g = fdGradient([this](const Vector& y) { return raw(y); }, x, m_bounds);
  }
  return f;
}

std::string Objective::gradientText() const {
  if (!m_jac.empty()) return "analytic (jac expressions)";
  if (m_grad) return "automatic differentiation (exact derivatives of the expression)";
  if (m_model) return m_model->gradientText();
  return "central differences, h = cbrt(eps) max(1,|x|)";
}

void Objective::emit(long it, double f, double gnorm, double fraction) {
  const double x = static_cast<double>(it);
  m_ctx.metric("objective", x, f);
  if (gnorm >= 0) m_ctx.metric("gradient_norm", x, gnorm);
  if (fraction >= 0) m_ctx.progress(std::min(fraction, 0.99), "iteration " + std::to_string(it));
}

}  // namespace sciagents::core::agents::opt
