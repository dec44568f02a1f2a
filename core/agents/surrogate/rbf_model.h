// Radial basis function interpolation with an optional polynomial tail (SciPy RBFInterpolator
// conventions: signs chosen so the kernel is conditionally positive definite of the given order).
#pragma once

#include "core/value/value.h"

#include <string>
#include <string_view>
#include <vector>

namespace sciagents::core::agents::surrogate {

enum class RbfKernel { Gaussian, Multiquadric, InverseMultiquadric, ThinPlate, Cubic, Linear };
RbfKernel parseRbfKernel(std::string_view name);  // throws std::invalid_argument
std::string rbfKernelName(RbfKernel k);
int rbfMinDegree(
    RbfKernel k);  // lowest polynomial degree that makes the system solvable (-1: none)
bool rbfUsesEpsilon(RbfKernel k);      // shape parameter matters (not scale invariant)
double rbfPhi(RbfKernel k, double r);  // r already multiplied by epsilon

struct RbfModel {
  RbfKernel kernel = RbfKernel::ThinPlate;
  double epsilon = 1.0;
  int degree = 1;
  Matrix x;             // centres
  Vector weights;       // one per centre
  Vector poly;          // polynomial coefficients (monomials of the shifted/scaled inputs)
  Vector shift, scale;  // polynomial variables: (x - shift) / scale
  std::vector<std::vector<int>> exponents;

  Matrix kernelMatrix(const Matrix& xs) const;  // m x n, phi(eps |xs_i - x_j|)
  Matrix polyMatrix(const Matrix& xs) const;    // m x P
  Vector evaluate(const Matrix& xs) const;
  Map toMap() const;
  static RbfModel fromMap(const Map& m);
};

}  // namespace sciagents::core::agents::surrogate
