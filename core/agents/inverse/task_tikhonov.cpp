// inverse.tikhonov: min ||A x - b||^2 + lambda^2 ||L x||^2 through the SVD of A (L = I) or of the
// standard-form matrix A L_A^+ (L a difference operator; Elden's transformation as in Hansen's
// Regularization Tools, equivalent to the GSVD), with lambda from GCV, the L-curve corner or given.
#include "core/agents/inverse/inverse_common.h"
#include "core/agents/inverse/tasks.h"
#include "core/linalg/dense_decompositions.h"
#include "core/util/error.h"

#include <boost/math/tools/minima.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace sciagents::core::agents::inverse {

namespace {

// (n-k) x n difference operator of order k (0: identity).
Matrix differenceOperator(Eigen::Index n, int k) {
  Matrix l = Matrix::Identity(n, n);
  for (int o = 0; o < k; ++o) {
    const Eigen::Index r = l.rows() - 1;
    l = (l.bottomRows(r) - l.topRows(r)).eval();
  }
  return l;
}

// The standard-form problem: x = T xbar + x0 with ||L x|| = ||xbar|| and ||A x - b|| = ||Abar xbar
// - bbar||.
struct StandardForm {
  Matrix abar, t;  // Abar = A T
  Vector bbar, x0;
  Eigen::Index null_dim = 0;
};

StandardForm standardForm(const Matrix& a, const Vector& b, const Matrix& l) {
  StandardForm s;
  const Eigen::Index n = a.cols(), p = l.rows();
  if (p == n) {  // identity
    s.abar = a;
    s.t = Matrix::Identity(n, n);
    s.bbar = b;
    s.x0 = Vector::Zero(n);
    return s;
  }
  // Null space of L (polynomials of degree < n-p), orthonormalised; L^+ = L^T (L L^T)^-1.
  Matrix nul(n, n - p);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < n - p; ++k)
      nul(i, k) = std::pow(static_cast<double>(i) / static_cast<double>(n), static_cast<double>(k));
  nul = Eigen::HouseholderQR<Matrix>(nul).householderQ() * Matrix::Identity(n, n - p);
  const Matrix lpinv = l.transpose() * (l * l.transpose()).llt().solve(Matrix::Identity(p, p));
  const Eigen::CompleteOrthogonalDecomposition<Matrix> an(a * nul);
  if (an.rank() < n - p)
    throw paramError("L", "A annihilates part of the null space of L (A N has rank " +
                              std::to_string(an.rank()) + " < " + std::to_string(n - p) +
                              "): the regularised solution is not unique; use L = identity");
  s.t = lpinv - nul * an.solve(a * lpinv);
  s.x0 = nul * an.solve(b);
  s.abar = a * s.t;
  s.bbar = b - a * s.x0;
  s.null_dim = n - p;
  return s;
}

struct Spectrum {
  Vector sv, beta;     // singular values of Abar and U^T bbar
  double perp2 = 0;    // ||bbar - U U^T bbar||^2 (incompatible part)
  Eigen::Index m = 0;  // rows of A
  Eigen::Index null_dim = 0;
};

struct Point {
  double residual = 0, seminorm = 0, gcv = 0, rgcv = 0, curvature = 0, dof = 0;
};

