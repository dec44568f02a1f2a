// ode_pde.poisson: -∇²u = f on a box by second-order finite differences, sparse Cholesky or
// multigrid-preconditioned CG.
#include "core/agents/ode_pde/pde_common.h"
#include "core/agents/ode_pde/pde_solvers.h"
#include "core/agents/ode_pde/tasks.h"
#include "core/agents/resource_estimators.h"

#include <cmath>

namespace sciagents::core::agents::ode {

using namespace pde;

namespace {
struct Sizes {
  double unknowns = 0, bytes_direct = 0, bytes_mg = 0, bytes_cg = 0;
};

Sizes estimate(int dim, std::int64_t n) {
  Sizes s;
  s.unknowns = std::pow(static_cast<double>(n), dim);
  const double U = s.unknowns, matrix = U * (2 * dim + 1) * 12.0;
  // Nested-dissection fill of a grid Laplacian: ~U log2 U (2D), ~U^(4/3) (3D) entries of L.
  const double fill = dim == 2 ? U * std::max(8.0, 2.0 * std::log2(std::max(U, 2.0)))
                               : 6.0 * std::pow(U, 4.0 / 3.0);
  s.bytes_direct = matrix + fill * 12.0 + U * 40.0;
  s.bytes_mg =
      matrix + U * 8.0 * 12.0;  // CG vectors + multigrid hierarchy (~1/(1-2^-d) of one level)
  s.bytes_cg = matrix + U * 8.0 * 6.0;
  return s;
}

bool allDirichlet(const TaskContext& ctx) {
  const Value& b = ctx.param("boundary");
  if (b.kind() != ValueKind::Map) return true;
  for (const auto& [k, v] : b.asMap())
    if (const Value* t = v.kind() == ValueKind::Map ? v.find("type") : nullptr;
        t && t->isString() && t->asString() == "neumann")
      return false;
  return true;
}

MethodChoice selectSolver(const TaskContext& ctx) {
  const int dim = static_cast<int>(ctx.integer("dim"));
  const std::int64_t n = ctx.integer("n");
  const Sizes s = estimate(dim, n);
  const std::string req = ctx.text("solver");
  const std::string size = std::to_string(dim) + "-D grid with " + fmt(s.unknowns) + " unknowns";
  if (req != "auto") return {req, "requested: " + req + " (" + size + ")", {}};
  const bool dir = allDirichlet(ctx);
  if (dim == 2 && s.unknowns <= 65536)
    return {"direct",
            size + " <= 65536: sparse Cholesky (fill ~" + fmt(s.bytes_direct / 1048576.0) +
                " MB) is exact to rounding and fast at this size",
            {}};
  if (dir)
    return {
        "mg_cg",
        size +
            ": CG preconditioned by a geometric multigrid V-cycle needs O(N) work and memory (~" +
            fmt(s.bytes_mg / 1048576.0) +
            " MB) and a mesh-independent iteration count; a sparse "
            "factorization would need ~" +
            fmt(s.bytes_direct / 1048576.0) + " MB",
        {}};
  if (s.bytes_direct < 512.0 * 1048576.0)
    return {"direct",
            size +
                " with Neumann faces (multigrid here handles Dirichlet faces only): sparse "
                "Cholesky, ~" +
                fmt(s.bytes_direct / 1048576.0) + " MB",
            {}};
  return {"cg",
          size + " with Neumann faces and a factorization of ~" + fmt(s.bytes_direct / 1048576.0) +
              " MB: Jacobi-preconditioned CG (O(N) memory; iterations grow like n)",
          {}};
}

double bytesFor(const std::string& solver, const Sizes& s) {
  return solver == "direct" ? s.bytes_direct : solver == "mg_cg" ? s.bytes_mg : s.bytes_cg;
}

void runPoisson(TaskContext& ctx) {
  const int dim = static_cast<int>(ctx.integer("dim"));
  const Constants c = readConstants(ctx);
  const Grid g = readGrid(ctx, dim);
  const MethodChoice choice = selectSolver(ctx);
  const Sizes sz = estimate(dim, g.n);
  checkMemory(ctx, bytesFor(choice.method, sz),
              choice.method + " on " + fmt(sz.unknowns) + " unknowns");
  const auto vars = spaceVars(dim, false);
  Expression f = [&] {
    try {
      return Expression(ctx.text("f"), vars, c);
    } catch (const Error& e) {
      throw paramError("f", e.bareMessage());
    }
  }();
  FdOperator op = buildOperator(g, readBoundary(ctx, g, c, false));
  if (!op.any_dirichlet)
    throw paramError(
        "boundary",
        "every face is Neumann: -∇²u = f then fixes u only up to a constant (and needs "
        "∫f + ∮du/dn = 0); make at least one face Dirichlet");
  if (choice.method == "mg_cg" && !op.all_dirichlet)
    throw paramError(
        "solver",
        "mg_cg supports Dirichlet faces only; use 'direct', 'cg' or 'auto' with Neumann faces");
  ctx.progress(0.1, "assembled " + std::to_string(op.unknowns()) + " unknowns");
  const Vector fn = sampleNodes(g, f, 0.0, "f");
  const Vector b = op.w.cwiseProduct(op.restrict(fn)) + op.boundaryRhs(0.0);
  ctx.checkCancelled();
  Vector u = Vector::Zero(op.unknowns());
  ctx.setMethod(choice.method, choice.rationale);
  if (choice.method == "direct") {
    SpdFactor llt;
    llt.factor(op.A);
    u = llt.solve(b);
    ctx.diagnostic("backend", SpdFactor::backend());
  } else {
    const double tol = ctx.number("tol");
    const int maxiter =
        ctx.has("maxiter")
            ? static_cast<int>(ctx.integer("maxiter"))
            : (choice.method == "mg_cg"
                   ? 200
                   : static_cast<int>(std::min<std::int64_t>(20 * g.n + 100, 1000000)));
    std::unique_ptr<Multigrid> mg;
    if (choice.method == "mg_cg") {
      mg = std::make_unique<Multigrid>(dim, g.n, g.h);
      ctx.diagnostic("multigrid_levels", mg->levels());
    }
    const CgResult r = pcg(&ctx, op.A, b, u, mg.get(), tol, maxiter);
    ctx.diagnostic("iterations", r.iterations);
    ctx.diagnostic("backend", mg ? "CG + multigrid V(2,2) red-black Gauss-Seidel" : "CG + Jacobi");
    if (!r.converged)
      throw Error(ErrorCode::RunFailed,
                  "CG did not reach tol = " + fmt(tol) + " in " + std::to_string(r.iterations) +
                      " iterations (relative residual " + fmt(r.rel_residual) +
                      "); raise maxiter or use solver 'direct'");
  }
  ctx.progress(0.9, "solved");
  const double bn = b.norm();
  const double res = (b - op.A * u).norm() / (bn > 0 ? bn : 1.0);
  const Vector nodes = op.expand(u, 0.0);
  ctx.output("u", g.field(nodes));
  const char* names[3] = {"x", "y", "z"};
  for (int a = 0; a < dim; ++a) ctx.output(names[a], g.axis(a));
  ctx.output("residual", res);
  ctx.diagnostic("unknowns", op.unknowns());
  ctx.diagnostic("h", g.h[0]);
  if (ctx.has("exact")) {
    const Expression ex = [&] {
      try {
        return Expression(ctx.text("exact"), vars, c);
      } catch (const Error& e) {
        throw paramError("exact", e.bareMessage());
      }
    }();
    const ErrorNorms e = compareExact(g, nodes, ex, 0.0);
    ctx.output("error_l2", e.l2_rel);
    ctx.output("error_max", e.max_abs);
  }
  if (res > 1e-6)
    ctx.warn("relative residual " + fmt(res) + " is large: the discrete solution is not accurate");
  ctx.progress(1.0, "done");
}

Map analyzePoisson(const TaskContext& ctx) {
  const int dim = static_cast<int>(ctx.integer("dim"));
  const Grid g = readGrid(ctx, dim);
  const Sizes s = estimate(dim, g.n);
  Map m;
  m["problem_class"] = "elliptic (Poisson), symmetric positive definite";
  m["unknowns"] = s.unknowns;
  m["nonzeros"] = s.unknowns * (2 * dim + 1);
  m["h"] = g.h[0];
  m["memory_bytes_direct"] = s.bytes_direct;
  m["memory_bytes_mg_cg"] = s.bytes_mg;
  m["condition_estimate"] = laplacianRadius(g) / laplacianLowest(g);
  m["all_dirichlet"] = allDirichlet(ctx);
  return m;
}

// Independent check: the 5/7-point stencil applied to the returned grid at interior nodes.
std::vector<ValidationCheck> validatePoisson(const TaskContext& ctx, const Map& outputs) {
  const int dim = static_cast<int>(ctx.integer("dim"));
  const Grid g = readGrid(ctx, dim);
  const Constants c = readConstants(ctx);
  const auto it = outputs.find("u");
  if (it == outputs.end()) return {{"residual", 1, 0, false, "no output u"}};
  const GridField& u = it->second.asGrid();
  if (u.values.size() != g.nodes())
    return {{"residual", 1, 0, false, "u has the wrong size for this grid"}};
  if (!u.values.allFinite()) return {{"stencil_residual", 1, 0, false, "u has non-finite entries"}};
  const Vector fn = sampleNodes(g, Expression(ctx.text("f"), spaceVars(dim, false), c), 0.0, "f");
  double rmax = 0, fmax = 0;
  const std::int64_t st[3] = {g.nn[1] * g.nn[2], g.nn[2], 1};
  std::int64_t lo[3], hi[3];
  for (int a = 0; a < 3; ++a) lo[a] = a < dim ? 1 : 0, hi[a] = a < dim ? g.nn[a] - 1 : 1;
  for (std::int64_t i = lo[0]; i < hi[0]; ++i)
    for (std::int64_t j = lo[1]; j < hi[1]; ++j)
      for (std::int64_t k = lo[2]; k < hi[2]; ++k) {
        const std::int64_t q = g.index(i, j, k);
        double lap = 0;
        for (int a = 0; a < dim; ++a)
          lap += (2 * u.values[q] - u.values[q - st[a]] - u.values[q + st[a]]) / (g.h[a] * g.h[a]);
        rmax = std::max(rmax, std::abs(lap - fn[q]));
        fmax = std::max(fmax, std::abs(fn[q]));
      }
  // A solve to relative 2-norm residual tol leaves pointwise residuals up to ~sqrt(N) tol |f|.
  const double scale = std::max(fmax, 1e-300);
  const double limit =
      std::max(1e-8, 10.0 * ctx.number("tol") * std::sqrt(static_cast<double>(g.nodes())));
  return {{"stencil_residual", rmax / scale, limit, rmax / scale <= limit,
           "max over interior nodes of |-∇²_h u - f| / max|f| with the " +
               std::to_string(2 * dim + 1) +
               "-point stencil applied directly to the returned grid"}};
}
}  // namespace

ResourceEstimate estimatePoisson(const AgentRegistry&, const TaskContext& ctx) {
  const MethodChoice choice = selectSolver(ctx);
  const Sizes sz = estimate(static_cast<int>(ctx.integer("dim")), ctx.integer("n"));
  return gridEstimate(ctx, bytesFor(choice.method, sz), 200.0, choice.method + " solver", false);
}

TaskSpec poissonTask() {
  TaskSpec t;
  t.id = "poisson";
  t.summary = "Poisson equation -∇²u = f in 2D/3D by finite differences.";
  t.doc =
      "Solves -∇²u = f (physics sign: a positive source gives a positive bump) on a box with n "
      "interior points per "
      "axis, second-order central differences (5-point in 2D, 7-point in 3D), Dirichlet and/or "
      "Neumann faces "
      "(Neumann via a mirrored ghost node; rows on Neumann faces are halved so the matrix stays "
      "symmetric).\n\n"
      "Solvers: `direct` sparse Cholesky (CHOLMOD supernodal when available); `mg_cg` conjugate "
      "gradients "
      "preconditioned by one geometric multigrid V(2,2)-cycle (red-black Gauss-Seidel, multilinear "
      "transfer; "
      "iterations independent of n; Dirichlet faces only); `cg` Jacobi-preconditioned CG.\n\n"
      "How to choose: `auto` takes `direct` for 2-D grids up to 65536 unknowns, `mg_cg` above that "
      "and in 3-D, and "
      "for large problems with Neumann faces `direct` while its fill stays under 512 MB, else "
      "`cg`. "
      "`u` is the full node grid including the boundary nodes ((n+2)^dim values).";
  t.params = gridParams(2, 2, 3, 63, false);
  t.params.insert(t.params.begin() + 2, ParamSpec::make("f", ParamType::Expression)
                                            .req()
                                            .describe("Source f(x, y[, z]) in -∇²u = f."));
  t.params.push_back(
      ParamSpec::make("solver", ParamType::Choice)
          .oneOf({"auto", "direct", "cg", "mg_cg"})
          .def("auto")
          .describe("Linear solver; auto chooses by size and boundary types (see doc)."));
  t.params.push_back(ParamSpec::make("tol", ParamType::Number)
                         .def(1e-10)
                         .positive()
                         .describe("Relative residual ||b - A u||/||b|| at which cg/mg_cg stop."));
  t.params.push_back(
      ParamSpec::make("maxiter", ParamType::Integer)
          .range(1, std::nullopt)
          .describe("Iteration limit of cg/mg_cg (default 200 for mg_cg, 20 n + 100 for cg)."));
  t.outputs = {
      {"u", ValueKind::GridField,
       "Solution on all (n+2)^dim nodes, boundary included (last axis fastest)."},
      {"x", ValueKind::Vector, "Node coordinates along x (n+2 values, boundary included)."},
      {"y", ValueKind::Vector, "Node coordinates along y."},
      {"z", ValueKind::Vector, "Node coordinates along z (3-D only)."},
      {"residual", ValueKind::Scalar,
       "Relative residual ||b - A u||_2 / ||b||_2 of the discrete system."},
      {"error_l2", ValueKind::Scalar, "With `exact`: relative L2 (node) error against it."},
      {"error_max", ValueKind::Scalar, "With `exact`: max abs error over the nodes."},
  };
  t.run = runPoisson;
  t.analyze = analyzePoisson;
  t.select = selectSolver;
  t.validate = validatePoisson;
  return t;
}

}  // namespace sciagents::core::agents::ode
