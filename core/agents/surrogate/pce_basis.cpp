#include "core/agents/surrogate/pce_basis.h"

#include <cmath>
#include <stdexcept>

namespace sciagents::core::agents::surrogate {

double PceVariable::standardise(double x) const {
  const double v = log ? std::log(x) : x;
  return (v - shift) / scale;
}

PceVariable PceVariable::fromDistribution(const uq::Distribution& d) {
  PceVariable v;
  switch (d.kind) {
    case uq::Distribution::Kind::Uniform:  // xi in [-1, 1]
      v.family = Family::Legendre;
      v.shift = 0.5 * (d.p[0] + d.p[1]);
      v.scale = 0.5 * (d.p[1] - d.p[0]);
      return v;
    case uq::Distribution::Kind::Normal:
      v.family = Family::Hermite;
      v.shift = d.p[0];
      v.scale = d.p[1];
      return v;
    case uq::Distribution::Kind::Lognormal:
      v.family = Family::Hermite;
      v.log = true;
      v.shift = d.p[0];
      v.scale = d.p[1];
      return v;
    default:
      throw std::invalid_argument(
          d.describe() +
          " has no orthonormal family here (uniform -> Legendre, normal and lognormal -> "
          "Hermite are supported)");
  }
}

Map PceVariable::toMap() const {
  return Map{{"family", family == Family::Legendre ? "legendre" : "hermite"},
             {"log", log},
             {"shift", shift},
             {"scale", scale}};
}

PceVariable PceVariable::fromMap(const Map& m) {
  PceVariable v;
  v.family = m.at("family").asString() == "legendre" ? Family::Legendre : Family::Hermite;
  v.log = m.at("log").asBool();
  v.shift = m.at("shift").asDouble();
  v.scale = m.at("scale").asDouble();
  return v;
}

void orthonormalValues(PceVariable::Family f, double xi, int p, double* out) {
  // Three-term recurrences on the classical polynomials, normalised at the end.
  out[0] = 1;
  if (p == 0) return;
  out[1] = xi;
  if (f == PceVariable::Family::Legendre) {
    for (int k = 1; k < p; ++k) out[k + 1] = ((2 * k + 1) * xi * out[k] - k * out[k - 1]) / (k + 1);
    for (int k = 1; k <= p; ++k) out[k] *= std::sqrt(2.0 * k + 1);
  } else {
    for (int k = 1; k < p; ++k) out[k + 1] = xi * out[k] - k * out[k - 1];
    double fact = 1;
    for (int k = 1; k <= p; ++k) {
      fact *= k;
      out[k] /= std::sqrt(fact);
    }
  }
}

namespace {
void compositions(int d, int total, int j, std::vector<int>& cur,
                  std::vector<std::vector<int>>& out) {
  if (j == d - 1) {
    cur[static_cast<std::size_t>(j)] = total;
    out.push_back(cur);
    return;
  }
  for (int a = total; a >= 0; --a) {
    cur[static_cast<std::size_t>(j)] = a;
    compositions(d, total - a, j + 1, cur, out);
  }
}
}  // namespace

std::vector<std::vector<int>> totalDegreeIndices(int d, int p) {
  std::vector<std::vector<int>> out;
  std::vector<int> cur(static_cast<std::size_t>(d), 0);
  for (int t = 0; t <= p; ++t) compositions(d, t, 0, cur, out);
  return out;
}

std::size_t basisSize(int d, int p) {
  double c = 1;  // C(d + p, p), in floating point to survive huge requests
  for (int k = 1; k <= p; ++k) c = c * (d + k) / k;
  return c > 1e12 ? static_cast<std::size_t>(1e12) : static_cast<std::size_t>(std::llround(c));
}

Matrix pceDesign(const Matrix& x, const std::vector<PceVariable>& vars,
                 const std::vector<std::vector<int>>& alpha) {
  const Eigen::Index n = x.rows(), d = x.cols();
  int p = 0;
  for (const auto& a : alpha)
    for (int v : a) p = std::max(p, v);
  Matrix psi(n, static_cast<Eigen::Index>(alpha.size()));
  std::vector<double> table(static_cast<std::size_t>(d * (p + 1)));
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) {
      const auto& v = vars[static_cast<std::size_t>(j)];
      orthonormalValues(v.family, v.standardise(x(i, j)), p,
                        &table[static_cast<std::size_t>(j * (p + 1))]);
    }
    for (std::size_t k = 0; k < alpha.size(); ++k) {
      double prod = 1;
      for (Eigen::Index j = 0; j < d; ++j)
        prod *=
            table[static_cast<std::size_t>(j * (p + 1) + alpha[k][static_cast<std::size_t>(j)])];
      psi(i, static_cast<Eigen::Index>(k)) = prod;
    }
  }
  return psi;
}

Vector pcePredictFromMap(const Map& m, const Matrix& xs) {
  const Matrix mi = m.at("multi_indices").toMatrix();
  const Vector c = m.at("coefficients").toVector();
  const List& vl = m.at("variables").asList();
  if (mi.rows() != c.size() || static_cast<std::size_t>(mi.cols()) != vl.size())
    throw std::invalid_argument(
        "PCE model map: inconsistent multi_indices, coefficients and variables");
  if (xs.cols() != mi.cols())
    throw std::invalid_argument("PCE model takes " + std::to_string(mi.cols()) + " inputs, got " +
                                std::to_string(xs.cols()));
  std::vector<PceVariable> vars;
  for (const auto& v : vl) vars.push_back(PceVariable::fromMap(v.asMap()));
  std::vector<std::vector<int>> alpha(static_cast<std::size_t>(mi.rows()));
  for (Eigen::Index k = 0; k < mi.rows(); ++k)
    for (Eigen::Index j = 0; j < mi.cols(); ++j)
      alpha[static_cast<std::size_t>(k)].push_back(static_cast<int>(mi(k, j)));
  return pceDesign(xs, vars, alpha) * c;
}

}  // namespace sciagents::core::agents::surrogate