// gamma: robustness of robust GCV (1: classical GCV).
Point evaluate(const Spectrum& s, double lambda, double gamma) {
  const double l2 = lambda * lambda;
  double rho2 = s.perp2, eta2 = 0, trace = 0, trace2 = static_cast<double>(s.null_dim);
  // Derivatives of eta^2 and rho^2 w.r.t. lambda (Hansen, lcfun) for the L-curve curvature.
  double phi = 0, psi = 0, dphi = 0, dpsi = 0;
  for (Eigen::Index i = 0; i < s.sv.size(); ++i) {
    const double si = s.sv[i], f = si * si / (si * si + l2), cf = 1 - f, xi = s.beta[i] / si;
    rho2 += cf * cf * s.beta[i] * s.beta[i];
    eta2 += f * f * xi * xi;
    trace += f;
    trace2 += f * f;
    const double f1 = -2 * f * cf / lambda, f2 = -f1 * (3 - 4 * f) / lambda;
    phi += f * f1 * xi * xi;
    psi += cf * f1 * s.beta[i] * s.beta[i];
    dphi += (f1 * f1 + f * f2) * xi * xi;
    dpsi += (-f1 * f1 + cf * f2) * s.beta[i] * s.beta[i];
  }
  Point p;
  p.residual = std::sqrt(rho2);
  p.seminorm = std::sqrt(eta2);
  p.dof = trace + static_cast<double>(s.null_dim);
  const double denom = static_cast<double>(s.m) - p.dof;
  p.gcv = denom > 0 ? rho2 / (denom * denom) : std::numeric_limits<double>::infinity();
  // Robust GCV (Lukas 2006): (gamma + (1 - gamma) tr(A_lambda^2) / m) G(lambda) penalises the
  // occasional severe undersmoothing of GCV (its minimum drifting to tiny lambda).
  p.rgcv = (gamma + (1 - gamma) * trace2 / static_cast<double>(s.m)) * p.gcv;
  const double eta = p.seminorm, rho = p.residual;
  const double deta = phi / eta, drho = -psi / rho;
  const double ddeta = dphi / eta - deta * (deta / eta), ddrho = -dpsi / rho - drho * (drho / rho);
  const double dle = deta / eta, dlr = drho / rho;
  const double ddle = ddeta / eta - dle * dle, ddlr = ddrho / rho - dlr * dlr;
  p.curvature = (dlr * ddle - ddlr * dle) / std::pow(dlr * dlr + dle * dle, 1.5);
  if (!std::isfinite(p.curvature)) p.curvature = -std::numeric_limits<double>::infinity();
  return p;
}

// Minimises g(log lambda) on the grid, then refines with Brent between the grid neighbours.
double refine(const Vector& grid, const Vector& values, const std::function<double(double)>& g) {
  Eigen::Index k = 0;
  values.minCoeff(&k);
  const double lo = std::log(grid[std::max<Eigen::Index>(k - 1, 0)]);
  const double hi = std::log(grid[std::min<Eigen::Index>(k + 1, grid.size() - 1)]);
  if (lo == hi) return grid[k];
  const auto r =
      boost::math::tools::brent_find_minima([&](double u) { return g(std::exp(u)); }, lo, hi, 40);
  return r.second <= values[k] ? std::exp(r.first) : grid[k];
}

