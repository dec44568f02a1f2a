// Grid, boundary and operator assembly shared by poisson, heat and wave.
#include "core/agents/ode_pde/pde_common.h"
#include "core/util/text_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <stdexcept>

namespace sciagents::core::agents::ode::pde {

namespace {
const char* kFaceNames[6] = {"x0", "x1", "y0", "y1", "z0", "z1"};
}

double observedOrder(std::span<const double> h, std::span<const double> err) {
  if (h.size() != err.size() || h.size() < 2)
    throw std::invalid_argument("observedOrder: need >= 2 (h, err) pairs");
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double m = static_cast<double>(h.size());
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (!(h[i] > 0) || !(err[i] > 0) || !std::isfinite(h[i]) || !std::isfinite(err[i]))
      throw std::invalid_argument("observedOrder: h and err must be positive and finite");
    const double x = std::log(h[i]), y = std::log(err[i]);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  const double den = m * sxx - sx * sx;
  if (den <= 0) throw std::invalid_argument("observedOrder: all h are equal");
  return (m * sxy - sx * sy) / den;
}

Vector Grid::axis(int a) const {
  Vector v(nn[a]);
  for (std::int64_t i = 0; i < nn[a]; ++i) v[i] = coord(a, i);
  return v;
}

std::vector<std::string> Grid::axisNames() const {
  std::vector<std::string> all{"x", "y", "z"};
  return {all.begin(), all.begin() + dim};
}

GridField Grid::field(const Vector& node_values) const {
  GridField f;
  for (int a = 0; a < dim; ++a) f.axes.push_back(axis(a));
  f.axis_names = axisNames();
  f.values = node_values;
  return f;
}

Grid readGrid(const TaskContext& ctx, int dim) {
  Grid g;
  g.dim = dim;
  g.n = ctx.integer("n");
  if (ctx.has("domain")) {
    const Matrix d = ctx.matrix("domain");
    if (d.rows() != dim || d.cols() != 2)
      throw paramError("domain", "expected " + std::to_string(dim) +
                                     " rows [lo, hi] (one per axis), got " +
                                     std::to_string(d.rows()) + "x" + std::to_string(d.cols()));
    for (int a = 0; a < dim; ++a) {
      if (!std::isfinite(d(a, 0)) || !std::isfinite(d(a, 1)) || !(d(a, 1) > d(a, 0)))
        throw paramError("domain", "axis " + std::to_string(a) + ": need finite lo < hi, got [" +
                                       fmt(d(a, 0)) + ", " + fmt(d(a, 1)) + "]");
      g.lo[a] = d(a, 0), g.hi[a] = d(a, 1);
    }
  }
  for (int a = 0; a < dim; ++a) {
    g.nn[a] = g.n + 2;
    g.h[a] = (g.hi[a] - g.lo[a]) / static_cast<double>(g.n + 1);
  }
  return g;
}

std::vector<std::string> spaceVars(int dim, bool with_time) {
  std::vector<std::string> v{"x", "y", "z"};
  v.resize(static_cast<std::size_t>(dim));
  if (with_time) v.push_back("t");
  return v;
}

Vector sampleNodes(const Grid& g, const Expression& e, double t, const std::string& param) {
  Vector out(g.nodes());
  double xv[4] = {0, 0, 0, 0};
  for (std::int64_t i = 0; i < g.nn[0]; ++i)
    for (std::int64_t j = 0; j < g.nn[1]; ++j)
      for (std::int64_t k = 0; k < g.nn[2]; ++k) {
        const std::int64_t ijk[3] = {i, j, k};
        for (int a = 0; a < g.dim; ++a) xv[a] = g.coord(a, ijk[a]);
        xv[g.dim] = t;
        const double v = e.eval(xv);
        if (!std::isfinite(v)) {
          std::string at;
          for (int a = 0; a < g.dim; ++a) at += (a ? ", " : "") + fmt(xv[a]);
          throw paramError(param, "'" + e.text() + "' is " + fmt(v) + " at (" + at +
                                      "); it must be finite on the whole grid");
        }
        out[g.index(i, j, k)] = v;
      }
  return out;
}

namespace {
std::shared_ptr<Expression> compile(const Value& v, const std::string& param,
                                    const std::vector<std::string>& vars, const Constants& c,
                                    std::string& text) {
  if (v.isNumber())
    text = fmt(v.asDouble());
  else if (v.isString())
    text = v.asString();
  else
    throw paramError(param, "expected a number or an expression, got " + std::string(v.kindName()));
  if (v.isNumber() && !std::isfinite(v.asDouble()))
    throw paramError(param, "value must be finite, got " + text);
  try {
    return std::make_shared<Expression>(v.isNumber() ? fmt(v.asDouble()) : text, vars, c);
  } catch (const Error& e) {
    throw paramError(param, e.bareMessage());
  }
}
}  // namespace

std::vector<Face> readBoundary(const TaskContext& ctx, const Grid& g, const Constants& c,
                               bool with_time) {
  const auto vars = spaceVars(g.dim, with_time);
  std::vector<Face> faces(static_cast<std::size_t>(2 * g.dim));
  const Value& b = ctx.param("boundary");
  if (!b.isNull() && b.kind() != ValueKind::Map) {
    std::string text;
    auto e = compile(b, "boundary", vars, c, text);
    for (auto& f : faces) f.value = e, f.text = text;
    return faces;
  }
  for (auto& f : faces) f.value = std::make_shared<Expression>("0", vars, c), f.text = "0";
  if (b.isNull()) return faces;
  for (const auto& [key, spec] : b.asMap()) {
    int idx = -1;
    for (int i = 0; i < 2 * g.dim; ++i)
      if (key == kFaceNames[i]) idx = i;
    if (idx < 0)
      throw paramError("boundary", "unknown face '" + key + "'; expected " +
                                       (g.dim == 1   ? "x0, x1"
                                        : g.dim == 2 ? "x0, x1, y0, y1"
                                                     : "x0, x1, y0, y1, z0, z1"));
    Face& f = faces[static_cast<std::size_t>(idx)];
    const std::string p = "boundary." + key;
    if (spec.kind() == ValueKind::Map) {
      const Value* type = spec.find("type");
      const Value* value = spec.find("value");
      const std::string t = type && type->isString() ? type->asString() : "dirichlet";
      if (t != "dirichlet" && t != "neumann")
        throw paramError(p, "type must be 'dirichlet' or 'neumann', got '" + t + "'");
      f.type = t == "neumann" ? BcType::Neumann : BcType::Dirichlet;
      f.value = compile(value ? *value : Value(0.0), p, vars, c, f.text);
    } else {
      f.value = compile(spec, p, vars, c, f.text);
    }
  }
  return faces;
}

FdOperator buildOperator(const Grid& g, std::vector<Face> faces) {
  FdOperator op;
  op.g = g;
  op.faces = std::move(faces);
  for (const auto& f : op.faces) {
    op.any_dirichlet |= f.type == BcType::Dirichlet;
    op.all_dirichlet &= f.type == BcType::Dirichlet;
    for (const auto& id : expressionIdentifiers(f.text)) op.time_dependent_bc |= id == "t";
  }
  const std::int64_t N = g.nodes();
  op.unknown_of.assign(static_cast<std::size_t>(N), -1);
  op.dirichlet_face.assign(static_cast<std::size_t>(N), -1);
  // Classify: a node on any Dirichlet face is Dirichlet (x faces first), else unknown.
  auto faceOf = [&](const std::int64_t ijk[3], int a) -> int {
    if (a >= g.dim) return -1;
    if (ijk[a] == 0) return 2 * a;
    if (ijk[a] == g.nn[a] - 1) return 2 * a + 1;
    return -1;
  };
  for (std::int64_t i = 0; i < g.nn[0]; ++i)
    for (std::int64_t j = 0; j < g.nn[1]; ++j)
      for (std::int64_t k = 0; k < g.nn[2]; ++k) {
        const std::int64_t ijk[3] = {i, j, k}, node = g.index(i, j, k);
        int dface = -1;
        for (int a = 0; a < g.dim && dface < 0; ++a) {
          const int f = faceOf(ijk, a);
          if (f >= 0 && op.faces[static_cast<std::size_t>(f)].type == BcType::Dirichlet) dface = f;
        }
        op.dirichlet_face[static_cast<std::size_t>(node)] = dface;
        if (dface < 0) {
          op.unknown_of[static_cast<std::size_t>(node)] =
              static_cast<std::int64_t>(op.node_of.size());
          op.node_of.push_back(node);
        }
      }
  const std::int64_t U = op.unknowns();
  op.w.resize(U);
  std::vector<Eigen::Triplet<double>> trip;
  trip.reserve(static_cast<std::size_t>(U * (2 * g.dim + 1)));
  const std::int64_t stride[3] = {g.nn[1] * g.nn[2], g.nn[2], 1};
  for (std::int64_t r = 0; r < U; ++r) {
    const std::int64_t node = op.node_of[static_cast<std::size_t>(r)];
    const std::int64_t ijk[3] = {node / stride[0], (node / stride[1]) % g.nn[1], node % g.nn[2]};
    double w = 1;
    for (int a = 0; a < g.dim; ++a)
      if (faceOf(ijk, a) >= 0) w *= 0.5;
    op.w[r] = w;
    double diag = 0;
    for (int a = 0; a < g.dim; ++a) {
      const double ih2 = 1.0 / (g.h[a] * g.h[a]);
      diag += 2 * ih2;
      const int f = faceOf(ijk, a);
      for (int s = -1; s <= 1; s += 2) {
        const std::int64_t q = ijk[a] + s;
        double coef = ih2;
        if (q < 0 || q >= g.nn[a]) continue;  // the ghost: folded below
        if (f >= 0) coef *= 2;  // Neumann node: ghost = mirror of the inward neighbour
        const std::int64_t nb = node + s * stride[a];
        const std::int64_t col = op.unknown_of[static_cast<std::size_t>(nb)];
        if (col >= 0)
          trip.emplace_back(r, col, -w * coef);
        else
          op.couplings.push_back({r, nb, -1, w * coef});
      }
      if (f >= 0) op.couplings.push_back({r, node, f, w * 2.0 / g.h[a]});
    }
    trip.emplace_back(r, r, w * diag);
  }
  op.A.resize(U, U);
  op.A.setFromTriplets(trip.begin(), trip.end());
  op.A.makeCompressed();
  return op;
}

Vector FdOperator::dirichletValues(double t) const {
  Vector v = Vector::Zero(g.nodes());
  double xv[4] = {0, 0, 0, t};
  const std::int64_t stride[3] = {g.nn[1] * g.nn[2], g.nn[2], 1};
  for (std::int64_t node = 0; node < g.nodes(); ++node) {
    const int f = dirichlet_face[static_cast<std::size_t>(node)];
    if (f < 0) continue;
    const std::int64_t ijk[3] = {node / stride[0], (node / stride[1]) % g.nn[1], node % g.nn[2]};
    for (int a = 0; a < g.dim; ++a) xv[a] = g.coord(a, ijk[a]);
    xv[g.dim] = t;
    v[node] = faces[static_cast<std::size_t>(f)].value->eval(xv);
    if (!std::isfinite(v[node]))
      throw paramError("boundary", "face " + std::string(kFaceNames[f]) + " value '" +
                                       faces[static_cast<std::size_t>(f)].text +
                                       "' is not finite at a boundary node");
  }
  return v;
}

Vector FdOperator::boundaryRhs(double t) const {
  Vector rhs = Vector::Zero(unknowns());
  const Vector dv = dirichletValues(t);
  double xv[4] = {0, 0, 0, t};
  const std::int64_t stride[3] = {g.nn[1] * g.nn[2], g.nn[2], 1};
  for (const auto& c : couplings) {
    if (c.face < 0) {
      rhs[c.row] += c.coef * dv[c.node];
      continue;
    }
    const std::int64_t ijk[3] = {c.node / stride[0], (c.node / stride[1]) % g.nn[1],
                                 c.node % g.nn[2]};
    for (int a = 0; a < g.dim; ++a) xv[a] = g.coord(a, ijk[a]);
    xv[g.dim] = t;
    const double gv = faces[static_cast<std::size_t>(c.face)].value->eval(xv);
    if (!std::isfinite(gv))
      throw paramError("boundary",
                       "face " + std::string(kFaceNames[c.face]) + " flux is not finite");
    rhs[c.row] += c.coef * gv;
  }
  return rhs;
}

Vector FdOperator::restrict(const Vector& node_values) const {
  Vector u(unknowns());
  for (std::int64_t r = 0; r < unknowns(); ++r)
    u[r] = node_values[node_of[static_cast<std::size_t>(r)]];
  return u;
}

Vector FdOperator::expand(const Vector& u, double t) const {
  Vector v = any_dirichlet ? dirichletValues(t) : Vector::Zero(g.nodes());
  for (std::int64_t r = 0; r < unknowns(); ++r) v[node_of[static_cast<std::size_t>(r)]] = u[r];
  return v;
}

double laplacianRadius(const Grid& g) {
  double s = 0;
  for (int a = 0; a < g.dim; ++a) s += 4.0 / (g.h[a] * g.h[a]);
  return s;
}

double laplacianLowest(const Grid& g) {
  double s = 0;
  for (int a = 0; a < g.dim; ++a) s += 1.0 / ((g.hi[a] - g.lo[a]) * (g.hi[a] - g.lo[a]));
  return std::numbers::pi * std::numbers::pi * s;
}

void checkMemory(const TaskContext& ctx, double bytes, const std::string& what) {
  const double limit = ctx.number("memory_limit_mb") * 1024.0 * 1024.0;
  if (bytes > limit)
    throw paramError(
        "n", "n = " + std::to_string(ctx.integer("n")) + " needs about " + fmt(bytes / 1048576.0) +
                 " MB (" + what + "), more than memory_limit_mb = " +
                 fmt(ctx.number("memory_limit_mb")) + "; reduce n or raise memory_limit_mb");
}

ResourceEstimate gridEstimate(const TaskContext& ctx, double solver_bytes, double work_per_unknown,
                              const std::string& what, bool with_time) {
  const double n = paramCount(ctx, "n"), dim = paramCount(ctx, "dim");
  const double unknowns = std::pow(n, dim);
  ResourceEstimate e;
  e.memory_bytes = solver_bytes;
  e.memory_param = "n";
  e.memory_what = what + " on a grid of " + formatCount(n) + "^" + formatCount(dim) + " = " +
                  formatCount(unknowns) + " unknowns";
  e.work = unknowns * work_per_unknown;
  e.work_param = "n";
  if (!with_time) return e;
  const bool listed = ctx.has("t_eval");
  const double outputs =
      listed ? static_cast<double>(ctx.vector("t_eval").size()) : paramCount(ctx, "n_out");
  const double snapshots = outputs * std::pow(n + 2, dim) * 8.0;
  e.memory_bytes += snapshots;
  e.work *= std::max(outputs, 1.0);
  if (snapshots > solver_bytes) {
    e.memory_param = listed ? "t_eval" : "n_out";
    e.memory_what = formatCount(outputs) + " snapshots of a grid of " + formatCount(n) + "^" +
                    formatCount(dim) + " points";
  }
  return e;
}

void reportExactError(TaskContext& ctx, const Grid& g, const Vector& nodes, double t) {
  if (!ctx.has("exact")) return;
  const ErrorNorms e = compareExact(
      g, nodes, Expression(ctx.text("exact"), spaceVars(g.dim, true), readConstants(ctx)), t);
  ctx.output("error_l2", e.l2_rel);
  ctx.output("error_max", e.max_abs);
}

ErrorNorms compareExact(const Grid& g, const Vector& nodes, const Expression& exact, double t) {
  const Vector ref = sampleNodes(g, exact, t, "exact");
  ErrorNorms e;
  const double rn = ref.norm();
  e.max_abs = (nodes - ref).cwiseAbs().maxCoeff();
  e.l2_rel = rn > 0 ? (nodes - ref).norm() / rn : (nodes - ref).norm();
  return e;
}

Vector readOutputTimes(const TaskContext& ctx, double t0, double t1) {
  if (ctx.has("t_eval")) {
    const Vector te = ctx.vector("t_eval");
    for (Eigen::Index i = 0; i < te.size(); ++i) {
      if (!std::isfinite(te[i]) || te[i] < t0 || te[i] > t1 || (i > 0 && te[i] <= te[i - 1]))
        throw paramError("t_eval", "entry " + std::to_string(i) + " = " + fmt(te[i]) +
                                       "; t_eval must be increasing and inside t_span [" + fmt(t0) +
                                       ", " + fmt(t1) + "]");
    }
    if (te.size() == 0) throw paramError("t_eval", "must not be empty");
    return te;
  }
  return Vector::LinSpaced(ctx.integer("n_out"), t0, t1);
}

std::vector<ParamSpec> gridParams(int default_dim, int min_dim, int max_dim, std::int64_t default_n,
                                  bool with_time) {
  const std::string vars = with_time ? "x, y[, z] and t" : "x, y[, z]";
  return {
      ParamSpec::make("dim", ParamType::Integer)
          .def(default_dim)
          .range(min_dim, max_dim)
          .describe("Space dimension."),
      ParamSpec::make("n", ParamType::Integer)
          .def(default_n)
          .range(1, 100000)
          .describe("Interior grid points per axis; spacing h = (hi - lo)/(n + 1)."),
      ParamSpec::make("domain", ParamType::Matrix)
          .describe(
              "Box [[x0, x1], [y0, y1][, [z0, z1]]] (default: the unit square/cube/interval)."),
      ParamSpec::make("boundary", ParamType::Any)
          .def(0.0)
          .describe("Boundary conditions: a number or expression in " + vars +
                    " (Dirichlet on every face), or a map of faces "
                    "x0, x1, y0, y1, z0, z1 (missing faces: u = 0), each a number/expression "
                    "(Dirichlet) or "
                    "{\"type\": \"dirichlet\"|\"neumann\", \"value\": ...}; a Neumann value is the "
                    "outward normal derivative du/dn."),
      ParamSpec::make("constants", ParamType::Map)
          .describe("Named constants usable in every expression."),
      ParamSpec::make("exact", ParamType::Expression)
          .describe("Optional exact solution in " + vars +
                    ": adds outputs error_l2 (relative) and error_max."),
      ParamSpec::make("memory_limit_mb", ParamType::Number)
          .def(4096.0)
          .positive()
          .describe("Refuse problems whose estimated memory exceeds this many MiB."),
  };
}

Vector interpolateNodes(const Grid& from, const Vector& values, const Grid& to) {
  Vector out(to.nodes());
  const std::int64_t st[3] = {from.nn[1] * from.nn[2], from.nn[2], 1};
  for (std::int64_t q = 0; q < to.nodes(); ++q) {
    const std::int64_t ijk[3] = {q / (to.nn[1] * to.nn[2]), (q / to.nn[2]) % to.nn[1],
                                 q % to.nn[2]};
    std::int64_t c0[3] = {0, 0, 0};
    double t[3] = {0, 0, 0};
    for (int a = 0; a < to.dim; ++a) {
      const double p = (to.coord(a, ijk[a]) - from.lo[a]) / from.h[a];
      c0[a] = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(p)), 0, from.nn[a] - 2);
      t[a] = std::clamp(p - static_cast<double>(c0[a]), 0.0, 1.0);
    }
    double s = 0;
    for (int corner = 0; corner < (1 << to.dim); ++corner) {
      double w = 1;
      std::int64_t idx = 0;
      for (int a = 0; a < to.dim; ++a) {
        const int bit = (corner >> a) & 1;
        w *= bit ? t[a] : 1 - t[a];
        idx += (c0[a] + bit) * st[a];
      }
      if (w != 0) s += w * values[idx];
    }
    out[q] = s;
  }
  return out;
}

std::pair<double, double> readTimeSpan(const TaskContext& ctx) {
  const Vector ts = ctx.vector("t_span");
  if (ts.size() != 2 || !std::isfinite(ts[0]) || !std::isfinite(ts[1]) || !(ts[1] > ts[0]))
    throw paramError("t_span", "expected [t0, t1] with finite t0 < t1");
  return {ts[0], ts[1]};
}

bool usesTime(const std::string& text) {
  for (const auto& id : expressionIdentifiers(text))
    if (id == "t") return true;
  return false;
}

}  // namespace sciagents::core::agents::ode::pde
