#include "core/agents/surrogate/gp_model.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace sciagents::core::agents::surrogate {

#ifdef SCIAGENTS_HAVE_LAPACK
extern "C" {
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);
void dpotri_(const char* uplo, const int* n, double* a, const int* lda, int* info);
}
#endif

namespace {

// In-place lower Cholesky factor (LAPACK dpotrf when available: BLAS-3 speed); false when K is
// not positive definite. Only the lower triangle is meaningful afterwards.
bool choleskyInPlace(Matrix& a) {
#ifdef SCIAGENTS_HAVE_LAPACK
  const int n = static_cast<int>(a.rows());
  int info = 0;
  dpotrf_("L", &n, a.data(), &n, &info);
  return info == 0;
#else
  Eigen::LLT<Eigen::Ref<Matrix> > llt(a);
  return llt.info() == Eigen::Success;
#endif
}

// From the factor (lower) to the lower triangle of K^{-1} (LAPACK dpotri), in place.
void inverseFromCholesky(Matrix& a) {
#ifdef SCIAGENTS_HAVE_LAPACK
  const int n = static_cast<int>(a.rows());
  int info = 0;
  dpotri_("L", &n, a.data(), &n, &info);
#else
  const Matrix linv = a.triangularView<Eigen::Lower>().solve(Matrix::Identity(a.rows(), a.cols()));
  a.noalias() = linv.transpose() * linv;
#endif
}

Vector cholSolve(const Matrix& l, const Vector& b) {
  const Vector z = l.triangularView<Eigen::Lower>().solve(b);
  return l.triangularView<Eigen::Lower>().transpose().solve(z);
}

constexpr double kSqrt3 = 1.7320508075688772935;
constexpr double kSqrt5 = 2.2360679774997896964;
}  // namespace

GpKernel parseGpKernel(std::string_view name) {
  if (name == "rbf") return GpKernel::Rbf;
  if (name == "matern32") return GpKernel::Matern32;
  if (name == "matern52") return GpKernel::Matern52;
  throw std::invalid_argument("unknown GP kernel '" + std::string(name) +
                              "' (rbf, matern32, matern52)");
}

std::string gpKernelName(GpKernel k) {
  switch (k) {
    case GpKernel::Rbf:
      return "rbf";
    case GpKernel::Matern32:
      return "matern32";
    case GpKernel::Matern52:
      return "matern52";
  }
  return "?";
}

double gpCorrelation(GpKernel k, double r) {
  switch (k) {
    case GpKernel::Rbf:
      return std::exp(-0.5 * r * r);
    case GpKernel::Matern32:
      return (1 + kSqrt3 * r) * std::exp(-kSqrt3 * r);
    case GpKernel::Matern52:
      return (1 + kSqrt5 * r + 5.0 / 3.0 * r * r) * std::exp(-kSqrt5 * r);
  }
  return NAN;
}

// d k / d log l_j = -k'(r) r_j^2 / r... with dr/dlog l_j = -s_j / r: the factor multiplying s_j.
double gpLengthFactor(GpKernel k, double r) {
  switch (k) {
    case GpKernel::Rbf:
      return std::exp(-0.5 * r * r);
    case GpKernel::Matern32:
      return 3.0 * std::exp(-kSqrt3 * r);
    case GpKernel::Matern52:
      return 5.0 / 3.0 * (1 + kSqrt5 * r) * std::exp(-kSqrt5 * r);
  }
  return NAN;
}

double GpLikelihood::noiseVariance(const Vector& theta) const {
  return fit_noise ? std::exp(theta[theta.size() - 1]) : fixed_noise;
}

Matrix GpLikelihood::covariance(const Vector& theta, double jitter) const {
  const Eigen::Index n = x->rows(), d = x->cols();
  const double sf2 = std::exp(theta[0]);
  const Vector inv_l = (-theta.segment(1, d)).array().exp();
  const Matrix xs = *x * inv_l.asDiagonal();
  Matrix K(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    K(j, j) = sf2 + noiseVariance(theta) + jitter;
    for (Eigen::Index i = j + 1; i < n; ++i) {
      const double r = (xs.row(i) - xs.row(j)).norm();
      K(i, j) = K(j, i) = sf2 * gpCorrelation(kernel, r);
    }
  }
  return K;
}

