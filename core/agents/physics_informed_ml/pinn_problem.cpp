#include "core/agents/physics_informed_ml/pinn_problem.h"

#include "core/agent/constants_param.h"
#include "core/agents/uq/uq_common.h"
#include "core/util/error.h"

#include <boost/random/sobol.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace sciagents::core::agents::pinn {

namespace {

constexpr int kMaxAxes = 3;

// n points in the unit cube [0,1]^d (d x n) by the chosen design; `stream` separates the point
// sets.
Matrix unitPoints(const std::string& sampling, Eigen::Index n, Eigen::Index d, std::uint64_t seed,
                  std::uint64_t stream) {
  Matrix u(d, n);
  if (d == 0) return u;
  if (sampling == "uniform") {  // tensor grid of cell midpoints, m per axis with m^d >= n
    auto m = static_cast<Eigen::Index>(
        std::ceil(std::pow(static_cast<double>(n), 1.0 / static_cast<double>(d)) - 1e-9));
    Eigen::Index total = 1;
    for (Eigen::Index a = 0; a < d; ++a) total *= m;
    u.resize(d, total);
    for (Eigen::Index k = 0; k < total; ++k) {
      Eigen::Index rem = k;
      for (Eigen::Index a = d; a-- > 0;) {
        u(a, k) = (static_cast<double>(rem % m) + 0.5) / static_cast<double>(m);
        rem /= m;
      }
    }
    return u;
  }
  if (sampling == "random") return uq::randomUniforms(seed, stream, n, d).transpose();
  // Sobol with a seeded digital shift (as uq.sobol): balanced, deterministic, never on the boundary
  // except by chance.
  boost::random::sobol q(static_cast<std::size_t>(d));
  const uq::Stream shift_stream(seed, stream);
  std::vector<std::uint64_t> shift(static_cast<std::size_t>(d));
  for (std::size_t j = 0; j < shift.size(); ++j) shift[j] = shift_stream.bits(j);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index a = 0; a < d; ++a) {
      const std::uint64_t bits =
          (static_cast<std::uint64_t>(q()) ^ shift[static_cast<std::size_t>(a)]) >> 11;
      u(a, i) = (static_cast<double>(bits) + 0.5) * 0x1p-53;
    }
  return u;
}

Matrix readDomain(const TaskContext& ctx, std::size_t d) {
  const Value& v = ctx.param("domain");
  Matrix m;
  if (v.kind() == ValueKind::Vector || (v.kind() == ValueKind::List && d == 1))
    m = v.toVector().transpose();
  else if (v.kind() == ValueKind::Matrix || v.kind() == ValueKind::List)
    m = v.toMatrix();
  else
    throw paramError("domain", "expected [lo, hi] per variable, e.g. [[0, 1], [0, 1]], got a " +
                                   std::string(v.kindName()));
  if (m.rows() != static_cast<Eigen::Index>(d) || m.cols() != 2)
    throw paramError("domain", "expected one [lo, hi] row per variable (" + std::to_string(d) +
                                   " x 2), got " + std::to_string(m.rows()) + " x " +
                                   std::to_string(m.cols()));
  for (Eigen::Index a = 0; a < m.rows(); ++a)
    if (!(m(a, 0) < m(a, 1)) || !m.row(a).allFinite())
      throw paramError("domain", "row " + std::to_string(a) + " must have lo < hi, got [" +
                                     formatFine(m(a, 0)) + ", " + formatFine(m(a, 1)) + "]");
  return m;
}

std::string exprText(const Value& v, const std::string& where) {
  if (v.isString()) return v.asString();
  if (v.isNumber()) {  // every digit: the value enters the condition exactly
    std::ostringstream os;
    os.precision(17);
    os << v.asDouble();
    return "(" + os.str() + ")";
  }
  throw paramError("conditions", where + " must be an expression or a number");
}

}  // namespace

