// Shared finite-difference machinery of the ode_pde PDE tasks (poisson, heat, wave): the node grid,
// boundary specifications, the symmetric 5/7-point operator with Dirichlet and Neumann faces, and
// small helpers (constants, expression sampling, memory estimates, observed order).
#pragma once

#include "core/agent/constants_param.h"
#include "core/agent/resource_estimate.h"
#include "core/agent/task_context.h"
#include "core/expr/expression.h"
#include "core/util/error.h"
#include "core/value/value.h"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sciagents::core::agents::ode {
std::string fmt(double v);  // compact %.6g (ivp_problem.cpp; one helper for the whole family)
}  // namespace sciagents::core::agents::ode

namespace sciagents::core::agents::ode::pde {

// Observed order of convergence p from errors e_i at mesh sizes h_i (least-squares slope of
// log e against log h over all pairs; two points give log(e1/e2)/log(h1/h2)). Non-positive or
// non-finite entries are rejected with std::invalid_argument.
double observedOrder(std::span<const double> h, std::span<const double> err);

// Uniform node grid on a box: n interior points per axis, nodes 0..n+1, last axis fastest.
struct Grid {
  int dim = 2;
  std::int64_t n = 0;
  std::array<double, 3> lo{0, 0, 0}, hi{1, 1, 1}, h{1, 1, 1};
  std::array<std::int64_t, 3> nn{1, 1, 1};  // nodes per axis (n+2 on used axes, 1 otherwise)
  std::int64_t nodes() const { return nn[0] * nn[1] * nn[2]; }
  std::int64_t index(std::int64_t i, std::int64_t j, std::int64_t k) const {
    return (i * nn[1] + j) * nn[2] + k;
  }
  double coord(int axis, std::int64_t i) const {
    return lo[axis] + static_cast<double>(i) * h[axis];
  }
  Vector axis(int a) const;
  std::vector<std::string> axisNames() const;
  GridField field(const Vector& node_values) const;
};

// Reads `dim`, `n` and the optional `domain` param ([[x0,x1],[y0,y1]...]).
Grid readGrid(const TaskContext& ctx, int dim);

// Expression variables: x[,y[,z]] (+ t when with_time).
std::vector<std::string> spaceVars(int dim, bool with_time);

// Samples an expression at every node (t fixed); non-finite results raise paramError(param).
Vector sampleNodes(const Grid& g, const Expression& e, double t, const std::string& param);

enum class BcType { Dirichlet, Neumann };
struct Face {
  BcType type = BcType::Dirichlet;
  std::shared_ptr<Expression> value;  // in x,y[,z][,t]; Neumann: outward normal derivative
  std::string text;
};

// `boundary` param: a number/expression (Dirichlet on every face) or a map of faces x0,x1,y0,...
// each a number/expression (Dirichlet) or {"type": "dirichlet"|"neumann", "value": ...}.
std::vector<Face> readBoundary(const TaskContext& ctx, const Grid& g, const Constants& c,
                               bool with_time);

// The discrete -Laplacian on the unknowns (interior nodes plus Neumann boundary nodes), row-scaled
// by w (1/2 per Neumann axis) so that A is symmetric: A u = w.f + boundary terms.
struct FdOperator {
  Grid g;
  std::vector<Face> faces;
  std::vector<std::int64_t> unknown_of;  // node -> unknown index or -1 (Dirichlet node)
  std::vector<std::int64_t> node_of;     // unknown -> node
  std::vector<int> dirichlet_face;       // node -> face index for Dirichlet nodes, else -1
  SparseMatrix A;
  Vector w;
  bool all_dirichlet = true;
  bool any_dirichlet = false;
  // Boundary couplings: rhs[row] += coef * value(node) (Dirichlet) or coef * g_face(node)
  // (Neumann).
  struct Coupling {
    std::int64_t row;
    std::int64_t node;
    int face;
    double coef;
  };
  std::vector<Coupling> couplings;
  bool time_dependent_bc = false;

  std::int64_t unknowns() const { return static_cast<std::int64_t>(node_of.size()); }
  Vector boundaryRhs(double t) const;                // Dirichlet and Neumann contributions
  Vector dirichletValues(double t) const;            // over all nodes (0 where not Dirichlet)
  Vector restrict(const Vector& node_values) const;  // node vector -> unknowns
  Vector expand(const Vector& u, double t) const;  // unknowns -> node vector with Dirichlet values
};

FdOperator buildOperator(const Grid& g, std::vector<Face> faces);

// Gershgorin bound of the spectral radius of W^-1 A: 4 sum 1/h_a^2.
double laplacianRadius(const Grid& g);
// Smallest Dirichlet eigenvalue of -Laplacian on the box: pi^2 sum 1/L_a^2.
double laplacianLowest(const Grid& g);

// Throws paramError("n") when `bytes` exceeds the `memory_limit_mb` param.
void checkMemory(const TaskContext& ctx, double bytes, const std::string& what);

// Resource estimate of a grid task (core/agent/resource_estimate.h): `solver_bytes` of the solver
// at the step's n^dim unknowns, plus, for time-dependent tasks, one node field per output time
// (t_eval or n_out snapshots). Work: `work_per_unknown` per unknown (and per output time).
ResourceEstimate gridEstimate(const TaskContext& ctx, double solver_bytes, double work_per_unknown,
                              const std::string& what, bool with_time);

// Relative L2 and max errors of a node field against an exact expression (in x..,t).
struct ErrorNorms {
  double l2_rel = 0, max_abs = 0;
};
ErrorNorms compareExact(const Grid& g, const Vector& nodes, const Expression& exact, double t);
// When the task has an `exact` solution u(x[,y], t): outputs error_l2 (relative) and error_max at
// t.
void reportExactError(TaskContext& ctx, const Grid& g, const Vector& nodes, double t);

// Snapshot times: `t_eval` if given, else n_out points over t_span.
Vector readOutputTimes(const TaskContext& ctx, double t0, double t1);

// Parameters common to the grid tasks (dim, n, domain, boundary, constants, memory_limit_mb,
// exact).
std::vector<ParamSpec> gridParams(int default_dim, int min_dim, int max_dim, std::int64_t default_n,
                                  bool with_time);

// Multilinear interpolation of a node field on `from` at the nodes of `to` (same box).
Vector interpolateNodes(const Grid& from, const Vector& values, const Grid& to);
// Reads t_span [t0, t1] (finite, t1 > t0).
std::pair<double, double> readTimeSpan(const TaskContext& ctx);
// True when an expression text uses the variable t.
bool usesTime(const std::string& text);
}  // namespace sciagents::core::agents::ode::pde
