#include "core/agents/uq/distributions.h"

#include "core/linalg/dense_decompositions.h"
#include "core/util/error.h"
#include "core/util/text_format.h"

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/erf.hpp>

#include <cmath>
#include <numbers>
#include <set>
#include <sstream>

namespace sciagents::core::agents::uq {

namespace {
constexpr double kSqrt2 = 1.41421356237309504880;

}  // namespace

double normalCdf(double z) { return 0.5 * std::erfc(-z / kSqrt2); }
double normalQuantile(double u) { return -kSqrt2 * boost::math::erfc_inv(2.0 * u); }

double Distribution::quantile(double u) const {
  switch (kind) {
    case Kind::Uniform:
      return p[0] + (p[1] - p[0]) * u;
    case Kind::Normal:
      return p[0] + p[1] * normalQuantile(u);
    case Kind::Lognormal:
      return std::exp(p[0] + p[1] * normalQuantile(u));
    case Kind::Beta:
      return p[2] + (p[3] - p[2]) * boost::math::ibeta_inv(p[0], p[1], u);
    case Kind::Triangular: {
      const double a = p[0], c = p[1], b = p[2], fc = (c - a) / (b - a);
      return u < fc ? a + std::sqrt(u * (b - a) * (c - a))
                    : b - std::sqrt((1 - u) * (b - a) * (b - c));
    }
    case Kind::TruncNormal: {
      const double lo = normalCdf((p[2] - p[0]) / p[1]), hi = normalCdf((p[3] - p[0]) / p[1]);
      const double x = p[0] + p[1] * normalQuantile(lo + u * (hi - lo));
      return std::clamp(x, p[2], p[3]);
    }
  }
  return NAN;
}

double Distribution::fromStandardNormal(double z) const {
  if (kind == Kind::Normal) return p[0] + p[1] * z;
  if (kind == Kind::Lognormal) return std::exp(p[0] + p[1] * z);
  const double u = normalCdf(z);
  return quantile(std::clamp(u, 1e-300, 1.0 - 0x1p-53));
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::Uniform:
      return 0.5 * (p[0] + p[1]);
    case Kind::Normal:
      return p[0];
    case Kind::Lognormal:
      return std::exp(p[0] + 0.5 * p[1] * p[1]);
    case Kind::Beta:
      return p[2] + (p[3] - p[2]) * p[0] / (p[0] + p[1]);
    case Kind::Triangular:
      return (p[0] + p[1] + p[2]) / 3;
    case Kind::TruncNormal: {
      const double a = (p[2] - p[0]) / p[1], b = (p[3] - p[0]) / p[1];
      const double phi_a = std::exp(-0.5 * a * a), phi_b = std::exp(-0.5 * b * b),
                   Z = normalCdf(b) - normalCdf(a);
      return p[0] + p[1] * (phi_a - phi_b) / (std::sqrt(2 * std::numbers::pi) * Z);
    }
  }
  return NAN;
}

double Distribution::sd() const {
  switch (kind) {
    case Kind::Uniform:
      return (p[1] - p[0]) / std::sqrt(12.0);
    case Kind::Normal:
      return p[1];
    case Kind::Lognormal:
      return std::sqrt((std::exp(p[1] * p[1]) - 1) * std::exp(2 * p[0] + p[1] * p[1]));
    case Kind::Beta: {
      const double s = p[0] + p[1];
      return (p[3] - p[2]) * std::sqrt(p[0] * p[1] / (s * s * (s + 1)));
    }
    case Kind::Triangular: {
      const double a = p[0], c = p[1], b = p[2];
      return std::sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18);
    }
    case Kind::TruncNormal: {
      const double a = (p[2] - p[0]) / p[1], b = (p[3] - p[0]) / p[1],
                   r = std::sqrt(2 * std::numbers::pi);
      const double phi_a = std::exp(-0.5 * a * a) / r, phi_b = std::exp(-0.5 * b * b) / r,
                   Z = normalCdf(b) - normalCdf(a);
      const double t1 = (a * phi_a - b * phi_b) / Z, t2 = (phi_a - phi_b) / Z;
      return p[1] * std::sqrt(std::max(0.0, 1 + t1 - t2 * t2));
    }
  }
  return NAN;
}