std::vector<ParamSpec> problemParams() {
  return {
      ParamSpec::make("variables", ParamType::StringList)
          .def(List{Value("x")})
          .describe("Names of the independent variables (1 to 3), e.g. [\"x\"], [\"x\", \"y\"] or "
                    "[\"x\", \"t\"]."),
      ParamSpec::make("domain", ParamType::Any)
          .req()
          .describe(
              "Box of the problem: [lo, hi] for one variable, or one [lo, hi] row per variable."),
      ParamSpec::make("residual", ParamType::Expression)
          .req()
          .describe("PDE residual that should vanish, in the variables, u, first/second pure "
                    "derivatives (u_x, u_xx, "
                    "u_t...) and constants, e.g. \"u_xx + pi^2*sin(pi*x)\". Must be affine in u "
                    "and its derivatives."),
      ParamSpec::make("conditions", ParamType::Any)
          .req()
          .describe("Boundary/initial conditions: a list of {\"where\": {\"x\": 0}, \"value\": "
                    "\"0\"} (Dirichlet u = value) "
                    "or {\"where\": {...}, \"residual\": \"u_x - 1\"} (any affine condition, e.g. "
                    "Neumann or initial velocity). "
                    "Variables not fixed by \"where\" are sampled over the domain."),
      uq::constantsParam(),
      ParamSpec::make("exact", ParamType::Expression)
          .describe("Exact solution in the variables, for the relative L2 and max errors on the "
                    "evaluation grid."),
      ParamSpec::make("hidden_layers", ParamType::Vector)
          .def(Vector((Vector(2) << 20, 20).finished()))
          .describe("Widths of the hidden tanh layers (the input and output layers follow from the "
                    "problem)."),
      ParamSpec::make("interior_points", ParamType::Integer)
          .def(128)
          .range(2, 1000000)
          .describe("Collocation points of the PDE residual inside the domain."),
      ParamSpec::make("boundary_points", ParamType::Integer)
          .def(32)
          .range(1, 1000000)
          .describe("Points per condition whose \"where\" leaves variables free (a single point "
                    "otherwise)."),
      ParamSpec::make("sampling", ParamType::Choice)
          .oneOf({"sobol", "uniform", "random"})
          .def("sobol")
          .describe("Collocation design: seeded shifted Sobol sequence, uniform grid of cell "
                    "midpoints, or pseudo-random."),
      ParamSpec::make("epochs", ParamType::Integer)
          .def(2000)
          .range(0, 100000000)
          .describe("Adam steps (full batch)."),
      ParamSpec::make("learning_rate", ParamType::Number)
          .def(5e-3)
          .positive()
          .describe("Adam step size."),
      ParamSpec::make("lbfgs_iterations", ParamType::Integer)
          .def(2000)
          .range(0, 100000000)
          .describe("Loss evaluations of the L-BFGS phase after Adam (0 skips it)."),
      ParamSpec::make("tolerance", ParamType::Number)
          .def(1e-12)
          .positive()
          .describe("L-BFGS stops when the relative change of the loss is below this."),
      ParamSpec::make("pde_weight", ParamType::Number)
          .def(1.0)
          .positive()
          .describe("Weight of the PDE residual term."),
      ParamSpec::make("condition_weight", ParamType::Number)
          .def(1.0)
          .positive()
          .describe("Weight of each condition term."),
      ParamSpec::make("eval_points", ParamType::Integer)
          .def(101)
          .range(2, 100000)
          .describe("Points per variable of the output grid."),
      ParamSpec::make("evaluate_at", ParamType::Any)
          .describe("Extra points to evaluate the trained network at: a vector (one variable) or n "
                    "x d rows."),
      ParamSpec::make("initial_weights", ParamType::Vector)
          .describe("Start from these network weights (the `weights` output of an earlier run with "
                    "the same layers)."),
      uq::seedParam(),
  };
}

std::vector<OutputSpec> solutionOutputs() {
  return {
      {"x", ValueKind::Vector,
       "Evaluation grid (one variable), or the grid points as rows (n x d)."},
      {"u", ValueKind::Vector, "Network prediction at x."},
      {"solution", ValueKind::GridField,
       "The prediction as a grid field over the variables (for plots)."},
      {"u_at", ValueKind::Vector, "Prediction at evaluate_at (when given)."},
      {"loss", ValueKind::Scalar, "Final training loss."},
      {"loss_terms", ValueKind::Map, "Final loss per term (pde, condition[i], data)."},
      {"history", ValueKind::Table, "Loss history: iteration, loss, phase (0 Adam, 1 L-BFGS)."},
      {"relative_l2_error", ValueKind::Scalar,
       "||u - exact|| / ||exact|| on the grid (when exact is given)."},
      {"max_error", ValueKind::Scalar, "max |u - exact| on the grid (when exact is given)."},
      {"weights", ValueKind::Vector,
       "Trained network weights (layer by layer: W column-major, then b)."},
      {"layers", ValueKind::Vector, "Layer widths [inputs, hidden..., 1]."},
  };
}