void runTikhonov(TaskContext& ctx) {
  const Matrix a = ctx.matrix("A");
  const Vector b = ctx.vector("b");
  requireFinite("A", a);
  requireFinite("b", b);
  const Eigen::Index m = a.rows(), n = a.cols();
  if (m == 0 || n == 0) throw paramError("A", "is empty");
  if (b.size() != m)
    throw paramError("b", "has " + std::to_string(b.size()) + " entries for the " +
                              std::to_string(m) + " rows of A");
  const std::string lname = ctx.text("L");
  const int order = lname == "identity" ? 0 : lname == "first_difference" ? 1 : 2;
  if (order >= n)
    throw paramError("L", lname + " needs at least " + std::to_string(order + 1) +
                              " unknowns, A has " + std::to_string(n));
  const Matrix l = differenceOperator(n, order);
  const StandardForm sf = standardForm(a, b, l);

  const Eigen::BDCSVD<Matrix> svd(sf.abar, Eigen::ComputeThinU | Eigen::ComputeThinV);
  Spectrum s;
  s.m = m;
  s.null_dim = sf.null_dim;
  const double smax = svd.singularValues().size() ? svd.singularValues()[0] : 0.0;
  if (!(smax > 0)) throw paramError("A", "is zero: nothing can be recovered");
  // Keep the numerically nonzero singular values (relative to the largest).
  const double cut =
      smax * static_cast<double>(std::max(m, n)) * std::numeric_limits<double>::epsilon();
  Eigen::Index r = 0;
  while (r < svd.singularValues().size() && svd.singularValues()[r] > cut) ++r;
  const Matrix u = svd.matrixU().leftCols(r), v = svd.matrixV().leftCols(r);
  s.sv = svd.singularValues().head(r);
  s.beta = u.transpose() * sf.bbar;
  s.perp2 = std::max(0.0, sf.bbar.squaredNorm() - s.beta.squaredNorm());

  // Lambda grid, log-spaced over the singular values (Hansen's range).
  const Eigen::Index ngrid = ctx.integer("n_lambda");
  double lmin = std::max(s.sv[r - 1], smax * 16 * std::numeric_limits<double>::epsilon()),
         lmax = smax;
  if (ctx.has("lambda_range")) {
    const Vector lr = ctx.vector("lambda_range");
    if (lr.size() != 2 || !(lr[0] > 0) || !(lr[1] > lr[0]))
      throw paramError("lambda_range", "expected [lo, hi] with 0 < lo < hi");
    lmin = lr[0], lmax = lr[1];
  }
  if (lmin >= lmax) lmin = lmax * 1e-6;
  const double gamma = ctx.number("gcv_robustness");
  Vector grid(ngrid), gcv(ngrid), rgcv(ngrid), curv(ngrid), res(ngrid), semi(ngrid);
  for (Eigen::Index i = 0; i < ngrid; ++i) {
    grid[i] = lmin * std::pow(lmax / lmin, static_cast<double>(i) / static_cast<double>(ngrid - 1));
    const Point p = evaluate(s, grid[i], gamma);
    gcv[i] = p.gcv, rgcv[i] = p.rgcv, curv[i] = p.curvature, res[i] = p.residual,
    semi[i] = p.seminorm;
  }

  const std::string method = ctx.text("method");
  double lambda = 0;
  std::string why;
  if (method == "fixed") {
    if (!ctx.has("lambda")) throw paramError("lambda", "method 'fixed' needs lambda > 0");
    lambda = ctx.number("lambda");
    why = "lambda given by the user";
  } else if (method == "gcv") {
    lambda = refine(grid, rgcv, [&](double x) { return evaluate(s, x, gamma).rgcv; });
    why = gamma == 1
              ? "generalised cross-validation: minimiser of G(lambda) = ||A x - b||^2 / (m - "
                "dof)^2 (needs no "
                "noise level; grid minimum refined by Brent)"
              : "robust generalised cross-validation (Lukas 2006, gamma = " + formatFine(gamma) +
                    "): minimiser of (gamma + (1 - gamma) tr(A_lambda^2)/m) ||A x - b||^2 / (m - "
                    "dof)^2 (needs "
                    "no noise level; guards against GCV's occasional undersmoothing; grid minimum "
                    "refined by Brent)";
  } else {
    lambda = refine(grid, -curv, [&](double x) { return -evaluate(s, x, gamma).curvature; });
    why =
        "L-curve corner: maximum curvature of (log ||A x - b||, log ||L x||) (analytic curvature "
        "from the SVD, "
        "grid maximum refined by Brent)";
  }
  if (ctx.has("lambda") && method != "fixed")
    ctx.warn("lambda is ignored with method '" + method + "'");
  ctx.setMethod(method, why);

  // The solution.
  Vector coef(r);
  for (Eigen::Index i = 0; i < r; ++i)
    coef[i] = s.sv[i] / (s.sv[i] * s.sv[i] + lambda * lambda) * s.beta[i];
  const Vector x = sf.t * (v * coef) + sf.x0;
  const Point p = evaluate(s, lambda, gamma);
  const double resid = (a * x - b).norm(), semin = (l * x).norm();

  Table curve;
  curve.columns = {"lambda", "gcv", "robust_gcv", "residual_norm", "solution_norm", "curvature"};
  curve.data = {Value(grid), Value(gcv), Value(rgcv), Value(res), Value(semi), Value(curv)};
  ctx.output("x", x);
  ctx.output("lambda", lambda);
  ctx.output("residual_norm", resid);
  ctx.output("solution_norm", semin);
  ctx.output("gcv", p.gcv);
  ctx.output("robust_gcv", p.rgcv);
  ctx.output("curvature", p.curvature);
  ctx.output("effective_dof", p.dof);
  ctx.output("curve", curve);
  if (ctx.has("x_true")) {
    const Vector xt = ctx.vector("x_true");
    if (xt.size() != n)
      throw paramError("x_true", "has " + std::to_string(xt.size()) + " entries for " +
                                     std::to_string(n) + " unknowns");
    ctx.output("error_norm", (x - xt).norm());
    ctx.output("relative_error",
               (x - xt).norm() / std::max(xt.norm(), std::numeric_limits<double>::min()));
  }
  ctx.diagnostic("operator", lname);
  ctx.diagnostic("decomposition",
                 order == 0 ? "SVD of A (BDCSVD)"
                            : "SVD of the standard-form matrix A L_A^+ (Elden's transformation; "
                              "equivalent to the GSVD of (A, L))");
  ctx.diagnostic("rank", static_cast<std::int64_t>(r));
  ctx.diagnostic("condition_number", smax / s.sv[r - 1]);
  ctx.diagnostic("lambda_grid", Vector((Vector(2) << grid[0], grid[ngrid - 1]).finished()));
  ctx.diagnostic("discrepancy_residual", resid);
  ctx.diagnostic("residual_check", std::abs(resid - p.residual) / std::max(1.0, resid));
  if (method != "fixed" && (lambda <= grid[0] * 1.0001 || lambda >= grid[ngrid - 1] * 0.9999))
    ctx.warn("the chosen lambda " + formatFine(lambda) + " lies at the end of the grid [" +
             formatFine(grid[0]) + ", " + formatFine(grid[ngrid - 1]) + "]: widen lambda_range");
  if (m < n) ctx.diagnostic("underdetermined", true);
}

}  // namespace

