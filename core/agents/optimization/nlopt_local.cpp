// Local methods through NLopt's C API (works with either the nlopt or nlopt_cxx CMake config):
// L-BFGS-B -> LD_LBFGS, SLSQP -> LD_SLSQP, Nelder-Mead -> LN_NELDERMEAD, COBYLA -> LN_COBYLA,
// AUGLAG -> AUGLAG around LD_LBFGS. Exceptions never cross NLopt: they are parked and rethrown.
#include "core/agents/optimization/opt_common.h"

#include <nlopt.h>

#include <cmath>
#include <exception>
#include <limits>
#include <memory>

namespace sciagents::core::agents::opt {

namespace {

struct CallData {
  Objective* obj = nullptr;
  nlopt_opt opt = nullptr;
  std::exception_ptr error;
  std::optional<Diverged> diverged;
  long calls = 0;
  double best = std::numeric_limits<double>::infinity();
  long maxcalls = 1;
};

struct ConData {
  CallData* parent = nullptr;
  const Constraint* con = nullptr;
  const Bounds* bounds = nullptr;
};

double objectiveCb(unsigned n, const double* x, double* grad, void* p) {
  auto* d = static_cast<CallData*>(p);
  try {
    const Vector xv = Eigen::Map<const Vector>(x, n);
    double f;
    if (grad) {
      Vector g;
      f = d->obj->valueGrad(xv, g);
      Eigen::Map<Vector>(grad, n) = g;
      if (!std::isfinite(f) || !g.allFinite()) {  // steer away from undefined regions
        f = std::numeric_limits<double>::max();
        Eigen::Map<Vector>(grad, n).setZero();
      }
      ++d->calls;
      if (f < d->best) {
        d->best = f;
        d->obj->emit(d->calls, f, g.norm(),
                     static_cast<double>(d->calls) / static_cast<double>(d->maxcalls));
      }
    } else {
      f = d->obj->value(xv);
      if (!std::isfinite(f)) f = std::numeric_limits<double>::max();
      ++d->calls;
      if (f < d->best) {
        d->best = f;
        d->obj->emit(d->calls, f, -1.0,
                     static_cast<double>(d->calls) / static_cast<double>(d->maxcalls));
      }
    }
    return f;
  } catch (const Diverged& e) {
    d->diverged = e;
  } catch (...) {
    d->error = std::current_exception();
  }
  nlopt_force_stop(d->opt);
  return 0.0;
}

// NLopt wants h(x) <= 0 (inequality) / h(x) = 0 (equality); ours are c(x) >= 0 / c(x) = 0.
double constraintCb(unsigned n, const double* x, double* grad, void* p) {
  auto* c = static_cast<ConData*>(p);
  try {
    const Vector xv = Eigen::Map<const Vector>(x, n);
    const double sign = c->con->eq ? 1.0 : -1.0;
    auto h = [&](const Vector& y) { return c->con->expr.eval(y.data()); };
    if (grad) Eigen::Map<Vector>(grad, n) = sign * fdGradient(h, xv, c->bounds);
    const double v = h(xv);
    return std::isfinite(v) ? sign * v : std::numeric_limits<double>::max();
  } catch (...) {
    c->parent->error = std::current_exception();
  }
  nlopt_force_stop(c->parent->opt);
  return 0.0;
}

nlopt_algorithm algorithmFor(const std::string& m) {
  if (m == "l-bfgs-b") return NLOPT_LD_LBFGS;
  if (m == "slsqp") return NLOPT_LD_SLSQP;
  if (m == "nelder-mead") return NLOPT_LN_NELDERMEAD;
  if (m == "cobyla") return NLOPT_LN_COBYLA;
  return NLOPT_AUGLAG;
}

std::string resultText(nlopt_result r) {
  switch (r) {
    case NLOPT_SUCCESS:
      return "success";
    case NLOPT_STOPVAL_REACHED:
      return "stopval reached";
    case NLOPT_FTOL_REACHED:
      return "relative/absolute change of f below ftol";
    case NLOPT_XTOL_REACHED:
      return "relative/absolute change of x below xtol";
    case NLOPT_MAXEVAL_REACHED:
      return "maximum number of function evaluations reached";
    case NLOPT_MAXTIME_REACHED:
      return "maximum time reached";
    case NLOPT_FAILURE:
      return "generic failure";
    case NLOPT_INVALID_ARGS:
      return "invalid arguments";
    case NLOPT_OUT_OF_MEMORY:
      return "out of memory";
    case NLOPT_ROUNDOFF_LIMITED:
      return "stopped by roundoff errors (no further progress possible)";
    case NLOPT_FORCED_STOP:
      return "forced stop";
    default:
      return "status " + std::to_string(static_cast<int>(r));
  }
}

using OptPtr = std::unique_ptr<std::remove_pointer_t<nlopt_opt>, decltype(&nlopt_destroy)>;

}  // namespace

LocalResult runLocal(Objective& obj, const Vector& x0, const LocalOptions& o) {
  const auto n = static_cast<unsigned>(x0.size());
  const long default_iter =
      o.method == "bfgs" ? 200L * x0.size() : std::max(20000L, 2000L * x0.size());
  const long maxiter = o.maxiter > 0 ? o.maxiter : default_iter;
  if (o.method == "bfgs") return runBfgs(obj, x0, o.tol, maxiter);

  OptPtr opt(nlopt_create(algorithmFor(o.method), n), &nlopt_destroy);
  OptPtr local(nullptr, &nlopt_destroy);
  CallData data;
  data.obj = &obj;
  data.opt = opt.get();
  data.maxcalls = maxiter;
  nlopt_set_min_objective(opt.get(), objectiveCb, &data);
  if (o.bounds.any) {
    nlopt_set_lower_bounds(opt.get(), o.bounds.lo.data());
    nlopt_set_upper_bounds(opt.get(), o.bounds.hi.data());
  }
  std::vector<ConData> cons;
  if (o.constraints) {
    cons.reserve(o.constraints->size());
    for (const auto& c : *o.constraints) {
      cons.push_back({&data, &c, o.bounds.any ? &o.bounds : nullptr});
      const nlopt_result r =
          c.eq ? nlopt_add_equality_constraint(opt.get(), constraintCb, &cons.back(), 1e-10)
               : nlopt_add_inequality_constraint(opt.get(), constraintCb, &cons.back(), 1e-10);
      if (r < 0)
        throw paramError("method", "method '" + o.method + "' does not accept " +
                                       (c.eq ? "equality" : "inequality") +
                                       " constraints (use SLSQP, COBYLA or auto)");
    }
  }
  nlopt_set_xtol_rel(opt.get(), o.tol);
  nlopt_set_ftol_rel(opt.get(), 1e-2 * o.tol);
  nlopt_set_maxeval(opt.get(), static_cast<int>(std::min<long>(maxiter, 2000000000L)));
  if (o.method == "auglag") {
    local.reset(nlopt_create(NLOPT_LD_LBFGS, n));
    nlopt_set_xtol_rel(local.get(), o.tol);
    nlopt_set_ftol_rel(local.get(), 1e-2 * o.tol);
    nlopt_set_local_optimizer(opt.get(), local.get());
  }
  if (o.method == "nelder-mead" ||
      o.method == "cobyla") {  // initial simplex ~ 5 % of |x0| (like SciPy)
    Vector step = (0.05 * x0.cwiseAbs()).cwiseMax(2.5e-4);
    if (o.bounds.finite()) step = step.cwiseMin(0.25 * (o.bounds.hi - o.bounds.lo).cwiseMax(1e-12));
    nlopt_set_initial_step(opt.get(), step.data());
  }
  Vector x = o.bounds.any ? clip(x0, o.bounds) : x0;
  double f = 0.0;
  const nlopt_result res = nlopt_optimize(opt.get(), x.data(), &f);
  if (data.error) std::rethrow_exception(data.error);
  if (data.diverged) throw *data.diverged;
  LocalResult r;
  r.x = x;
  r.f = f;
  r.nit = data.calls;
  r.message = "NLopt: " + resultText(res);
  r.maxiter = res == NLOPT_MAXEVAL_REACHED;
  r.success = res > 0 && res != NLOPT_MAXEVAL_REACHED && res != NLOPT_MAXTIME_REACHED;
  if (res == NLOPT_ROUNDOFF_LIMITED)
    r.success = true;  // judged later from the gradient/KKT residual
  if (res < 0 && res != NLOPT_ROUNDOFF_LIMITED && (!o.constraints || o.constraints->empty()) &&
      obj.bestF() < std::numeric_limits<double>::infinity() && obj.bestF() < f) {
    r.x = obj.bestX();
    r.f = obj.bestF();
  }
  return r;
}

}  // namespace sciagents::core::agents::opt
