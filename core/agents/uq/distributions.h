// Input distributions of the uq agent and the map from the unit cube / standard normal space to
// them (Gaussian copula when a correlation matrix is given).
#pragma once

#include "core/agent/task_context.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sciagents::core::agents::uq {

struct Distribution {
  enum class Kind { Uniform, Normal, Lognormal, Beta, Triangular, TruncNormal };
  Kind kind = Kind::Uniform;
  // Parameters by kind: uniform a,b | normal mu,sigma | lognormal mu,sigma |
  // beta alpha,beta,a,b | triangular a,c,b | truncnormal mu,sigma,a,b.
  double p[4] = {0, 1, 0, 1};
  double quantile(double u) const;  // u in (0, 1)
  // quantile(Phi(z)), exact in the tails for (log)normals
  double fromStandardNormal(double z) const;
  double mean() const;
  double sd() const;
  std::string describe() const;
};

struct InputSet {
  std::vector<std::string> names;
  std::vector<Distribution> dists;
  std::optional<Matrix> chol;  // lower Cholesky factor of the correlation matrix (Gaussian copula)

  std::size_t size() const { return names.size(); }
  // Rows of uniforms in (0,1)^d -> rows of inputs (independent: x_j = F_j^-1(u_j)).
  Matrix fromUniform(const Matrix& u) const;
  // Rows of independent standard normals -> rows of inputs (correlated through chol when given).
  Matrix fromStandardNormal(const Matrix& z) const;
  List describe() const;
};

// Reads `inputs` (list of {"name", "dist", ...}) and the optional `correlation` matrix. Errors name
// the param and the input (unknown distribution, sigma <= 0, a >= b, bad correlation matrix).
InputSet readInputs(const TaskContext& ctx, bool allow_correlation = true);

double normalCdf(double z);
double normalQuantile(double u);

}  // namespace sciagents::core::agents::uq
