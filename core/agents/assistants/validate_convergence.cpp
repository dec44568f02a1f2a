// executor_validator.validate (independent checks of a finished step through its task's validate
// hook) and executor_validator.convergence (observed order of accuracy under refinement).
#include "core/agent/agent_registry.h"
#include "core/agent/constants_param.h"
#include "core/agents/assistants/assistant_agents.h"
#include "core/agents/assistants/target_problem.h"
#include "core/expr/expression.h"
#include "core/util/error.h"
#include "core/util/text_format.h"

#include <cmath>
#include <cstdio>

namespace sciagents::core::agents {

namespace assist {

namespace {}  // namespace

void runValidate(const AgentRegistry& registry, TaskContext& ctx) {
  const TargetProblem p = openProblem(registry, ctx, "target");
  if (!p.outputs)
    throw paramError("target", "validate checks a finished step: use {\"step\": \"ID\"}");
  if (!p.task->validate)
    throw Error(ErrorCode::RunFailed, "no independent check is available for " + p.label + " yet");
  const std::vector<ValidationCheck> checks = p.task->validate(*p.context, *p.outputs);
  List rows;
  std::string failed;
  for (const auto& c : checks) {
    rows.emplace_back(Map{{"name", c.name},
                          {"value", c.value},
                          {"limit", c.limit},
                          {"passed", c.passed},
                          {"detail", c.detail}});
    if (!c.passed)
      failed += (failed.empty() ? "" : "; ") + c.name + " = " + formatBrief(c.value) + " > " +
                formatBrief(c.limit);
  }
  const bool passed = failed.empty() && !checks.empty();
  const std::string summary =
      passed ? std::to_string(checks.size()) + " of " + std::to_string(checks.size()) +
                   " checks passed for " + p.label
             : "check failed for " + p.label + ": " + (failed.empty() ? "no checks" : failed);
  ctx.output("passed", passed);
  ctx.output("checks", std::move(rows));
  ctx.output("summary", summary);
  ctx.setMethod("task_hook", "independent checks defined by " + p.label);
  if (!passed) {
    if (ctx.flag("strict")) throw Error(ErrorCode::RunFailed, summary);
    ctx.warn(summary);
  }
}

namespace {
// Max-norm error of a grid field against an exact expression in its axis names.
double gridError(const GridField& g, const std::string& exact, const Constants& constants) {
  Expression f(exact, g.axis_names, constants);
  const std::size_t d = g.axes.size();
  std::vector<Eigen::Index> idx(d, 0);
  std::vector<double> x(d);
  double err = 0.0;
  for (Eigen::Index k = 0; k < g.values.size(); ++k) {
    Eigen::Index rem = k;
    for (std::size_t a = d; a-- > 0;) {
      const Eigen::Index n = g.axes[a].size();
      x[a] = g.axes[a][rem % n];
      rem /= n;
    }
    err = std::max(err, std::fabs(g.values[k] - f.eval(x.data())));
  }
  return err;
}

Vector asNumbers(const Value& v, const std::string& output) {
  switch (v.kind()) {
    case ValueKind::Scalar:
    case ValueKind::Integer:
      return Vector::Constant(1, v.asDouble());
    case ValueKind::Vector:
      return v.asVector();
    case ValueKind::GridField:
      return v.asGrid().values;
    default:
      throw paramError("output", "output '" + output + "' is a " + std::string(v.kindName()) +
                                     "; convergence needs a number, a vector or a grid field");
  }
}
}  // namespace

void runConvergence(const AgentRegistry& registry, TaskContext& ctx) {
  const TargetProblem p = openProblem(registry, ctx, "problem");
  const std::string refine = ctx.text("refine"), output = ctx.text("output");
  const ParamSpec* spec = p.task->param(refine);
  if (!spec) throw paramError("refine", "'" + refine + "' is not a parameter of " + p.label);
  const Vector values = ctx.vector("values");
  if (values.size() < 3)
    throw paramError("values",
                     "need at least 3 refinement levels, got " + std::to_string(values.size()));
  Vector h = ctx.has("h") ? ctx.vector("h") : Vector(values.cwiseInverse());
  if (h.size() != values.size()) throw paramError("h", "needs one mesh size per refinement level");
  if ((h.array() <= 0).any()) throw paramError("h", "mesh sizes must be positive");
  const Constants constants = readConstants(ctx);
  const bool has_exact = ctx.has("exact");

  std::vector<Vector> results;
  Vector errors(values.size());
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    ctx.checkCancelled();
    Map params = p.context->params();
    params[refine] = spec->type == ParamType::Integer
                         ? Value(static_cast<std::int64_t>(std::llround(values[i])))
                         : Value(values[i]);
    const Map out = runTask(*p.task, params, ctx, refine + "=" + formatBrief(values[i]));
    auto it = out.find(output);
    if (it == out.end()) throw paramError("output", p.label + " has no output '" + output + "'");
    if (has_exact) {
      if (it->second.kind() == ValueKind::GridField) {
        errors[i] = gridError(it->second.asGrid(), ctx.text("exact"), constants);
      } else {
        const Vector q = asNumbers(it->second, output);
        errors[i] = (q.array() - Expression(ctx.text("exact"), {}, constants).eval(nullptr))
                        .abs()
                        .maxCoeff();
      }
    } else {
      results.push_back(asNumbers(it->second, output));
    }
    ctx.progress(static_cast<double>(i + 1) / static_cast<double>(values.size()),
                 refine + " = " + formatBrief(values[i]));
  }
  Vector orders;
  if (has_exact) {
    orders.resize(values.size() - 1);
    for (Eigen::Index i = 1; i < values.size(); ++i)
      orders[i - 1] = std::log(errors[i - 1] / errors[i]) / std::log(h[i - 1] / h[i]);
  } else {
    // Richardson: differences of successive levels shrink like h^p.
    for (std::size_t i = 1; i < results.size(); ++i)
      if (results[i].size() != results[0].size())
        throw paramError("output", "without 'exact', output '" + output +
                                       "' must have the same size at every level");
    errors.resize(values.size() - 1);
    for (Eigen::Index i = 0; i + 1 < values.size(); ++i)
      errors[i] = (results[static_cast<std::size_t>(i + 1)] - results[static_cast<std::size_t>(i)])
                      .cwiseAbs()
                      .maxCoeff();
    orders.resize(values.size() - 2);
    for (Eigen::Index i = 1; i + 1 < values.size(); ++i)
      orders[i - 1] = std::log(errors[i - 1] / errors[i]) / std::log(h[i - 1] / h[i]);
  }
  for (Eigen::Index i = 0; i < errors.size(); ++i) ctx.metric("error", h[i], errors[i]);
  if (!orders.allFinite())
    ctx.warn("some observed orders are not finite (errors reached zero or rounding level)");
  ctx.output("observed_order", orders[orders.size() - 1]);
  ctx.output("orders", orders);
  ctx.output("errors", errors);
  ctx.output("h", h);
  ctx.setMethod(
      has_exact ? "exact_error" : "richardson",
      has_exact
          ? "max-norm error against the exact solution at each level; order from successive levels"
          : "no exact solution: differences between successive levels (Richardson), which shrink "
            "like h^p");
}

}  // namespace assist