double GpLikelihood::value(const Vector& theta, double jitter, Vector* grad) const {
  const Eigen::Index n = x->rows(), d = x->cols();
  const double sf2 = std::exp(theta[0]);
  const Vector inv_l = (-theta.segment(1, d)).array().exp();
  const Matrix xs = *x * inv_l.asDiagonal();
  Matrix K(n, n);  // lower triangle: covariance; strict upper triangle: r_ij for the gradient
  for (Eigen::Index j = 0; j < n; ++j) {
    K(j, j) = sf2 + noiseVariance(theta) + jitter;
    for (Eigen::Index i = j + 1; i < n; ++i) {
      const double r = (xs.row(i) - xs.row(j)).norm();
      K(j, i) = r;
      K(i, j) = sf2 * gpCorrelation(kernel, r);
    }
  }
  Matrix L = K;
  if (!choleskyInPlace(L)) return -std::numeric_limits<double>::infinity();
  double logdet = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(L(i, i) > 0)) return -std::numeric_limits<double>::infinity();
    logdet += 2 * std::log(L(i, i));
  }
  Vector r = *y;
  double beta = 0;
  if (constant_mean) {
    const Vector kinv1 = cholSolve(L, Vector::Ones(n));
    beta = kinv1.dot(*y) / kinv1.sum();
    r.array() -= beta;
  }
  const Vector alpha = cholSolve(L, r);
  constexpr double kLog2Pi = 1.8378770664093454836;
  // With the mean profiled out the likelihood is the one of the residual (the envelope theorem
  // makes the gradient the partial derivative at fixed beta).
  const double lml = -0.5 * r.dot(alpha) - 0.5 * logdet - 0.5 * static_cast<double>(n) * kLog2Pi;
  if (!std::isfinite(lml)) return -std::numeric_limits<double>::infinity();
  if (grad) {
    // dL/dtheta_k = 0.5 tr((alpha alpha^T - K^{-1}) dK/dtheta_k); only the lower triangle of W is
    // used.
    Matrix& W = L;
    inverseFromCholesky(W);
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index i = j; i < n; ++i) W(i, j) = alpha[i] * alpha[j] - W(i, j);
    grad->setZero(dim());
    double gs = 0;
    Vector gl = Vector::Zero(d);
    for (Eigen::Index j = 0; j < n; ++j) {
      gs += 0.5 * W(j, j) * sf2;
      for (Eigen::Index i = j + 1; i < n; ++i) {
        const double w = W(i, j);  // symmetric: each off-diagonal pair counts twice, times 0.5
        gs += w * K(i, j);
        const double f = w * sf2 * gpLengthFactor(kernel, K(j, i));
        for (Eigen::Index k = 0; k < d; ++k) {
          const double s = xs(i, k) - xs(j, k);
          gl[k] += f * s * s;
        }
      }
    }
    (*grad)[0] = gs;
    grad->segment(1, d) = gl;
    if (fit_noise) (*grad)[d + 1] = 0.5 * W.trace() * noiseVariance(theta);
  }
  return lml;
}

bool GpPredictor::factor(const Vector& y) {
  const Eigen::Index n = x.rows();
  Vector theta(x.cols() + 1);
  theta[0] = std::log(signal_variance);
  theta.tail(x.cols()) = length_scales.array().log();
  GpLikelihood lik;
  lik.x = &x;
  lik.kernel = kernel;
  lik.fixed_noise = noise_variance;
  llt.compute(lik.covariance(theta, jitter));
  if (llt.info() != Eigen::Success) return false;
  Vector r = y;
  if (constant_mean) {
    kinv_ones = llt.solve(Vector::Ones(n));
    ones_kinv_ones = kinv_ones.sum();
    beta = kinv_ones.dot(y) / ones_kinv_ones;
    r.array() -= beta;
  } else {
    beta = 0;
  }
  alpha = llt.solve(r);
  return alpha.allFinite();
}

Matrix GpPredictor::crossCovariance(const Matrix& xs) const {
  const Vector inv_l = length_scales.cwiseInverse();
  const Matrix a = xs * inv_l.asDiagonal(), b = x * inv_l.asDiagonal();
  Matrix k(xs.rows(), x.rows());
  for (Eigen::Index j = 0; j < x.rows(); ++j)
    for (Eigen::Index i = 0; i < xs.rows(); ++i)
      k(i, j) = signal_variance * gpCorrelation(kernel, (a.row(i) - b.row(j)).norm());
  return k;
}

Vector GpPredictor::mean(const Matrix& xs) const {
  const Vector m = (crossCovariance(xs) * alpha).array() + beta;
  return (m.array() * y_scale + y_shift).matrix();
}

Vector GpPredictor::variance(const Matrix& xs) const {
  const Matrix ks = crossCovariance(xs);
  const Matrix v = llt.matrixL().solve(ks.transpose());  // n x m
  Vector var = signal_variance - v.colwise().squaredNorm().transpose().array();
  if (constant_mean && ones_kinv_ones > 0) {
    const Vector u = 1.0 - (ks * kinv_ones).array();
    var.array() += u.array().square() / ones_kinv_ones;
  }
  return (var.array().max(0.0) * y_scale * y_scale).matrix();
}

Vector gpPredictFromMap(const Map& m, const Matrix& xs) {
  auto get = [&](const char* key) -> const Value& {
    auto it = m.find(key);
    if (it == m.end())
      throw std::invalid_argument(std::string("GP model map without \"") + key + "\"");
    return it->second;
  };
  GpPredictor p;
  p.kernel = parseGpKernel(get("kernel").asString());
  p.x = get("xtrain").toMatrix();
  p.length_scales = get("length_scales").toVector();
  p.signal_variance = get("signal_variance").asDouble();
  p.alpha = get("alpha").toVector();
  p.beta = get("beta").asDouble();
  p.y_shift = get("y_shift").asDouble();
  p.y_scale = get("y_scale").asDouble();
  if (p.x.rows() != p.alpha.size() || p.x.cols() != p.length_scales.size())
    throw std::invalid_argument(
        "GP model map: inconsistent sizes of xtrain, alpha and length_scales");
  if (xs.cols() != p.x.cols())
    throw std::invalid_argument("GP model takes " + std::to_string(p.x.cols()) + " inputs, got " +
                                std::to_string(xs.cols()));
  return p.mean(xs);
}

}  // namespace sciagents::core::agents::surrogate
