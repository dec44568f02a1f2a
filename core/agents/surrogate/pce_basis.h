// Polynomial chaos: orthonormal 1-D families matched to the input distributions (Legendre for
// uniform, Hermite for normal and for log of lognormal), total-degree multi-indices, the design
// matrix, and evaluation of a fitted expansion from its `model` map.
#pragma once

#include "core/agents/uq/distributions.h"
#include "core/value/value.h"

#include <vector>

namespace sciagents::core::agents::surrogate {

struct PceVariable {
  enum class Family { Legendre, Hermite };
  Family family = Family::Legendre;
  bool log = false;             // lognormal: Hermite in (log x - mu) / sigma
  double shift = 0, scale = 1;  // xi = (x' - shift) / scale, x' = x or log x
  double standardise(double x) const;
  static PceVariable fromDistribution(const uq::Distribution& d);  // throws std::invalid_argument
  Map toMap() const;
  static PceVariable fromMap(const Map& m);
};

// Values psi_0..psi_p of the orthonormal family at xi (unit variance under the input's law).
void orthonormalValues(PceVariable::Family f, double xi, int p, double* out);

// Multi-indices with total degree <= p in d variables, graded (degree 0 first).
std::vector<std::vector<int>> totalDegreeIndices(int d, int p);
std::size_t basisSize(int d, int p);  // C(d + p, p)

// n x P design matrix Psi_ik = prod_j psi_{alpha_kj}(xi_ij).
Matrix pceDesign(const Matrix& x, const std::vector<PceVariable>& vars,
                 const std::vector<std::vector<int>>& alpha);

// Evaluates the expansion stored by surrogate.pce in its `model` output.
Vector pcePredictFromMap(const Map& model, const Matrix& xs);

}  // namespace sciagents::core::agents::surrogate
