// Gaussian process regression: stationary kernels with ARD length scales, the log marginal
// likelihood with its analytic gradient in log hyper-parameters, and prediction.
#pragma once

#include "core/value/value.h"

#include <Eigen/Cholesky>

#include <string>
#include <string_view>

namespace sciagents::core::agents::surrogate {

enum class GpKernel { Rbf, Matern32, Matern52 };
GpKernel parseGpKernel(std::string_view name);  // throws std::invalid_argument
std::string gpKernelName(GpKernel k);

// Correlation k(r)/sigma_f^2 and the factor g(r) with d k / d log(l_j) = sigma_f^2 g(r) s_j,
// where r^2 = sum_j s_j and s_j = ((x_j - x'_j) / l_j)^2.
double gpCorrelation(GpKernel k, double r);
double gpLengthFactor(GpKernel k, double r);

// The likelihood of y (already normalised) at x, with a constant mean profiled out by generalised
// least squares (or a zero mean). theta = [log sigma_f^2, log l_1..l_d, (log sigma_n^2 when
// fit_noise)]; with a fixed noise the noise variance is `fixed_noise`. `jitter` is added to the
// diagonal on top.
struct GpLikelihood {
  const Matrix* x = nullptr;
  const Vector* y = nullptr;
  GpKernel kernel = GpKernel::Matern52;
  bool constant_mean = true;
  bool fit_noise = false;
  double fixed_noise = 0.0;

  Eigen::Index dim() const { return x->cols() + 1 + (fit_noise ? 1 : 0); }
  double noiseVariance(const Vector& theta) const;
  // Covariance matrix of the training outputs (kernel + noise + jitter).
  Matrix covariance(const Vector& theta, double jitter) const;
  // Log marginal likelihood (and its gradient when `grad`); -inf when K + jitter is not positive
  // definite.
  double value(const Vector& theta, double jitter, Vector* grad) const;
};

// A fitted GP ready to predict (all in the normalised output scale, see y_shift / y_scale).
struct GpPredictor {
  GpKernel kernel = GpKernel::Matern52;
  Matrix x;              // training inputs
  Vector length_scales;  // l_j
  double signal_variance = 1.0;
  double noise_variance = 0.0;  // fitted or fixed noise (normalised scale), without jitter
  double jitter = 0.0;
  double beta = 0.0;  // constant mean (normalised scale)
  bool constant_mean = true;
  double y_shift = 0.0, y_scale = 1.0;
  Vector alpha;  // (K + s_n^2 I)^{-1} (y - beta)
  Eigen::LLT<Matrix> llt;
  Vector kinv_ones;  // K^{-1} 1 (constant mean)
  double ones_kinv_ones = 0.0;

  // Factorises K at the hyper-parameters; returns false when not positive definite.
  bool factor(const Vector& y_normalised);
  Matrix crossCovariance(const Matrix& xs) const;  // m x n, k(xs_i, x_j)
  Vector mean(const Matrix& xs) const;             // in the original y units
  // Predictive variance of the latent f (noise excluded), original y units; includes the
  // uncertainty of the estimated constant mean (universal kriging).
  Vector variance(const Matrix& xs) const;
};

// Mean prediction from the `model` map written by surrogate.gp (no Cholesky factor needed).
Vector gpPredictFromMap(const Map& model, const Matrix& xs);

}  // namespace sciagents::core::agents::surrogate
