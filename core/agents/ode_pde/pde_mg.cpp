// Geometric multigrid V-cycle (preconditioner) and preconditioned CG for the PDE tasks.
#include "core/agents/ode_pde/pde_solvers.h"

#include "core/linalg/dense_decompositions.h"
#include "core/util/error.h"

#include <chrono>
#include <cmath>
#include <vector>

namespace sciagents::core::agents::ode::pde {

namespace {
// Linear interpolation weights from a coarse axis (nc interior points) to a fine one (nf).
struct Interp1 {
  std::vector<std::int64_t> i0, i1;
  std::vector<double> w0, w1;
};

Interp1 interp(std::int64_t nf, std::int64_t nc, bool used) {
  Interp1 p;
  p.i0.assign(static_cast<std::size_t>(nf), -1), p.i1 = p.i0;
  p.w0.assign(static_cast<std::size_t>(nf), 0.0), p.w1 = p.w0;
  if (!used) {
    p.i0[0] = 0, p.w0[0] = 1;
    return p;
  }
  for (std::int64_t i = 0; i < nf; ++i) {
    const double pos =
        static_cast<double>(i + 1) * static_cast<double>(nc + 1) / static_cast<double>(nf + 1);
    const auto I = static_cast<std::int64_t>(std::floor(pos));
    const double t = pos - static_cast<double>(I);
    const auto s = static_cast<std::size_t>(i);
    if (I - 1 >= 0 && I - 1 < nc) p.i0[s] = I - 1, p.w0[s] = 1 - t;
    if (I < nc && t > 0) p.i1[s] = I, p.w1[s] = t;
  }
  return p;
}

struct Level {
  std::array<std::int64_t, 3> n{1, 1, 1};
  std::array<double, 3> c{0, 0, 0};
  std::array<bool, 3> used{false, false, false};
  double diag = 0;
  std::array<Interp1, 3> up;  // interpolation from the next coarser level
  double restrict_scale = 1;
  Vector b, x, r;
  std::int64_t size() const { return n[0] * n[1] * n[2]; }
};

void gsColor(const Level& L, double* x, const double* b, int color) {
  const std::int64_t n0 = L.n[0], n1 = L.n[1], n2 = L.n[2], s0 = n1 * n2;
  const double c0 = L.c[0], c1 = L.c[1], c2 = L.c[2], id = 1.0 / L.diag;
  for (std::int64_t i = 0; i < n0; ++i)
    for (std::int64_t j = 0; j < n1; ++j) {
      const std::int64_t base = (i * n1 + j) * n2;
      for (std::int64_t k = (color + i + j) & 1; k < n2; k += 2) {
        const std::int64_t q = base + k;
        double s = b[q];
        s += c2 * ((k > 0 ? x[q - 1] : 0.0) + (k + 1 < n2 ? x[q + 1] : 0.0));
        if (L.used[1]) s += c1 * ((j > 0 ? x[q - n2] : 0.0) + (j + 1 < n1 ? x[q + n2] : 0.0));
        if (L.used[0]) s += c0 * ((i > 0 ? x[q - s0] : 0.0) + (i + 1 < n0 ? x[q + s0] : 0.0));
        x[q] = s * id;
      }
    }
}

void residual(const Level& L, const Vector& xv, const Vector& bv, Vector& rv) {
  const std::int64_t n0 = L.n[0], n1 = L.n[1], n2 = L.n[2], s0 = n1 * n2;
  const double* x = xv.data();
  for (std::int64_t i = 0; i < n0; ++i)
    for (std::int64_t j = 0; j < n1; ++j)
      for (std::int64_t k = 0; k < n2; ++k) {
        const std::int64_t q = (i * n1 + j) * n2 + k;
        double ax =
            L.diag * x[q] - L.c[2] * ((k > 0 ? x[q - 1] : 0.0) + (k + 1 < n2 ? x[q + 1] : 0.0));
        if (L.used[1]) ax -= L.c[1] * ((j > 0 ? x[q - n2] : 0.0) + (j + 1 < n1 ? x[q + n2] : 0.0));
        if (L.used[0]) ax -= L.c[0] * ((i > 0 ? x[q - s0] : 0.0) + (i + 1 < n0 ? x[q + s0] : 0.0));
        rv[q] = bv[q] - ax;
      }
}

// Visits the (up to 8) coarse neighbours of every fine point with their tensor weights.
template <class F>
void transfer(const Level& fine, const Level& coarse, F&& f) {
  const auto& [px, py, pz] = fine.up;
  for (std::int64_t i = 0; i < fine.n[0]; ++i)
    for (std::int64_t j = 0; j < fine.n[1]; ++j)
      for (std::int64_t k = 0; k < fine.n[2]; ++k) {
        const std::int64_t q = (i * fine.n[1] + j) * fine.n[2] + k;
        const auto si = static_cast<std::size_t>(i), sj = static_cast<std::size_t>(j),
                   sk = static_cast<std::size_t>(k);
        const std::int64_t ci[2] = {px.i0[si], px.i1[si]}, cj[2] = {py.i0[sj], py.i1[sj]},
                           ck[2] = {pz.i0[sk], pz.i1[sk]};
        const double wi[2] = {px.w0[si], px.w1[si]}, wj[2] = {py.w0[sj], py.w1[sj]},
                     wk[2] = {pz.w0[sk], pz.w1[sk]};
        for (int a = 0; a < 2; ++a) {
          if (ci[a] < 0) continue;
          for (int b = 0; b < 2; ++b) {
            if (cj[b] < 0) continue;
            const double wab = wi[a] * wj[b];
            const std::int64_t rowc = (ci[a] * coarse.n[1] + cj[b]) * coarse.n[2];
            for (int c = 0; c < 2; ++c)
              if (ck[c] >= 0) f(q, rowc + ck[c], wab * wk[c]);
          }
        }
      }
}
}  // namespace

struct Multigrid::Impl {
  std::vector<Level> levels;
  Eigen::LLT<Matrix> coarse;
  int smooth = 2;

