// Resource estimates of the sampling tasks of the uq agent (core/agent/resource_estimate.h):
// sample matrices of n x inputs doubles, n model evaluations (sobol: n (d + 2)).
#include "core/agents/resource_estimators.h"
#include "core/util/error.h"

namespace sciagents::core::agents::uq {

namespace {

double inputCount(const TaskContext& ctx) {
  const Value& v = ctx.param("inputs");
  if (v.kind() == ValueKind::List) return static_cast<double>(v.asList().size());
  if (v.kind() == ValueKind::Map) return static_cast<double>(v.asMap().size());
  throw paramError("inputs", "expected a list of inputs");
}

// A model evaluation: ~100 operations for an expression; a step model costs its own step, which
// the engine checks again when that step is known (counted here as 1000).
double evaluationCost(const TaskContext& ctx) {
  if (!ctx.has("model")) return 1000;
  return ctx.param("model").kind() == ValueKind::String ? 100 : 1000;
}

ResourceEstimate sampling(const TaskContext& ctx, double samples, double bytes,
                          const std::string& what) {
  ResourceEstimate e;
  e.memory_bytes = bytes;
  e.memory_param = e.work_param = "n";
  e.memory_what = what;
  e.work = samples * evaluationCost(ctx);
  return e;
}

}  // namespace

ResourceEstimate estimateMonteCarlo(const AgentRegistry&, const TaskContext& ctx) {
  const double n = paramCount(ctx, "n"), d = inputCount(ctx);
  const double kept = ctx.flag("return_samples") ? 2 : 1;
  return sampling(ctx, n, n * (d + 1) * 8.0 * (1 + kept),
                  formatCount(n) + " samples of " + formatCount(d) + " inputs");
}

ResourceEstimate estimateSobol(const AgentRegistry&, const TaskContext& ctx) {
  const double n = paramCount(ctx, "n"), d = inputCount(ctx);
  const double evals = n * (d + 2);
  // The unit-cube and the mapped sample matrices (n (d+2) x d each), outputs and centred copies.
  return sampling(ctx, evals, evals * d * 8.0 * 2 + evals * 8.0 * 2,
                  formatCount(evals) + " model evaluations (n (d + 2), d = " + formatCount(d) +
                      ") and their sample matrices");
}

ResourceEstimate estimateLhs(const AgentRegistry&, const TaskContext& ctx) {
  const double n = paramCount(ctx, "n"), d = inputCount(ctx);
  ResourceEstimate e =
      sampling(ctx, n, n * d * 8.0 * 4, "a design of " + formatCount(n) + " x " + formatCount(d));
  e.work += paramCount(ctx, "candidates") * n * d * 10 + paramCount(ctx, "iterations") * n * d;
  return e;
}

}  // namespace sciagents::core::agents::uq
