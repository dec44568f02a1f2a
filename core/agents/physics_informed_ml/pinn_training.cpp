#include "core/agents/physics_informed_ml/pinn_training.h"

#include "core/util/error.h"

#include <nlopt.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <type_traits>

namespace sciagents::core::agents::pinn {

namespace {

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Thinned history plus live metrics, shared by both phases.
class Recorder {
 public:
  Recorder(TaskContext& ctx, const PinnLoss& loss, std::int64_t budget)
      : m_ctx(ctx),
        m_unknown(loss.hasUnknown()),
        m_k_index(loss.net().parameterCount()),
        m_stride(std::max<std::int64_t>(1, budget / 400)),
        m_budget(std::max<std::int64_t>(1, budget)) {}

  void record(double value, const Vector& p, int phase, bool force = false) {
    ++m_iteration;
    if (!force && m_iteration % m_stride != 0) return;
    const auto it = static_cast<double>(m_iteration);
    m_iter.push_back(it);
    m_loss.push_back(value);
    m_phase.push_back(phase);
    m_ctx.metric("loss", it, value);
    if (m_unknown) {
      m_coef.push_back(p[m_k_index]);
      m_ctx.metric("coefficient", it, p[m_k_index]);
    }
    m_ctx.progress(std::min(1.0, it / static_cast<double>(m_budget)),
                   phase == 0 ? "Adam" : "L-BFGS");
  }
  std::int64_t iteration() const { return m_iteration; }

  Value table() const {
    auto vec = [](const std::vector<double>& v) {
      return Value(Vector(Eigen::Map<const Vector>(v.data(), static_cast<Eigen::Index>(v.size()))));
    };
    Table t;
    t.columns = {"iteration", "loss", "phase"};
    t.data = {vec(m_iter), vec(m_loss), vec(m_phase)};
    if (m_unknown) {
      t.columns.push_back("coefficient");
      t.data.push_back(vec(m_coef));
    }
    return t;
  }

 private:
  TaskContext& m_ctx;
  bool m_unknown;
  Eigen::Index m_k_index;
  std::int64_t m_stride, m_budget, m_iteration = 0;
  std::vector<double> m_iter, m_loss, m_phase, m_coef;
};

struct LbfgsData {
  const PinnLoss* loss = nullptr;
  Recorder* rec = nullptr;
  const TaskContext* ctx = nullptr;
  nlopt_opt opt = nullptr;
  std::exception_ptr error;
  double best = INFINITY;
  Vector best_p;
};

double lbfgsObjective(unsigned n, const double* x, double* grad, void* data) {
  auto* d = static_cast<LbfgsData*>(data);
  try {
    const Vector p = Eigen::Map<const Vector>(x, n);
    Vector g;
    const double f = d->loss->value(p, grad ? &g : nullptr);
    if (grad) Eigen::Map<Vector>(grad, n) = g;
    if (f < d->best) d->best = f, d->best_p = p;
    d->rec->record(f, p, 1);
    d->ctx->checkCancelled();
    return f;
  } catch (...) {
    d->error = std::current_exception();
    nlopt_force_stop(d->opt);
    return INFINITY;
  }
}

std::string statusText(nlopt_result r) {
  switch (r) {
    case NLOPT_SUCCESS:
      return "success";
    case NLOPT_FTOL_REACHED:
      return "loss change below tolerance";
    case NLOPT_XTOL_REACHED:
      return "step below tolerance";
    case NLOPT_MAXEVAL_REACHED:
      return "evaluation budget reached";
    case NLOPT_ROUNDOFF_LIMITED:
      return "stopped by round-off (loss at the precision limit of the line search)";
    case NLOPT_FORCED_STOP:
      return "stopped";
    default:
      return "NLopt status " + std::to_string(static_cast<int>(r));
  }
}

}  // namespace

TrainResult train(const PinnLoss& loss, Vector p, const TrainOptions& o, TaskContext& ctx) {
  TrainResult res;
  Recorder rec(ctx, loss, o.epochs + o.lbfgs_iterations);
  const Eigen::Index n = loss.dimension();

  // Adam with bias correction (Kingma & Ba 2015), full batch.
  const auto t0 = std::chrono::steady_clock::now();
  constexpr double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  Vector m = Vector::Zero(n), v = Vector::Zero(n), g;
  double f = 0.0;
  for (std::int64_t step = 1; step <= o.epochs; ++step) {
    f = loss.value(p, &g);
    if (!std::isfinite(f))
      throw Error(ErrorCode::RunFailed,
                  "the loss became " + std::to_string(f) + " at Adam step " + std::to_string(step) +
                      "; lower learning_rate",
                  {}, "learning_rate");
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g.cwiseAbs2();
    const double c1 = 1 - std::pow(b1, static_cast<double>(step)),
                 c2 = 1 - std::pow(b2, static_cast<double>(step));
    p.array() -= o.learning_rate * (m.array() / c1) / ((v.array() / c2).sqrt() + eps);
    rec.record(f, p, 0, step == o.epochs);
    if (step % 16 == 0) ctx.checkCancelled();
  }
  res.adam_steps = o.epochs;
  res.adam_seconds = secondsSince(t0);

  const auto t1 = std::chrono::steady_clock::now();
  if (o.lbfgs_iterations > 0) {
    std::unique_ptr<std::remove_pointer_t<nlopt_opt>, decltype(&nlopt_destroy)> opt(
        nlopt_create(NLOPT_LD_LBFGS, static_cast<unsigned>(n)), &nlopt_destroy);
    LbfgsData d;
    d.loss = &loss;
    d.rec = &rec;
    d.ctx = &ctx;
    d.opt = opt.get();
    d.best_p = p;
    d.best = loss.value(p, nullptr);
    nlopt_set_min_objective(opt.get(), lbfgsObjective, &d);
    nlopt_set_maxeval(opt.get(),
                      static_cast<int>(std::min<std::int64_t>(o.lbfgs_iterations, 2000000000)));
    nlopt_set_ftol_rel(opt.get(), o.tolerance);
    nlopt_set_vector_storage(opt.get(), 20);
    const std::int64_t before = rec.iteration();
    double fmin = 0.0;
    const nlopt_result r = nlopt_optimize(opt.get(), p.data(), &fmin);
    if (d.error) std::rethrow_exception(d.error);
    res.lbfgs_evaluations = rec.iteration() - before;
    res.lbfgs_status = statusText(r);
    p = d.best_p;  // NLopt returns the best point, but a failed run may leave p elsewhere
  }
  res.lbfgs_seconds = secondsSince(t1);
  res.loss = loss.value(p, nullptr, &res.term_losses);
  rec.record(res.loss, p, o.lbfgs_iterations > 0 ? 1 : 0, true);
  res.params = std::move(p);
  res.history = rec.table();
  return res;
}

}  // namespace sciagents::core::agents::pinn