std::string Distribution::describe() const {
  switch (kind) {
    case Kind::Uniform:
      return "uniform(a=" + formatFine(p[0]) + ", b=" + formatFine(p[1]) + ")";
    case Kind::Normal:
      return "normal(mu=" + formatFine(p[0]) + ", sigma=" + formatFine(p[1]) + ")";
    case Kind::Lognormal:
      return "lognormal(mu=" + formatFine(p[0]) + ", sigma=" + formatFine(p[1]) + " of log)";
    case Kind::Beta:
      return "beta(alpha=" + formatFine(p[0]) + ", beta=" + formatFine(p[1]) +
             ", a=" + formatFine(p[2]) + ", b=" + formatFine(p[3]) + ")";
    case Kind::Triangular:
      return "triangular(a=" + formatFine(p[0]) + ", c=" + formatFine(p[1]) +
             ", b=" + formatFine(p[2]) + ")";
    case Kind::TruncNormal:
      return "truncnormal(mu=" + formatFine(p[0]) + ", sigma=" + formatFine(p[1]) +
             ", a=" + formatFine(p[2]) + ", b=" + formatFine(p[3]) + ")";
  }
  return {};
}

Matrix InputSet::fromUniform(const Matrix& u) const {
  if (chol) {
    Matrix z = u.unaryExpr([](double v) { return normalQuantile(v); });
    return fromStandardNormal(z);
  }
  Matrix x(u.rows(), u.cols());
  for (Eigen::Index j = 0; j < u.cols(); ++j)
    for (Eigen::Index i = 0; i < u.rows(); ++i)
      x(i, j) = dists[static_cast<std::size_t>(j)].quantile(u(i, j));
  return x;
}

Matrix InputSet::fromStandardNormal(const Matrix& z) const {
  const Matrix zc = chol ? Matrix(z * chol->transpose()) : z;
  Matrix x(z.rows(), z.cols());
  for (Eigen::Index j = 0; j < z.cols(); ++j)
    for (Eigen::Index i = 0; i < z.rows(); ++i)
      x(i, j) = dists[static_cast<std::size_t>(j)].fromStandardNormal(zc(i, j));
  return x;
}

List InputSet::describe() const {
  List out;
  for (std::size_t j = 0; j < names.size(); ++j)
    out.emplace_back(names[j] + " ~ " + dists[j].describe());
  return out;
}

namespace {

struct Field {
  const char* key;
  std::optional<double> def;
};

Distribution parseOne(const Map& m, const std::string& where) {
  auto dist_it = m.find("dist");
  if (dist_it == m.end() || dist_it->second.kind() != ValueKind::String)
    throw paramError(
        "inputs",
        where + ": missing \"dist\" (uniform, normal, lognormal, beta, triangular, truncnormal)");
  const std::string dist = dist_it->second.asString();
  Distribution d;
  std::vector<Field> fields;
  if (dist == "uniform")
    d.kind = Distribution::Kind::Uniform, fields = {{"a", {}}, {"b", {}}};
  else if (dist == "normal")
    d.kind = Distribution::Kind::Normal, fields = {{"mu", {}}, {"sigma", {}}};
  else if (dist == "lognormal")
    d.kind = Distribution::Kind::Lognormal, fields = {{"mu", {}}, {"sigma", {}}};
  else if (dist == "beta")
    d.kind = Distribution::Kind::Beta,
    fields = {{"alpha", {}}, {"beta", {}}, {"a", 0.0}, {"b", 1.0}};
  else if (dist == "triangular")
    d.kind = Distribution::Kind::Triangular, fields = {{"a", {}}, {"c", {}}, {"b", {}}};
  else if (dist == "truncnormal")
    d.kind = Distribution::Kind::TruncNormal,
    fields = {{"mu", {}}, {"sigma", {}}, {"a", {}}, {"b", {}}};
  else
    throw paramError("inputs",
                     where + ": unknown distribution '" + dist +
                         "' (known: uniform, normal, lognormal, beta, triangular, truncnormal)");
  std::set<std::string> allowed = {"name", "dist"};
  for (std::size_t k = 0; k < fields.size(); ++k) {
    allowed.insert(fields[k].key);
    auto it = m.find(fields[k].key);
    if (it == m.end() || it->second.isNull()) {
      if (!fields[k].def)
        throw paramError("inputs", where + ": " + dist + " needs \"" + fields[k].key + "\"");
      d.p[k] = *fields[k].def;
      continue;
    }
    if (!it->second.isNumber() || !std::isfinite(it->second.asDouble()))
      throw paramError("inputs", where + ": \"" + fields[k].key + "\" must be a finite number");
    d.p[k] = it->second.asDouble();
  }
  for (const auto& [k, v] : m)
    if (!allowed.count(k))
      throw paramError("inputs", where + ": unknown field \"" + k + "\" for " + dist);
  auto need = [&](bool ok, const std::string& what) {
    if (!ok) throw paramError("inputs", where + ": " + what);
  };
  switch (d.kind) {
    case Distribution::Kind::Uniform:
      need(d.p[0] < d.p[1], "uniform needs a < b");
      break;
    case Distribution::Kind::Normal:
    case Distribution::Kind::Lognormal:
      need(d.p[1] > 0, dist + " needs sigma > 0");
      break;
    case Distribution::Kind::Beta:
      need(d.p[0] > 0 && d.p[1] > 0, "beta needs alpha > 0 and beta > 0");
      need(d.p[2] < d.p[3], "beta needs a < b");
      break;
    case Distribution::Kind::Triangular:
      need(d.p[0] < d.p[2] && d.p[0] <= d.p[1] && d.p[1] <= d.p[2],
           "triangular needs a <= c <= b and a < b");
      break;
    case Distribution::Kind::TruncNormal:
      need(d.p[1] > 0, "truncnormal needs sigma > 0");
      need(d.p[2] < d.p[3], "truncnormal needs a < b");
      need(normalCdf((d.p[3] - d.p[0]) / d.p[1]) - normalCdf((d.p[2] - d.p[0]) / d.p[1]) > 1e-12,
           "truncnormal: [a, b] holds (almost) no probability of normal(mu, sigma)");
      break;
  }
  return d;
}

}  // namespace