AgentSpec executorValidatorAgent() {
  AgentSpec a;
  a.id = "executor_validator";
  a.name = "Executor and validator";
  a.family = "Assistants";
  a.version = "1.0.0";
  a.summary = "Independent checks of results and observed orders of accuracy under refinement.";

  TaskSpec v;
  v.id = "validate";
  v.summary = "Independently check a finished step's result (pass/fail with figures).";
  v.doc =
      "Each task defines its own independent checks (e.g. linear_algebra.solve: backward error "
      "from a residual "
      "recomputed in extended precision). Insert a validate step after any step: "
      "`\"params\": {\"target\": {\"step\": \"solve\"}}`.";
  v.params = {ParamSpec::make("target", ParamType::Map)
                  .req()
                  .describe("The step to check: {\"step\": \"ID\"}."),
              ParamSpec::make("strict", ParamType::Boolean)
                  .def(false)
                  .describe("Fail this step when a check fails (otherwise report passed = false "
                            "with a warning).")};
  v.outputs = {{"passed", ValueKind::Bool, "Whether every check passed."},
               {"checks", ValueKind::List, "One {name, value, limit, passed, detail} per check."},
               {"summary", ValueKind::String, "One line for people."}};
  v.run = [](TaskContext& ctx) { assist::runValidate(ctx.registry(), ctx); };

  TaskSpec c;
  c.id = "convergence";
  c.summary = "Observed order of accuracy of a step's output under refinement of one parameter.";
  c.doc =
      "Runs the problem once per refinement level (`values` of parameter `refine`), measures the "
      "error of "
      "`output` against `exact` (an expression in the grid's axis names, or a constant) or, "
      "without it, the "
      "differences between successive levels, and fits the order p in error ~ h^p. Give `h` (mesh "
      "sizes) "
      "explicitly when it is not 1/value, e.g. h = 1/(n+1) for n interior points.";
  c.params = {
      ParamSpec::make("problem", ParamType::Map)
          .req()
          .describe("{\"step\": \"ID\"} or {\"agent\", \"task\", \"params\"}."),
      ParamSpec::make("refine", ParamType::String)
          .req()
          .describe("The parameter to refine, e.g. \"n\"."),
      ParamSpec::make("values", ParamType::Vector)
          .req()
          .describe("Refinement levels, coarse to fine (at least 3)."),
      ParamSpec::make("output", ParamType::String)
          .req()
          .describe("The output whose error is measured."),
      ParamSpec::make("exact", ParamType::Expression)
          .describe("Exact solution (in the grid's axis names)."),
      ParamSpec::make("h", ParamType::Vector).describe("Mesh size per level (default 1/value)."),
      ParamSpec::make("constants", ParamType::Map).describe("Constants used in `exact`."),
  };
  c.outputs = {{"observed_order", ValueKind::Scalar, "Order from the two finest levels."},
               {"orders", ValueKind::Vector, "Order between each pair of successive levels."},
               {"errors", ValueKind::Vector, "Errors (or successive differences) per level."},
               {"h", ValueKind::Vector, "Mesh sizes used."}};
  c.run = [](TaskContext& ctx) { assist::runConvergence(ctx.registry(), ctx); };
  a.tasks = {std::move(v), std::move(c)};
  return a;
}

}  // namespace sciagents::core::agents
