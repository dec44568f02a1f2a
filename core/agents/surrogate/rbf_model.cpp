#include "core/agents/surrogate/rbf_model.h"

#include "core/agents/surrogate/pce_basis.h"

#include <cmath>
#include <stdexcept>

namespace sciagents::core::agents::surrogate {

RbfKernel parseRbfKernel(std::string_view n) {
  if (n == "gaussian") return RbfKernel::Gaussian;
  if (n == "multiquadric") return RbfKernel::Multiquadric;
  if (n == "inverse_multiquadric") return RbfKernel::InverseMultiquadric;
  if (n == "thin_plate") return RbfKernel::ThinPlate;
  if (n == "cubic") return RbfKernel::Cubic;
  if (n == "linear") return RbfKernel::Linear;
  throw std::invalid_argument(
      "unknown RBF kernel '" + std::string(n) +
      "' (gaussian, multiquadric, inverse_multiquadric, thin_plate, cubic, linear)");
}

std::string rbfKernelName(RbfKernel k) {
  switch (k) {
    case RbfKernel::Gaussian:
      return "gaussian";
    case RbfKernel::Multiquadric:
      return "multiquadric";
    case RbfKernel::InverseMultiquadric:
      return "inverse_multiquadric";
    case RbfKernel::ThinPlate:
      return "thin_plate";
    case RbfKernel::Cubic:
      return "cubic";
    case RbfKernel::Linear:
      return "linear";
  }
  return "?";
}

int rbfMinDegree(RbfKernel k) {
  switch (k) {
    case RbfKernel::Multiquadric:
    case RbfKernel::Linear:
      return 0;
    case RbfKernel::ThinPlate:
    case RbfKernel::Cubic:
      return 1;
    default:
      return -1;
  }
}

bool rbfUsesEpsilon(RbfKernel k) {
  return k == RbfKernel::Gaussian || k == RbfKernel::Multiquadric ||
         k == RbfKernel::InverseMultiquadric;
}

double rbfPhi(RbfKernel k, double r) {
  switch (k) {
    case RbfKernel::Gaussian:
      return std::exp(-r * r);
    case RbfKernel::Multiquadric:
      return -std::sqrt(1 + r * r);
    case RbfKernel::InverseMultiquadric:
      return 1 / std::sqrt(1 + r * r);
    case RbfKernel::ThinPlate:
      return r > 0 ? r * r * std::log(r) : 0.0;
    case RbfKernel::Cubic:
      return r * r * r;
    case RbfKernel::Linear:
      return -r;
  }
  return NAN;
}

Matrix RbfModel::kernelMatrix(const Matrix& xs) const {
  const double eps = rbfUsesEpsilon(kernel) ? epsilon : 1.0;
  Matrix k(xs.rows(), x.rows());
  for (Eigen::Index j = 0; j < x.rows(); ++j)
    for (Eigen::Index i = 0; i < xs.rows(); ++i)
      k(i, j) = rbfPhi(kernel, eps * (xs.row(i) - x.row(j)).norm());
  return k;
}

Matrix RbfModel::polyMatrix(const Matrix& xs) const {
  Matrix p(xs.rows(), static_cast<Eigen::Index>(exponents.size()));
  for (Eigen::Index i = 0; i < xs.rows(); ++i)
    for (std::size_t k = 0; k < exponents.size(); ++k) {
      double v = 1;
      for (Eigen::Index j = 0; j < xs.cols(); ++j)
        v *= std::pow((xs(i, j) - shift[j]) / scale[j], exponents[k][static_cast<std::size_t>(j)]);
      p(i, static_cast<Eigen::Index>(k)) = v;
    }
  return p;
}

Vector RbfModel::evaluate(const Matrix& xs) const {
  if (xs.cols() != x.cols())
    throw std::invalid_argument("RBF model takes " + std::to_string(x.cols()) + " inputs, got " +
                                std::to_string(xs.cols()));
  Vector v = kernelMatrix(xs) * weights;
  if (!exponents.empty()) v += polyMatrix(xs) * poly;
  return v;
}

Map RbfModel::toMap() const {
  Matrix e(static_cast<Eigen::Index>(exponents.size()), x.cols());
  for (std::size_t k = 0; k < exponents.size(); ++k)
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      e(static_cast<Eigen::Index>(k), j) = exponents[k][static_cast<std::size_t>(j)];
  return Map{{"surrogate", "rbf"}, {"kernel", rbfKernelName(kernel)},
             {"epsilon", epsilon}, {"degree", degree},
             {"xtrain", x},        {"weights", weights},
             {"poly", poly},       {"shift", shift},
             {"scale", scale},     {"exponents", e}};
}

RbfModel RbfModel::fromMap(const Map& m) {
  RbfModel r;
  r.kernel = parseRbfKernel(m.at("kernel").asString());
  r.epsilon = m.at("epsilon").asDouble();
  r.degree = static_cast<int>(m.at("degree").asInt());
  r.x = m.at("xtrain").toMatrix();
  r.weights = m.at("weights").toVector();
  r.poly = m.at("poly").toVector();
  r.shift = m.at("shift").toVector();
  r.scale = m.at("scale").toVector();
  if (r.degree >= 0) {
    const Matrix e = m.at("exponents").toMatrix();
    for (Eigen::Index k = 0; k < e.rows(); ++k) {
      std::vector<int> row;
      for (Eigen::Index j = 0; j < e.cols(); ++j) row.push_back(static_cast<int>(e(k, j)));
      r.exponents.push_back(row);
    }
  }
  if (r.weights.size() != r.x.rows() ||
      r.poly.size() != static_cast<Eigen::Index>(r.exponents.size()) ||
      r.shift.size() != r.x.cols() || r.scale.size() != r.x.cols())
    throw std::invalid_argument("RBF model map: inconsistent sizes");
  return r;
}

}  // namespace sciagents::core::agents::surrogate