InputSet readInputs(const TaskContext& ctx, bool allow_correlation) {
  const Value& v = ctx.param("inputs");
  if (v.kind() != ValueKind::List || v.asList().empty())
    throw paramError("inputs", "expected a non-empty list of {\"name\", \"dist\", ...}");
  InputSet s;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < v.asList().size(); ++i) {
    const Value& item = v.asList()[i];
    const std::string where = "inputs[" + std::to_string(i) + "]";
    if (item.kind() != ValueKind::Map)
      throw paramError("inputs", where + ": expected an object {\"name\", \"dist\", ...}");
    auto name = item.asMap().find("name");
    if (name == item.asMap().end() || name->second.kind() != ValueKind::String ||
        name->second.asString().empty())
      throw paramError("inputs", where + ": missing \"name\"");
    const std::string n = name->second.asString();
    if (!seen.insert(n).second) throw paramError("inputs", where + ": duplicate name '" + n + "'");
    s.dists.push_back(parseOne(item.asMap(), where + " ('" + n + "')"));
    s.names.push_back(n);
  }
  if (ctx.has("correlation")) {
    if (!allow_correlation)
      throw paramError(
          "correlation",
          "this task assumes independent inputs (Sobol indices of correlated inputs are "
          "not defined by the variance decomposition); remove `correlation`");
    const Matrix r = ctx.matrix("correlation");
    const auto d = static_cast<Eigen::Index>(s.size());
    if (r.rows() != d || r.cols() != d)
      throw paramError("correlation", "expected a " + std::to_string(d) + "x" + std::to_string(d) +
                                          " matrix (one row and column per input)");
    for (Eigen::Index i = 0; i < d; ++i) {
      if (std::abs(r(i, i) - 1) > 1e-12)
        throw paramError("correlation", "diagonal entries must be 1");
      for (Eigen::Index j = 0; j < d; ++j) {
        if (std::abs(r(i, j) - r(j, i)) > 1e-12)
          throw paramError("correlation", "the matrix must be symmetric");
        if (i != j && std::abs(r(i, j)) >= 1)
          throw paramError("correlation", "off-diagonal entries must be in (-1, 1)");
      }
    }
    Eigen::LLT<Matrix> llt(r);
    if (llt.info() != Eigen::Success)
      throw paramError("correlation", "the matrix is not positive definite");
    s.chol = Matrix(llt.matrixL());
  }
  return s;
}

}  // namespace sciagents::core::agents::uq
