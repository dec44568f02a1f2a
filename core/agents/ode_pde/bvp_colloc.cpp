// Lobatto IIIA collocation for two-point BVPs (see bvp_colloc.h).
#include "core/agents/ode_pde/bvp_colloc.h"

#include "core/util/error.h"
#include "core/util/text_format.h"

#include <Eigen/SparseLU>

#include <cmath>
#include <cstdio>

namespace sciagents::core::agents::ode::pde {

namespace {
struct Eval {
  const BvpSystem& sys;
  long count = 0;
  std::vector<double> in;
  explicit Eval(const BvpSystem& s) : sys(s), in(static_cast<std::size_t>(s.m + 1)) {}
  void f(double x, const double* y, double* out) {
    in[0] = x;
    for (int k = 0; k < sys.m; ++k) in[static_cast<std::size_t>(k + 1)] = y[k];
    sys.rhs->eval(in, std::span<double>(out, static_cast<std::size_t>(sys.m)));
    ++count;
  }
};

std::string num(double v) { return formatRough(v); }

// Y is N x m row-major (node-major); F gets f at the nodes.
Vector collocation(Eval& ev, const Vector& x, const Vector& Y, Vector& F) {
  const int m = ev.sys.m;
  const Eigen::Index N = x.size();
  F.resize(N * m);
  for (Eigen::Index i = 0; i < N; ++i) ev.f(x[i], Y.data() + i * m, F.data() + i * m);
  Vector R((N - 1) * m);
  std::vector<double> ym(static_cast<std::size_t>(m)), fm(static_cast<std::size_t>(m));
  for (Eigen::Index i = 0; i + 1 < N; ++i) {
    const double h = x[i + 1] - x[i];
    const double *y0 = Y.data() + i * m, *y1 = y0 + m, *f0 = F.data() + i * m, *f1 = f0 + m;
    for (int k = 0; k < m; ++k)
      ym[static_cast<std::size_t>(k)] = 0.5 * (y0[k] + y1[k]) - h / 8 * (f1[k] - f0[k]);
    ev.f(x[i] + 0.5 * h, ym.data(), fm.data());
    for (int k = 0; k < m; ++k)
      R[i * m + k] = y1[k] - y0[k] - h / 6 * (f0[k] + 4 * fm[static_cast<std::size_t>(k)] + f1[k]);
  }
  return R;
}

Vector bcResidual(const BvpSystem& sys, const double* ya, const double* yb) {
  std::vector<double> in(static_cast<std::size_t>(2 * sys.m));
  for (int k = 0; k < sys.m; ++k)
    in[static_cast<std::size_t>(k)] = ya[k], in[static_cast<std::size_t>(sys.m + k)] = yb[k];
  Vector r(sys.m);
  sys.bc->eval(in, std::span<double>(r.data(), static_cast<std::size_t>(sys.m)));
  return r;
}

Vector fullResidual(Eval& ev, const Vector& x, const Vector& Y) {
  Vector F;
  const Vector C = collocation(ev, x, Y, F);
  const int m = ev.sys.m;
  Vector R(C.size() + m);
  R << C, bcResidual(ev.sys, Y.data(), Y.data() + (x.size() - 1) * m);
  return R;
}

SparseMatrix jacobian(Eval& ev, const Vector& x, const Vector& Y, const Vector& R) {
  const int m = ev.sys.m;
  const Eigen::Index N = x.size(), nc = (N - 1) * m;
  std::vector<Eigen::Triplet<double>> trip;
  trip.reserve(static_cast<std::size_t>(2 * m * nc + 2 * m * m));
  const double eps = 1.4901161193847656e-08;
  Vector F;
  for (int color = 0; color < 2; ++color)
    for (int k = 0; k < m; ++k) {
      Vector Yp = Y;
      for (Eigen::Index i = color; i < N; i += 2)
        Yp[i * m + k] += eps * std::max(1.0, std::abs(Y[i * m + k]));
      const Vector Rp = collocation(ev, x, Yp, F);
      for (Eigen::Index j = 0; j + 1 < N; ++j) {
        const Eigen::Index node = (j % 2 == color) ? j : j + 1;  // the perturbed node of interval j
        const double d = Yp[node * m + k] - Y[node * m + k];
        for (int r = 0; r < m; ++r) {
          const double v = (Rp[j * m + r] - R[j * m + r]) / d;
          if (v != 0) trip.emplace_back(j * m + r, node * m + k, v);
        }
      }
    }
  // Boundary conditions: forward differences in ya and yb.
  const double* ya = Y.data();
  const double* yb = Y.data() + (N - 1) * m;
  const Vector b0 = R.tail(m);
  for (int side = 0; side < 2; ++side)
    for (int k = 0; k < m; ++k) {
      std::vector<double> a(ya, ya + m), b(yb, yb + m);
      double& t = side == 0 ? a[static_cast<std::size_t>(k)] : b[static_cast<std::size_t>(k)];
      const double d = eps * std::max(1.0, std::abs(t));
      t += d;
      const Vector bp = bcResidual(ev.sys, a.data(), b.data());
      for (int r = 0; r < m; ++r) {
        const double v = (bp[r] - b0[r]) / d;
        if (v != 0) trip.emplace_back(nc + r, (side == 0 ? 0 : (N - 1) * m) + k, v);
      }
    }
  SparseMatrix J(N * m, N * m);
  J.setFromTriplets(trip.begin(), trip.end());
  return J;
}

// Damped Newton on the collocation system of one mesh.
void newton(Eval& ev, const Vector& x, Vector& Y, int& iterations) {
  Vector R = fullResidual(ev, x, Y);
  for (int it = 0; it < 40; ++it) {
    if (!R.allFinite())
      throw Error(
          ErrorCode::RunFailed,
          "bvp: the collocation residual is not finite (f or bc overflow at the current iterate)");
    const SparseMatrix J = jacobian(ev, x, Y, R);
    Eigen::SparseLU<SparseMatrix> lu;
    lu.compute(J);
    if (lu.info() != Eigen::Success)
      throw Error(ErrorCode::RunFailed,
                  "bvp: the Jacobian of the collocation system is singular: the boundary "
                  "conditions do not determine "
                  "a unique solution (inconsistent, dependent or missing conditions, e.g. two "
                  "conditions on the same "
                  "end value), or the problem is singular at the current guess");
    const Vector step = lu.solve(-R);
    if (!step.allFinite())
      throw Error(ErrorCode::RunFailed,
                  "bvp: the Newton step is not finite: the collocation Jacobian is singular, so "
                  "the boundary conditions do not determine a unique solution (inconsistent, "
                  "dependent or missing conditions)");
    ++iterations;
    double alpha = 1, rn = R.norm();
    Vector Yn, Rn;
    bool ok = false;
    for (int ls = 0; ls < 10; ++ls, alpha *= 0.5) {
      Yn = Y + alpha * step;
      Rn = fullResidual(ev, x, Yn);
      if (Rn.allFinite() && Rn.norm() <= (1 - 0.25 * alpha) * rn + 1e-300) {
        ok = true;
        break;
      }
    }
    if (!ok) {
      if (rn <= 1e-10 * (1 + Y.cwiseAbs().maxCoeff())) return;
      throw Error(ErrorCode::RunFailed,
                  "bvp: Newton stalled (residual " + num(rn) +
                      " could not be reduced); the boundary "
                      "conditions may be inconsistent, or give a better y_guess");
    }
    Y = Yn;
    R = Rn;
    if (alpha == 1 && step.cwiseAbs().maxCoeff() <= 1e-10 * (1 + Y.cwiseAbs().maxCoeff())) return;
    if (R.cwiseAbs().maxCoeff() <= 1e-13 * (1 + Y.cwiseAbs().maxCoeff())) return;
  }
  throw Error(ErrorCode::RunFailed,
              "bvp: Newton did not converge in 40 iterations; give a better y_guess or check the "
              "boundary conditions");
}

Matrix toRows(const Vector& Y, Eigen::Index N, int m) {
  Matrix y(N, m);
  for (Eigen::Index i = 0; i < N; ++i)
    for (int k = 0; k < m; ++k) y(i, k) = Y[i * m + k];
  return y;
}
}  // namespace

void hermiteEval(const BvpSystem& sys, const Vector& x, const Matrix& y, const Vector& xs,
                 Matrix& s, Matrix& ds) {
  Eval ev(sys);
  const int m = sys.m;
  const Eigen::Index N = x.size();
  Matrix F(N, m);
  std::vector<double> yi(static_cast<std::size_t>(m)), fi(static_cast<std::size_t>(m));
  for (Eigen::Index i = 0; i < N; ++i) {
    for (int k = 0; k < m; ++k) yi[static_cast<std::size_t>(k)] = y(i, k);
    ev.f(x[i], yi.data(), fi.data());
    for (int k = 0; k < m; ++k) F(i, k) = fi[static_cast<std::size_t>(k)];
  }
  s.resize(xs.size(), m), ds.resize(xs.size(), m);
  Eigen::Index i = 0;
  for (Eigen::Index p = 0; p < xs.size(); ++p) {
    while (i + 2 < N && xs[p] > x[i + 1]) ++i;
    const double h = x[i + 1] - x[i], t = (xs[p] - x[i]) / h;
    const double h00 = 2 * t * t * t - 3 * t * t + 1, h10 = t * t * t - 2 * t * t + t,
                 h01 = -2 * t * t * t + 3 * t * t, h11 = t * t * t - t * t;
    const double d00 = 6 * t * t - 6 * t, d10 = 3 * t * t - 4 * t + 1, d01 = -d00,
                 d11 = 3 * t * t - 2 * t;
    for (int k = 0; k < m; ++k) {
      s(p, k) = h00 * y(i, k) + h10 * h * F(i, k) + h01 * y(i + 1, k) + h11 * h * F(i + 1, k);
      ds(p, k) =
          (d00 * y(i, k) + d10 * h * F(i, k) + d01 * y(i + 1, k) + d11 * h * F(i + 1, k)) / h;
    }
  }
}

BvpResult solveBvp(const BvpSystem& sys, Vector x, Matrix y, double tol, int max_nodes,
                   const BvpMonitor& monitor) {
  Eval ev(sys);
  const int m = sys.m;
  BvpResult res;
  for (int round = 0;; ++round) {
    const Eigen::Index N = x.size();
    Vector Y(N * m);
    for (Eigen::Index i = 0; i < N; ++i)
      for (int k = 0; k < m; ++k) Y[i * m + k] = y(i, k);
    newton(ev, x, Y, res.newton_iterations);
    y = toRows(Y, N, m);
    // Relative residual of the Hermite interpolant at the 3 interior 5-point Lobatto nodes.
    const double lob = 0.5 * std::sqrt(3.0 / 7.0);
    const double ts[3] = {0.5, 0.5 - lob, 0.5 + lob};
    Vector xs(3 * (N - 1));
    for (Eigen::Index i = 0; i + 1 < N; ++i)
      for (int q = 0; q < 3; ++q) xs[3 * i + q] = x[i] + ts[q] * (x[i + 1] - x[i]);
    Matrix s, ds;
    hermiteEval(sys, x, y, xs, s, ds);
    ev.count += N + xs.size();
    Vector rms(N - 1);
    std::vector<double> fi(static_cast<std::size_t>(m));
    for (Eigen::Index i = 0; i + 1 < N; ++i) {
      double r[3] = {0, 0, 0};
      for (int q = 0; q < 3; ++q) {
        const Eigen::Index p = 3 * i + q;
        const Vector sp = s.row(p).transpose();
        ev.f(xs[p], sp.data(), fi.data());
        for (int k = 0; k < m; ++k) {
          const double fk = fi[static_cast<std::size_t>(k)],
                       rk = (ds(p, k) - fk) / (1 + std::abs(fk));
          r[q] += rk * rk;
        }
      }
      rms[i] = std::sqrt(0.5 * (32.0 / 45.0 * r[0] + 49.0 / 90.0 * (r[1] + r[2])));
    }
    res.x = x, res.y = y, res.rms = rms, res.refinements = round;
    res.bc_residual =
        bcResidual(sys, y.row(0).eval().data(), y.row(N - 1).eval().data()).cwiseAbs().maxCoeff();
    res.f_evals = ev.count;
    const double worst = rms.maxCoeff();
    if (monitor) monitor(round, static_cast<std::size_t>(N), worst);
    if (!(worst <= tol) && !std::isfinite(worst))
      throw Error(ErrorCode::RunFailed, "bvp: residuals are not finite");
    if (worst <= tol) {
      res.success = true;
      res.message = "all interval residuals <= tol";
      return res;
    }
    // Refine: one node in intervals with rms < 100 tol, two above.
    std::vector<double> nx;
    for (Eigen::Index i = 0; i + 1 < N; ++i) {
      nx.push_back(x[i]);
      const double h = x[i + 1] - x[i];
      if (rms[i] > 100 * tol)
        nx.push_back(x[i] + h / 3), nx.push_back(x[i] + 2 * h / 3);
      else if (rms[i] > tol)
        nx.push_back(x[i] + h / 2);
    }
    nx.push_back(x[N - 1]);
    if (static_cast<int>(nx.size()) > max_nodes) {
      res.success = false;
      res.message = "max_nodes = " + std::to_string(max_nodes) +
                    " reached with max interval residual " + num(worst) + " > tol = " + num(tol) +
                    " (the mesh would need " + std::to_string(nx.size()) + " nodes)";
      return res;
    }
    const Vector xn = Eigen::Map<const Vector>(nx.data(), static_cast<Eigen::Index>(nx.size()));
    Matrix yn, dyn;
    hermiteEval(sys, x, y, xn, yn, dyn);
    x = xn;
    y = yn;
  }
}

}  // namespace sciagents::core::agents::ode::pde