PinnProblem readProblem(const TaskContext& ctx, const std::string& unknown) {
  PinnProblem p;
  p.axes = ctx.param("variables").toStringList();
  const std::size_t d = p.axes.size();
  if (d < 1 || d > kMaxAxes)
    throw paramError("variables", "give 1 to 3 variable names, got " + std::to_string(d));
  for (const auto& a : p.axes)
    if (a == "u" || a.rfind("u_", 0) == 0 || a == unknown)
      throw paramError(
          "variables",
          "'" + a + "' is reserved for the network output, its derivatives or the unknown");
  p.domain = readDomain(ctx, d);
  p.constants = readConstants(ctx);
  p.seed = uq::taskSeed(ctx);
  const auto de = static_cast<Eigen::Index>(d);
  p.scale = 2.0 / (p.domain.col(1) - p.domain.col(0)).array();
  p.shift =
      -(p.domain.col(1) + p.domain.col(0)).array() / (p.domain.col(1) - p.domain.col(0)).array();

  std::vector<int> sizes{static_cast<int>(d)};
  for (double w : ctx.vector("hidden_layers")) {
    if (!(w >= 1 && w <= 4096 && w == std::floor(w)))
      throw paramError("hidden_layers",
                       "widths must be integers in [1, 4096], got " + formatFine(w));
    sizes.push_back(static_cast<int>(w));
  }
  if (sizes.size() < 2)
    throw paramError("hidden_layers", "give at least one hidden layer, e.g. [20, 20]");
  sizes.push_back(1);
  p.net = std::make_unique<TanhMlp>(sizes);
  p.initial = p.net->initialParameters(p.seed);
  if (ctx.has("initial_weights")) {
    p.initial = ctx.vector("initial_weights");
    if (p.initial.size() != p.net->parameterCount())
      throw paramError("initial_weights", "has " + std::to_string(p.initial.size()) +
                                              " values but layers give " +
                                              std::to_string(p.net->parameterCount()));
  }
  p.train.epochs = ctx.integer("epochs");
  p.train.learning_rate = ctx.number("learning_rate");
  p.train.lbfgs_iterations = ctx.integer("lbfgs_iterations");
  p.train.tolerance = ctx.number("tolerance");

  const std::string sampling = ctx.text("sampling");
  auto toDomain = [&](Matrix u, const std::vector<bool>& fixed_mask, const Vector& fixed_values) {
    Matrix x(de, u.cols());
    Eigen::Index row = 0;
    for (Eigen::Index a = 0; a < de; ++a) {
      if (fixed_mask[static_cast<std::size_t>(a)])
        x.row(a).setConstant(fixed_values[a]);
      else
        x.row(a) =
            (p.domain(a, 0) + (p.domain(a, 1) - p.domain(a, 0)) * u.row(row++).array()).matrix();
    }
    return x;
  };

  const AffineResidual pde("residual", ctx.text("residual"), p.axes, p.constants, unknown);
  if (pde.quantities().empty())
    throw paramError("residual", "'" + pde.text() + "' does not involve u or its derivatives");
  Matrix interior = toDomain(unitPoints(sampling, ctx.integer("interior_points"), de, p.seed, 101),
                             std::vector<bool>(d, false), Vector::Zero(de));
  p.terms.push_back(makeTerm("pde", pde, std::move(interior), ctx.number("pde_weight")));

  const Value& cv = ctx.param("conditions");
  if (cv.kind() != ValueKind::List || cv.asList().empty())
    throw paramError("conditions",
                     "expected a non-empty list of {\"where\": {...}, \"value\": ...} objects");
  const List& conds = cv.asList();
  for (std::size_t i = 0; i < conds.size(); ++i) {
    const std::string label = "conditions[" + std::to_string(i) + "]";
    if (conds[i].kind() != ValueKind::Map)
      throw paramError("conditions", label + " must be an object");
    const Map& c = conds[i].asMap();
    for (const auto& [key, _] : c)
      if (key != "where" && key != "value" && key != "residual")
        throw paramError("conditions",
                         label + ": unknown field \"" + key + "\" (use where, value or residual)");
    const auto where = c.find("where");
    if (where == c.end() || where->second.kind() != ValueKind::Map || where->second.asMap().empty())
      throw paramError("conditions", label + " needs \"where\": {\"variable\": value, ...}");
    std::vector<bool> fixed(d, false);
    Vector at = Vector::Zero(de);
    for (const auto& [axis, val] : where->second.asMap()) {
      const auto it = std::find(p.axes.begin(), p.axes.end(), axis);
      if (it == p.axes.end())
        throw paramError("conditions", label + ": \"" + axis + "\" is not one of the variables");
      if (!val.isNumber())
        throw paramError("conditions", label + ": where." + axis + " must be a number");
      const auto a = it - p.axes.begin();
      fixed[static_cast<std::size_t>(a)] = true;
      at[a] = val.asDouble();
      if (at[a] < p.domain(a, 0) || at[a] > p.domain(a, 1))
        throw paramError("conditions", label + ": where." + axis + " = " + formatFine(at[a]) +
                                           " is outside the domain [" + formatFine(p.domain(a, 0)) +
                                           ", " + formatFine(p.domain(a, 1)) + "]");
    }
    const bool has_value = c.count("value"), has_res = c.count("residual");
    if (has_value == has_res)
      throw paramError("conditions", label + " needs exactly one of \"value\" or \"residual\"");
    const std::string text = has_value ? "u - (" + exprText(c.at("value"), label + ".value") + ")"
                                       : exprText(c.at("residual"), label + ".residual");
    const auto free = static_cast<Eigen::Index>(std::count(fixed.begin(), fixed.end(), false));
    const Eigen::Index n = free == 0 ? 1 : ctx.integer("boundary_points");
    Matrix x = toDomain(unitPoints(sampling, n, free, p.seed, 200 + i), fixed, at);
    if (free == 0) x = at;
    try {
      p.terms.push_back(makeTerm(label,
                                 AffineResidual("conditions", text, p.axes, p.constants, unknown),
                                 std::move(x), ctx.number("condition_weight")));
    } catch (const Error& e) {
      throw paramError("conditions", label + ": " + e.bareMessage());
    }
  }
  return p;
}