  void vcycle(std::size_t l) {
    Level& L = levels[l];
    if (l + 1 == levels.size()) {
      L.x = coarse.solve(L.b);
      return;
    }
    L.x.setZero();
    for (int s = 0; s < smooth; ++s)
      gsColor(L, L.x.data(), L.b.data(), 0), gsColor(L, L.x.data(), L.b.data(), 1);
    residual(L, L.x, L.b, L.r);
    Level& C = levels[l + 1];
    C.b.setZero();
    const double sc = L.restrict_scale;
    transfer(L, C, [&](std::int64_t f, std::int64_t c, double w) { C.b[c] += sc * w * L.r[f]; });
    vcycle(l + 1);
    transfer(L, C, [&](std::int64_t f, std::int64_t c, double w) { L.x[f] += w * C.x[c]; });
    for (int s = 0; s < smooth; ++s)
      gsColor(L, L.x.data(), L.b.data(), 1), gsColor(L, L.x.data(), L.b.data(), 0);
  }
};

Multigrid::Multigrid(int dim, std::int64_t n, std::array<double, 3> h, int smooth)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->smooth = smooth;
  // Used axes are the last `dim` ones so the innermost loop is long in 2D.
  std::array<double, 3> len{0, 0, 0};
  for (int a = 0; a < dim; ++a)
    len[static_cast<std::size_t>(3 - dim + a)] =
        h[static_cast<std::size_t>(a)] * static_cast<double>(n + 1);
  std::int64_t m = n;
  while (true) {
    Level L;
    for (std::size_t a = 0; a < 3; ++a) {
      L.used[a] = len[a] > 0;
      if (!L.used[a]) continue;
      L.n[a] = m;
      const double ha = len[a] / static_cast<double>(m + 1);
      L.c[a] = 1.0 / (ha * ha);
      L.diag += 2 * L.c[a];
    }
    L.b = Vector::Zero(L.size()), L.x = L.b, L.r = L.b;
    m_impl->levels.push_back(std::move(L));
    if (m <= 3) break;
    const std::int64_t mc = (m % 2) ? (m - 1) / 2 : m / 2;
    Level& F = m_impl->levels.back();
    F.restrict_scale = 1;
    for (std::size_t a = 0; a < 3; ++a) {
      F.up[a] = interp(F.n[a], F.used[a] ? mc : 1, F.used[a]);
      if (F.used[a]) F.restrict_scale *= static_cast<double>(mc + 1) / static_cast<double>(m + 1);
    }
    m = mc;
  }
  // Dense operator of the coarsest grid, columns by applying the stencil to unit vectors.
  Level& C = m_impl->levels.back();
  const std::int64_t nc = C.size();
  Matrix a(nc, nc);
  Vector e = Vector::Zero(nc), z = Vector::Zero(nc), col(nc);
  for (std::int64_t j = 0; j < nc; ++j) {
    e.setZero(), e[j] = 1;
    residual(C, e, z, col);
    a.col(j) = -col;
  }
  m_impl->coarse.compute(a);
}

Multigrid::~Multigrid() = default;
int Multigrid::levels() const { return static_cast<int>(m_impl->levels.size()); }

void Multigrid::apply(const Vector& r, Vector& z) const {
  m_impl->levels[0].b = r;
  m_impl->vcycle(0);
  z = m_impl->levels[0].x;
}

CgResult pcg(TaskContext* ctx, const SparseMatrix& a, const Vector& b, Vector& x,
             const Multigrid* precond, double tol, int maxiter) {
  CgResult res;
  const double bn = b.norm();
  if (bn == 0) {
    x.setZero();
    res.converged = true;
    return res;
  }
  const Vector dinv = a.diagonal().cwiseInverse();
  auto M = [&](const Vector& r, Vector& z) {
    if (precond)
      precond->apply(r, z);
    else
      z = dinv.cwiseProduct(r);
  };
  Vector r = b - a * x, z(b.size()), p, ap(b.size());
  M(r, z);
  p = z;
  double rz = r.dot(z);
  auto last = std::chrono::steady_clock::now();
  for (int it = 1; it <= maxiter; ++it) {
    ap.noalias() = a * p;
    const double alpha = rz / p.dot(ap);
    x += alpha * p;
    r -= alpha * ap;
    res.iterations = it;
    res.rel_residual = r.norm() / bn;
    if (ctx) {
      ctx->metric("residual", it, res.rel_residual);
      const auto now = std::chrono::steady_clock::now();
      if (now - last > std::chrono::milliseconds(20)) ctx->checkCancelled(), last = now;
    }
    if (!std::isfinite(res.rel_residual)) break;
    if (res.rel_residual <= tol) {
      res.converged = true;
      break;
    }
    M(r, z);
    const double rz_new = r.dot(z);
    p = z + (rz_new / rz) * p;
    rz = rz_new;
  }
  return res;
}

}  // namespace sciagents::core::agents::ode::pde