TaskSpec tikhonovTask() {
  TaskSpec t;
  t.id = "tikhonov";
  t.summary =
      "Tikhonov-regularised least squares min ||A x - b||^2 + lambda^2 ||L x||^2, lambda by GCV, "
      "L-curve or given.";
  t.doc =
      "Solves the regularised least-squares problem for an ill-conditioned `A` (e.g. a discretised "
      "first-kind "
      "integral equation) with noisy data `b`. `L` is the identity or the first/second difference "
      "operator; for a "
      "difference operator the problem is transformed to standard form (Elden; x = L_A^+ xbar + x0 "
      "with x0 in the "
      "null space of L), equivalent to using the GSVD of (A, L). One SVD then gives the solution, "
      "residual and "
      "seminorm for every lambda in closed form. `method`: gcv (default) minimises the generalised "
      "cross-validation function (robust GCV of Lukas 2006 with gamma = gcv_robustness, default "
      "0.1; gamma = 1 is "
      "classical GCV, which on small problems occasionally picks a far too small lambda), lcurve "
      "takes the point of maximum curvature of the L-curve, fixed uses `lambda`. "
      "The `curve` table (lambda, gcv, robust_gcv, residual_norm, solution_norm, curvature) is for "
      "plotting; with `x_true` the "
      "reconstruction error is reported.";
  t.params = {
      ParamSpec::make("A", ParamType::Matrix).req().describe("Forward operator (m x n), dense."),
      ParamSpec::make("b", ParamType::Vector).req().describe("Data (m values)."),
      ParamSpec::make("L", ParamType::Choice)
          .oneOf({"identity", "first_difference", "second_difference"})
          .def("identity")
          .describe("Regularisation operator: ||x||, ||x'|| or ||x''|| (discrete differences)."),
      ParamSpec::make("method", ParamType::Choice)
          .oneOf({"gcv", "lcurve", "fixed"})
          .def("gcv")
          .describe("How lambda is chosen: generalised cross-validation, L-curve corner, or the "
                    "given `lambda`."),
      ParamSpec::make("gcv_robustness", ParamType::Number)
          .def(0.1)
          .range(0.0, 1.0)
          .describe("gamma of robust GCV: 1 is classical GCV; smaller values guard more strongly "
                    "against undersmoothing "
                    "(0.1: Lukas' recommendation)."),
      ParamSpec::make("lambda", ParamType::Number)
          .positive()
          .describe("Regularisation parameter (method fixed)."),
      ParamSpec::make("lambda_range", ParamType::Vector)
          .describe(
              "[lo, hi] of the lambda grid (default: the smallest to the largest singular value)."),
      ParamSpec::make("n_lambda", ParamType::Integer)
          .def(200)
          .range(3, 100000)
          .describe("Points of the lambda grid."),
      ParamSpec::make("x_true", ParamType::Vector)
          .describe("Exact solution, when known: the error is reported."),
  };
  t.outputs = {
      {"x", ValueKind::Vector, "Regularised solution."},
      {"lambda", ValueKind::Scalar, "The regularisation parameter used."},
      {"residual_norm", ValueKind::Scalar, "||A x - b||."},
      {"solution_norm", ValueKind::Scalar, "||L x||."},
      {"gcv", ValueKind::Scalar, "Classical GCV function at lambda."},
      {"robust_gcv", ValueKind::Scalar,
       "Robust GCV function at lambda (the one minimised by method gcv)."},
      {"curvature", ValueKind::Scalar, "L-curve curvature at lambda."},
      {"effective_dof", ValueKind::Scalar,
       "trace of the influence matrix (effective number of parameters)."},
      {"curve", ValueKind::Table,
       "lambda, gcv, robust_gcv, residual_norm, solution_norm, curvature over the grid."},
      {"error_norm", ValueKind::Scalar, "||x - x_true|| (with x_true)."},
      {"relative_error", ValueKind::Scalar, "||x - x_true|| / ||x_true|| (with x_true)."},
  };
  t.run = runTikhonov;
  return t;
}

}  // namespace sciagents::core::agents::inverse