Matrix readPoints(const TaskContext& ctx, const std::string& x_param, const PinnProblem& p) {
  const Value& v = ctx.param(x_param);
  const auto d = static_cast<Eigen::Index>(p.axes.size());
  Matrix x;
  try {
    if (d == 1)
      x = v.toVector().transpose();
    else
      x = v.toMatrix().transpose();
  } catch (const std::exception&) {
    throw paramError(x_param,
                     "expected " + std::string(d == 1 ? "a vector of points"
                                                      : "one row of coordinates per point"));
  }
  if (x.rows() != d)
    throw paramError(x_param, "points need " + std::to_string(d) + " coordinates, got " +
                                  std::to_string(x.rows()));
  if (!x.allFinite()) throw paramError(x_param, "points must be finite");
  return x;
}

void publishSolution(TaskContext& ctx, const PinnProblem& p, const PinnLoss& loss,
                     const TrainResult& r, const std::string& unknown) {
  const auto d = static_cast<Eigen::Index>(p.axes.size());
  const Eigen::Index m = ctx.integer("eval_points");
  GridField grid;
  grid.axis_names = p.axes;
  Eigen::Index total = 1;
  for (Eigen::Index a = 0; a < d; ++a) {
    grid.axes.push_back(Vector::LinSpaced(m, p.domain(a, 0), p.domain(a, 1)));
    total *= m;
  }
  Matrix x(d, total);  // last axis fastest, as GridField values
  for (Eigen::Index k = 0; k < total; ++k) {
    Eigen::Index rem = k;
    for (Eigen::Index a = d; a-- > 0;) {
      x(a, k) = grid.axes[static_cast<std::size_t>(a)][rem % m];
      rem /= m;
    }
  }
  Vector u;
  loss.predict(r.params, x, u);
  grid.values = u;
  ctx.output("x", d == 1 ? Value(Vector(x.row(0).transpose())) : Value(Matrix(x.transpose())));
  ctx.output("u", u);
  ctx.output("solution", std::move(grid));
  if (ctx.has("evaluate_at")) {
    Vector ua;
    loss.predict(r.params, readPoints(ctx, "evaluate_at", p), ua);
    ctx.output("u_at", ua);
  }
  if (ctx.has("exact")) {
    Expression exact(ctx.text("exact"), p.axes, p.constants);
    Vector ue(total);
    const Matrix xt = x.transpose();  // variable-major for evalMany
    exact.evalMany(xt.data(), static_cast<std::size_t>(total), ue.data());
    const double rel = (u - ue).norm() / ue.norm();
    ctx.output("relative_l2_error", rel);
    ctx.output("max_error", (u - ue).cwiseAbs().maxCoeff());
  }
  ctx.output("loss", r.loss);
  Map terms;
  for (std::size_t t = 0; t < loss.terms().size(); ++t)
    terms[loss.terms()[t].name] = r.term_losses[static_cast<Eigen::Index>(t)];
  ctx.output("loss_terms", terms);
  ctx.output("history", r.history);
  ctx.output("weights", Vector(r.params.head(p.net->parameterCount())));
  Vector layers(static_cast<Eigen::Index>(p.net->sizes().size()));
  for (std::size_t l = 0; l < p.net->sizes().size(); ++l)
    layers[static_cast<Eigen::Index>(l)] = p.net->sizes()[l];
  ctx.output("layers", layers);

  // An independent check: the PDE residual at fresh random points (not used in training).
  const LossTerm& pde = loss.terms().front();
  const AffineResidual form("residual", ctx.text("residual"), p.axes, p.constants, unknown);
  Matrix fresh = uq::randomUniforms(p.seed, 999, 256, d).transpose();
  for (Eigen::Index a = 0; a < d; ++a)
    fresh.row(a) =
        (p.domain(a, 0) + (p.domain(a, 1) - p.domain(a, 0)) * fresh.row(a).array()).matrix();
  std::vector<LossTerm> check;
  check.push_back(makeTerm("pde", form, fresh, 1.0));
  const PinnLoss check_loss(loss.net(), p.scale, p.shift, std::move(check), loss.hasUnknown());
  const double fresh_ms = check_loss.value(r.params, nullptr);
  const double train_ms = r.term_losses[0] / pde.weight;

  ctx.setMethod("pinn_adam_lbfgs",
                "tanh network trained on the mean squared PDE residual plus condition terms; exact "
                "input derivatives "
                "by forward-mode propagation and exact weight gradients by back-propagation "
                "through it; Adam to "
                "leave the initial transient, then L-BFGS to converge");
  ctx.diagnostic("optimiser", Map{{"adam_steps", r.adam_steps},
                                  {"adam_seconds", r.adam_seconds},
                                  {"learning_rate", p.train.learning_rate},
                                  {"lbfgs_evaluations", r.lbfgs_evaluations},
                                  {"lbfgs_seconds", r.lbfgs_seconds},
                                  {"lbfgs_status", r.lbfgs_status.empty() ? std::string("skipped")
                                                                          : r.lbfgs_status}});
  ctx.diagnostic("parameters", static_cast<std::int64_t>(loss.dimension()));
  ctx.diagnostic("collocation_points", static_cast<std::int64_t>(pde.x.cols()));
  ctx.diagnostic("sampling", ctx.text("sampling"));
  ctx.diagnostic("seed", static_cast<std::int64_t>(p.seed));
  ctx.diagnostic("residual_rms_training", std::sqrt(train_ms));
  ctx.diagnostic("residual_rms_fresh_points", std::sqrt(fresh_ms));
  ctx.diagnostic("loss", r.loss);
  if (fresh_ms > 100 * train_ms && fresh_ms > 1e-8)
    ctx.warn("the PDE residual at fresh points (rms " + formatFine(std::sqrt(fresh_ms)) +
             ") is far above the training one (" + formatFine(std::sqrt(train_ms)) +
             "): the network overfits the collocation points; add interior_points");
  if (r.lbfgs_evaluations >= p.train.lbfgs_iterations && p.train.lbfgs_iterations > 0)
    ctx.warn("L-BFGS used its whole budget (" + std::to_string(p.train.lbfgs_iterations) +
             " evaluations): the loss may still decrease with more lbfgs_iterations");
}

}  // namespace sciagents::core::agents::pinn
