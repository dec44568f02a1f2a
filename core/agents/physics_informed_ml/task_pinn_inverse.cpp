// physics_informed_ml.pinn_inverse: identify an unknown scalar coefficient of a PDE from
// observations of its solution, training the coefficient jointly with a PINN.
#include "core/agents/physics_informed_ml/pinn_problem.h"
#include "core/agents/physics_informed_ml/tasks.h"
#include "core/agents/uq/uq_common.h"
#include "core/util/error.h"

#include <cmath>

namespace sciagents::core::agents::pinn {

namespace {

void runPinnInverse(TaskContext& ctx) {
  const std::string unknown = ctx.text("unknown");
  PinnProblem p = readProblem(ctx, unknown);
  if (!AffineResidual("residual", ctx.text("residual"), p.axes, p.constants, unknown).usesUnknown())
    throw paramError("residual", "'" + ctx.text("residual") + "' does not contain the unknown '" +
                                     unknown + "'");
  const Matrix x_obs = readPoints(ctx, "x_obs", p);
  const Vector u_obs = ctx.vector("u_obs");
  if (u_obs.size() != x_obs.cols())
    throw paramError("u_obs", "has " + std::to_string(u_obs.size()) + " values for " +
                                  std::to_string(x_obs.cols()) + " points of x_obs");
  if (!u_obs.allFinite()) throw paramError("u_obs", "observations must be finite");
  if (u_obs.size() < 2) throw paramError("u_obs", "need at least 2 observations");
  p.terms.push_back(makeDataTerm(x_obs, u_obs, ctx.number("data_weight")));
  const PinnLoss loss(*p.net, p.scale, p.shift, std::move(p.terms), true);
  Vector p0(loss.dimension());
  p0 << p.initial, ctx.number("initial_guess");
  const TrainResult r = train(loss, p0, p.train, ctx);
  publishSolution(ctx, p, loss, r, unknown);
  const double k = r.params[r.params.size() - 1];
  ctx.output("coefficient", k);
  ctx.diagnostic("unknown", unknown);
  ctx.diagnostic("observations", static_cast<std::int64_t>(u_obs.size()));
  ctx.diagnostic("data_misfit_rms",
                 std::sqrt(r.term_losses[r.term_losses.size() - 1] / ctx.number("data_weight")));
  if (ctx.has("truth")) {
    const double truth = ctx.number("truth");
    ctx.output("coefficient_error", std::abs(k - truth) / (truth != 0 ? std::abs(truth) : 1.0));
  }
  ctx.setMethod("pinn_inverse_adam_lbfgs",
                "the unknown '" + unknown +
                    "' is one more trainable parameter: network and coefficient minimise the "
                    "PDE residual, the conditions and the data misfit together (exact gradients), "
                    "Adam then L-BFGS");
}

}  // namespace

TaskSpec pinnInverseTask() {
  TaskSpec t;
  t.id = "pinn_inverse";
  t.summary =
      "Identify an unknown scalar PDE coefficient from observations with a physics-informed "
      "network.";
  t.doc =
      "As `pinn`, with an `unknown` coefficient (default name k) in the residual or conditions, "
      "e.g. "
      "\"u_xx + k*pi^2*sin(pi*x)\" (source strength) or \"k*u_xx + f(x)\" (diffusivity). The "
      "residual must be affine "
      "in u and its derivatives with coefficients affine in the unknown. The network and the "
      "coefficient are "
      "trained together on the PDE and condition residuals plus the misfit to the observations "
      "(`x_obs`, `u_obs`). "
      "Outputs the estimate and, given `truth`, its relative error. Live series: loss and "
      "coefficient.";
  t.params = problemParams();
  t.params.push_back(ParamSpec::make("unknown", ParamType::String)
                         .def("k")
                         .describe("Name of the unknown coefficient in the residual."));
  t.params.push_back(ParamSpec::make("initial_guess", ParamType::Number)
                         .def(1.0)
                         .describe("Starting value of the unknown."));
  t.params.push_back(ParamSpec::make("x_obs", ParamType::Any)
                         .req()
                         .describe("Observation points: a vector (one variable) or n x d rows."));
  t.params.push_back(
      ParamSpec::make("u_obs", ParamType::Vector).req().describe("Observed u at x_obs."));
  t.params.push_back(ParamSpec::make("data_weight", ParamType::Number)
                         .def(1.0)
                         .positive()
                         .describe("Weight of the data misfit term."));
  t.params.push_back(
      ParamSpec::make("truth", ParamType::Number)
          .describe("True value of the unknown, to report the estimate's relative error."));
  t.outputs = solutionOutputs();
  t.outputs.push_back({"coefficient", ValueKind::Scalar, "Estimate of the unknown coefficient."});
  t.outputs.push_back({"coefficient_error", ValueKind::Scalar,
                       "|estimate - truth| / |truth| (when truth is given)."});
  t.run = runPinnInverse;
  return t;
}

}  // namespace sciagents::core::agents::pinn
